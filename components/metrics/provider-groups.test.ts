import { expect, test } from 'vitest';
import type { DeferralSeriesDto } from '@/lib/metrics/queries/get-deferral-series';
import { deferralRate } from '@/lib/metrics/rates';
import { compareProviderGroups, ipVerdict, sumOutcomes } from './provider-groups';

const T1 = '2023-10-11T02:00:00.000Z';
const T2 = '2023-10-11T02:05:00.000Z';

function series(key: string, points: Array<[t: string, attempts: number, deferred: number, dpr?: number]>): DeferralSeriesDto['series'][number] {
  const pts = points.map(([t, attempts, deferred, dpr = 0]) => ({ t, attempts, deferred, deferredPerRecipient: dpr, delivered: attempts - deferred, bounced: 0, expired: 0, deferralRate: deferralRate(attempts, deferred, dpr) }));
  return { key, totals: pts[0]!, points: pts };
}

test('Microsoft 365 and Outlook.com are one line; rates come from summed counts, not averaged rates', () => {
  const c = compareProviderGroups([
    series('microsoft-365', [[T1, 100, 90], [T2, 0, 0]]),
    series('microsoft-consumer', [[T1, 300, 0], [T2, 0, 0]]),
    series('google', [[T1, 50, 1], [T2, 50, 0]]),
  ]);
  expect(c.points).toEqual([
    { t: T1, microsoft: 90 / 400, google: 1 / 50, yahoo: null, rest: null },
    { t: T2, microsoft: null, google: 0, yahoo: null, rest: null },
  ]);
  expect(c.totals.find((g) => g.key === 'microsoft')).toMatchObject({ attempts: 400, deferralRate: 0.225 });
});

test('other providers and the folded "(others)" series are "Everyone else"; per-recipient deferrals are left out', () => {
  const c = compareProviderGroups([series('apple', [[T1, 10, 5, 5]]), series('(others)', [[T1, 10, 0]]), series('yahoo', [[T1, 4, 2]])]);
  expect(c.points[0]).toMatchObject({ rest: 0, yahoo: 0.5, microsoft: null });
  expect(c.totals.map((g) => [g.key, g.attempts])).toEqual([['microsoft', 0], ['google', 0], ['yahoo', 4], ['rest', 20]]);
});

test('outcomes are summed per bucket across series, in time order', () => {
  const a = series('google', [[T2, 5, 1], [T1, 10, 2]]);
  const b = series('yahoo', [[T1, 3, 3, 1]]);
  expect(sumOutcomes([a, b])).toEqual([
    { t: T1, attempts: 13, deferredPerRecipient: 1, deferralRate: 4 / 12, delivered: 8, deferred: 5, bounced: 0, expired: 0 },
    { t: T2, attempts: 5, deferredPerRecipient: 0, deferralRate: 0.2, delivered: 4, deferred: 1, bounced: 0, expired: 0 },
  ]);
});

test('the IP verdict separates "everywhere" from "only at one provider"', () => {
  const row = (key: string, attempts: number, deferralRate: number | null) => ({ key, attempts, deferralRate });
  expect(ipVerdict([row('google', 5, 0.9)])).toEqual({ kind: 'no-data' });
  expect(ipVerdict([row('google', 100, 0.01), row('yahoo', 50, 0)])).toEqual({ kind: 'healthy' });
  expect(ipVerdict([row('microsoft-365', 500, 0.8), row('google', 100, 0.01), row('yahoo', 10, 0.5)])).toEqual({ kind: 'some', elevated: ['microsoft-365'], healthy: ['google'] });
  expect(ipVerdict([row('microsoft-365', 500, 0.3), row('google', 100, 0.2), row('(others)', 100, 0)])).toEqual({ kind: 'everywhere', providers: ['microsoft-365', 'google'] });
  expect(ipVerdict([row('microsoft-365', 500, 0.3)])).toEqual({ kind: 'some', elevated: ['microsoft-365'], healthy: [] });
});
