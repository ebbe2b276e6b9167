import fc from 'fast-check';
import { expect, test } from 'vitest';
import { readCorpus } from '@/lib/test-support/corpus';
import type { ParseContext, ParseOutput, ParsedEvent } from '../types';
import { sendgridFormat } from './sendgrid';

const ctx: ParseContext = { now: new Date('2026-01-01T00:00:00Z'), utcOffsetMinutes: 0 };
const parse = (record: unknown, line = 1) => sendgridFormat.parseRecord(record, line, ctx);
/** Every record of a corpus file (a JSON array, as SendGrid posts it), parsed with its 1-based index as line. */
const parseFile = (file: string): ParseOutput[] => {
  const records: unknown = JSON.parse(readCorpus(`webhooks/${file}`));
  if (!Array.isArray(records)) throw new Error(`${file} is not a JSON array`);
  return records.flatMap((r: unknown, i) => parse(r, i + 1));
};
const events = (outputs: ParseOutput[]): ParsedEvent[] => outputs.map((o) => (o.kind === 'event' ? o.event : expect.fail(`reject: ${o.reason}`)));

const docsIds = {
  queueId: '14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0',
  messageId: '14c5d75ce93.dfd.64b469@ismtpd-555',
  occurredAt: new Date(1513299569 * 1000),
};
const empty = { source: 'sendgrid', sourceHost: null, sender: null, mxHost: null, mxIp: null, sendingIp: null, delaySeconds: null, sizeBytes: null } as const;

test('the docs delivered event: SendGrid ids, the receiver reply', () => {
  expect(parseFile('sendgrid-delivered.json')).toEqual([
    {
      kind: 'event',
      line: 1,
      event: {
        ...empty,
        ...docsIds,
        recipient: 'example@test.com',
        outcome: 'delivered',
        smtpCode: null,
        enhancedCode: null,
        reply: '250 OK',
        attempt: null,
        providerEventId: 'rWVYmVk90MjZJ9iohOBa3w==',
      },
    },
  ]);
});

test('the docs deferred event: the attempt count arrives as the string "5"', () => {
  const [e] = events(parseFile('sendgrid-deferred.json'));
  expect(e).toEqual({
    ...empty,
    ...docsIds,
    recipient: 'example@test.com',
    outcome: 'deferred',
    smtpCode: null,
    enhancedCode: null,
    reply: '400 try again later',
    attempt: 5,
    providerEventId: 't7LEShmowp86DTdUW8M-GQ==',
  });
});

test('bounce and blocked bounce: both final, reason as reply, status as enhanced code', () => {
  for (const file of ['sendgrid-bounce.json', 'sendgrid-bounce-blocked.json']) {
    expect(events(parseFile(file))).toEqual([
      {
        ...empty,
        ...docsIds,
        recipient: 'example@test.com',
        outcome: 'bounced',
        smtpCode: null,
        enhancedCode: '5.0.0',
        reply: '500 unknown recipient',
        attempt: null,
        providerEventId: '6g4ZI7SA-xmRDv57GoPIPw==',
      },
    ]);
  }
});

test('processed and dropped (never attempted: suppression) produce nothing', () => {
  expect(parseFile('sendgrid-processed.json')).toEqual([]);
  expect(parseFile('sendgrid-dropped.json')).toEqual([]);
});

test('the all-events batch yields exactly its deferred, delivered and bounce, on their own lines', () => {
  const out = parseFile('sendgrid-event-webhook-all-events.json');
  expect(out.map((o) => [o.line, o.kind === 'event' ? o.event.outcome : o.reason])).toEqual([
    [2, 'deferred'],
    [3, 'delivered'],
    [6, 'bounced'],
  ]);
});

test('spamreport events (sisimai 15-17) are context', () => {
  for (const n of ['15', '16', '17']) expect(parseFile(`sisimai-sendgrid-legacy-${n}.json`)).toEqual([]);
});

test('a real blocked bounce: `ip` is the sending IP, smtp-id the Message-ID', () => {
  expect(events(parseFile('sisimai-sendgrid-legacy-12.json'))).toEqual([
    {
      ...empty,
      occurredAt: new Date(1504555832 * 1000),
      queueId: '03_Wof6nRbqqzxRvLpZbfw.filter0017p3mdw1-11399-59ADB335-16.0',
      messageId: '201709042010.v84KAQ5T032530@example.nyaan.jp',
      recipient: 'mailboxfull@example.jp',
      sendingIp: '192.0.2.22',
      outcome: 'bounced',
      smtpCode: null,
      enhancedCode: '5.2.2',
      reply: '550 5.2.2 <mailboxfull@example.jp>... Mailbox Full',
      attempt: null,
      providerEventId: 'S4wr46YHS0qr3BKhawTQjQ',
    },
  ]);
  expect(events(parseFile('sisimai-sendgrid-legacy-14.json'))[0]).toMatchObject({ outcome: 'bounced', enhancedCode: '5.7.13', reply: '525 5.7.13 Disabled recipient address' });
});

