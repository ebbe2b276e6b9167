import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestDnsServer, type TestDnsServer } from '@/lib/test-support/dns-server';
import { createDnsResolver, type DnsResolver } from './resolver';
import { checkBlocklists, DEFAULT_BLOCKLISTS } from './dnsbl';

const a = (data: string) => ({ type: 'A' as const, data });
const SPAMCOP_REASON = 'Blocked - see https://www.spamcop.net/bl.shtml?192.0.2.99';

let server: TestDnsServer;
let resolver: DnsResolver;

beforeAll(async () => {
  server = await startTestDnsServer(
    {
      '99.2.0.192.bl.spamcop.net': [a('127.0.0.2'), { type: 'TXT', data: SPAMCOP_REASON }],
      '99.2.0.192.zen.spamhaus.org': [a('127.0.0.3'), a('127.0.0.10'), { type: 'TXT', data: 'https://check.spamhaus.org/sbl/query/SBLCSS' }],
      '1.2.0.192.zen.spamhaus.org': [a('127.255.255.254')],
      'spammy.test.dbl.spamhaus.org': [a('127.0.1.2')],
      'odd.test.dbl.spamhaus.org': [a('127.0.1.255')],
      '5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.zen.spamhaus.org': [a('127.0.0.4')],
      '99.2.0.192.hijacked.example.test': [a('198.51.100.1')],
    },
    { failures: { '99.2.0.192.b.barracudacentral.org': 'timeout' } },
  );
  resolver = createDnsResolver({ servers: [server.server], timeoutMs: 300, tries: 1 });
});

afterAll(() => server.close());

test('a SpamCop listing with its TXT reason; not listed elsewhere', async () => {
  const results = await checkBlocklists({ ips: ['192.0.2.99', '192.0.2.50'], domains: [] }, { resolver, lists: DEFAULT_BLOCKLISTS.filter((l) => l.zone === 'bl.spamcop.net') });
  expect(results).toEqual([
    { target: '192.0.2.99', targetKind: 'ip', list: 'SpamCop', zone: 'bl.spamcop.net', query: '99.2.0.192.bl.spamcop.net', status: 'listed', codes: ['127.0.0.2'], meaning: 'listed by SpamCop from recent spam reports', reason: SPAMCOP_REASON },
    { target: '192.0.2.50', targetKind: 'ip', list: 'SpamCop', zone: 'bl.spamcop.net', query: '50.2.0.192.bl.spamcop.net', status: 'not-listed', codes: [], meaning: 'not listed', reason: null },
  ]);
});

test('Spamhaus codes are interpreted; 127.255.255.254 is a refusal, not a listing', async () => {
  const zen = DEFAULT_BLOCKLISTS.filter((l) => l.zone === 'zen.spamhaus.org');
  const [listed, refused] = await checkBlocklists({ ips: ['192.0.2.99', '192.0.2.1'], domains: [] }, { resolver, lists: zen });
  expect(listed).toMatchObject({ status: 'listed', codes: ['127.0.0.3', '127.0.0.10'], reason: 'https://check.spamhaus.org/sbl/query/SBLCSS' });
  expect(listed?.meaning).toBe('SBL CSS: automated listing of a low-reputation (snowshoe) sending IP; PBL: the ISP says this range should not send mail directly');
  expect(refused).toMatchObject({ status: 'refused', codes: ['127.255.255.254'], reason: null });
  expect(refused?.meaning).toContain('public or unattributable resolver');
  expect(refused?.meaning).toContain('this is not a listing');
});

test('DBL for domains: a listing, and 127.0.1.255 as a refusal', async () => {
  const dbl = DEFAULT_BLOCKLISTS.filter((l) => l.kind === 'domain');
  const [spammy, odd, clean] = await checkBlocklists({ ips: ['192.0.2.99'], domains: ['spammy.test', 'odd.test', 'clean.test'] }, { resolver, lists: dbl });
  expect(spammy).toMatchObject({ target: 'spammy.test', targetKind: 'domain', query: 'spammy.test.dbl.spamhaus.org', status: 'listed', meaning: 'DBL: low-reputation (spam) domain' });
  expect(odd).toMatchObject({ status: 'refused' });
  expect(clean).toMatchObject({ status: 'not-listed' });
});

test('IPv6 uses nibbles on lists that support it and skips the others', async () => {
  const results = await checkBlocklists({ ips: ['2001:db8::25'], domains: [] }, { resolver });
  expect(results.map((r) => [r.list, r.status, r.meaning])).toEqual([['Spamhaus ZEN', 'listed', 'XBL: exploited or infected host (CBL data)']]);
});

test('a server that does not answer gives "error" within the configured timeout', async () => {
  const started = Date.now();
  const [result] = await checkBlocklists({ ips: ['192.0.2.99'], domains: [] }, { resolver, lists: DEFAULT_BLOCKLISTS.filter((l) => l.name === 'Barracuda BRBL') });
  expect(Date.now() - started).toBeLessThan(1500);
  expect(result).toMatchObject({ status: 'error', meaning: 'lookup failed: the DNS query timed out' });
});

test('a custom list, an answer outside 127.0.0.0/8 and an invalid IP are errors, not listings', async () => {
  const lists = [{ zone: 'hijacked.example.test', kind: 'ip' as const, name: 'Custom' }];
  const [hijacked, invalid] = await checkBlocklists({ ips: ['192.0.2.99', 'mx.example.test'], domains: [] }, { resolver, lists });
  expect(hijacked).toMatchObject({ list: 'Custom', status: 'error', codes: ['198.51.100.1'] });
  expect(hijacked?.meaning).toContain('outside 127.0.0.0/8');
  expect(invalid).toMatchObject({ status: 'error', meaning: '"mx.example.test" is not an IP address' });
});
