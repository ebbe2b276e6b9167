import fc from 'fast-check';
import { expect, test } from 'vitest';
import { readCorpus } from '@/lib/test-support/corpus';
import type { ParseContext, ParseOutput, ParsedEvent } from '../types';
import { sesFormat, snsEnvelopeType } from './ses';

const ctx: ParseContext = { now: new Date('2026-01-01T00:00:00Z'), utcOffsetMinutes: 0 };
const parse = (record: unknown, line = 1) => sesFormat.parseRecord(record, line, ctx);
const json = (file: string): Record<string, unknown> => JSON.parse(readCorpus(`webhooks/${file}`)) as Record<string, unknown>;
const events = (outputs: ParseOutput[]): ParsedEvent[] => outputs.map((o) => (o.kind === 'event' ? o.event : expect.fail(`reject: ${o.reason}`)));
const base = { source: 'ses', queueId: null, mxHost: null, smtpCode: null, attempt: null, sizeBytes: null } as const;
const docsMessageId = 'EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000';

/** An SNS Notification envelope as SNS posts it (fields from sisimai-amazonses-02.json), around `message`. */
function snsNotification(message: unknown): Record<string, unknown> {
  return {
    Type: 'Notification',
    MessageId: '02f86d9b-eecf-573d-b47d-3d1850750c30',
    TopicArn: 'arn:aws:sns:us-west-2:123456789012:SES-EJ-B',
    Message: JSON.stringify(message),
    Timestamp: '2016-10-21T06:58:02.294Z',
    SignatureVersion: '1',
    Signature: 'C8prgK1poqge9QGVsmEejcVIWCDZGtQ92c1VFywS0Zbp',
    SigningCertURL: 'https://sns.us-west-2.amazonaws.com/SimpleNotificationService-b95095beb82e8f6a046b3aafc7f4149a.pem',
  };
}

test('event publishing Delivery: outgoing-ip tag is the sending IP, processing time the delay', () => {
  expect(parse(json('ses-event-delivery-record.json'), 5)).toEqual([
    {
      kind: 'event',
      line: 5,
      event: {
        ...base,
        occurredAt: new Date('2016-10-19T23:21:04.133Z'),
        sourceHost: 'mta.example.com',
        messageId: docsMessageId,
        sender: 'sender@example.com',
        recipient: 'recipient@example.com',
        mxIp: null,
        sendingIp: '192.0.2.0',
        outcome: 'delivered',
        enhancedCode: null,
        reply: '250 2.6.0 Message received',
        delaySeconds: 11.893,
        providerEventId: null,
      },
    },
  ]);
});

test('event publishing Bounce: diagnostic code without "smtp; ", status, feedbackId, named sender', () => {
  expect(events(parse(json('ses-event-bounce-record.json')))).toEqual([
    {
      ...base,
      occurredAt: new Date('2017-08-05T00:41:02.669Z'),
      sourceHost: null,
      messageId: docsMessageId,
      sender: 'sender@example.com',
      recipient: 'recipient@example.com',
      mxIp: null,
      sendingIp: null,
      outcome: 'bounced',
      enhancedCode: '5.1.1',
      reply: '550 5.1.1 user unknown',
      delaySeconds: 60.657,
      providerEventId: '01000157c44f053b-61b59c11-9236-11e6-8f96-7be8aexample-000000',
    },
  ]);
});

test('DeliveryDelay (TransientCommunicationFailure 421 4.4.1) is a deferral', () => {
  expect(events(parse(json('ses-event-deliverydelay-record.json')))).toEqual([
    {
      ...base,
      occurredAt: new Date('2020-06-16T00:25:40.095Z'),
      sourceHost: null,
      messageId: docsMessageId,
      sender: 'sender@example.com',
      recipient: 'recipient@example.com',
      mxIp: null,
      sendingIp: null,
      outcome: 'deferred',
      enhancedCode: '4.4.1',
      reply: '421 4.4.1 Unable to connect to remote host',
      delaySeconds: 599.454,
      providerEventId: null,
    },
  ]);
});

test('a delay without a diagnostic code keeps SES delayType as the reason', () => {
  const record = json('ses-event-deliverydelay-record.json');
  const delay = { ...(record.deliveryDelay as object), delayType: 'IPFailure', delayedRecipients: [{ emailAddress: 'r@example.com' }] };
  expect(events(parse({ ...record, deliveryDelay: delay }))[0]).toMatchObject({ outcome: 'deferred', reply: 'SES delivery delay: IPFailure', enhancedCode: null });
});

