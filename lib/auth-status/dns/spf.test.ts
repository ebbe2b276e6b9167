import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestDnsServer, type TestDnsServer, type TestDnsZone } from '@/lib/test-support/dns-server';
import { createDnsResolver, type DnsResolver } from './resolver';
import { checkSpf, parseSpfRecord } from './spf';

const txt = (data: string) => [{ type: 'TXT' as const, data }];

function includeChain(prefix: string, count: number): TestDnsZone {
  const zone: TestDnsZone = {
    [`${prefix}.test`]: txt(`v=spf1 ${Array.from({ length: count }, (_, i) => `include:i${i + 1}.${prefix}.test`).join(' ')} -all`),
  };
  for (let i = 1; i <= count; i += 1) zone[`i${i}.${prefix}.test`] = txt(`v=spf1 ip4:198.51.100.${i} -all`);
  return zone;
}

const ZONE: TestDnsZone = {
  'example.test': [
    { type: 'TXT', data: 'v=spf1 ip4:192.0.2.0/24 ip6:2001:db8:1234::/48 include:_spf.esp.test -all' },
    { type: 'TXT', data: 'google-site-verification=abc123' },
  ],
  '_spf.esp.test': txt('v=spf1 ip4:198.51.100.7 include:_spf2.esp.test ~all'),
  '_spf2.esp.test': [
    { type: 'TXT', data: 'v=spf1 a:out.esp.test/28 mx -all' },
    { type: 'MX', data: { preference: 10, exchange: 'mx.esp.test' } },
  ],
  'out.esp.test': [{ type: 'A', data: '203.0.113.16' }],
  'mx.esp.test': [{ type: 'A', data: '203.0.113.50' }],
  'soft.test': txt('v=spf1 ip4:192.0.2.1 ~all'),
  ...includeChain('ten', 10),
  ...includeChain('eleven', 11),
  'void.test': txt('v=spf1 a:gone1.void.test a:gone2.void.test mx:gone3.void.test ip4:192.0.2.1 -all'),
  'twovoid.test': txt('v=spf1 a:gone1.void.test exists:gone2.void.test ip4:192.0.2.1 -all'),
  'badip.test': txt('v=spf1 ip4:192.0.2.300 -all'),
  'badmech.test': txt('v=spf1 ip4:192.0.2.1 foo:bar.test -all'),
  'multi.test': [
    { type: 'TXT', data: 'v=spf1 -all' },
    { type: 'TXT', data: 'v=spf1 ip4:192.0.2.1 -all' },
  ],
  'redir.test': txt('v=spf1 redirect=_spf.target.test'),
  '_spf.target.test': txt('v=spf1 ip4:192.0.2.44 -all'),
  'redir-all.test': txt('v=spf1 ?all redirect=_spf.target.test'),
  'six.test': txt('v=spf1 a:v6host.six.test//64 -all'),
  'v6host.six.test': [{ type: 'AAAA', data: '2001:db8:aaaa:bbbb::1' }],
  'nobody.test': txt('v=spf1 include:no-spf.test -all'),
  'no-spf.test': [{ type: 'A', data: '192.0.2.9' }],
  'macro.test': txt('v=spf1 exists:%{ir}.%{v}._spf.macro.test exists:%{l}.%{o}.users.macro.test -all'),
  'hmacro.test': txt('v=spf1 exists:%{d}.%{h}.helo.macro.test exists:%{s1r+}.senders.macro.test exists:%{s}.raw.macro.test -all'),
  '1.2.0.192.in-addr._spf.macro.test': [{ type: 'A', data: '127.0.0.2' }],
  '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.macro.test': [{ type: 'A', data: '127.0.0.2' }],
  'alice.macro.test.users.macro.test': [{ type: 'A', data: '127.0.0.2' }],
  'hmacro.test.mta.example.test.helo.macro.test': [{ type: 'A', data: '127.0.0.2' }],
  'carol.senders.macro.test': [{ type: 'A', data: '127.0.0.2' }],
  'pmacro.test': txt('v=spf1 exists:%{p}.pmacro.test -all'),
  'loop.test': txt('v=spf1 include:loop2.test -all'),
  'loop2.test': txt('v=spf1 include:loop.test -all'),
  'bigmx.test': [
    { type: 'TXT', data: 'v=spf1 mx -all' },
    ...Array.from({ length: 11 }, (_, i) => ({ type: 'MX' as const, data: { preference: i, exchange: `mx${i}.bigmx.test` } })),
  ],
  'ptr.test': txt('v=spf1 ptr:ptr.test -all'),
  '9.2.0.192.in-addr.arpa': [{ type: 'PTR', data: 'mail.ptr.test' }],
  'mail.ptr.test': [{ type: 'A', data: '192.0.2.9' }],
  'flaky.test': txt('v=spf1 include:broken.flaky.test -all'),
  'slow.test': txt('v=spf1 ip4:192.0.2.1 include:dropped.slow.test -all'),
};

