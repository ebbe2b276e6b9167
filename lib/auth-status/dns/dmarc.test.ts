import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestDnsServer, type TestDnsServer, type TestDnsZone } from '@/lib/test-support/dns-server';
import { createDnsResolver, type DnsResolver } from './resolver';
import { checkDmarc, organizationalDomain, parseDmarcRecord } from './dmarc';

const txt = (...data: string[]) => data.map((d) => ({ type: 'TXT' as const, data: d }));

const ZONE: TestDnsZone = {
  '_dmarc.good.test': txt('v=DMARC1; p=reject; sp=quarantine; rua=mailto:dmarc@good.test,mailto:agg@reports.example.test!10m; adkim=s; aspf=r; fo=1:d; ri=86400'),
  '_dmarc.monitor.test': txt('v=DMARC1; p=none; rua=mailto:dmarc@monitor.test'),
  '_dmarc.vlast.test': txt('p=reject; v=DMARC1; rua=mailto:dmarc@vlast.test'),
  '_dmarc.lower.test': txt('v=dmarc1; p=reject; rua=mailto:dmarc@lower.test'),
  '_dmarc.badp.test': txt('v=DMARC1; p=block; rua=mailto:dmarc@badp.test'),
  '_dmarc.pct.test': txt('v=DMARC1; p=quarantine; pct=150; rua=mailto:dmarc@pct.test'),
  '_dmarc.rua.test': txt('v=DMARC1; p=reject; rua=dmarc@rua.test'),
  '_dmarc.unknown.test': txt('v=DMARC1; p=reject; rua=mailto:dmarc@unknown.test; polcy=reject'),
  '_dmarc.multi.test': txt('v=DMARC1; p=reject; rua=mailto:a@multi.test', 'v=DMARC1; p=none'),
  '_dmarc.bis.test': txt('v=DMARC1; p=reject; np=reject; psd=n; t=y; rua=mailto:dmarc@bis.test'),
  'mail.good.test': [{ type: 'A', data: '192.0.2.1' }],
  '_dmarc.example.co.uk': txt('v=DMARC1; p=quarantine; rua=mailto:dmarc@example.co.uk'),
};

let server: TestDnsServer;
let resolver: DnsResolver;

beforeAll(async () => {
  server = await startTestDnsServer(ZONE, { failures: { '_dmarc.flaky.test': 'servfail' } });
  resolver = createDnsResolver({ servers: [server.server], timeoutMs: 300, tries: 1 });
});

afterAll(() => server.close());

test('a valid enforcing record passes, with its tags and policy', async () => {
  const r = await checkDmarc('good.test', { resolver });
  expect(r).toMatchObject({ status: 'pass', policy: 'reject', recordName: '_dmarc.good.test', isOrganizationalFallback: false, problems: [] });
  expect(r.tags).toEqual({ v: 'DMARC1', p: 'reject', sp: 'quarantine', rua: 'mailto:dmarc@good.test,mailto:agg@reports.example.test!10m', adkim: 's', aspf: 'r', fo: '1:d', ri: '86400' });
});

test('a subdomain without its own record falls back to the organisational domain and its sp', async () => {
  const r = await checkDmarc('mail.good.test', { resolver });
  expect(r).toMatchObject({ recordName: '_dmarc.good.test', isOrganizationalFallback: true, policy: 'quarantine', status: 'pass' });
  const uk = await checkDmarc('news.example.co.uk', { resolver });
  expect(uk).toMatchObject({ recordName: '_dmarc.example.co.uk', isOrganizationalFallback: true, policy: 'quarantine' });
  expect(organizationalDomain('a.b.example.com')).toBe('example.com');
  expect(organizationalDomain('mail.example.com.au')).toBe('example.com.au');
});

test('p=none is a warning: it only monitors', async () => {
  const r = await checkDmarc('monitor.test', { resolver });
  expect(r.status).toBe('warn');
  expect(r.problems).toEqual(['p=none only monitors: mail that fails DMARC is still delivered']);
});

