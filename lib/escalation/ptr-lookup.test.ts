import { expect, test } from 'vitest';
import type { DnsResolver, DnsResult } from '@/lib/auth-status/dns/resolver';
import { lookupPtrs } from './ptr-lookup';

function fakeResolver(answers: { ptr: (name: string) => Promise<DnsResult<string>>; a: (name: string) => Promise<DnsResult<string>> }): DnsResolver {
  const never = () => Promise.resolve<DnsResult<never>>({ status: 'nodata' });
  return { resolvePtr: answers.ptr, resolveA: answers.a, resolveAaaa: never, resolveTxt: never, resolveMx: never, queryCount: 0 };
}

const hang = () => new Promise<DnsResult<string>>(() => undefined);

test('a DNS server that never answers gives "not available" at the deadline, with the stored check, never a hang', async () => {
  const started = Date.now();
  const result = await lookupPtrs(['203.0.113.7', '203.0.113.8'], {
    resolver: fakeResolver({ ptr: hang, a: hang }),
    stored: new Map([['203.0.113.7', { checkedAt: '2023-10-10T00:00:00.000Z', summary: 'PTR mail.example.org, forward-confirmed' }]]),
    deadlineMs: 200,
  });
  expect(Date.now() - started).toBeLessThan(1_000);
  expect(result.get('203.0.113.7')).toEqual({ status: 'not-available', reason: 'DNS did not answer within 0.2 s; last stored check 2023-10-10T00:00:00.000Z: PTR mail.example.org, forward-confirmed' });
  expect(result.get('203.0.113.8')).toEqual({ status: 'not-available', reason: 'DNS did not answer within 0.2 s' });
});

test('answers are checked for forward confirmation; a temporary failure is "not available", not "no PTR"', async () => {
  const resolver = fakeResolver({
    ptr: async (name) =>
      name === '7.113.0.203.in-addr.arpa'
        ? { status: 'ok', records: ['mail.example.org.'] }
        : name === '8.113.0.203.in-addr.arpa'
          ? { status: 'nxdomain' }
          : { status: 'temperror', reason: 'servfail', message: 'SERVFAIL' },
    a: async () => ({ status: 'ok', records: ['203.0.113.7'] }),
  });
  const result = await lookupPtrs(['203.0.113.7', '203.0.113.8', '203.0.113.9'], { resolver, stored: new Map() });
  expect(result.get('203.0.113.7')).toMatchObject({ status: 'checked', ptr: 'mail.example.org', forwardConfirmed: true });
  expect(result.get('203.0.113.8')).toMatchObject({ status: 'checked', ptr: null, forwardConfirmed: false });
  expect(result.get('203.0.113.9')).toMatchObject({ status: 'not-available' });
  expect((result.get('203.0.113.9') as { reason: string }).reason).toContain('SERVFAIL');
});

test('without a resolver nothing is looked up and every IP is "not available"', async () => {
  const result = await lookupPtrs(['203.0.113.7'], { resolver: null, stored: new Map() });
  expect(result.get('203.0.113.7')).toEqual({ status: 'not-available', reason: 'DNS lookups are switched off for this package' });
});
