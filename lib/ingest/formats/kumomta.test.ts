import fc from 'fast-check';
import { expect, test } from 'vitest';
import { readCorpus } from '@/lib/test-support/corpus';
import type { ParseContext } from '../types';
import { kumomtaFormat } from './kumomta';

const ctx: ParseContext = { now: new Date('2026-01-01T00:00:00Z'), utcOffsetMinutes: 0 };
const parse = (record: unknown, line = 1) => kumomtaFormat.parseRecord(record, line, ctx);
const json = (file: string): unknown => JSON.parse(readCorpus(`kumomta/${file}`));

test('Reception records (every one in the corpus) describe no attempt and produce nothing', () => {
  expect(parse(json('kumomta-docs-checking_logs-reception.json'))).toEqual([]);
  expect(parse(json('kumomta-docs-non_relay_hosts-reception.json'))).toEqual([]);
  const lines = readCorpus('kumomta/kumomta-docs-operation-logs-reception.jsonl').split('\n').filter((l) => l.trim() !== '');
  expect(lines).toHaveLength(2);
  for (const [i, l] of lines.entries()) expect(parse(JSON.parse(l), i + 1)).toEqual([]);
});

test('the docs Delivery record (SOCKS5 proxy): sending IP is source_address.address without port', () => {
  const [out, ...rest] = parse(json('kumomta-docs-eval_template-delivery.json'), 7);
  expect(rest).toEqual([]);
  expect(out).toEqual({
    kind: 'event',
    line: 7,
    event: {
      occurredAt: new Date(1678069691 * 1000),
      source: 'kumomta',
      sourceHost: '557f3ad4-2c8c-11ee-976e-782d7e12e173',
      queueId: '1d98076abbbc11ed940250ebf67f93bd',
      messageId: null,
      sender: 'user@sender.example.com',
      recipient: 'user@recipient.example.com',
      mxHost: 'gmail-smtp-in.l.google.com',
      mxIp: '142.251.2.27',
      sendingIp: '10.0.0.1',
      outcome: 'delivered',
      smtpCode: 250,
      enhancedCode: '2.0.0',
      reply: '250 2.0.0 OK ids=8a5475ccbbc611eda12250ebf67f93bd',
      delaySeconds: 0,
      attempt: 1,
      sizeBytes: 1047,
      providerEventId: null,
    },
  });
});

test('the sendsmaily Delivery record', () => {
  const [out] = parse(json('kumomta-sendsmaily-record-delivery.json'));
  expect(out?.kind === 'event' && out.event).toMatchObject({ outcome: 'delivered', recipient: 'recipient@smaily.test', mxHost: 'mx.smaily.test', mxIp: '172.16.0.1', sendingIp: '10.0.0.1' });
});

// The annotated schema is JSONC from the docs: comment lines, trailing commas and one stray `}`
// after tls_peer_subject_name; those are removed here and nothing else.
test('the annotated schema record (with event_time) parses as a first-try delivery', () => {
  const jsonc = readCorpus('kumomta/kumomta-docs-log_record-annotated-schema.jsonc');
  const strict = jsonc
    .split('\n')
    .filter((l) => !l.trim().startsWith('//'))
    .join('\n')
    .replace(/"\]\},/, '"],')
    .replace(/,(\s*[}\]])/g, '$1');
  const [out] = parse(JSON.parse(strict));
  expect(out?.kind === 'event' && out.event).toMatchObject({ occurredAt: new Date(1757675281 * 1000), outcome: 'delivered', attempt: 1, sendingIp: '10.0.0.1' });
});

test('Delayed is context; a TransientFailure fragment without a time is rejected, not guessed', () => {
  expect(parse(json('kumomta-docs-watchdog-delayed-fragment.json'))).toEqual([]);
  expect(parse(json('kumomta-docs-spool-unhealthy-transientfailure-fragment.json'), 3)).toEqual([
    { kind: 'reject', line: 3, reason: 'timestamp: missing or not a unix time (nor event_time, created)' },
  ]);
});

