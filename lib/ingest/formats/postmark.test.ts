import fc from 'fast-check';
import { expect, test } from 'vitest';
import { readCorpus } from '@/lib/test-support/corpus';
import type { ParseContext, ParseOutput, ParsedEvent } from '../types';
import { postmarkFormat } from './postmark';

const ctx: ParseContext = { now: new Date('2026-01-01T00:00:00Z'), utcOffsetMinutes: 0 };
const parse = (record: unknown, line = 1) => postmarkFormat.parseRecord(record, line, ctx);
const json = (file: string): Record<string, unknown> => JSON.parse(readCorpus(`webhooks/${file}`)) as Record<string, unknown>;
const events = (outputs: ParseOutput[]): ParsedEvent[] => outputs.map((o) => (o.kind === 'event' ? o.event : expect.fail(`reject: ${o.reason}`)));
const base = {
  source: 'postmark',
  sourceHost: null,
  queueId: null,
  sender: null,
  mxHost: null,
  mxIp: null,
  sendingIp: null,
  smtpCode: null,
  enhancedCode: null,
  delaySeconds: null,
  attempt: null,
  sizeBytes: null,
} as const;

test('a Delivery record: Details as reply, DeliveredAt with seven fraction digits', () => {
  expect(parse(json('postmark-delivery.json'), 4)).toEqual([
    {
      kind: 'event',
      line: 4,
      event: {
        ...base,
        occurredAt: new Date('2025-04-05T16:33:54.907Z'),
        messageId: '883953f4-6105-42a2-a16a-77a8eac79483',
        recipient: 'john@example.com',
        outcome: 'delivered',
        reply: 'Test delivery webhook details',
        providerEventId: null,
      },
    },
  ]);
});

test('the older delivery webhook without RecordType, a real Gmail reply and a -05:00 zone', () => {
  expect(events(parse(json('postmark-delivery-support-article-1067.json')))).toEqual([
    {
      ...base,
      occurredAt: new Date('2016-12-01T20:41:45Z'),
      messageId: 'a94dfe84-8ab9-43cf-8a1c-ac234c296e25',
      recipient: 'recipeint@example.com',
      outcome: 'delivered',
      reply: '250 2.0.0 OK 1480624905 l186si10190883ite.73- gsmtp',
      providerEventId: null,
    },
  ]);
});

test('a HardBounce: the receiver text from Details, the bounce ID as event id', () => {
  expect(events(parse(json('postmark-bounce.json')))).toEqual([
    {
      ...base,
      occurredAt: new Date('2025-04-05T16:33:54.907Z'),
      messageId: '883953f4-6105-42a2-a16a-77a8eac79483',
      recipient: 'john@example.com',
      outcome: 'bounced',
      reply: '550 5.1.1 The email account that you tried to reach does not exist.',
      providerEventId: '42',
    },
  ]);
});

test('bounce types: delay reports defer, final soft bounces bounce, notices are context', () => {
  const bounce = json('postmark-bounce.json');
  const outcomeOf = (Type: string) => parse({ ...bounce, Type }).map((o) => (o.kind === 'event' ? o.event.outcome : o.reason));
  expect(outcomeOf('Transient')).toEqual(['deferred']);
  expect(outcomeOf('DnsError')).toEqual(['deferred']);
  expect(outcomeOf('SoftBounce')).toEqual(['bounced']);
  expect(outcomeOf('Blocked')).toEqual(['bounced']);
  expect(outcomeOf('AutoResponder')).toEqual([]);
  expect(outcomeOf('ManuallyDeactivated')).toEqual([]);
  expect(outcomeOf('Hyperbounce')).toEqual(['Type: unknown Postmark bounce type "Hyperbounce"']);
  // Without Details, Postmark's Description of the type is the only text.
  expect(events(parse({ ...bounce, Details: '' }))[0]?.reply).toBe('The server was unable to deliver your message (ex: unknown user, mailbox not found).');
  // An old bounce webhook without RecordType is recognised by BouncedAt.
  const { RecordType: _, ...old } = bounce;
  expect(events(parse(old))[0]?.outcome).toBe('bounced');
});

test('open, click, spam complaint and subscription change are context', () => {
  for (const file of ['postmark-open.json', 'postmark-click.json', 'postmark-spam-complaint.json', 'postmark-subscription-change.json']) {
    expect(parse(json(file))).toEqual([]);
  }
});

test('wrong types are rejected naming the field', () => {
  const delivery = json('postmark-delivery.json');
  expect(parse({ ...delivery, DeliveredAt: 1480624905 }, 2)).toEqual([{ kind: 'reject', line: 2, reason: 'DeliveredAt: expected an ISO 8601 timestamp' }]);
  expect(parse({ ...delivery, DeliveredAt: 'soon' })).toEqual([{ kind: 'reject', line: 1, reason: 'DeliveredAt: expected an ISO 8601 timestamp' }]);
  expect(parse({ ...delivery, Recipient: 'nobody' })).toEqual([{ kind: 'reject', line: 1, reason: 'Recipient: expected an email address' }]);
  expect(parse({ ...json('postmark-bounce.json'), ID: { n: 42 } })).toEqual([{ kind: 'reject', line: 1, reason: 'ID: expected a bounce id' }]);
  expect(parse({ ...delivery, RecordType: 5 })).toEqual([{ kind: 'reject', line: 1, reason: 'RecordType: expected a string' }]);
  expect(parse({ ...delivery, RecordType: 'Inbound' })).toEqual([{ kind: 'reject', line: 1, reason: 'RecordType: unknown Postmark record type "Inbound"' }]);
  expect(parse({ MessageID: 'x' })).toEqual([{ kind: 'reject', line: 1, reason: 'RecordType: missing (and no DeliveredAt or BouncedAt)' }]);
  expect(parse(null)).toEqual([{ kind: 'reject', line: 1, reason: 'expected a Postmark webhook payload (a JSON object)' }]);
});

test('property: any JSON value gives outputs or rejects, never a throw', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      for (const o of parse(value, 8)) expect(o.line).toBe(8);
    }),
  );
  const keys = fc.constantFrom('Recipient', 'Email', 'DeliveredAt', 'BouncedAt', 'Type', 'ID', 'Details', 'Description', 'MessageID');
  fc.assert(
    fc.property(fc.constantFrom('Delivery', 'Bounce', undefined), fc.dictionary(keys, fc.jsonValue()), (RecordType, fields) => {
      parse({ ...fields, RecordType });
    }),
  );
});