test('notifications: Delivery with remote MTA IP, Bounce with and without DSN (one event per bounced recipient)', () => {
  expect(events(parse(json('ses-notification-delivery.json')))).toEqual([
    {
      ...base,
      occurredAt: new Date('2016-01-27T14:59:38.237Z'),
      sourceHost: 'a8-70.smtp-out.amazonses.com',
      messageId: '0000014644fe5ef6-9a483358-9170-4cb4-a269-f5dcdf415321-000000',
      sender: 'john@example.com',
      recipient: 'jane@example.com',
      mxIp: '127.0.2.0',
      // mail.sourceIp is the API caller's address, not the IP SES sent from.
      sendingIp: null,
      outcome: 'delivered',
      enhancedCode: null,
      reply: '250 ok:  Message 64111812 accepted',
      delaySeconds: 0.546,
      providerEventId: null,
    },
  ]);
  expect(events(parse(json('ses-notification-bounce-with-dsn.json')))).toEqual([
    {
      ...base,
      occurredAt: new Date('2016-01-27T14:59:38.237Z'),
      sourceHost: null,
      messageId: '00000138111222aa-33322211-cccc-cccc-cccc-ddddaaaa0680-000000',
      sender: 'john@example.com',
      recipient: 'jane@example.com',
      mxIp: '127.0.2.0',
      sendingIp: null,
      outcome: 'bounced',
      enhancedCode: '5.1.1',
      reply: '550 5.1.1 <jane@example.com>... User',
      delaySeconds: 0,
      providerEventId: '00000138111222aa-33322211-cccc-cccc-cccc-ddddaaaa068a-000000',
    },
  ]);
  const withoutDsn = events(parse(json('ses-notification-bounce-without-dsn.json')));
  expect(withoutDsn.map((e) => [e.recipient, e.outcome, e.reply, e.enhancedCode, e.providerEventId])).toEqual([
    ['jane@example.com', 'bounced', 'SES bounce: Permanent/General', null, '00000137860315fd-869464a4-8680-4114-98d3-716fe35851f9-000000'],
    ['richard@example.com', 'bounced', 'SES bounce: Permanent/General', null, '00000137860315fd-869464a4-8680-4114-98d3-716fe35851f9-000000'],
  ]);
});

test('a Transient bounce is final (SES stopped retrying); suppression-list bounces are context', () => {
  const record = json('ses-event-bounce-record.json');
  const bounce = record.bounce as Record<string, unknown>;
  expect(events(parse({ ...record, bounce: { ...bounce, bounceType: 'Transient', bounceSubType: 'MailboxFull' } }))[0]?.outcome).toBe('bounced');
  expect(parse({ ...record, bounce: { ...bounce, bounceSubType: 'OnAccountSuppressionList' } })).toEqual([]);
  expect(parse({ ...record, bounce: { ...bounce, bounceSubType: 'Suppressed' } })).toEqual([]);
});

test('the sisimai captures: real simulator bounces and deliveries, a redacted bounce with a remote MTA IP', () => {
  const summary = (file: string) => events(parse(json(file))).map((e) => [e.outcome, e.recipient, e.reply, e.sourceHost, e.mxIp]);
  expect(summary('sisimai-amazonses-01.json')).toEqual([['bounced', 'bounce@simulator.amazonses.com', '550 5.1.1 user unknown', null, null]]);
  expect(summary('sisimai-amazonses-04.json')).toEqual([['delivered', 'success@simulator.amazonses.com', '250 2.6.0 Message received', 'a27-29.smtp-out.us-west-2.amazonses.com', null]]);
  expect(summary('sisimai-amazonses-05.json')).toEqual([['delivered', 'complaint@simulator.amazonses.com', '250 2.6.0 Message received', 'a27-33.smtp-out.us-west-2.amazonses.com', null]]);
  expect(summary('sisimai-amazonses-06.json')).toEqual([['bounced', 'bounce@simulator.amazonses.com', '550 5.1.1 user unknown', null, '72.21.215.231']]);
});