const transientFailure = {
  type: 'TransientFailure',
  id: 'f68462cf36ca11ee99f450ebf67f93bd',
  sender: 'bounces@news.example.net',
  recipient: 'user@contoso.com',
  queue: 'contoso.com',
  site: 'source1->contoso-com.mail.protection.outlook.com',
  size: 0,
  response: {
    code: 451,
    enhanced_code: { class: 4, subject: 7, detail: 500 },
    content: 'Server busy. Please try again later from [203.0.113.7]. (S77714) [MW2NAM12FT080.eop-nam12.prod.protection.outlook.com 2023-10-11T02:17:50.557Z 08DBC41AE3EEAC91]',
    command: 'MAIL FROM:<bounces@news.example.net>\r\n',
  },
  peer_address: { name: 'contoso-com.mail.protection.outlook.com.', addr: '104.47.2.33' },
  timestamp: 1696990670,
  created: 1696969133,
  num_attempts: 3,
  egress_pool: 'pool0',
  egress_source: 'source1',
  source_address: { address: '203.0.113.7:0', protocol: 'haproxy', server: '10.1.1.1:5000' },
  headers: { 'message-id': '<20231011.abc@news.example.net>' },
  nodeid: 'dd2b41fd-78f0-4105-8cd9-01ac7114cada',
};

test('a Microsoft S77714 TransientFailure: reply assembled from code, enhanced code and content', () => {
  const [out] = parse(transientFailure);
  expect(out?.kind === 'event' && out.event).toMatchObject({
    occurredAt: new Date('2023-10-11T02:17:50Z'),
    outcome: 'deferred',
    smtpCode: 451,
    enhancedCode: '4.7.500',
    reply: `451 4.7.500 ${transientFailure.response.content}`,
    mxHost: 'contoso-com.mail.protection.outlook.com',
    sendingIp: '203.0.113.7',
    messageId: '20231011.abc@news.example.net',
    attempt: 4,
    delaySeconds: 21537,
    sizeBytes: null,
  });
});

test('outcomes per type; a recipient array gives one event per recipient', () => {
  const outcome = (type: string) => parse({ ...transientFailure, type }).map((o) => (o.kind === 'event' ? o.event.outcome : o.reason));
  expect(['Delivery', 'Bounce', 'Expiration', 'AdminBounce', 'Reception', 'OOB', 'Feedback'].map(outcome)).toEqual([['delivered'], ['bounced'], ['expired'], ['bounced'], [], [], []]);
  const multi = parse({ ...transientFailure, type: 'Bounce', recipient: ['a@contoso.com', 'b@contoso.com'] });
  expect(multi.map((o) => o.kind === 'event' && o.event.recipient)).toEqual(['a@contoso.com', 'b@contoso.com']);
});

test('an AdminBounce carries the administrator reason as its reply and no attempt number', () => {
  const [out] = parse({
    type: 'AdminBounce',
    id: '1d98076abbbc11ed940250ebf67f93bd',
    sender: 'bounces@news.example.net',
    recipient: 'user@gmail.com',
    queue: 'gmail.com',
    site: 'localhost',
    response: { code: 551, enhanced_code: { class: 5, subject: 7, detail: 1 }, content: 'Administrator bounced with reason: no time to explain!11!', command: null },
    peer_address: null,
    timestamp: 1678069691,
    created: 1678069000,
    num_attempts: 2,
  });
  expect(out?.kind === 'event' && out.event).toMatchObject({ outcome: 'bounced', reply: '551 5.7.1 Administrator bounced with reason: no time to explain!11!', attempt: null, mxHost: null, sendingIp: null });
});

test('IPv6 source with brackets, unknown type, bad input', () => {
  const [v6] = parse({ ...transientFailure, source_address: { address: '[2001:db8::7]:41000' } });
  expect(v6?.kind === 'event' && v6.event.sendingIp).toBe('2001:db8::7');
  expect(parse({ ...transientFailure, type: 'Teleported' })).toEqual([{ kind: 'reject', line: 1, reason: 'type: unknown KumoMTA record type "Teleported"' }]);
  expect(parse('not an object')[0]).toMatchObject({ kind: 'reject', reason: 'expected a KumoMTA log record (a JSON object)' });
  expect(parse({ ...transientFailure, recipient: [] })[0]).toMatchObject({ kind: 'reject', reason: 'recipient: empty recipient list' });
});

test('property: any JSON value, or a record with random field values, never throws', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      for (const o of parse(value, 5)) expect(o.line).toBe(5);
    }),
  );
  const keys = Object.keys(transientFailure);
  fc.assert(
    fc.property(fc.dictionary(fc.constantFrom(...keys), fc.oneof(fc.jsonValue(), fc.constantFrom('Delivery', 'Bounce', 1696990670))), (patch) => {
      for (const o of parse({ ...transientFailure, ...patch })) expect(o.line).toBe(1);
    }),
  );
});