test('a real Gmail delivery (sisimai 13)', () => {
  expect(events(parseFile('sisimai-sendgrid-legacy-13.json'))).toEqual([
    {
      ...empty,
      occurredAt: new Date(1504548007 * 1000),
      queueId: 'xOljzpupQQWM0kNVSTWCJw.filter0022p3mdw1-18488-59AD94A6-1C.0',
      messageId: '9454cba873d4ff07@localhost',
      recipient: 'kijitora@example.com',
      sendingIp: '192.0.2.22',
      outcome: 'delivered',
      smtpCode: null,
      enhancedCode: null,
      reply: '250 2.0.0 OK 1504548007 y202si6984453itc.115 - gsmtp',
      attempt: null,
      providerEventId: '9DQrtMYCQcqhzCcaM1dDcA',
    },
  ]);
});

test('old Bounces API entries: created in the declared offset, status as basic or enhanced code', () => {
  const legacy = { ...empty, queueId: null, messageId: null, outcome: 'bounced', attempt: null, providerEventId: null } as const;
  expect(events(parseFile('sisimai-sendgrid-legacy-02.json'))).toEqual([
    { ...legacy, occurredAt: new Date('2011-10-08T12:39:14Z'), recipient: 'kijitora@example.ne.jp', smtpCode: 550, enhancedCode: null, reply: '550 Unknown user kijitora@example.ne.jp' },
    {
      ...legacy,
      occurredAt: new Date('2011-10-08T13:57:43Z'),
      recipient: 'kijitora@example.co.jp',
      smtpCode: null,
      enhancedCode: '5.2.2',
      reply: '550 5.2.2 <kijitora@example.co.jp>... Mailbox Full',
    },
  ]);
  const inTokyo = sendgridFormat.parseRecord({ status: '550', created: '2011-10-08 12:32:14', reason: 'x', email: 'a@b.example' }, 1, { ...ctx, utcOffsetMinutes: 540 });
  expect(inTokyo[0]?.kind === 'event' && inTokyo[0].event.occurredAt).toEqual(new Date('2011-10-08T03:32:14Z'));
  // sisimai 11 has no status at all: still a bounce, with SendGrid's reason as the only text.
  expect(events(parseFile('sisimai-sendgrid-legacy-11.json')).map((e) => [e.recipient, e.reply, e.smtpCode, e.enhancedCode])).toEqual([
    ['neko@neko', 'Mail domain mentioned in email address is unknown', null, null],
    ['kijitora@neko', 'Mail domain mentioned in email address is unknown', null, null],
    ['sironeko@example.invalid', 'Mail domain mentioned in email address is unknown', null, null],
  ]);
  for (const n of ['01', '03', '04', '05', '06', '07', '08', '09', '10']) {
    const out = events(parseFile(`sisimai-sendgrid-legacy-${n}.json`));
    expect(out).toHaveLength(1);
    expect(out[0]?.outcome).toBe('bounced');
  }
});

test('wrong types are rejected naming the field', () => {
  const delivered = { email: 'a@b.example', timestamp: 1513299569, event: 'delivered', response: '250 OK' };
  expect(parse({ ...delivered, timestamp: '1513299569' }, 4)).toEqual([{ kind: 'reject', line: 4, reason: 'timestamp: expected unix seconds' }]);
  expect(parse({ ...delivered, email: 42 })).toEqual([{ kind: 'reject', line: 1, reason: 'email: expected an email address' }]);
  expect(parse({ ...delivered, response: ['250'] })).toEqual([{ kind: 'reject', line: 1, reason: 'response: expected a string' }]);
  expect(parse({ ...delivered, event: 'deferred', attempt: 'five' })).toEqual([{ kind: 'reject', line: 1, reason: 'attempt: expected a whole number' }]);
  expect(parse({ ...delivered, event: 'teleported' })).toEqual([{ kind: 'reject', line: 1, reason: 'event: unknown SendGrid event "teleported"' }]);
  expect(parse({ email: 'a@b.example' })).toEqual([{ kind: 'reject', line: 1, reason: 'event: missing or not a string' }]);
  expect(parse({ email: 'a@b.example', created: 'yesterday' })).toEqual([{ kind: 'reject', line: 1, reason: 'created: expected a date and time like 2011-10-08 12:32:14' }]);
  expect(parse('delivered')).toEqual([{ kind: 'reject', line: 1, reason: 'expected a SendGrid event (a JSON object)' }]);
});

test('an `ip` that is no address is not a sending IP', () => {
  const out = parse({ email: 'a@b.example', timestamp: 1513299569, event: 'delivered', ip: '000.000.000.000' });
  expect(out[0]?.kind === 'event' && out[0].event.sendingIp).toBeNull();
});

test('property: any JSON value gives outputs or rejects, never a throw', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      for (const o of parse(value, 3)) expect(o.line).toBe(3);
    }),
  );
  const eventName = fc.constantFrom('delivered', 'deferred', 'bounce', 'dropped', 'open');
  fc.assert(
    fc.property(eventName, fc.dictionary(fc.constantFrom('email', 'timestamp', 'response', 'reason', 'status', 'attempt', 'ip', 'smtp-id'), fc.jsonValue()), (event, fields) => {
      parse({ ...fields, event });
    }),
  );
});
