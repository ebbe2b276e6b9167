import fc from 'fast-check';
import { expect, test } from 'vitest';
import { describeChange, dnsblOutcome, fingerprintOf, ptrOutcome, spfOutcome, type Essence } from './check-outcome';
import type { BlocklistResult } from './dns/dnsbl';
import type { SpfCheck } from './dns/spf';

const spf = (over: Partial<SpfCheck>): SpfCheck => ({ domain: 'example.org', record: 'v=spf1 ip4:203.0.113.7 -all', result: 'pass', lookups: 0, voidLookups: 0, problems: [], ips: [{ ip: '203.0.113.7', result: 'pass', problem: null }], tree: null, ...over });

const row = (list: string, status: BlocklistResult['status'], codes: string[] = [], meaning = ''): BlocklistResult => ({ target: '203.0.113.8', targetKind: 'ip', list, zone: `${list}.test`, query: '', status, codes, meaning, reason: null });

test('SPF: pass is good, permerror and an unauthorised IP are bad, temperror is unknown', () => {
  expect(spfOutcome(spf({})).status).toBe('good');
  expect(spfOutcome(spf({ result: 'permerror', problems: ['too many DNS lookups (11)'] }))).toMatchObject({ status: 'bad', summary: 'SPF permerror: too many DNS lookups (11)' });
  expect(spfOutcome(spf({ result: 'fail', ips: [{ ip: '203.0.113.8', result: 'fail', problem: null }] })).status).toBe('bad');
  expect(spfOutcome(spf({ result: 'temperror' })).status).toBe('unknown');
  expect(spfOutcome(spf({ result: 'neutral', ips: [] })).summary).toContain('no sending IP known to test');
});

test('PTR: forward-confirmed is good, a lookup failure unknown, no PTR bad', () => {
  expect(ptrOutcome({ ip: '203.0.113.7', ptr: 'mail.example.org', names: ['mail.example.org'], forwardConfirmed: true, problems: [] }).status).toBe('good');
  expect(ptrOutcome({ ip: '203.0.113.7', ptr: null, names: [], forwardConfirmed: false, problems: ['could not look up 7.113.0.203.in-addr.arpa: the DNS query timed out; try again'] }).status).toBe('unknown');
  expect(ptrOutcome({ ip: '203.0.113.7', ptr: null, names: [], forwardConfirmed: false, problems: ['203.0.113.7 has no PTR record'] }).status).toBe('bad');
});

test('blocklists: a listing is bad, a refusal is unknown and never a listing, and only listings change the fingerprint', () => {
  const refused = dnsblOutcome('203.0.113.8', [row('Spamhaus ZEN', 'refused', ['127.255.255.254']), row('SpamCop', 'not-listed')]);
  expect(refused).toMatchObject({ status: 'unknown', summary: 'Not listed where answered; Spamhaus ZEN: query refused' });
  const clean = dnsblOutcome('203.0.113.8', [row('Spamhaus ZEN', 'not-listed'), row('SpamCop', 'not-listed')]);
  expect(clean.status).toBe('good');
  expect(clean.fingerprint).toBe(refused.fingerprint);
  const listed = dnsblOutcome('203.0.113.8', [row('Spamhaus ZEN', 'not-listed'), row('SpamCop', 'listed', ['127.0.0.2'], 'listed by SpamCop')]);
  expect(listed).toMatchObject({ status: 'bad', summary: 'Listed on SpamCop (listed by SpamCop)' });
  expect(listed.fingerprint).not.toBe(clean.fingerprint);
  expect(describeChange('dnsbl', '203.0.113.8', clean.essence, listed.essence)).toBe('Blocklists of 203.0.113.8 changed: listed on SpamCop (127.0.0.2)');
  expect(describeChange('dnsbl', '203.0.113.8', listed.essence, clean.essence)).toBe('Blocklists of 203.0.113.8 changed: delisted from SpamCop');
});

test('a changed record is named first, with before and after', () => {
  const before = spfOutcome(spf({}));
  const after = spfOutcome(spf({ record: 'v=spf1 -all', result: 'fail', ips: [{ ip: '203.0.113.7', result: 'fail', problem: null }] }));
  expect(describeChange('spf', 'example.org', before.essence, after.essence)).toBe('SPF of example.org changed: record: v=spf1 ip4:203.0.113.7 -all → v=spf1 -all; ip 203.0.113.7: pass → fail; result: pass → fail');
});

const essence = fc.dictionary(fc.string(), fc.option(fc.string(), { nil: null })) as fc.Arbitrary<Essence>;

test('fingerprints ignore key order and tell different essences apart; describing a change never throws', () => {
  fc.assert(
    fc.property(essence, essence, (a, b) => {
      const reversed = Object.fromEntries(Object.entries(a).reverse());
      expect(fingerprintOf(reversed)).toBe(fingerprintOf(a));
      const isSame = JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
      expect(fingerprintOf(a) === fingerprintOf(b)).toBe(isSame);
      expect(describeChange('mx', 'example.org', a, b)).toMatch(/^MX of example.org changed: /);
    }),
  );
});