let server: TestDnsServer;
let resolver: DnsResolver;

beforeAll(async () => {
  server = await startTestDnsServer(ZONE, { failures: { 'broken.flaky.test': 'servfail', 'dropped.slow.test': 'timeout' } });
  resolver = createDnsResolver({ servers: [server.server], timeoutMs: 300, tries: 1 });
});

afterAll(() => server.close());

test('our IPs pass through ip4, ip6, include chains, a/cidr and mx; the lookup tree is counted', async () => {
  const ips = ['192.0.2.5', '2001:db8:1234:5::1', '198.51.100.7', '203.0.113.20', '203.0.113.50'];
  const r = await checkSpf('example.test', { resolver, ips });
  expect(r.record).toBe('v=spf1 ip4:192.0.2.0/24 ip6:2001:db8:1234::/48 include:_spf.esp.test -all');
  expect(r.ips.map((i) => i.result)).toEqual(['pass', 'pass', 'pass', 'pass', 'pass']);
  expect(r.result).toBe('pass');
  // include:_spf.esp.test, include:_spf2.esp.test, a:out.esp.test, mx
  expect(r.lookups).toBe(4);
  expect(r.problems).toEqual([]);
  expect(r.tree?.children.map((c) => c.domain)).toEqual(['_spf.esp.test']);
  expect(r.tree?.children[0]?.children.map((c) => [c.domain, c.via, c.lookups])).toEqual([['_spf2.esp.test', 'include', 2]]);
});

test('an IP outside the record fails, and the problem names it', async () => {
  const r = await checkSpf('example.test', { resolver, ips: ['192.0.2.5', '203.0.113.99'] });
  expect(r.ips).toEqual([
    { ip: '192.0.2.5', result: 'pass', problem: null },
    { ip: '203.0.113.99', result: 'fail', problem: null },
  ]);
  expect(r.result).toBe('fail');
  expect(r.problems).toEqual(['203.0.113.99 is not authorised by the SPF record of example.test (fail)']);
  const soft = await checkSpf('soft.test', { resolver, ips: ['192.0.2.2'] });
  expect(soft.result).toBe('softfail');
});

test('10 includes are within the limit; 11 give permerror "too many DNS lookups (11)"', async () => {
  const ten = await checkSpf('ten.test', { resolver, ips: ['198.51.100.10'] });
  expect(ten).toMatchObject({ lookups: 10, result: 'pass', problems: [] });
  const eleven = await checkSpf('eleven.test', { resolver, ips: ['198.51.100.1', '198.51.100.11'] });
  expect(eleven.lookups).toBe(11);
  expect(eleven.result).toBe('permerror');
  expect(eleven.problems[0]).toMatch(/^too many DNS lookups \(11\)/);
  // A receiver stops at the 11th lookup: an early include still passes, the last one cannot be reached.
  expect(eleven.ips).toEqual([
    { ip: '198.51.100.1', result: 'pass', problem: null },
    { ip: '198.51.100.11', result: 'permerror', problem: 'too many DNS lookups (11)' },
  ]);
});

test('more than two void lookups give permerror; two are allowed', async () => {
  const r = await checkSpf('void.test', { resolver, ips: ['192.0.2.1'] });
  expect(r.voidLookups).toBe(3);
  expect(r.result).toBe('permerror');
  expect(r.ips[0]).toEqual({ ip: '192.0.2.1', result: 'permerror', problem: 'too many void DNS lookups (3)' });
  expect(r.problems.some((p) => p.startsWith('too many void lookups (3)'))).toBe(true);
  const two = await checkSpf('twovoid.test', { resolver, ips: ['192.0.2.1'] });
  expect(two).toMatchObject({ voidLookups: 2, result: 'pass' });
});

test('syntax errors are permerror with the offending term', async () => {
  const badIp = await checkSpf('badip.test', { resolver, ips: ['192.0.2.1'] });
  expect(badIp.result).toBe('permerror');
  expect(badIp.problems[0]).toBe('SPF record of badip.test: invalid term "ip4:192.0.2.300": "192.0.2.300" is not an IPv4 address');
  const badMech = await checkSpf('badmech.test', { resolver, ips: ['192.0.2.1'] });
  expect(badMech.ips[0]?.result).toBe('permerror');
  expect(badMech.problems[0]).toContain('"foo:bar.test": unknown mechanism "foo"');
});

