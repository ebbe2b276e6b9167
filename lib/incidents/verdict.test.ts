import { expect, test } from 'vitest';
import type { AuthSign } from '@/lib/auth-status/signs';
import type { AuthFacts } from './types';
import { decideScope, type VerdictFacts } from './verdict';

const good = (label: string, evidence = `${label} passes`): AuthSign => ({ label, status: 'good', evidence: [evidence] });
const bad = (label: string, evidence: string): AuthSign => ({ label, status: 'bad', evidence: [evidence] });
const unknown = (label: string): AuthSign => ({ label, status: 'unknown', evidence: [`${label} not checked yet`] });

/** A Microsoft deferral with an unknown reply, two of three IPs and two tenants affected, other providers failing too. */
const facts = (auth?: AuthFacts): VerdictFacts => ({
  provider: 'microsoft-365',
  rule: null,
  signature: '421 4.3.2 The maximum number of concurrent connections has exceeded a limit',
  affectedIps: ['203.0.113.7', '203.0.113.8'],
  providerIps: ['203.0.113.7', '203.0.113.8', '203.0.113.9'],
  affectedDomains: ['contoso.com', 'fabrikam.com'],
  healthyProviders: [],
  failingProviders: ['yahoo'],
  authFailures: 0,
  auth,
});

const healthy: AuthFacts = {
  domains: [{ target: 'acme.test', signs: [good('SPF'), good('DKIM'), good('DMARC'), good('Blocklists')] }],
  ips: [
    { target: '203.0.113.7', signs: [good('PTR / FCrDNS'), good('Blocklists')] },
    { target: '203.0.113.8', signs: [good('PTR / FCrDNS'), good('Blocklists')] },
  ],
};

test('without authentication facts (history) the verdict has no point about them', () => {
  const v = decideScope(facts());
  expect(v.evidence.map((e) => e.finding).join('\n')).not.toMatch(/sending identity|DNS check/);
});

test('a healthy sending identity is a receiver-side sign that tips thin evidence', () => {
  // Three weak receiver signs and no sender sign decide; without the identity there are two.
  const withoutAuth = facts({ domains: [], ips: [] });
  expect(decideScope(withoutAuth).scope).toBe('unknown');
  const v = decideScope(facts(healthy));
  expect(v.scope).toBe('receiver');
  expect(v.evidence.at(-1)).toEqual({
    side: 'receiver',
    strength: 'weak',
    finding: 'Our sending identity is healthy: SPF of acme.test, DKIM of acme.test, DMARC of acme.test, Blocklists of acme.test, PTR / FCrDNS of 203.0.113.7, Blocklists of 203.0.113.7, PTR / FCrDNS of 203.0.113.8, Blocklists of 203.0.113.8 good; no bad sign.',
  });
});

test('a blocklisted affected IP or a broken SPF record makes it sender-side, with the evidence quoted', () => {
  const listed: AuthFacts = { ...healthy, ips: [healthy.ips[0]!, { target: '203.0.113.8', signs: [good('PTR / FCrDNS'), bad('Blocklists', 'listed on Spamhaus ZEN (127.0.0.2)')] }] };
  const v = decideScope(facts(listed));
  expect(v.scope).toBe('sender');
  expect(v.evidence.at(-1)).toEqual({
    side: 'sender',
    strength: 'strong',
    finding: 'Our sending identity has bad signs to fix: 203.0.113.8 Blocklists: listed on Spamhaus ZEN (127.0.0.2).',
    fix: ['203.0.113.8 Blocklists: listed on Spamhaus ZEN (127.0.0.2)'],
  });

  const spf: AuthFacts = { ...healthy, domains: [{ target: 'acme.test', signs: [bad('SPF', 'SPF permerror: too many DNS lookups (11 > 10)'), good('DKIM')] }] };
  expect(decideScope(facts(spf)).evidence.at(-1)?.finding).toBe('Our sending identity has bad signs to fix: acme.test SPF: SPF permerror: too many DNS lookups (11 > 10).');
});

test('a bad sign of an IP that is not affected does not count; S77714 with a healthy identity stays receiver-side', () => {
  const other: AuthFacts = { ...healthy, ips: [...healthy.ips, { target: '203.0.113.9', signs: [bad('Blocklists', 'listed on SpamCop')] }] };
  expect(decideScope(facts(other)).scope).toBe('receiver');
  const s77714 = { ...facts(healthy), signature: '451 4.7.500 Server busy. Please try again later from [<ip>]. (S77714) [<host> <ts> <hex>]' };
  expect(decideScope(s77714).scope).toBe('receiver');
});

test('nothing checked yet is said, and decides nothing', () => {
  const v = decideScope(facts({ domains: [{ target: 'acme.test', signs: [unknown('SPF')] }], ips: [] }));
  expect(v.scope).toBe('unknown');
  expect(v.evidence.at(-1)).toEqual({ side: 'neutral', strength: 'weak', finding: 'No DNS check or DMARC report about our sending domains and affected IPs yet (Authentication page).' });
});
