import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { alertBody, alertPayloadSchema, alertSummary, backoffSeconds, isRetryable, MAX_ALERT_ATTEMPTS, signBody, verifySignature, type AlertPayload } from './payload';

const payload: AlertPayload = {
  event: 'incident.escalated',
  at: '2023-10-11T02:20:00.000Z',
  incident: {
    id: '7d3f1a52-3f7e-4a51-9d6c-0d5c7e1b2a10',
    path: '/incidents/7d3f1a52-3f7e-4a51-9d6c-0d5c7e1b2a10',
    provider: 'microsoft-365',
    status: 'open',
    scope: 'receiver',
    escalation: 'escalate',
    kbRule: 'microsoft.server-busy',
    signature: '451 4.7.500 Server busy. Please try again later from [<ip>]. (S77714) [<host> <ts> <hex>]',
    startedAt: '2023-10-11T01:20:00.000Z',
    affectedIps: ['203.0.113.7', '203.0.113.8'],
    affectedDomains: ['contoso.com', 'fabrikam.com'],
  },
};

test('the signature is HMAC-SHA256 of the exact body, hex, prefixed sha256=', () => {
  const body = alertBody('generic', 'row-1', payload);
  expect(signBody('s3cret-s3cret-s3cret', body)).toBe(`sha256=${createHmac('sha256', 's3cret-s3cret-s3cret').update(body).digest('hex')}`);
  expect(verifySignature('s3cret-s3cret-s3cret', body, signBody('s3cret-s3cret-s3cret', body))).toBe(true);
  expect(verifySignature('another-secret-value', body, signBody('s3cret-s3cret-s3cret', body))).toBe(false);
  expect(verifySignature('s3cret-s3cret-s3cret', `${body} `, signBody('s3cret-s3cret-s3cret', body))).toBe(false);
  expect(verifySignature('s3cret-s3cret-s3cret', body, null)).toBe(false);
});

test('signature checks never throw, whatever the header', () => {
  fc.assert(
    fc.property(fc.string(), fc.string(), fc.string(), (secret, body, header) => {
      expect(typeof verifySignature(secret, body, header)).toBe('boolean');
    }),
  );
});

test('generic bodies carry the outbox id and the payload; Slack bodies are text plus blocks', () => {
  const generic = JSON.parse(alertBody('generic', 'row-1', payload)) as Record<string, unknown>;
  expect(generic).toEqual({ id: 'row-1', ...payload });
  expect(alertPayloadSchema.parse(generic)).toEqual(payload);

  const slack = JSON.parse(alertBody('slack', 'row-1', payload)) as { text: string; blocks: Array<{ type: string }> };
  expect(slack.text).toBe('Incident escalated: microsoft-365 · microsoft.server-busy · receiver-side · escalate');
  expect(slack.blocks.map((b) => b.type)).toEqual(['section', 'section', 'context']);
  expect(JSON.stringify(slack.blocks)).toContain('203.0.113.7, 203.0.113.8');
  expect(alertSummary({ ...payload, event: 'incident.opened', incident: { ...payload.incident, kbRule: null } })).toBe('Incident opened: microsoft-365 · unknown reply · receiver-side · escalate');
});

test('backoff doubles from 30 s and stops at an hour; the attempts cover about two hours', () => {
  expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map(backoffSeconds)).toEqual([30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
  const total = Array.from({ length: MAX_ALERT_ATTEMPTS - 1 }, (_, i) => backoffSeconds(i + 1)).reduce((a, b) => a + b, 0);
  expect(total).toBeGreaterThan(3600);
  expect(total).toBeLessThan(3 * 3600);
});

test('no answer, server errors, 408 and 429 are retried; other refusals are not', () => {
  expect([null, 500, 502, 503, 408, 429].map(isRetryable)).toEqual([true, true, true, true, true, true]);
  expect([400, 401, 403, 404, 410, 301].map(isRetryable)).toEqual([false, false, false, false, false, false]);
});
