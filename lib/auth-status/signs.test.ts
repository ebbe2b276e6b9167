import { expect, test } from 'vitest';
import { domainSigns, ipSigns, isHealthy, type DmarcTally, type LatestCheck } from './signs';

const tally = (over: Partial<DmarcTally>): DmarcTally => ({ messages: 100, spfAlignedPass: 100, dkimAlignedPass: 100, dmarcPass: 100, spfPass: 100, spfError: 0, spfFail: 0, noDkimSignature: 0, isOurIpsOnly: true, from: '2024-03-01T00:00:00.000Z', to: '2024-03-03T00:00:00.000Z', ...over });
const check = (kind: LatestCheck['kind'], status: LatestCheck['status'], summary = `${kind} ${status}`): LatestCheck => ({ kind, target: 'example.org', status, summary, checkedAt: '2024-03-03T00:00:00.000Z' });
const statuses = (signs: ReturnType<typeof domainSigns>) => Object.fromEntries(signs.map((s) => [s.label, s.status]));

test('all good from DNS and reports: healthy', () => {
  const signs = domainSigns([check('spf', 'good'), check('dkim', 'good'), check('dmarc', 'warn'), check('dnsbl', 'good')], tally({}));
  expect(statuses(signs)).toEqual({ SPF: 'good', DKIM: 'good', DMARC: 'good', Blocklists: 'good' });
  expect(isHealthy(signs)).toBe(true);
});

test('SPF permerror, DKIM without signature and DMARC fail from our IPs are bad signs', () => {
  const signs = domainSigns([check('spf', 'good'), check('dkim', 'good'), check('dmarc', 'good')], tally({ spfError: 3, noDkimSignature: 40, dmarcPass: 60 }));
  expect(statuses(signs)).toEqual({ SPF: 'bad', DKIM: 'bad', DMARC: 'bad', Blocklists: 'unknown' });
  expect(signs[1]?.evidence).toContain('no DKIM signature on 40 of 100 message(s) from our sending IPs in DMARC reports 2024-03-01 – 2024-03-03');
  expect(isHealthy(signs)).toBe(false);
});

test('DMARC failures from all sources, our IPs unknown, prove nothing: unknown, not bad', () => {
  const signs = domainSigns([], tally({ dmarcPass: 50, isOurIpsOnly: false }));
  expect(statuses(signs).DMARC).toBe('unknown');
});

test('1 failure in 100 from our IPs stays within the allowance; nothing checked and no reports is all unknown', () => {
  expect(statuses(domainSigns([check('dmarc', 'good')], tally({ dmarcPass: 99 }))).DMARC).toBe('good');
  expect(Object.values(statuses(domainSigns([], null)))).toEqual(['unknown', 'unknown', 'unknown', 'unknown']);
});

test('IP signs: blocklist hit vs refused, PTR, and DMARC only when reports mention the IP', () => {
  const listed = ipSigns([check('ptr', 'good'), check('dnsbl', 'bad', 'Listed on SpamCop')], null);
  expect(listed.map((s) => [s.label, s.status])).toEqual([
    ['PTR / FCrDNS', 'good'],
    ['Blocklists', 'bad'],
  ]);
  const refused = ipSigns([check('ptr', 'bad'), check('dnsbl', 'unknown', 'Spamhaus ZEN: query refused')], tally({}));
  expect(refused.map((s) => [s.label, s.status])).toEqual([
    ['PTR / FCrDNS', 'bad'],
    ['Blocklists', 'unknown'],
    ['DMARC', 'good'],
  ]);
});
