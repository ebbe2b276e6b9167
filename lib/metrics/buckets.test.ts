import fc from 'fast-check';
import { expect, test } from 'vitest';
import { bucketNames, bucketSeconds, chooseBucket, isValidTimeZone, isWholeHours, MAX_POINTS, pointCount, resolveBuckets, splitAtHours, TARGET_MAX_POINTS } from './buckets';

const at = (iso: string) => new Date(iso);
const HOUR = 3600 * 1000;

test('the chosen bucket follows the range: 1 h → 1m, 24 h → 5m, 7 d → 1h, 30 d → 6h, a year → 1d', () => {
  const to = at('2024-03-10T12:00:00Z');
  const from = (ms: number) => new Date(to.getTime() - ms);
  expect(chooseBucket(from(HOUR), to)).toBe('1m');
  expect(chooseBucket(from(6 * HOUR), to)).toBe('1m');
  expect(chooseBucket(from(24 * HOUR), to)).toBe('5m');
  expect(chooseBucket(from(7 * 24 * HOUR), to)).toBe('1h');
  expect(chooseBucket(from(30 * 24 * HOUR), to)).toBe('6h');
  expect(chooseBucket(from(365 * 24 * HOUR), to)).toBe('1d');
});

test('points count every bucket the range touches, partial ones included', () => {
  expect(pointCount(at('2024-03-10T10:00:00Z'), at('2024-03-10T11:00:00Z'), '5m')).toBe(12);
  expect(pointCount(at('2024-03-10T10:02:00Z'), at('2024-03-10T10:11:00Z'), '5m')).toBe(3);
  expect(pointCount(at('2024-03-10T10:00:00Z'), at('2024-03-10T10:00:01Z'), '1d')).toBe(1);
});

test('a chosen bucket keeps any range of a minute to 399 days within the target, and is the finest that does', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2_000_000_000 }), fc.integer({ min: 60_000, max: 399 * 24 * HOUR }), (startSec, spanMs) => {
      const from = new Date(startSec * 1000);
      const to = new Date(from.getTime() + spanMs);
      const b = chooseBucket(from, to);
      expect(pointCount(from, to, b)).toBeLessThanOrEqual(TARGET_MAX_POINTS);
      const finer = bucketNames[bucketNames.indexOf(b) - 1];
      if (finer) expect(pointCount(from, to, finer)).toBeGreaterThan(TARGET_MAX_POINTS);
      expect(resolveBuckets({ from, to }).bucket).toBe(b);
    }),
  );
});

test('the widths are a closed map ordered fine to coarse', () => {
  expect(bucketNames).toEqual(['1m', '5m', '15m', '1h', '6h', '1d']);
  const widths = bucketNames.map((b) => bucketSeconds[b]);
  expect([...widths].sort((a, b) => a - b)).toEqual(widths);
  // Every width divides a day, so UTC-aligned buckets never straddle midnight UTC.
  for (const w of widths) expect(86_400 % w).toBe(0);
});

test('a bucket too fine for the range is refused with a 422 naming the field and a usable bucket', () => {
  const from = at('2024-03-01T00:00:00Z');
  const to = at('2024-03-31T00:00:00Z');
  expect(() => resolveBuckets({ from, to, bucket: '1m' })).toThrow(expect.objectContaining({ status: 422, message: expect.stringMatching(/^bucket: 1m is too fine .* use 6h/) }));
  expect(resolveBuckets({ from, to, bucket: '1h' })).toEqual({ bucket: '1h', from, to, tz: 'UTC' });
  expect(pointCount(from, new Date(from.getTime() + 24 * HOUR), '1m')).toBe(MAX_POINTS);
  expect(resolveBuckets({ from, to: new Date(from.getTime() + 24 * HOUR), bucket: '1m' }).bucket).toBe('1m');
});

