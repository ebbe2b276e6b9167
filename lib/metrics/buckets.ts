import { ApiError } from '@/lib/http/errors';

/** The closed map of time-bucket widths, in seconds. SQL receives these numbers as parameters, never text. */
export const bucketSeconds = { '1m': 60, '5m': 300, '15m': 900, '1h': 3_600, '6h': 21_600, '1d': 86_400 } as const;
export type BucketName = keyof typeof bucketSeconds;
export const bucketNames = Object.keys(bucketSeconds) as [BucketName, ...BucketName[]];

/** True when a bucket holds whole UTC hours, so hourly rollups can fill it (given hour-aligned boundaries, see bucket-sql spanSql). */
export function isWholeHours(bucket: BucketName): boolean {
  return bucketSeconds[bucket] % 3_600 === 0;
}

const HOUR_MS = 3_600_000;

/**
 * The whole UTC hours [hourFrom, hourTo) inside [from, to), and the partial edges [from, firstEdgeTo) and [hourTo, to)
 * to read at a finer grain: the three are disjoint and cover [from, to) (hourFrom = hourTo when no whole hour fits).
 */
export function splitAtHours(from: Date, to: Date): { hourFrom: Date; hourTo: Date; firstEdgeTo: Date } {
  const hourFrom = Math.ceil(from.getTime() / HOUR_MS) * HOUR_MS;
  const hourTo = Math.max(Math.floor(to.getTime() / HOUR_MS) * HOUR_MS, hourFrom);
  return { hourFrom: new Date(hourFrom), hourTo: new Date(hourTo), firstEdgeTo: new Date(Math.min(hourFrom, to.getTime())) };
}

/** chooseBucket aims at no more than this many points: enough for a chart, few enough to draw fast. */
export const TARGET_MAX_POINTS = 400;
/** A chosen bucket must not produce more points than this (a day at one minute); finer requests are refused. */
export const MAX_POINTS = 1_440;
/** Default time zone of day buckets. */
export const DEFAULT_TIME_ZONE = 'UTC';

/** A validated time grid: buckets of `bucket` covering [from, to), day buckets starting at local midnight in `tz`. */
export interface BucketSpec {
  bucket: BucketName;
  from: Date;
  to: Date;
  tz: string;
}

/** Number of buckets of width `bucket` that [from, to) touches, counted on the UTC-aligned grid (a day bucket may differ by one around DST). */
export function pointCount(from: Date, to: Date, bucket: BucketName): number {
  const widthMs = bucketSeconds[bucket] * 1000;
  return Math.ceil(to.getTime() / widthMs) - Math.floor(from.getTime() / widthMs);
}

/** The finest bucket that keeps the range at or under TARGET_MAX_POINTS points (1 h → 1m, 24 h → 5m, 7 d → 1h, 30 d → 6h). */
export function chooseBucket(from: Date, to: Date): BucketName {
  return bucketNames.find((b) => pointCount(from, to, b) <= TARGET_MAX_POINTS) ?? '1d';
}

/** True when the name is an IANA time zone this runtime knows (PostgreSQL ships the same tz database). */
export function isValidTimeZone(tz: string): boolean {
  if (tz.length === 0 || tz.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function invalid(field: string, message: string): ApiError {
  return new ApiError('unprocessable', `${field}: ${message}`, [{ field, message }]);
}

/**
 * Checks a requested grid and fills the defaults (bucket chosen from the range, tz UTC).
 * Throws a 422 ApiError naming the field when the range is empty or the bucket is too fine for it.
 */
export function resolveBuckets(input: { from: Date; to: Date; bucket?: BucketName | undefined; tz?: string | undefined }): BucketSpec {
  const { from, to } = input;
  if (Number.isNaN(from.getTime())) throw invalid('from', 'not a valid time');
  if (Number.isNaN(to.getTime())) throw invalid('to', 'not a valid time');
  if (to.getTime() <= from.getTime()) throw invalid('to', 'must be after from');
  const tz = input.tz ?? DEFAULT_TIME_ZONE;
  if (!isValidTimeZone(tz)) throw invalid('tz', `unknown time zone "${tz}" (expected an IANA name such as Europe/Berlin)`);
  const bucket = input.bucket ?? chooseBucket(from, to);
  const points = pointCount(from, to, bucket);
  if (points > MAX_POINTS) {
    throw invalid('bucket', `${bucket} is too fine for this range (${points} points, at most ${MAX_POINTS}); use ${chooseBucket(from, to)} or a shorter range`);
  }
  return { bucket, from, to, tz };
}