test('two SPF records are permerror "multiple SPF records"; other TXT records are ignored', async () => {
  const r = await checkSpf('multi.test', { resolver, ips: ['192.0.2.1'] });
  expect(r.result).toBe('permerror');
  expect(r.problems[0]).toMatch(/^multiple SPF records at multi\.test \(2\)/);
  const single = await checkSpf('example.test', { resolver, ips: [] });
  expect(single.result).toBe('neutral');
});

test('redirect is followed and counted, and ignored when the record has "all"', async () => {
  const r = await checkSpf('redir.test', { resolver, ips: ['192.0.2.44', '192.0.2.45'] });
  expect(r.ips.map((i) => i.result)).toEqual(['pass', 'fail']);
  expect(r.lookups).toBe(1);
  expect(r.tree?.children[0]).toMatchObject({ domain: '_spf.target.test', via: 'redirect' });
  const withAll = await checkSpf('redir-all.test', { resolver, ips: ['192.0.2.44'] });
  expect(withAll.ips[0]?.result).toBe('neutral');
  expect(withAll.lookups).toBe(0);
});

test('IPv6: the a mechanism queries AAAA and applies the IPv6 prefix length', async () => {
  const r = await checkSpf('six.test', { resolver, ips: ['2001:db8:aaaa:bbbb:ffff::9', '2001:db8:aaaa:cccc::1', '192.0.2.1'] });
  expect(r.ips.map((i) => i.result)).toEqual(['pass', 'fail', 'fail']);
});

test('include of a domain without SPF, include loops and DNS failures', async () => {
  expect((await checkSpf('nobody.test', { resolver, ips: ['192.0.2.9'] })).problems[0]).toBe('include:no-spf.test points to a domain without an SPF record');
  const loop = await checkSpf('loop.test', { resolver, ips: ['192.0.2.1'] });
  expect(loop.result).toBe('permerror');
  expect(loop.problems[0]).toBe('include loop: loop.test → loop2.test → loop.test');
  const flaky = await checkSpf('flaky.test', { resolver, ips: ['192.0.2.1'] });
  expect(flaky.result).toBe('temperror');
  expect(flaky.problems[0]).toBe('SPF lookup for broken.flaky.test failed: the DNS server failed (SERVFAIL)');
  const started = Date.now();
  const slow = await checkSpf('slow.test', { resolver, ips: ['192.0.2.1', '192.0.2.2'] });
  expect(Date.now() - started).toBeLessThan(2000);
  expect(slow.result).toBe('temperror');
  expect(slow.ips.map((i) => i.result)).toEqual(['pass', 'temperror']);
  expect((await checkSpf('nothing-here.test', { resolver, ips: ['192.0.2.1'] })).result).toBe('none');
});

test('macros %{i} %{v} %{l} %{o} %{d} %{h} %{s} expand for exists; %{p} is refused honestly', async () => {
  const opts = { resolver, sender: 'alice@macro.test', helo: 'mta.example.test' };
  expect((await checkSpf('macro.test', { ...opts, ips: ['192.0.2.1', '2001:db8::1'] })).ips.map((i) => i.result)).toEqual(['pass', 'pass']);
  const byUser = await checkSpf('macro.test', { ...opts, ips: ['192.0.2.99'] });
  expect(byUser.ips[0]?.result).toBe('pass');
  expect(server.queries.some((q) => q.name === 'alice.macro.test.users.macro.test')).toBe(true);
  const nobody = await checkSpf('macro.test', { resolver, sender: 'bob@other.test', ips: ['192.0.2.99'] });
  expect(nobody.ips[0]?.result).toBe('fail');
  expect((await checkSpf('hmacro.test', { ...opts, ips: ['192.0.2.99'] })).ips[0]?.result).toBe('pass');
  expect((await checkSpf('hmacro.test', { resolver, sender: 'carol+news@hmacro.test', ips: ['192.0.2.99'] })).ips[0]?.result).toBe('pass');
  // A bare %{s} keeps the "@", which c-ares refuses to send: reported, and counted as a void lookup (the third here).
  const dave = await checkSpf('hmacro.test', { resolver, sender: 'dave+news@hmacro.test', ips: ['192.0.2.99'] });
  expect(dave.ips[0]).toEqual({ ip: '192.0.2.99', result: 'permerror', problem: 'too many void DNS lookups (3)' });
  expect(dave.problems).toContain('"exists:%{s}.raw.macro.test" expands to "dave+news@hmacro.test.raw.macro.test", which is not a valid DNS name');
  const p = await checkSpf('pmacro.test', { resolver, ips: ['192.0.2.1'] });
  expect(p.result).toBe('permerror');
  expect(p.problems[0]).toBe('macro not supported: %{p} in "exists:%{p}.pmacro.test"');
});

