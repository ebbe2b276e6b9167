import fc from 'fast-check';
import { expect, test } from 'vitest';
import { readCorpus } from '@/lib/test-support/corpus';
import type { ParseContext, ParseOutput, ParsedEvent } from '../types';
import { mailgunFormat } from './mailgun';

const ctx: ParseContext = { now: new Date('2026-01-01T00:00:00Z'), utcOffsetMinutes: 0 };
const parse = (record: unknown, line = 1) => mailgunFormat.parseRecord(record, line, ctx);
const json = (file: string): Record<string, unknown> => JSON.parse(readCorpus(`webhooks/${file}`)) as Record<string, unknown>;
const events = (outputs: ParseOutput[]): ParsedEvent[] => outputs.map((o) => (o.kind === 'event' ? o.event : expect.fail(`reject: ${o.reason}`)));
const base = { source: 'mailgun', sourceHost: null, queueId: null, mxIp: null, delaySeconds: null } as const;

test('the Microsoft 4.7.652 temporary failure is a deferral to the Outlook.com MX', () => {
  expect(parse(json('mailgun-events-failed-temporary.json'), 9)).toEqual([
    {
      kind: 'event',
      line: 9,
      event: {
        ...base,
        occurredAt: new Date(1665066523871.657),
        messageId: '20221006142837.1618e01bf42da9fa@test.com',
        sender: 'test@test.com',
        recipient: 'test@test.com',
        mxHost: 'hotmail-com.olc.protection.outlook.com',
        // The sample redacts the IP to xxx.xxx.xxx.xxx: no address, no sending IP.
        sendingIp: null,
        outcome: 'deferred',
        smtpCode: 451,
        enhancedCode: '4.7.652',
        reply: '4.7.652 The mail server [xxx.xxx.xxx.xxx] has exceeded the maximum number of connections.',
        attempt: 1,
        sizeBytes: 3499,
        providerEventId: 'xYrATi63Rke8EC_s7EoJeA',
      },
    },
  ]);
});

test('delivered: sending IP from the envelope, MX host and attempt from delivery-status', () => {
  expect(events(parse(json('mailgun-events-delivered.json')))).toEqual([
    {
      ...base,
      occurredAt: new Date(1529692199626.182),
      messageId: '20180622182958.1.48906CB188F1A454@exmple.org',
      sender: 'sender@example.org',
      recipient: 'john@example.com',
      mxHost: 'aspmx.l.example.com',
      sendingIp: '123.123.123.123',
      outcome: 'delivered',
      smtpCode: 250,
      enhancedCode: null,
      reply: 'OK',
      attempt: 1,
      sizeBytes: 586,
      providerEventId: 'hK7mQVt1QtqRiOfQXta4sw',
    },
  ]);
});

test('a delayed Gmail bounce: the smtp; diagnostic type is dropped, the reply kept whole', () => {
  expect(events(parse(json('mailgun-events-failed-permanent-delayed-bounce.json')))).toEqual([
    {
      ...base,
      occurredAt: new Date(1666214138404.6676),
      messageId: '20221019211537.93011d31ea99c5a8@test.com',
      sender: null,
      recipient: 'christest123@test.com',
      mxHost: null,
      sendingIp: null,
      outcome: 'bounced',
      smtpCode: 550,
      enhancedCode: '5.1.1',
      reply: '550-5.1.1 The email account that you tried to reach does not exist.',
      attempt: null,
      sizeBytes: 275,
      providerEventId: 'ZDMqRgjLTDi6rQcy7K60aA',
    },
  ]);
});

test('an Events API page is expanded item by item (498 No MX, temporary)', () => {
  expect(events(parse(json('mailgun-events-api-failures-page.json')))).toEqual([
    {
      ...base,
      occurredAt: new Date(1376435471107.44),
      messageId: '20130813230036.10303.40433@samples.mailgun.org',
      sender: 'me@samples.mailgun.org',
      recipient: 'bar@example.com',
      mxHost: null,
      sendingIp: null,
      outcome: 'deferred',
      smtpCode: 498,
      enhancedCode: null,
      reply: 'No MX for [example.com]',
      attempt: null,
      sizeBytes: 370,
      providerEventId: 'czsjqFATSlC3QtAK-C80nw',
    },
  ]);
});

