import { env } from '@/lib/env';
import { setTimeout as sleep } from 'node:timers/promises';
import { pool } from '@/lib/db/client';
import { CONTEXT_SLACK_SECONDS } from '@/lib/ingest/write-postfix-context';
import { QUEUE_LOCK_SQL } from '@/lib/queue/queue-sql';

/**
 * Retention of raw events: delivery_event rows (and ingest_batch rows) older than an age are deleted in
 * small batches, one short transaction each, so ingestion and dashboards keep running meanwhile.
 * Rollups (metric_*, signature_*, queue_delta_*, queue_oldest_*), message_state and queue samples are
 * never touched: dashboards keep their history after the raw rows are gone. Events from the start of
 * any incident that is not resolved are kept, so its transcripts and escalation package stay complete.
 * Postfix context kept between ingest batches (postfix_context) goes once no batch has written it for a queue
 * lifetime + 2 h: ingestion would no longer join it to a delivery line sent since.
 */

const DAY_MS = 24 * 3600 * 1000;
/** Rows deleted per statement: a few thousand keeps each transaction (and its WAL burst) in the milliseconds. */
export const DEFAULT_BATCH_SIZE = 5_000;
/** Pause between two batches, in ms, so retention never holds the disk for long. */
export const DEFAULT_PAUSE_MS = 50;

/** RETENTION_DAYS from the environment (default 90 days). */
export function retentionDays(): number {
  return env().RETENTION_DAYS;
}

export interface RetentionOptions {
  /** Raw events that occurred more than this many days before `now` are removed (default RETENTION_DAYS). */
  olderThanDays?: number;
  /** Rows deleted per statement (default 5 000). */
  batchSize?: number;
  /** Pause between batches, in ms (default 50). */
  pauseMs?: number;
  now?: Date;
  /** Postfix context no batch wrote for this many seconds is removed (default QUEUE_MAX_LIFETIME_SECONDS + 2 h). */
  contextMaxAgeSeconds?: number;
}

export interface OrganizationRetention {
  organizationId: string;
  /** Events before this time were eligible: the cutoff, or the start of the oldest unresolved incident if earlier. */
  deletedBefore: string;
  deletedEvents: number;
  deletedBatches: number;
  deletedContexts: number;
  /** DELETE statements run (each its own transaction). */
  statements: number;
}

export interface RetentionResult {
  cutoff: string;
  deletedEvents: number;
  deletedBatches: number;
  deletedContexts: number;
  organizations: OrganizationRetention[];
}

// Serialised with incident detection (same advisory lock as lib/incidents/run-detection.ts), so an incident
// opened or reopened concurrently is seen before its window is cut. The bound is re-read for every batch.
const LOCK_SQL = `SELECT pg_advisory_xact_lock(hashtext('incident-detection:' || $1::text))`;

const BOUND_SQL = `least($2::timestamptz, (SELECT min(started_at) FROM incident WHERE organization_id = $1::uuid AND status <> 'resolved'))`;

// Citus-compatible: every statement filters on the distribution column, so each is routed to one shard.
const DELETE_EVENTS_SQL = `
  WITH doomed AS (
    SELECT id FROM delivery_event
    WHERE organization_id = $1::uuid AND occurred_at < ${BOUND_SQL}
    ORDER BY occurred_at LIMIT $3
  )
  DELETE FROM delivery_event e USING doomed WHERE e.organization_id = $1::uuid AND e.id = doomed.id`;

// A batch row records an ingest request; it is kept while its time may still hold protected events.
const DELETE_BATCHES_SQL = `
  WITH doomed AS (
    SELECT id FROM ingest_batch
    WHERE organization_id = $1::uuid AND created_at < ${BOUND_SQL}
    ORDER BY created_at LIMIT $3
  )
  DELETE FROM ingest_batch b USING doomed WHERE b.organization_id = $1::uuid AND b.id = doomed.id`;

// Under the ingest pipeline's queue lock, which batches hold while they read and write their context.
const DELETE_CONTEXT_SQL = `
  WITH doomed AS (
    SELECT host, instance, queue_id FROM postfix_context
    WHERE organization_id = $1::uuid AND updated_at < $2
    ORDER BY updated_at LIMIT $3
  )
  DELETE FROM postfix_context k USING doomed
  WHERE k.organization_id = $1::uuid AND k.host = doomed.host AND k.instance = doomed.instance AND k.queue_id = doomed.queue_id`;

