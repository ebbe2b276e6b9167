import { env } from '@/lib/env';
import { setTimeout as sleep } from 'node:timers/promises';
import { pool } from '@/lib/db/client';

/**
 * Retention of raw events: delivery_event rows (and ingest_batch rows) older than an age are deleted in
 * small batches, one short transaction each, so ingestion and dashboards keep running meanwhile.
 * Rollups (metric_*, signature_*, queue_delta_*, queue_oldest_*), message_state and queue samples are
 * never touched: dashboards keep their history after the raw rows are gone. Events from the start of
 * any incident that is not resolved are kept, so its transcripts and escalation package stay complete.
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
}

export interface OrganizationRetention {
  organizationId: string;
  /** Events before this time were eligible: the cutoff, or the start of the oldest unresolved incident if earlier. */
  deletedBefore: string;
  deletedEvents: number;
  deletedBatches: number;
  /** DELETE statements run (each its own transaction). */
  statements: number;
}

export interface RetentionResult {
  cutoff: string;
  deletedEvents: number;
  deletedBatches: number;
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

async function deleteInBatches(sql: string, organizationId: string, cutoff: Date, batchSize: number, pauseMs: number): Promise<{ rows: number; statements: number; bound: Date }> {
  let rows = 0;
  let statements = 0;
  let bound = cutoff;
  for (;;) {
    const client = await pool().connect();
    let deleted = 0;
    try {
      await client.query('BEGIN');
      await client.query(LOCK_SQL, [organizationId]);
      const boundRow = await client.query<{ bound: Date }>(`SELECT ${BOUND_SQL} AS bound`, [organizationId, cutoff]);
      bound = boundRow.rows[0]?.bound ?? cutoff;
      const result = await client.query(sql, [organizationId, cutoff, batchSize]);
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
 * Deletes raw events (and ingest batch records) older than `olderThanDays` for one organisation, or for
 * all when `organizationId` is omitted, in batches of `batchSize` with a short pause between them.
 * Rollups, queue state and events of unresolved incidents are kept.
 */
export async function runRetention(organizationId?: string, options: RetentionOptions = {}): Promise<RetentionResult> {
  const olderThanDays = options.olderThanDays ?? retentionDays();
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const pauseMs = options.pauseMs ?? DEFAULT_PAUSE_MS;
  if (!(olderThanDays > 0)) throw new RangeError('olderThanDays must be a positive number of days');
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError('batchSize must be a positive integer');
  const cutoff = new Date((options.now ?? new Date()).getTime() - olderThanDays * DAY_MS);
  const orgIds =
    organizationId === undefined
      ? (await pool().query<{ id: string }>('SELECT id::text FROM organization ORDER BY id')).rows.map((r) => r.id)
      : [organizationId];
  const result: RetentionResult = { cutoff: cutoff.toISOString(), deletedEvents: 0, deletedBatches: 0, organizations: [] };
  for (const id of orgIds) {
    const events = await deleteInBatches(DELETE_EVENTS_SQL, id, cutoff, batchSize, pauseMs);
    const batches = await deleteInBatches(DELETE_BATCHES_SQL, id, cutoff, batchSize, pauseMs);
    result.organizations.push({
      organizationId: id,
      deletedBefore: events.bound.toISOString(),
      deletedEvents: events.rows,
      deletedBatches: batches.rows,
      statements: events.statements + batches.statements,
    });
    result.deletedEvents += events.rows;
    result.deletedBatches += batches.rows;
  }
  return result;
}