test('a webhook body {signature, event-data} is read through event-data', () => {
  const body = { signature: { timestamp: '1529692199', token: 't'.repeat(50), signature: '0'.repeat(64) }, 'event-data': json('mailgun-events-delivered.json') };
  expect(events(parse(body))).toEqual(events(parse(json('mailgun-events-delivered.json'))));
});

test('accepted, and a failure Mailgun suppressed without trying (suppress-bounce, 605), are context', () => {
  expect(parse(json('mailgun-events-accepted.json'))).toEqual([]);
  expect(parse(json('mailgun-events-failed-permanent.json'))).toEqual([]);
  // The same event with a real SMTP failure is a bounce.
  const real = { ...json('mailgun-events-failed-permanent.json'), reason: 'bounce', 'delivery-status': { code: 550, message: '5.1.1 No such user' } };
  expect(events(parse(real))[0]).toMatchObject({ outcome: 'bounced', smtpCode: 550, reply: '5.1.1 No such user', recipient: 'slava@mailgun.com' });
});

test('a failure without severity falls back to the reply class, and rejects when there is none', () => {
  const failed = { event: 'failed', timestamp: 1665066523.8, recipient: 'a@b.example', 'delivery-status': { code: 421, message: 'try later' } };
  expect(events(parse(failed))[0]?.outcome).toBe('deferred');
  expect(events(parse({ ...failed, 'delivery-status': { code: 554 } }))[0]?.outcome).toBe('bounced');
  expect(parse({ ...failed, 'delivery-status': {} })).toEqual([{ kind: 'reject', line: 1, reason: 'severity: expected "temporary" or "permanent"' }]);
});

test('wrong types are rejected naming the field path', () => {
  const temp = json('mailgun-events-failed-temporary.json');
  expect(parse({ ...temp, timestamp: '1665066523' })).toEqual([{ kind: 'reject', line: 1, reason: 'timestamp: expected unix seconds' }]);
  expect(parse({ 'event-data': { ...temp, 'delivery-status': { code: '451' } } })).toEqual([
    { kind: 'reject', line: 1, reason: 'event-data.delivery-status.code: expected a number' },
  ]);
  expect(parse({ items: [temp, { ...temp, recipient: null }] }).map((o) => o.kind === 'reject' && o.reason)).toEqual([false, 'items.1.recipient: expected an email address']);
  expect(parse({ items: 'none' })).toEqual([{ kind: 'reject', line: 1, reason: 'items: expected an array of Mailgun events' }]);
  expect(parse({ items: [7] })).toEqual([{ kind: 'reject', line: 1, reason: 'items.0: expected a Mailgun event (a JSON object)' }]);
  expect(parse({ ...temp, severity: 'grave' })).toEqual([{ kind: 'reject', line: 1, reason: 'severity: expected "temporary" or "permanent"' }]);
  expect(parse({ ...temp, event: 'vanished' })).toEqual([{ kind: 'reject', line: 1, reason: 'event: unknown Mailgun event "vanished"' }]);
  expect(parse({ foo: 1 })).toEqual([{ kind: 'reject', line: 1, reason: 'event: missing or not a string' }]);
});

test('property: any JSON value, bare or wrapped, gives outputs or rejects, never a throw', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      for (const o of [...parse(value, 2), ...parse({ 'event-data': value }, 2), ...parse({ items: [value] }, 2)]) expect(o.line).toBe(2);
    }),
  );
  const keys = fc.constantFrom('timestamp', 'recipient', 'severity', 'reason', 'envelope', 'delivery-status', 'message', 'id');
  fc.assert(
    fc.property(fc.constantFrom('delivered', 'failed'), fc.dictionary(keys, fc.jsonValue()), (event, fields) => {
      parse({ ...fields, event });
    }),
  );
});
