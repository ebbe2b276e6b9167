import { expect, test } from 'vitest';
import { recommend, withoutRepeats } from './recommend';

test('S77714 (microsoft.server-busy), receiver-side: the rule says it once, the generic lines repeating it are gone', () => {
  const r = recommend('microsoft.server-busy', 'receiver', []);
  // The rule's avoid line already covers DNS changes, IP rotation and tight requeue loops.
  expect(r.avoid).toEqual(['Do not change MX, SPF, DKIM or DMARC, rotate IPs or requeue in a tight loop without separate evidence they are at fault.']);
  // Its action covers queueing, back-off and concurrency; preserving evidence is new and stays.
  expect(r.doNow).toHaveLength(2);
  expect(r.doNow[0]).toMatch(/^Keep the mail queued and retry with exponential back-off/);
  expect(r.doNow[1]).toMatch(/^Preserve evidence/);
});

test('a rule covering only IP rotation keeps the other generic warnings', () => {
  const r = recommend('google.rate-limit', 'receiver', []);
  expect(r.avoid).toEqual([
    'Do not spread the same mail over new IPs or domains to escape the limit.',
    'Do not change SPF, DKIM, DMARC or MX without separate evidence they are broken.',
    'Do not requeue in a tight loop.',
  ]);
});

test('weakening DMARC is not the same advice as leaving DNS records alone', () => {
  const r = recommend('microsoft.dmarc-reject', 'unknown', []);
  expect(r.avoid).toEqual(['Do not weaken the DMARC policy as a fix.', ...recommend(null, 'unknown', []).avoid]);
  expect(r.avoid).toHaveLength(4);
});

test('without a rule, the generic lists stand whole; sender-side has no receiver-side avoid list', () => {
  expect(recommend(null, 'receiver', []).doNow).toHaveLength(4);
  expect(recommend(null, 'sender', [])).toMatchObject({ avoid: [], doNow: [expect.stringMatching(/^Check authentication/)] });
});

test('repeats are found after normalising case, punctuation and spacing; the rule lines always stay', () => {
  expect(withoutRepeats(['Do not requeue in a tight loop.', 'do not  REQUEUE in a tight loop', 'Check DNSBL listings.'])).toEqual(['Do not requeue in a tight loop.', 'Check DNSBL listings.']);
  expect(withoutRepeats(['Hammer nothing.', 'Do not hammer retries.'], 2)).toEqual(['Hammer nothing.', 'Do not hammer retries.']);
  expect(withoutRepeats(['Do not rotate IPs.', 'Do not move the delayed mail to other IPs.', 'Do not rotate IPs, nor change MX.'])).toEqual([
    'Do not rotate IPs.',
    'Do not rotate IPs, nor change MX.',
  ]);
});

test('a defect the DNS checks found comes first, and "leave DNS alone" is no longer advised', () => {
  const evidence = [
    { side: 'receiver' as const, strength: 'strong' as const, finding: 'S77714' },
    { side: 'sender' as const, strength: 'strong' as const, finding: 'Our sending identity has bad signs…', fix: ['acme.test SPF: SPF permerror: too many DNS lookups (11 > 10)'] },
  ];
  const r = recommend('microsoft.server-busy', 'unknown', [], evidence);
  expect(r.doNow[0]).toBe('Fix what the DNS checks found wrong on our side: acme.test SPF: SPF permerror: too many DNS lookups (11 > 10).');
  expect(r.doNow[1]).toMatch(/^Keep the mail queued and retry with exponential back-off/);
  expect(r.avoid).toEqual(['Do not rotate the delayed mail to other IPs.', 'Do not requeue in a tight loop.']);
  expect(recommend('microsoft.server-busy', 'unknown', [], evidence.slice(0, 1))).toEqual(recommend('microsoft.server-busy', 'unknown', []));
});
