import fc from 'fast-check';
import { expect, test } from 'vitest';
import type { ParseContext, ParseOutput } from '../types';
import { csvFormat } from './generic-csv';

const ctx: ParseContext = { now: new Date('2024-01-01T00:00:00Z'), utcOffsetMinutes: 0 };

function parse(text: string): ParseOutput[] {
  const parser = csvFormat.createParser(ctx);
  const out = text.split('\n').flatMap((line, i) => parser.push(line.replace(/\r$/, ''), i + 1));
  return [...out, ...parser.end()];
}
const events = (out: ParseOutput[]) => out.flatMap((o) => (o.kind === 'event' ? [o.event] : []));
const rejects = (out: ParseOutput[]) => out.flatMap((o) => (o.kind === 'reject' ? [{ line: o.line, reason: o.reason }] : []));

const FILE = [
  'occurred_at,Outcome,recipient,recipient_domain,mx_host,sending_ip,smtp_code,enhanced_code,reply,delay_seconds,note',
  '2023-10-11T02:17:50Z,deferred,user@contoso.com,,contoso-com.mail.protection.outlook.com,203.0.113.7,451,4.7.500,"451 4.7.500 Server busy. Please try again later from [203.0.113.7]. (S77714) [MW2NAM12FT080.eop-nam12.prod.protection.outlook.com 2023-10-11T02:17:50.557Z 08DBC41AE3EEAC91]",21537,ignored',
  '2023-10-11T02:18:03Z,delivered,,gmail.com,gmail-smtp-in.l.google.com,203.0.113.8,250,2.0.0,"250 2.0.0 OK 1697000000 a1si - gsmtp",,',
].join('\r\n');

test('a header with snake_case and mixed-case columns, quoted replies, empty cells as null', () => {
  const out = parse(FILE);
  expect(rejects(out)).toEqual([]);
  const [deferred, delivered, ...rest] = events(out);
  expect(rest).toEqual([]);
  expect(deferred).toMatchObject({ outcome: 'deferred', smtpCode: 451, enhancedCode: '4.7.500', delaySeconds: 21537, sendingIp: '203.0.113.7', source: 'generic' });
  expect(deferred?.reply).toMatch(/\(S77714\)/);
  expect(delivered).toMatchObject({ outcome: 'delivered', recipient: null, recipientDomain: 'gmail.com', delaySeconds: null });
});

test('a repeated header mid-file replaces the previous one', () => {
  const out = parse(['occurredAt,outcome,recipient', '2023-10-11T02:17:50Z,deferred,a@example.com', 'recipient,outcome,occurredAt', 'b@example.com,bounced,2023-10-11T02:18:00Z'].join('\n'));
  expect(rejects(out)).toEqual([]);
  expect(events(out).map((e) => [e.recipient, e.outcome])).toEqual([
    ['a@example.com', 'deferred'],
    ['b@example.com', 'bounced'],
  ]);
});

test('each kind of bad row is rejected with its line and reason', () => {
  const out = parse(
    [
      'time,status,recipient',
      '2023-10-11T02:17:50Z,deferred,a@example.com',
      'occurredAt,outcome,recipient,smtpCode',
      '2023-10-11T02:17:50Z,deferred,a@example.com',
      'yesterday,deferred,a@example.com,451',
      '2023-10-11T02:17:50Z,deferred,a@example.com,four-five-one',
      '2023-10-11T02:17:50Z,"deferred,a@example.com,451',
    ].join('\n'),
  );
  expect(events(out)).toEqual([]);
  expect(rejects(out)).toEqual([
    { line: 1, reason: 'header: the first line must name the columns, including occurredAt and outcome' },
    { line: 2, reason: 'no header line naming occurredAt and outcome before this row' },
    { line: 4, reason: 'expected 4 fields as in the header, found 3' },
    { line: 5, reason: 'occurredAt: expected ISO 8601 timestamp' },
    { line: 6, reason: 'smtpCode: expected a reply code 200-599' },
    { line: 7, reason: expect.stringMatching(/^unterminated quoted field starting at column 22/) },
  ]);
});

test('property: random CSV never throws; outputs name pushed lines', () => {
  const cell = fc.oneof(fc.constantFrom('occurredAt', 'outcome', 'recipient', 'deferred', '2023-10-11T02:17:50Z', 'a@example.com', '"', '"x,y"', ''), fc.string({ maxLength: 6 }));
  fc.assert(
    fc.property(fc.array(fc.array(cell, { maxLength: 5 }).map((c) => c.join(',')), { maxLength: 10 }), (lines) => {
      for (const o of parse(lines.join('\n'))) expect(o.line).toBeLessThanOrEqual(Math.max(1, lines.length));
    }),
  );
});
