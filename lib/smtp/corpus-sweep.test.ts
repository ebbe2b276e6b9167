import { expect, test } from 'vitest';
import { readCorpus } from '@/lib/test-support/corpus';
import { explainReply, readReply } from './index';
import { categories } from './types';

const replies = readCorpus('responses/smtp-responses.txt')
  .split('\n')
  .filter((line) => line.length > 0);
const analyses = replies.map((reply) => ({ reply, analysis: explainReply(reply) }));

test('every corpus reply is analysed without throwing, with a valid category and signature', () => {
  expect(replies.length).toBeGreaterThan(500);
  for (const { analysis } of analyses) {
    expect(categories).toContain(analysis.category);
    expect(typeof analysis.signature).toBe('string');
  }
});

test('no Microsoft 4.7.5xx reply is anything but throttling', () => {
  const ms45xx = analyses.filter(({ analysis }) => /^4\.7\.5\d\d$/.test(analysis.enhancedCode ?? ''));
  expect(ms45xx.length).toBeGreaterThanOrEqual(2);
  for (const { analysis } of ms45xx) expect(analysis).toMatchObject({ category: 'throttling', kbRule: 'microsoft.server-busy', temporary: true });
});

test('every 5.1.1 reply is a recipient problem, except a reply that names a sending rate limit', () => {
  const badMailbox = analyses.filter(({ analysis }) => analysis.enhancedCode === '5.1.1');
  expect(badMailbox.length).toBeGreaterThan(40);
  const notRecipient = badMailbox.filter(({ analysis }) => analysis.category !== 'recipient');
  expect(notRecipient.map(({ analysis }) => analysis.kbRule)).toEqual(['generic.sender-rate-limit']);
});

test('Yahoo deferrals: every [TSS04] is yahoo.tss04 and names the IP where one is given', () => {
  const tss04 = analyses.filter(({ reply }) => reply.includes('[TSS04]'));
  expect(tss04.length).toBeGreaterThanOrEqual(8);
  for (const { analysis } of tss04) expect(analysis).toMatchObject({ kbRule: 'yahoo.tss04', category: 'throttling', providerToken: 'TSS04' });
  expect(tss04.filter(({ analysis }) => analysis.sendingIp !== null).length).toBeGreaterThanOrEqual(4);
});

test('Microsoft block-list replies are blocklist and permanent', () => {
  const blocked = analyses.filter(({ reply }) => reply.includes('on our block list'));
  expect(blocked.length).toBeGreaterThanOrEqual(8);
  for (const { analysis } of blocked) expect(analysis).toMatchObject({ category: 'blocklist', temporary: false });
});

test('temporary follows the basic code class wherever one is found', () => {
  for (const { analysis } of analyses) {
    if (analysis.smtpCode !== null && analysis.smtpCode >= 400) expect(analysis.temporary).toBe(analysis.smtpCode < 500);
  }
});

test('coverage does not regress: most corpus replies get a rule, and greylisting is per-recipient', () => {
  const matched = analyses.filter(({ analysis }) => analysis.kbRule !== null).length;
  expect(matched / analyses.length).toBeGreaterThan(0.6);
  const greylisted = analyses.filter(({ reply }) => /greylist/i.test(reply));
  expect(greylisted.length).toBeGreaterThanOrEqual(3);
  for (const { analysis } of greylisted) expect(analysis.isPerRecipientTemporary).toBe(true);
});

test('readReply gives the values explainReply gives, for every corpus reply and with context', () => {
  const ctx = { mxHost: 'contoso-com.mail.protection.outlook.com', recipientDomain: 'contoso.com', enhancedCode: '4.7.500', smtpCode: 451 };
  for (const { reply, analysis } of analyses) expect(readReply(reply)).toEqual(pick(analysis));
  for (const reply of replies) expect(readReply(reply, ctx)).toEqual(pick(explainReply(reply, ctx)));
});

function pick(a: ReturnType<typeof explainReply>) {
  const { smtpCode, enhancedCode, provider, providerToken, sendingIp, providerHost, providerRegion, correlationId, providerTimestamp } = a;
  return { smtpCode, enhancedCode, provider, providerToken, sendingIp, providerHost, providerRegion, correlationId, providerTimestamp };
}
