import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestDnsServer, type TestDnsServer } from '@/lib/test-support/dns-server';
import { createDnsResolver, describeFailure, isVoid, type DnsResolver } from './resolver';

let server: TestDnsServer;
let resolver: DnsResolver;

beforeAll(async () => {
  server = await startTestDnsServer(
    {
      'mail.example.test': [
        { type: 'A', data: '192.0.2.25' },
        { type: 'TXT', data: ['v=spf1 ', 'ip4:192.0.2.25 -all'] },
        { type: 'MX', data: { preference: 5, exchange: 'mx1.example.test' } },
      ],
    },
    { failures: { 'sf.example.test': 'servfail', 'ref.example.test': 'refused', 'slow.example.test': 'timeout' } },
  );
  resolver = createDnsResolver({ servers: [server.server], timeoutMs: 300, tries: 1 });
});

afterAll(() => server.close());

test('returns records, joining the strings of one TXT record', async () => {
  expect(await resolver.resolveA('mail.example.test')).toEqual({ status: 'ok', records: ['192.0.2.25'] });
  expect(await resolver.resolveTxt('mail.example.test')).toEqual({ status: 'ok', records: ['v=spf1 ip4:192.0.2.25 -all'] });
  expect(await resolver.resolveMx('mail.example.test')).toEqual({ status: 'ok', records: [{ exchange: 'mx1.example.test', priority: 5 }] });
});

test('tells NXDOMAIN and NODATA (void lookups) apart from temporary errors', async () => {
  const nx = await resolver.resolveA('nope.example.test');
  const nodata = await resolver.resolveAaaa('mail.example.test');
  expect(nx).toEqual({ status: 'nxdomain' });
  expect(nodata).toEqual({ status: 'nodata' });
  expect(isVoid(nx) && isVoid(nodata)).toBe(true);
  expect(await resolver.resolveA('sf.example.test')).toMatchObject({ status: 'temperror', reason: 'servfail' });
  const refused = await resolver.resolveTxt('ref.example.test');
  expect(refused).toMatchObject({ status: 'temperror', reason: 'refused' });
  expect(isVoid(refused)).toBe(false);
  expect(describeFailure(refused)).toBe('the DNS server refused the query (REFUSED)');
  expect(await resolver.resolveA('bad..name.test')).toEqual({ status: 'badname' });
});

test('a dropped query times out within the configured timeout', async () => {
  const started = Date.now();
  const result = await resolver.resolvePtr('slow.example.test');
  expect(result).toMatchObject({ status: 'temperror', reason: 'timeout' });
  expect(Date.now() - started).toBeLessThan(1500);
});

test('counts the queries it sends', async () => {
  const fresh = createDnsResolver({ servers: [server.server], timeoutMs: 300, tries: 1 });
  await fresh.resolveA('mail.example.test');
  await fresh.resolveTxt('nope.example.test');
  expect(fresh.queryCount).toBe(2);
});