test('the real SNS envelope (sisimai 02) is unwrapped', () => {
  const envelope = json('sisimai-amazonses-02.json');
  expect(snsEnvelopeType(envelope)).toBe('Notification');
  expect(events(parse(envelope))).toEqual([
    {
      ...base,
      occurredAt: new Date('2016-10-21T06:58:02.245Z'),
      sourceHost: null,
      messageId: '01010157e6083857-2c73eed0-71f8-47d1-ab77-c4646f9d776d-000000',
      sender: 'kijitora@neko.example.org',
      recipient: 'bounce@simulator.amazonses.com',
      mxIp: null,
      sendingIp: null,
      outcome: 'bounced',
      enhancedCode: '5.1.1',
      reply: '550 5.1.1 user unknown',
      delaySeconds: 2.245,
      providerEventId: '01010157e6083d17-38cf01f3-852d-4401-8e8a-84e67a3e51d8-000000',
    },
  ]);
});

test('an SNS-wrapped SES delivery notification parses like the bare one', () => {
  const notification = json('ses-notification-delivery.json');
  expect(parse(snsNotification(notification), 2)).toEqual(parse(notification, 2));
  expect(events(parse(snsNotification(notification)))).toHaveLength(1);
});

test('SubscriptionConfirmation is context and snsEnvelopeType names it for the route', () => {
  const confirmation = { ...snsNotification({}), Type: 'SubscriptionConfirmation', Message: 'You have chosen to subscribe…', SubscribeURL: 'https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription' };
  expect(snsEnvelopeType(confirmation)).toBe('SubscriptionConfirmation');
  expect(parse(confirmation)).toEqual([]);
  expect(snsEnvelopeType(json('ses-event-delivery-record.json'))).toBeNull();
  expect(snsEnvelopeType([1])).toBeNull();
});

test('complaints, sends, rejects are context', () => {
  for (const file of ['ses-event-complaint-record.json', 'ses-event-send-record.json', 'ses-event-reject-record.json', 'ses-notification-complaint-with-feedback.json', 'sisimai-amazonses-03.json']) {
    expect(parse(json(file))).toEqual([]);
  }
});

test('wrong types and broken envelopes are rejected naming the field path', () => {
  const delivery = json('ses-event-delivery-record.json');
  const inner = delivery.delivery as Record<string, unknown>;
  expect(parse({ ...delivery, delivery: { ...inner, timestamp: 1476919264 } })).toEqual([
    { kind: 'reject', line: 1, reason: 'delivery.timestamp: expected the delivery time as an ISO 8601 timestamp' },
  ]);
  expect(parse({ ...delivery, delivery: { ...inner, timestamp: 'Wednesday' } })).toEqual([
    { kind: 'reject', line: 1, reason: 'delivery.timestamp: expected the delivery time as an ISO 8601 timestamp' },
  ]);
  expect(parse(snsNotification({ ...delivery, delivery: { ...inner, recipients: [] } }))).toEqual([
    { kind: 'reject', line: 1, reason: 'Message.delivery.recipients: expected at least one address' },
  ]);
  expect(parse({ ...delivery, mail: 'x' })).toEqual([{ kind: 'reject', line: 1, reason: 'mail: expected an object' }]);
  expect(parse({ ...snsNotification({}), Message: '{not json' })).toEqual([{ kind: 'reject', line: 1, reason: 'Message: not valid JSON' }]);
  expect(parse({ ...snsNotification({}), Message: 3 })).toEqual([{ kind: 'reject', line: 1, reason: 'Message: expected the SES event as a JSON string' }]);
  expect(parse({ ...snsNotification({}), Type: 'Gossip' })).toEqual([
    { kind: 'reject', line: 1, reason: 'Type: expected an SNS message type (Notification, SubscriptionConfirmation)' },
  ]);
  expect(parse({ ...delivery, eventType: 'Teleport' })).toEqual([{ kind: 'reject', line: 1, reason: 'eventType: unknown SES event type "Teleport"' }]);
  expect(parse({ mail: {} })).toEqual([{ kind: 'reject', line: 1, reason: 'eventType: missing or not a string (nor notificationType)' }]);
});

test('property: any JSON value, bare or in an SNS envelope, gives outputs or rejects, never a throw', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      for (const o of [...parse(value, 6), ...parse(snsNotification(value), 6)]) expect(o.line).toBe(6);
    }),
  );
  const type = fc.constantFrom('Delivery', 'Bounce', 'DeliveryDelay');
  const section = fc.constantFrom('delivery', 'bounce', 'deliveryDelay', 'mail');
  fc.assert(
    fc.property(type, fc.dictionary(section, fc.jsonValue()), (eventType, fields) => {
      parse({ ...fields, eventType });
    }),
  );
});
