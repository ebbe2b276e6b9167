import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestDnsServer, type TestDnsServer } from '@/lib/test-support/dns-server';
import { createDnsResolver, type DnsResolver } from './resolver';
import { checkPtr } from './ptr';

let server: TestDnsServer;
let resolver: DnsResolver;

beforeAll(async () => {
  server = await startTestDnsServer({
    '7.2.0.192.in-addr.arpa': [{ type: 'PTR', data: 'mta1.example.test' }],
    'mta1.example.test': [{ type: 'A', data: '192.0.2.7' }],
    '8.2.0.192.in-addr.arpa': [{ type: 'PTR', data: 'mta2.example.test' }],
    'mta2.example.test': [{ type: 'A', data: '192.0.2.99' }],
    // 2001:db8::25
    '5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa': [{ type: 'PTR', data: 'mta6.example.test' }],
    'mta6.example.test': [{ type: 'AAAA', data: '2001:db8:0:0::25' }, { type: 'A', data: '192.0.2.6' }],
    // 2001:db8::26
    '6.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa': [{ type: 'PTR', data: 'v4only.example.test' }],
    'v4only.example.test': [{ type: 'A', data: '192.0.2.26' }],
  });
  resolver = createDnsResolver({ servers: [server.server], timeoutMs: 300, tries: 1 });
});

afterAll(() => server.close());

test('IPv4 with forward confirmation', async () => {
  expect(await checkPtr('192.0.2.7', { resolver })).toEqual({ ip: '192.0.2.7', ptr: 'mta1.example.test', names: ['mta1.example.test'], forwardConfirmed: true, problems: [] });
});

test('IPv4 whose PTR name points elsewhere is not confirmed', async () => {
  const r = await checkPtr('192.0.2.8', { resolver });
  expect(r).toMatchObject({ ptr: 'mta2.example.test', forwardConfirmed: false });
  expect(r.problems).toEqual(['the PTR name mta2.example.test does not resolve back to 192.0.2.8: forward-confirmed reverse DNS fails; add an A record for it']);
});

test('IPv6 through ip6.arpa, confirmed by AAAA only', async () => {
  expect(await checkPtr('2001:db8::25', { resolver })).toMatchObject({ ptr: 'mta6.example.test', forwardConfirmed: true, problems: [] });
  const v4only = await checkPtr('2001:db8::26', { resolver });
  expect(v4only).toMatchObject({ ptr: 'v4only.example.test', forwardConfirmed: false });
  expect(v4only.problems[0]).toContain('add an AAAA record');
});

test('no PTR and an invalid IP', async () => {
  expect(await checkPtr('192.0.2.200', { resolver })).toMatchObject({ ptr: null, forwardConfirmed: false, problems: ['192.0.2.200 has no PTR record: many receivers throttle or reject mail from IPs without reverse DNS'] });
  expect((await checkPtr('192.0.2', { resolver })).problems).toEqual(['"192.0.2" is not an IP address']);
});