test('empty or reversed ranges, invalid dates and unknown time zones are refused', () => {
  const t = at('2024-03-01T00:00:00Z');
  expect(() => resolveBuckets({ from: t, to: t })).toThrow(/^to: must be after from/);
  expect(() => resolveBuckets({ from: new Date(NaN), to: t })).toThrow(/^from: not a valid time/);
  expect(() => resolveBuckets({ from: t, to: new Date(t.getTime() + HOUR), tz: 'Mars/Olympus' })).toThrow(expect.objectContaining({ status: 422, message: expect.stringMatching(/^tz: unknown time zone/) }));
  expect(resolveBuckets({ from: t, to: new Date(t.getTime() + HOUR), tz: 'Europe/Berlin' }).tz).toBe('Europe/Berlin');
});

test('time zone names are checked against the IANA database', () => {
  expect(isValidTimeZone('Europe/Berlin')).toBe(true);
  expect(isValidTimeZone('America/Argentina/Buenos_Aires')).toBe(true);
  expect(isValidTimeZone('UTC')).toBe(true);
  expect(isValidTimeZone('')).toBe(false);
  expect(isValidTimeZone('Europe/Berlin; DROP TABLE x')).toBe(false);
});

test('deciding never throws anything but a 422 for arbitrary input', () => {
  fc.assert(
    fc.property(fc.date({ noInvalidDate: false }), fc.date({ noInvalidDate: false }), fc.option(fc.constantFrom(...bucketNames), { nil: undefined }), fc.option(fc.string(), { nil: undefined }), (from, to, bucket, tz) => {
      try {
        resolveBuckets({ from, to, bucket, tz });
      } catch (e) {
        expect(e).toMatchObject({ status: 422 });
      }
    }),
  );
});

test('buckets of whole hours are 1h, 6h and 1d; finer ones cannot be filled from hourly rollups', () => {
  expect(bucketNames.filter(isWholeHours)).toEqual(['1h', '6h', '1d']);
});

test('a range splits into whole UTC hours and two partial edges', () => {
  const iso = (r: ReturnType<typeof splitAtHours>) => [r.hourFrom, r.hourTo, r.firstEdgeTo].map((d) => d.toISOString());
  expect(iso(splitAtHours(at('2024-03-04T10:17:23Z'), at('2024-03-05T13:42:10Z')))).toEqual(['2024-03-04T11:00:00.000Z', '2024-03-05T13:00:00.000Z', '2024-03-04T11:00:00.000Z']);
  // aligned: no edges
  expect(iso(splitAtHours(at('2024-03-04T10:00:00Z'), at('2024-03-04T12:00:00Z')))).toEqual(['2024-03-04T10:00:00.000Z', '2024-03-04T12:00:00.000Z', '2024-03-04T10:00:00.000Z']);
  // inside one hour: no whole hour, the first edge is the whole range
  expect(iso(splitAtHours(at('2024-03-04T10:05:00Z'), at('2024-03-04T10:20:00Z')))).toEqual(['2024-03-04T11:00:00.000Z', '2024-03-04T11:00:00.000Z', '2024-03-04T10:20:00.000Z']);
});

test('property: the hours and the two edges are disjoint and cover [from, to) exactly', () => {
  const DAY = 24 * HOUR;
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 400 * DAY }), fc.integer({ min: 1, max: 3 * DAY }), fc.integer({ min: 0, max: 400 * DAY }), (start, length, probe) => {
      const from = new Date(Date.UTC(2023, 0, 1) + start);
      const to = new Date(from.getTime() + length);
      const { hourFrom, hourTo, firstEdgeTo } = splitAtHours(from, to);
      expect(hourFrom.getTime() % HOUR).toBe(0);
      expect(hourTo.getTime() % HOUR).toBe(0);
      const t = Date.UTC(2023, 0, 1) + probe;
      const inside = (lo: Date, hi: Date) => (lo.getTime() <= t && t < hi.getTime() ? 1 : 0);
      const covered = inside(hourFrom, hourTo) + inside(from, firstEdgeTo) + inside(hourTo, to);
      expect(covered).toBe(t >= from.getTime() && t < to.getTime() ? 1 : 0);
    }),
  );
});