/** A batched delete: its statement, the lock each transaction takes first, and whether it reads the incident bound. */
interface Sweep {
  sql: string;
  lockSql: string;
  isIncidentBound: boolean;
}

const eventSweep: Sweep = { sql: DELETE_EVENTS_SQL, lockSql: LOCK_SQL, isIncidentBound: true };
const batchSweep: Sweep = { sql: DELETE_BATCHES_SQL, lockSql: LOCK_SQL, isIncidentBound: true };
const contextSweep: Sweep = { sql: DELETE_CONTEXT_SQL, lockSql: QUEUE_LOCK_SQL, isIncidentBound: false };

async function deleteInBatches(sweep: Sweep, organizationId: string, cutoff: Date, batchSize: number, pauseMs: number): Promise<{ rows: number; statements: number; bound: Date }> {
  let rows = 0;
  let statements = 0;
  let bound = cutoff;
  for (;;) {
    const client = await pool().connect();
    let deleted = 0;
    try {
      await client.query('BEGIN');
      await client.query(sweep.lockSql, [organizationId]);
      if (sweep.isIncidentBound) {
        const boundRow = await client.query<{ bound: Date }>(`SELECT ${BOUND_SQL} AS bound`, [organizationId, cutoff]);
        bound = boundRow.rows[0]?.bound ?? cutoff;
      }
      const result = await client.query(sweep.sql, [organizationId, cutoff, batchSize]);
      await client.query('COMMIT');
      deleted = result.rowCount ?? 0;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
    statements += 1;
    rows += deleted;
    if (deleted < batchSize) return { rows, statements, bound };
    await sleep(pauseMs);
  }
}

/**
 * Deletes raw events (and ingest batch records) older than `olderThanDays` and stale Postfix context for one
 * organisation, or for all when `organizationId` is omitted, in batches of `batchSize` with a short pause between
 * them. Rollups, queue state and events of unresolved incidents are kept.
 */
export async function runRetention(organizationId?: string, options: RetentionOptions = {}): Promise<RetentionResult> {
  const olderThanDays = options.olderThanDays ?? retentionDays();
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const pauseMs = options.pauseMs ?? DEFAULT_PAUSE_MS;
  if (!(olderThanDays > 0)) throw new RangeError('olderThanDays must be a positive number of days');
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError('batchSize must be a positive integer');
  const contextMaxAgeSeconds = options.contextMaxAgeSeconds ?? env().QUEUE_MAX_LIFETIME_SECONDS + CONTEXT_SLACK_SECONDS;
  if (!(contextMaxAgeSeconds > 0)) throw new RangeError('contextMaxAgeSeconds must be a positive number of seconds');
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - olderThanDays * DAY_MS);
  const contextCutoff = new Date(now.getTime() - contextMaxAgeSeconds * 1000);
  const orgIds =
    organizationId === undefined
      ? (await pool().query<{ id: string }>('SELECT id::text FROM organization ORDER BY id')).rows.map((r) => r.id)
      : [organizationId];
  const result: RetentionResult = { cutoff: cutoff.toISOString(), deletedEvents: 0, deletedBatches: 0, deletedContexts: 0, organizations: [] };
  for (const id of orgIds) {
    const events = await deleteInBatches(eventSweep, id, cutoff, batchSize, pauseMs);
    const batches = await deleteInBatches(batchSweep, id, cutoff, batchSize, pauseMs);
    const contexts = await deleteInBatches(contextSweep, id, contextCutoff, batchSize, pauseMs);
    result.organizations.push({
      organizationId: id,
      deletedBefore: events.bound.toISOString(),
      deletedEvents: events.rows,
      deletedBatches: batches.rows,
      deletedContexts: contexts.rows,
      statements: events.statements + batches.statements + contexts.statements,
    });
    result.deletedEvents += events.rows;
    result.deletedBatches += batches.rows;
    result.deletedContexts += contexts.rows;
  }
  return result;
}
