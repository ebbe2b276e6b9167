import fc from 'fast-check';
import { expect, test } from 'vitest';
import type { ParseContext } from '../types';
import { ndjsonFormat, parseIsoTimestamp } from './generic-ndjson';

const ctx: ParseContext = { now: new Date('2024-01-01T00:00:00Z'), utcOffsetMinutes: 0 };
const parse = (record: unknown, context: ParseContext = ctx) => ndjsonFormat.parseRecord(record, 4, context);

// The normalized event of DESIGN.md, as a client would send it.
const S77714 = {
  occurredAt: '2023-10-11T02:17:50Z',
  source: 'postfix',
  sourceHost: 'mx1',
  queueId: '7356ABD12E',
  messageId: null,
  recipient: 'user@contoso.com',
  mxHost: 'contoso-com.mail.protection.outlook.com',
  mxIp: '104.47.2.33',
  sendingIp: '203.0.113.7',
  outcome: 'deferred',
  smtpCode: 451,
  enhancedCode: '4.7.500',
  reply: '451 4.7.500 Server busy. Please try again later from [203.0.113.7]. (S77714) [MW2NAM12FT080.eop-nam12.prod.protection.outlook.com 2023-10-11T02:17:50.557Z 08DBC41AE3EEAC91]',
  delaySeconds: 21537,
  attempt: null,
  provider: 'microsoft-365',
  kbRule: 'microsoft.server-busy',
};

test('the DESIGN.md normalized event round-trips; unknown fields are ignored', () => {
  expect(parse(S77714)).toEqual([
    {
      kind: 'event',
      line: 4,
      event: {
        occurredAt: new Date('2023-10-11T02:17:50Z'),
        source: 'postfix',
        sourceHost: 'mx1',
        queueId: '7356ABD12E',
        messageId: null,
        sender: null,
        recipient: 'user@contoso.com',
        recipientDomain: null,
        mxHost: 'contoso-com.mail.protection.outlook.com',
        mxIp: '104.47.2.33',
        sendingIp: '203.0.113.7',
        outcome: 'deferred',
        smtpCode: 451,
        enhancedCode: '4.7.500',
        reply: S77714.reply,
        delaySeconds: 21537,
        attempt: null,
        sizeBytes: null,
        providerEventId: null,
      },
    },
  ]);
});

test('snake_case keys, a domain-only recipient, eventId and a source defaulting to generic', () => {
  const [out] = parse({ occurred_at: '2023-10-11 04:17:50+02:00', Outcome: 'bounced', recipient_domain: 'Contoso.COM.', event_id: 'evt-1', size_bytes: 2048 });
  expect(out?.kind === 'event' && out.event).toMatchObject({
    occurredAt: new Date('2023-10-11T02:17:50Z'),
    source: 'generic',
    recipient: null,
    recipientDomain: 'contoso.com',
    providerEventId: 'evt-1',
    sizeBytes: 2048,
  });
});

test('a timestamp without zone is local time at the configured offset', () => {
  const [out] = parse({ occurredAt: '2023-10-11T07:47:50.5', outcome: 'delivered', recipient: 'a@b.example' }, { ...ctx, utcOffsetMinutes: 330 });
  expect(out?.kind === 'event' && out.event.occurredAt).toEqual(new Date('2023-10-11T02:17:50.500Z'));
});

test('each kind of bad field is rejected by name', () => {
  const reason = (patch: Record<string, unknown>) => {
    const [out] = parse({ ...S77714, ...patch });
    return out?.kind === 'reject' ? out.reason : 'accepted';
  };
  expect(reason({ occurredAt: 'last Tuesday' })).toBe('occurredAt: expected ISO 8601 timestamp');
  expect(reason({ occurredAt: '2023-02-29T10:00:00Z' })).toBe('occurredAt: expected ISO 8601 timestamp');
  expect(reason({ occurredAt: 1697000000 })).toBe('occurredAt: expected ISO 8601 timestamp');
  expect(reason({ outcome: 'throttled' })).toBe('outcome: expected one of delivered, deferred, bounced, expired');
  expect(reason({ smtpCode: 45 })).toBe('smtpCode: expected a reply code 200-599');
  expect(reason({ smtpCode: '451' })).toBe('smtpCode: expected a reply code 200-599');
  expect(reason({ enhancedCode: '4.7' })).toBe('enhancedCode: expected an enhanced status code like 4.7.500');
  expect(reason({ mxIp: 'mx.example.com' })).toBe('mxIp: expected an IP address');
  expect(reason({ source: 'qmail' })).toMatch(/^source: expected one of postfix, exim, /);
  expect(reason({ delaySeconds: -3 })).toBe('delaySeconds: expected seconds ≥ 0');
  expect(reason({ recipient: 'nobody' })).toBe('recipient: expected an email address');
  expect(reason({ recipient: null })).toBe('recipient: either recipient or recipientDomain is required');
  expect(reason({ outcome: 'x', attempt: 1.5 })).toBe('outcome: expected one of delivered, deferred, bounced, expired; attempt: expected a whole number ≥ 0');
  expect(parse([S77714])).toEqual([{ kind: 'reject', line: 4, reason: 'expected a JSON object with occurredAt and outcome' }]);
});

test('parseIsoTimestamp accepts the PowerMTA spelling and refuses impossible dates', () => {
  expect(parseIsoTimestamp('2023-10-11 02:17:50+0530', 0)).toEqual(new Date('2023-10-10T20:47:50Z'));
  expect(parseIsoTimestamp('2023-13-01T00:00:00Z', 0)).toBeNull();
  expect(parseIsoTimestamp('2023-10-11', 0)).toBeNull();
});

test('property: any JSON value or a mutated event never throws and yields exactly one output', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      expect(parse(value)).toHaveLength(1);
    }),
  );
  fc.assert(
    fc.property(fc.dictionary(fc.constantFrom(...Object.keys(S77714), 'occurred_at', 'recipientDomain'), fc.jsonValue()), (patch) => {
      expect(parse({ ...S77714, ...patch })).toHaveLength(1);
    }),
  );
});
