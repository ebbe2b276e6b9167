import { expect, test } from 'vitest';
import { explainReply } from '@/lib/smtp';
import { replyExamples } from './examples';
import { readReplyForm } from './reply-form';

function form(fields: Record<string, string>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  return f;
}

test('the form trims fields and leaves empty optional ones out', () => {
  expect(readReplyForm(form({ reply: '  550 5.1.1 User unknown \n', mxHost: ' ', recipientDomain: 'Example.com ' }))).toEqual({
    success: true,
    data: { reply: '550 5.1.1 User unknown', mxHost: undefined, recipientDomain: 'Example.com' },
  });
});

test('an empty or oversized reply is refused with a message for the page', () => {
  expect(readReplyForm(form({ reply: '   ' }))).toEqual({ success: false, error: 'Paste an SMTP reply first.' });
  expect(readReplyForm(form({ reply: 'x'.repeat(16_385) }))).toEqual({ success: false, error: 'The reply is longer than 16 KiB.' });
});

test.each([
  ['Microsoft', 'microsoft.server-busy', 'microsoft-365'],
  ['Gmail', 'google.rate-limit', 'google'],
  ['Yahoo', 'yahoo.tss04', 'yahoo'],
])('the %s example matches its knowledge-base rule and provider', (name, rule, provider) => {
  const example = replyExamples.find((e) => e.label.startsWith(name));
  expect(example).toBeDefined();
  const analysis = explainReply(example?.reply ?? '', { mxHost: example?.mxHost, recipientDomain: example?.recipientDomain });
  expect(analysis.kbRule).toBe(rule);
  expect(analysis.provider).toBe(provider);
  expect(analysis.category).toBe('throttling');
});
