import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestDnsServer, type TestDnsServer } from '@/lib/test-support/dns-server';
import { createDnsResolver, type DnsResolver } from './resolver';
import { checkMx } from './mx';

let server: TestDnsServer;
let resolver: DnsResolver;

beforeAll(async () => {
  server = await startTestDnsServer(
    {
      'example.test': [
        { type: 'MX', data: { preference: 20, exchange: 'mx2.example.test' } },
        { type: 'MX', data: { preference: 10, exchange: 'mx1.example.test' } },
      ],
      'mx1.example.test': [{ type: 'A', data: '192.0.2.1' }, { type: 'AAAA', data: '2001:db8::1' }],
      'mx2.example.test': [{ type: 'A', data: '192.0.2.2' }],
      'half.test': [
        { type: 'MX', data: { preference: 10, exchange: 'mx1.example.test' } },
        { type: 'MX', data: { preference: 20, exchange: 'ghost.half.test' } },
      ],
      'nullmx.test': [{ type: 'MX', data: { preference: 0, exchange: '.' } }],
      'nomx.test': [{ type: 'A', data: '192.0.2.3' }],
    },
    { failures: { 'flaky.test': 'servfail' } },
  );
  resolver = createDnsResolver({ servers: [server.server], timeoutMs: 300, tries: 1 });
});

afterAll(() => server.close());

test('MX hosts sorted by priority with their addresses', async () => {
  expect(await checkMx('example.test', { resolver })).toEqual({
    domain: 'example.test',
    isNullMx: false,
    status: 'pass',
    problems: [],
    records: [
      { exchange: 'mx1.example.test', priority: 10, addresses: ['192.0.2.1', '2001:db8::1'] },
      { exchange: 'mx2.example.test', priority: 20, addresses: ['192.0.2.2'] },
    ],
  });
});

test('a host without address warns; null MX, no MX and DNS failure are explained', async () => {
  expect(await checkMx('half.test', { resolver })).toMatchObject({ status: 'warn', problems: ['MX host ghost.half.test has no A or AAAA address'] });
  const nullMx = await checkMx('nullmx.test', { resolver });
  expect(nullMx).toMatchObject({ isNullMx: true, status: 'fail' });
  expect(nullMx.problems[0]).toContain('publishes a null MX (RFC 7505)');
  expect(await checkMx('nomx.test', { resolver })).toMatchObject({ status: 'none', records: [] });
  expect((await checkMx('flaky.test', { resolver })).problems).toEqual(['could not look up the MX of flaky.test: the DNS server failed (SERVFAIL); try again']);
});