test.each([
  ['vlast.test', 'the record must start with v=DMARC1; receivers ignore a record that does not'],
  ['lower.test', '"v=dmarc1" must be written exactly v=DMARC1 (capitals); receivers ignore the record otherwise'],
  ['badp.test', 'p=block is not valid: use none or quarantine or reject'],
  ['pct.test', 'pct=150 is out of range: it must be a whole number from 0 to 100'],
  ['rua.test', 'rua entry "dmarc@rua.test" is not a mailto: address, so no reports are sent to it; write rua=mailto:dmarc@rua.test'],
  ['multi.test', 'multiple DMARC records at _dmarc.multi.test (2): receivers ignore all of them; keep one'],
])('%s: the mistake fails and is explained', async (domain, problem) => {
  const r = await checkDmarc(domain, { resolver });
  expect(r.status).toBe('fail');
  expect(r.problems).toContain(problem);
});

test('unknown tags and DMARCbis testing mode are warnings', async () => {
  const unknown = await checkDmarc('unknown.test', { resolver });
  expect(unknown).toMatchObject({ status: 'warn', problems: ['unknown tag "polcy" is ignored by receivers (a typo?)'] });
  const bis = await checkDmarc('bis.test', { resolver });
  expect(bis).toMatchObject({ status: 'warn', problems: ['t=y (testing): receivers apply the next milder policy'] });
  expect(bis.tags).toMatchObject({ np: 'reject', psd: 'n' });
});

test('no record anywhere is "none"; a DNS failure is explained, not mistaken for absence', async () => {
  const none = await checkDmarc('mail.nowhere.test', { resolver });
  expect(none).toMatchObject({ status: 'none', record: null, policy: null });
  expect(none.problems[0]).toBe('no DMARC record at _dmarc.mail.nowhere.test nor at _dmarc.nowhere.test: receivers apply no policy and send no reports');
  const flaky = await checkDmarc('flaky.test', { resolver });
  expect(flaky).toMatchObject({ status: 'fail', problems: ['could not look up _dmarc.flaky.test: the DNS server failed (SERVFAIL); try again'] });
});

test('parseDmarcRecord flags bad alignment, fo, ri, psd, empty rua entries and duplicates', () => {
  const r = parseDmarcRecord('v=DMARC1; p=reject; p=none; adkim=x; fo=2; ri=daily; psd=maybe; rua=mailto:a@b.test,; ruf=mailto:nobody');
  expect(r.errors).toEqual([
    'tag p appears more than once; receivers may use either value',
    'adkim=x is not valid: use r or s',
    'fo=2 is not valid: use 0, 1, d or s, separated by ":"',
    'ri=daily is not valid: it is a number of seconds',
    'psd=maybe is not valid: use y or n or u',
    'rua= has an empty entry: remove the extra comma',
    'ruf entry "mailto:nobody" is not a valid mailto: address',
  ]);
  expect(parseDmarcRecord('v=DMARC1; rua=mailto:a@b.test').errors).toEqual(['p= is missing: RFC 7489 requires it (DMARCbis would treat the record as p=none)']);
});

test('parseDmarcRecord never throws on random input', () => {
  const dmarcish = fc.array(fc.constantFrom('v=DMARC1', ';', ' ', '=', 'p', 'sp', 'pct', '100', '-1', 'rua', 'mailto:', '@', ',', '!', 'fo', ':', 'reject', 'x'));
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), dmarcish.map((parts) => parts.join(''))), (text) => {
      const r = parseDmarcRecord(text);
      expect(Array.isArray(r.errors) && Array.isArray(r.warnings)).toBe(true);
    }),
    { numRuns: 2000 },
  );
});

test('tag names that exist on Object.prototype are ordinary unknown tags', () => {
  const r = parseDmarcRecord('v=DMARC1; p=reject; rua=mailto:a@b.test; constructor=x; __proto__=y');
  expect(r.errors).toEqual([]);
  expect(r.warnings).toEqual(['unknown tag "constructor" is ignored by receivers (a typo?)', 'unknown tag "__proto__" is ignored by receivers (a typo?)']);
});
