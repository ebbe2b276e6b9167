/**
 * The rollup statements, shared by the ingest transaction (folding the rows just inserted) and the
 * rebuild command (folding every stored event): both must count exactly alike. `source` is the name
 * of a trusted relation in the statement (a CTE or a table), never input.
 *
 * Per minute: metric_minute (every dimension), metric_ip_minute (no recipient domain, no category: a few rows a
 * minute where metric_minute has about one per event), metric_provider_minute (provider only: one row a minute per
 * provider) and signature_minute. Per 5 minutes (on the UTC epoch), for series in 5- and 15-minute buckets and the
 * sub-hour ends of ranges: metric_ip_5m (no recipient domain, no category) and metric_domain_5m (no IP, no category). Per UTC hour, for long ranges:
 * metric_hour (no recipient domain), metric_provider_hour (provider only), metric_domain_hour (no IP, no category) and
 * signature_hour (with the sending IP). Per UTC day and per week (from Monday 00:00 UTC), for ranking domains over long ranges and day
 * buckets: metric_domain_day and metric_domain_week. Each 5-minute and hourly row is the sum of the minute rows of
 * its span, each daily row of the hourly rows of its day and each weekly row of the daily rows of its week, so whole
 * 5 minutes, hours, days and weeks read from any of them give the same numbers. The counter rollups are all summed from
 * one pre-aggregation of the rows (fineCountersSql), the signature rollups read the rows.
 */
type Source = 'ingest_inserted' | 'delivery_event';

/**
 * Start of the `width` bucket of a timestamp column, on UTC-aligned origins (weeks from Monday 2000-01-03); date_bin
 * does not depend on the session time zone as date_trunc('hour') does.
 */
function utcBin(width: '5 minutes' | '1 hour' | '1 day' | '7 days', column: 'occurred_at' | 'minute'): string {
  return `date_bin(interval '${width}', ${column}, TIMESTAMPTZ '${width === '7 days' ? '2000-01-03' : '2000-01-01'} 00:00:00+00')`;
}

const COUNTER_COLUMNS = 'attempts, delivered, deferred, bounced, expired, deferred_per_recipient';
const ADD_COUNTERS = (alias: string) => `attempts = ${alias}.attempts + EXCLUDED.attempts, delivered = ${alias}.delivered + EXCLUDED.delivered,
     deferred = ${alias}.deferred + EXCLUDED.deferred, bounced = ${alias}.bounced + EXCLUDED.bounced,
     expired = ${alias}.expired + EXCLUDED.expired, deferred_per_recipient = ${alias}.deferred_per_recipient + EXCLUDED.deferred_per_recipient`;

function orgFilter(source: Source, orgParam: string, keyword: 'WHERE' | 'AND'): string {
  return source === 'delivery_event' ? `${keyword} organization_id = ${orgParam}::uuid` : '';
}

/** The keys of the fine counters after their minute, metric_minute's keys. */
const FINE_KEYS = ['provider', 'sending_ip', 'recipient_domain', 'category'] as const;

/**
 * The counters of every rollup at their finest grain (metric_minute's: minute, provider, IP, recipient domain,
 * category), counted once from the raw rows; every counter rollup sums these rows. An ingest batch has about one
 * such row per two events, and ten rollups aggregate them instead of the events.
 */
export function fineCountersSql(source: Source, orgParam: string): string {
  return `SELECT date_trunc('minute', occurred_at) AS minute, ${FINE_KEYS[0]}, coalesce(sending_ip, '') AS ${FINE_KEYS[1]},
          coalesce(recipient_domain, '') AS ${FINE_KEYS[2]}, ${FINE_KEYS[3]},
          count(*) AS attempts, count(*) FILTER (WHERE outcome = 'delivered') AS delivered, count(*) FILTER (WHERE outcome = 'deferred') AS deferred,
          count(*) FILTER (WHERE outcome = 'bounced') AS bounced, count(*) FILTER (WHERE outcome = 'expired') AS expired,
          count(*) FILTER (WHERE outcome = 'deferred' AND is_per_recipient) AS deferred_per_recipient
   FROM ${source} ${orgFilter(source, orgParam, 'WHERE')}
   GROUP BY 1, 2, 3, 4, 5`;
}

/**
 * A counter rollup summed from `fine` (fineCountersSql's rows): `keys` are its grouping columns after the bucket. At the
 * fine counters' own grain (`bucket` 'minute', every key) their rows are the rollup's rows as they are.
 */
function counterUpsert(table: string, bucket: string, keys: readonly string[], fine: string, orgParam: string): string {
  const positions = Array.from({ length: keys.length + 1 }, (_, i) => i + 2).join(', ');
  const keyColumns = keys.join(', ');
  const isFineGrain = bucket === 'minute' && keys.join() === FINE_KEYS.join();
  const counters = isFineGrain ? COUNTER_COLUMNS : 'sum(attempts), sum(delivered), sum(deferred), sum(bounced), sum(expired), sum(deferred_per_recipient)';
  return `INSERT INTO ${table} AS m (organization_id, bucket, ${keyColumns}, ${COUNTER_COLUMNS})
   SELECT ${orgParam}::uuid, ${bucket}, ${keyColumns}, ${counters}
   FROM ${fine}
   ${isFineGrain ? '' : `GROUP BY ${positions}`} ORDER BY ${positions}
   ON CONFLICT (organization_id, bucket, ${keyColumns}) DO UPDATE SET
     ${ADD_COUNTERS('m')}`;
}