test('an mx with more than 10 names is permerror; ptr works but is flagged', async () => {
  const mx = await checkSpf('bigmx.test', { resolver, ips: ['192.0.2.1'] });
  expect(mx.result).toBe('permerror');
  expect(mx.problems[0]).toContain('has 11 MX names, more than the 10 allowed');
  const ptr = await checkSpf('ptr.test', { resolver, ips: ['192.0.2.9', '192.0.2.10'] });
  expect(ptr.ips.map((i) => i.result)).toEqual(['pass', 'fail']);
  expect(ptr.problems[0]).toContain('the ptr mechanism is slow and unreliable');
});

test('parseSpfRecord reads qualifiers, prefix lengths and modifiers', () => {
  const r = parseSpfRecord('v=spf1 -ip4:192.0.2.0/24 ~a:mail.example.test/26//64 ?mx/30 +include:_spf.example.test exp=explain.%{d} foo=bar redirect=_spf.example.test');
  expect(r).toEqual({
    ok: true,
    record: {
      mechanisms: [
        { name: 'ip4', qualifier: '-', raw: '-ip4:192.0.2.0/24', network: '192.0.2.0', prefixLength: 24 },
        { name: 'a', qualifier: '~', raw: '~a:mail.example.test/26//64', domainSpec: 'mail.example.test', cidr4: 26, cidr6: 64 },
        { name: 'mx', qualifier: '?', raw: '?mx/30', domainSpec: null, cidr4: 30, cidr6: 128 },
        { name: 'include', qualifier: '+', raw: '+include:_spf.example.test', domainSpec: '_spf.example.test' },
      ],
      redirect: '_spf.example.test',
      exp: 'explain.%{d}',
      unknownModifiers: ['foo=bar'],
    },
  });
});

test.each([
  ['v=spf2.0/pra ip4:192.0.2.1', 'the record does not start with "v=spf1"'],
  ['v=spf1 ip6:2001:db8::/129', 'prefix length must be 0-128'],
  ['v=spf1 a:example.test/33', 'IPv4 prefix length must be 0-32'],
  ['v=spf1 include:localhost', 'is not a fully qualified domain'],
  ['v=spf1 include:example.123', 'does not end in a valid top-level label'],
  ['v=spf1 exists:%{x}.example.test', 'macro letter "x" is not allowed here'],
  ['v=spf1 exists:%{c}.example.test', 'macro letter "c" is not allowed here'],
  ['v=spf1 exists:%{i0}.example.test', 'keeps zero labels'],
  ['v=spf1 exists:50%.example.test', 'a "%" must be followed by'],
  ['v=spf1 redirect=a.example.test redirect=b.example.test', '"redirect" may appear only once'],
  ['v=spf1 allx', 'unknown mechanism "allx"'],
  ['v=spf1 all:foo', '"all" takes no argument'],
])('parseSpfRecord rejects %j', (record, reason) => {
  const r = parseSpfRecord(record);
  expect(r.ok).toBe(false);
  if (!r.ok) expect(r.error).toContain(reason);
});

test('parseSpfRecord never throws on random input', () => {
  const spfish = fc.array(fc.constantFrom('v=spf1', ' ', 'ip4:', 'ip6:', '/', '//', ':', '%{', '}', 'i', 'r', '.', '-', 'a', 'mx', 'include', 'redirect=', '=', '~', '?', '+', '0', '24', '::', 'example.test', '%%', '%'));
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), spfish.map((parts) => parts.join(''))), (text) => {
      const r = parseSpfRecord(text);
      expect(typeof r.ok).toBe('boolean');
    }),
    { numRuns: 2000 },
  );
});

test('any list of valid ip4 terms parses back to the same networks', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 }), fc.constantFrom('', '+', '-', '~', '?'))), (terms) => {
      const r = parseSpfRecord(['v=spf1', ...terms.map(([ip, len, q]) => `${q}ip4:${ip}/${len}`)].join(' '));
      expect(r.ok && r.record.mechanisms.map((m) => (m.name === 'ip4' ? [m.network, m.prefixLength] : null))).toEqual(terms.map(([ip, len]) => [ip, len]));
    }),
  );
});
