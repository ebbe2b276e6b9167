import { expect, test } from 'vitest';
import { authChangeMarkers, formatRate, formatShare, formatUtc, problemsOf } from './format';

test('rates are percentages with one decimal, and a dash where nothing was counted', () => {
  expect(formatRate(0.975)).toBe('97.5 %');
  expect(formatShare(1, 3)).toBe('33.3 %');
  expect(formatShare(0, 0)).toBe('—');
  expect(formatUtc('2024-03-02T18:00:00.000Z')).toBe('2024-03-02 18:00 UTC');
});

test('problems come from a check or from each DKIM selector, and nothing from unexpected shapes', () => {
  expect(problemsOf({ problems: ['too many DNS lookups (11)'] })).toEqual(['too many DNS lookups (11)']);
  expect(problemsOf({ selectors: [{ selector: 's1', problems: ['p= is empty: the key is revoked'] }, { selector: 's2', problems: [] }] })).toEqual(['s1: p= is empty: the key is revoked']);
  expect(problemsOf(null)).toEqual([]);
  expect(problemsOf({ problems: 'not a list' })).toEqual([]);
});

test('DNS changes become chart markers, one per minute, counted beyond two', () => {
  const change = (at: string, kind: 'spf' | 'dnsbl', target: string, fromStatus: 'good' | 'bad', toStatus: 'good' | 'bad') => ({ at, kind, target, fromStatus, toStatus, summary: '' });
  expect(
    authChangeMarkers([
      change('2026-11-28T10:00:05.000Z', 'spf', 'acme.test', 'good', 'bad'),
      change('2026-11-28T10:00:40.000Z', 'dnsbl', '192.0.2.11', 'bad', 'good'),
      change('2026-11-28T11:30:00.000Z', 'dnsbl', '192.0.2.10', 'good', 'bad'),
      change('2026-11-28T11:30:01.000Z', 'dnsbl', '192.0.2.11', 'good', 'bad'),
      change('2026-11-28T11:30:02.000Z', 'dnsbl', '192.0.2.12', 'good', 'bad'),
    ]),
  ).toEqual([
    { t: '2026-11-28T10:00:00.000Z', label: 'SPF acme.test good → bad · Blocklists 192.0.2.11 bad → good' },
    { t: '2026-11-28T11:30:00.000Z', label: '3 DNS changes' },
  ]);
});
