import fc from 'fast-check';
import { expect, test } from 'vitest';
import { hrefWith, parseTimeRange, rangeParams, rangePresetNames } from './time-range';

const now = new Date('2023-10-11T03:00:00Z');

test('presets are relative to now; no range means the last 24 hours', () => {
  const r = parseTimeRange({ range: '7d' }, now);
  expect(r).toMatchObject({ key: '7d', label: 'Last 7 days', warning: null });
  expect(r.to).toEqual(now);
  expect(r.from.toISOString()).toBe('2023-10-04T03:00:00.000Z');
  expect(parseTimeRange({}, now)).toMatchObject({ key: '24h', from: new Date('2023-10-10T03:00:00Z') });
});

test('a custom range is absolute and labelled in UTC', () => {
  const r = parseTimeRange({ range: 'custom', from: '2023-10-11T02:00:00Z', to: '2023-10-11T02:30:00.000Z' }, now);
  expect(r).toMatchObject({ key: 'custom', label: '2023-10-11 02:00 UTC – 2023-10-11 02:30 UTC', warning: null });
  expect(parseTimeRange({ from: '2023-10-11T00:00:00Z' }, now)).toMatchObject({ key: 'custom', to: now });
});

test('unusable ranges fall back to 24 hours and say why', () => {
  expect(parseTimeRange({ range: '2w' }, now).warning).toMatch(/Unknown range "2w"/);
  expect(parseTimeRange({ range: 'custom', from: 'yesterday' }, now).warning).toMatch(/valid start and end/);
  expect(parseTimeRange({ range: 'custom', from: '2023-10-11T02:00:00Z', to: '2023-10-11T01:00:00Z' }, now).warning).toMatch(/ends before it starts/);
  expect(parseTimeRange({ range: 'custom', from: '2020-01-01T00:00:00Z', to: '2023-01-01T00:00:00Z' }, now).warning).toMatch(/366 days/);
  expect(parseTimeRange({ range: ['1h', '7d'] }, now).key).toBe('1h');
});

test('any URL input gives a non-empty range ending no later than now or the asked end', () => {
  const text = fc.oneof(fc.string(), fc.constantFrom(...rangePresetNames, 'custom'), fc.date({ noInvalidDate: true }).map((d) => d.toISOString()));
  fc.assert(
    fc.property(fc.option(text, { nil: undefined }), fc.option(text, { nil: undefined }), fc.option(text, { nil: undefined }), (range, from, to) => {
      const r = parseTimeRange({ range, from, to }, now);
      expect(r.to.getTime()).toBeGreaterThan(r.from.getTime());
      expect(r.to.getTime() - r.from.getTime()).toBeLessThanOrEqual(366 * 86_400_000);
    }),
  );
});

test('links keep the other parameters and drop removed ones', () => {
  const params = { range: '7d', ipSort: 'attempts', cursor: 'abc', empty: '' };
  expect(hrefWith('/providers/google', params, { ipSort: 'deferralRate', cursor: null })).toBe('/providers/google?range=7d&ipSort=deferralRate');
  expect(hrefWith('/events', {}, { provider: 'microsoft-365', outcome: 'deferred' })).toBe('/events?provider=microsoft-365&outcome=deferred');
  expect(hrefWith('/ips', { range: '1h' }, { range: null })).toBe('/ips');
  expect(rangeParams({ range: 'custom', from: 'a', to: 'b', provider: 'google' })).toEqual({ range: 'custom', from: 'a', to: 'b' });
});
