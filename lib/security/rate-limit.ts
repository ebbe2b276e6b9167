import { db } from '@/lib/db/client';
import { Prisma } from '@/lib/generated/prisma/client';

/** A fixed-window limit: at most `limit` hits per subject within `windowSeconds` of the first hit. */
export interface RateLimitRule {
  /** Prefix of the stored key; one per kind of subject. */
  name: string;
  limit: number;
  windowSeconds: number;
}

export interface RateLimitState {
  hits: number;
  isBlocked: boolean;
  /** Seconds until the window ends; 0 when not blocked. */
  retryAfterSeconds: number;
}

const OPEN: RateLimitState = { hits: 0, isBlocked: false, retryAfterSeconds: 0 };

/** Expired rows are deleted this long after their window started (longer than any rule's window). */
const PRUNE_AFTER_SECONDS = 24 * 3600;

function keyOf(rule: RateLimitRule, subject: string): string {
  return `${rule.name}:${subject.toLowerCase()}`;
}

function stateOf(rule: RateLimitRule, row: { hits: number; remaining_seconds: number } | undefined): RateLimitState {
  if (!row || row.remaining_seconds <= 0) return OPEN;
  const isBlocked = row.hits >= rule.limit;
  return { hits: row.hits, isBlocked, retryAfterSeconds: isBlocked ? Math.max(1, Math.ceil(row.remaining_seconds)) : 0 };
}

/**
 * The current state of a subject without counting a hit. Times come from the database clock, so every app
 * process agrees on window boundaries.
 */
export async function checkRateLimit(rule: RateLimitRule, subject: string): Promise<RateLimitState> {
  const rows = await db().$queryRaw<{ hits: number; remaining_seconds: number }[]>(Prisma.sql`
    SELECT hits, EXTRACT(EPOCH FROM (window_started_at + make_interval(secs => ${rule.windowSeconds}) - now()))::float8 AS remaining_seconds
    FROM security_rate_limit WHERE key = ${keyOf(rule, subject)}`);
  return stateOf(rule, rows[0]);
}

/**
 * Counts one hit in one atomic upsert (a window that has passed starts over at 1) and answers the state after it.
 * Concurrent hits from several processes are all counted: the row lock serialises them.
 */
export async function recordRateLimitHit(rule: RateLimitRule, subject: string): Promise<RateLimitState> {
  const window = Prisma.sql`make_interval(secs => ${rule.windowSeconds})`;
  const rows = await db().$queryRaw<{ hits: number; remaining_seconds: number }[]>(Prisma.sql`
    INSERT INTO security_rate_limit AS r (key, window_started_at, hits) VALUES (${keyOf(rule, subject)}, now(), 1)
    ON CONFLICT (key) DO UPDATE SET
      hits = CASE WHEN r.window_started_at + ${window} <= now() THEN 1 ELSE r.hits + 1 END,
      window_started_at = CASE WHEN r.window_started_at + ${window} <= now() THEN now() ELSE r.window_started_at END
    RETURNING hits, EXTRACT(EPOCH FROM (window_started_at + ${window} - now()))::float8 AS remaining_seconds`);
  await db().$executeRaw(Prisma.sql`DELETE FROM security_rate_limit WHERE window_started_at < now() - make_interval(secs => ${PRUNE_AFTER_SECONDS})`);
  return stateOf(rule, rows[0]);
}

/** Forgets a subject's hits, e.g. an account's failed sign-ins after a successful one. */
export async function resetRateLimit(rule: RateLimitRule, subject: string): Promise<void> {
  await db().$executeRaw(Prisma.sql`DELETE FROM security_rate_limit WHERE key = ${keyOf(rule, subject)}`);
}
