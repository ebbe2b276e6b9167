import fc from 'fast-check';
import { expect, test } from 'vitest';
import { readCorpus } from '@/lib/test-support/corpus';
import type { ParseContext, ParseOutput } from '../types';
import { powermtaFormat } from './powermta';

const ctx: ParseContext = { now: new Date('2024-01-01T00:00:00Z'), utcOffsetMinutes: 0 };

function parse(text: string, context: ParseContext = ctx): ParseOutput[] {
  const parser = powermtaFormat.createParser(context);
  const out = text.split('\n').flatMap((line, i) => parser.push(line.replace(/\r$/, ''), i + 1));
  return [...out, ...parser.end()];
}

const events = (out: ParseOutput[]) => out.flatMap((o) => (o.kind === 'event' ? [o.event] : []));
const rejects = (out: ParseOutput[]) => out.flatMap((o) => (o.kind === 'reject' ? [{ line: o.line, reason: o.reason }] : []));

test('the port25 bounce-handler sample: two bounces, timeQueued standing in for timeLogged', () => {
  const out = parse(readCorpus('powermta/port25-bouncehandler-readme-acct-bounce-sample.csv'));
  expect(rejects(out)).toEqual([]);
  const [first, second, ...rest] = events(out);
  expect(rest).toEqual([]);
  expect(first).toMatchObject({
    occurredAt: new Date('2016-05-28T23:10:51Z'),
    source: 'powermta',
    outcome: 'bounced',
    sender: 'mailwizz@example.com',
    recipient: 'XXX@domain.com',
    sendingIp: '1.1.1.1',
    enhancedCode: '5.1.2',
    mxHost: null,
    mxIp: null,
    reply: null,
  });
  expect(second).toMatchObject({
    occurredAt: new Date('2016-05-28T23:10:23Z'),
    recipient: 'YYY@anotherdomain.com',
    enhancedCode: '5.1.1',
    mxHost: 'mx1.destindomain.com',
    mxIp: '2.2.2.2',
  });
});

// Rows written from the PowerMTA field vocabulary; replies and DSN wording are real
// (DESIGN.md reference reply; sisimai lhost-powermta-01.eml Status/Diagnostic-Code/Remote-MTA).
const HEADER =
  'type,timeLogged,timeQueued,orig,rcpt,orcpt,dsnAction,dsnStatus,dsnDiag,dsnMta,bounceCat,srcType,srcMta,dlvType,dlvSourceIp,dlvDestinationIp,dlvEsmtpAvailable,dlvSize,vmta,jobId,envId,queue,vmtaPool,totalSecondsQueued';
const DEFERRED =
  't,2023-10-11 02:17:50+0000,2023-10-10 20:18:53+0000,bounces@news.example.net,user@contoso.com,,delayed,4.7.500 (server busy),"smtp;451 4.7.500 Server busy. Please try again later from [203.0.113.7]. (S77714) [MW2NAM12FT080.eop-nam12.prod.protection.outlook.com 2023-10-11T02:17:50.557Z 08DBC41AE3EEAC91]",contoso-com.mail.protection.outlook.com (104.47.2.33),,smtp,app1.example.net (192.0.2.10),smtp,203.0.113.7,104.47.2.33,"PIPELINING,8BITMIME,SIZE,STARTTLS",24567,vmta-7,job42,,contoso.com/vmta-7,pool-a,21537';
const DELIVERED =
  'd,2023-10-11 03:02:11+0530,2023-10-11 03:01:58+0530,bounces@news.example.net,friend@gmail.com,,relayed,2.0.0 (success),smtp;250 2.0.0 OK 1697000000 a1-20020a170902 - gsmtp,gmail-smtp-in.l.google.com (142.251.2.27),,smtp,app1.example.net (192.0.2.10),smtp,203.0.113.8,142.251.2.27,"PIPELINING,8BITMIME",18002,vmta-8,job42,,gmail.com/vmta-8,pool-a,13';
const BOUNCED =
  'b,2023-10-11 02:20:01+0000,2023-10-11 02:19:00+0000,bounces@news.example.net,kijitora@example.jp,,failed,5.2.1 (mailbox disabled; not accepting messages),smtp;550 5.2.1 <kijitora@example.jp>... User Unknown,mx.example.jp (192.0.2.135),bad-mailbox,smtp,app1.example.net (192.0.2.10),smtp,203.0.113.7,192.0.2.135,,3011,vmta-7,job42,,example.jp/vmta-7,pool-a,61';
const QUEUE_DEFERRED =
  'tq,2023-10-11 02:25:00+0000,,,,,,4.7.0 (other or undefined security status),"smtp;421 4.7.0 [TSS04] Messages from 203.0.113.7 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes",mta5.am0.yahoodns.net (67.195.204.77),,,,,203.0.113.7,67.195.204.77,,,vmta-7,,,yahoo.com/vmta-7,pool-a,';
const FEEDBACK = 'f,2023-10-11 04:00:00+0000,,bounces@news.example.net,user@yahoo.com,,,,,,,,,,,,,,,,,,,';