/** Bucket starts computed from the minute of fineCountersSql: the same as from the timestamp, a minute never straddling them. */
const FIVE_MINUTES = utcBin('5 minutes', 'minute');
const HOUR = utcBin('1 hour', 'minute');
const DAY = utcBin('1 day', 'minute');
const WEEK = utcBin('7 days', 'minute');

/** The counter rollups: table, bucket start from the fine counters' minute, grouping columns. */
const counterRollupSpecs = [
  { table: 'metric_minute', bucket: 'minute', keys: FINE_KEYS },
  { table: 'metric_ip_minute', bucket: 'minute', keys: ['provider', 'sending_ip'] },
  { table: 'metric_provider_minute', bucket: 'minute', keys: ['provider'] },
  { table: 'metric_hour', bucket: HOUR, keys: ['provider', 'sending_ip', 'category'] },
  { table: 'metric_provider_hour', bucket: HOUR, keys: ['provider'] },
  { table: 'metric_ip_5m', bucket: FIVE_MINUTES, keys: ['provider', 'sending_ip'] },
  { table: 'metric_domain_5m', bucket: FIVE_MINUTES, keys: ['provider', 'recipient_domain'] },
  { table: 'metric_domain_hour', bucket: HOUR, keys: ['provider', 'recipient_domain'] },
  { table: 'metric_domain_day', bucket: DAY, keys: ['provider', 'recipient_domain'] },
  { table: 'metric_domain_week', bucket: WEEK, keys: ['provider', 'recipient_domain'] },
] as const;

/** Every counter rollup with its upsert from the fine counters. */
const counterRollups = counterRollupSpecs.map(({ table, bucket, keys }) => ({
  table,
  upsert: (fine: string, orgParam: string) => counterUpsert(table, bucket, keys, fine, orgParam),
}));

// kb_rule keeps the least non-null rule seen (least() skips NULLs), which is what the rebuild's min(kb_rule) gives,
// whatever order the batches came in.
function signatureUpsert(table: string, bucket: string, withIp: boolean, source: Source, orgParam: string): string {
  const keys = withIp ? 'provider, sending_ip, signature, outcome' : 'provider, signature, outcome';
  const exprs = withIp ? `provider, coalesce(sending_ip, ''), signature, outcome` : 'provider, signature, outcome';
  const groupBy = withIp ? '2, 3, 4, 5, 6' : '2, 3, 4, 5';
  return `INSERT INTO ${table} AS s (organization_id, bucket, ${keys}, kb_rule, count, sample_reply)
   SELECT ${orgParam}::uuid, ${bucket}, ${exprs}, min(kb_rule), count(*), min(reply)
   FROM ${source} WHERE signature IS NOT NULL AND outcome <> 'delivered' ${orgFilter(source, orgParam, 'AND')}
   GROUP BY ${groupBy} ORDER BY ${groupBy}
   ON CONFLICT (organization_id, bucket, ${keys}) DO UPDATE SET
     count = s.count + EXCLUDED.count, kb_rule = least(s.kb_rule, EXCLUDED.kb_rule),
     sample_reply = least(s.sample_reply, EXCLUDED.sample_reply)`;
}

function signatureMinuteUpsert(source: Source, orgParam: string): string {
  return signatureUpsert('signature_minute', `date_trunc('minute', occurred_at)`, false, source, orgParam);
}

function signatureHourUpsert(source: Source, orgParam: string): string {
  return signatureUpsert('signature_hour', utcBin('1 hour', 'occurred_at'), true, source, orgParam);
}

/** The signature rollups, read from the raw rows (they need the signature, rule and reply). */
const signatureRollups = [
  { table: 'signature_minute', upsert: signatureMinuteUpsert },
  { table: 'signature_hour', upsert: signatureHourUpsert },
] as const;

/** Every rollup table. */
export const rollupTables = [...counterRollups.map((r) => r.table), ...signatureRollups.map((r) => r.table)];

/**
 * Every rollup's upsert, in the order the ingest statement and the rebuild run them: the counter rollups summed from
 * `fine` (a relation of fineCountersSql's rows), the signature rollups read from `source` (the same rows, raw).
 */
export function rollupUpserts(fine: string, source: Source, orgParam: string): Array<{ table: (typeof rollupTables)[number]; sql: string }> {
  return [
    ...counterRollups.map((r) => ({ table: r.table, sql: r.upsert(fine, orgParam) })),
    ...signatureRollups.map((r) => ({ table: r.table, sql: r.upsert(source, orgParam) })),
  ];
}