test('a realistic accounting file: deferral, delivery, bounce, queue-level deferral and an FBL record', () => {
  const out = parse([HEADER, DEFERRED, DELIVERED, BOUNCED, QUEUE_DEFERRED, FEEDBACK].join('\n'));
  expect(rejects(out)).toEqual([]);
  const [deferred, delivered, bounced, queue, ...rest] = events(out);
  expect(rest).toEqual([]);
  expect(deferred).toMatchObject({
    occurredAt: new Date('2023-10-11T02:17:50Z'),
    outcome: 'deferred',
    sender: 'bounces@news.example.net',
    recipient: 'user@contoso.com',
    mxHost: 'contoso-com.mail.protection.outlook.com',
    mxIp: '104.47.2.33',
    sendingIp: '203.0.113.7',
    enhancedCode: '4.7.500',
    smtpCode: null,
    sizeBytes: 24567,
    delaySeconds: 21537,
  });
  expect(deferred?.reply).toMatch(/^451 4\.7\.500 Server busy\. .*08DBC41AE3EEAC91\]$/);
  expect(delivered).toMatchObject({ occurredAt: new Date('2023-10-10T21:32:11Z'), outcome: 'delivered', reply: '250 2.0.0 OK 1697000000 a1-20020a170902 - gsmtp' });
  expect(bounced).toMatchObject({ outcome: 'bounced', enhancedCode: '5.2.1', reply: '550 5.2.1 <kijitora@example.jp>... User Unknown', mxHost: 'mx.example.jp' });
  expect(queue).toMatchObject({ outcome: 'deferred', recipient: null, recipientDomain: 'yahoo.com', sender: null, enhancedCode: '4.7.0', mxHost: 'mta5.am0.yahoodns.net' });
  expect(queue?.reply).toMatch(/^421 4\.7\.0 \[TSS04\]/);
});

test('a header mid-file (concatenated files) replaces the previous one', () => {
  const out = parse(['type,timeLogged,rcpt,dsnStatus', 'd,2023-10-11 02:17:50+0000,a@example.com,2.0.0 (success)', 'type,rcpt,timeLogged,dlvSourceIp', 'b,b@example.org,1697000000,198.51.100.4'].join('\n'));
  expect(rejects(out)).toEqual([]);
  expect(events(out).map((e) => [e.outcome, e.recipient, e.sendingIp, e.occurredAt.toISOString()])).toEqual([
    ['delivered', 'a@example.com', null, '2023-10-11T02:17:50.000Z'],
    ['bounced', 'b@example.org', '198.51.100.4', '2023-10-11T04:53:20.000Z'],
  ]);
});

test('bad rows are rejected with their line and the field at fault', () => {
  const out = parse(
    [
      'd,2023-10-11 02:17:50+0000,a@example.com',
      'type,timeLogged,rcpt,dlvSize',
      'd,2023-10-11 02:17:50+0000,a@example.com',
      'd,yesterday,a@example.com,10',
      'd,2023-02-30 10:00:00+0000,a@example.com,10',
      'd,2023-10-11 02:17:50+0000,a@example.com,ten',
      'x,2023-10-11 02:17:50+0000,a@example.com,10',
      'd,,a@example.com,10',
      'b,"smtp;550 unterminated,a@example.com,10',
    ].join('\n'),
  );
  expect(events(out)).toEqual([]);
  expect(rejects(out)).toEqual([
    { line: 1, reason: 'no PowerMTA header line (type,timeLogged,orig,rcpt,…) before this row' },
    { line: 3, reason: 'expected 4 fields as in the header, found 3' },
    { line: 4, reason: 'timeLogged: not a PowerMTA time "yesterday"' },
    { line: 5, reason: 'timeLogged: not a PowerMTA time "2023-02-30 10:00:00+0000"' },
    { line: 6, reason: 'dlvSize: not a whole number "ten"' },
    { line: 7, reason: 'type: unknown PowerMTA record type "x"' },
    { line: 8, reason: 'no time field: the row has neither timeLogged nor timeQueued' },
    { line: 9, reason: expect.stringMatching(/^unterminated quoted field/) },
  ]);
});

test('a time without zone is read in the configured local offset; blank lines are skipped', () => {
  const out = parse('\uFEFFtype,timeLogged,rcpt\n\nd,2023-10-11 02:17:50,a@example.com\n', { ...ctx, utcOffsetMinutes: 120 });
  expect(rejects(out)).toEqual([]);
  expect(events(out)[0]?.occurredAt).toEqual(new Date('2023-10-11T00:17:50Z'));
});

test('property: random lines never throw and every output names a pushed line', () => {
  const cell = fc.oneof(fc.constantFrom('type', 'timeLogged', 'rcpt', 'd', 'b', 'tq', '2023-10-11 02:17:50+0000', '"a,b"', '"'), fc.string({ maxLength: 8 }));
  fc.assert(
    fc.property(fc.array(fc.array(cell, { maxLength: 6 }).map((cells) => cells.join(',')), { maxLength: 12 }), (lines) => {
      const out = parse(lines.join('\n'));
      for (const o of out) expect(o.line).toBeGreaterThanOrEqual(1);
      for (const o of out) expect(o.line).toBeLessThanOrEqual(Math.max(1, lines.length));
    }),
  );
});
