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
 * 5 minutes, hours, days and weeks read from any of them give the same numbers.
 */
type Source = 'ins' | 'delivery_event';

/** Start of the 5 minutes of a timestamp, on the same origin as HOUR_OF_OCCURRED_AT. */
export const FIVE_MINUTES_OF_OCCURRED_AT = `date_bin(interval '5 minutes', occurred_at, TIMESTAMPTZ '2000-01-01 00:00:00+00')`;

/** Start of the UTC hour of a timestamp; date_bin does not depend on the session time zone as date_trunc('hour') does. */
export const HOUR_OF_OCCURRED_AT = `date_bin(interval '1 hour', occurred_at, TIMESTAMPTZ '2000-01-01 00:00:00+00')`;

/** Start of the UTC day of a timestamp, on the same origin as HOUR_OF_OCCURRED_AT. */
export const DAY_OF_OCCURRED_AT = `date_bin(interval '1 day', occurred_at, TIMESTAMPTZ '2000-01-01 00:00:00+00')`;

/** Start of the week of a timestamp: Monday 00:00 UTC (2000-01-03 was a Monday). */
export const WEEK_OF_OCCURRED_AT = `date_bin(interval '7 days', occurred_at, TIMESTAMPTZ '2000-01-03 00:00:00+00')`;

const COUNTER_COLUMNS = 'attempts, delivered, deferred, bounced, expired, deferred_per_recipient';
const COUNTERS = `count(*), count(*) FILTER (WHERE outcome = 'delivered'), count(*) FILTER (WHERE outcome = 'deferred'),
          count(*) FILTER (WHERE outcome = 'bounced'), count(*) FILTER (WHERE outcome = 'expired'),
          count(*) FILTER (WHERE outcome = 'deferred' AND is_per_recipient)`;
const ADD_COUNTERS = (alias: string) => `attempts = ${alias}.attempts + EXCLUDED.attempts, delivered = ${alias}.delivered + EXCLUDED.delivered,
     deferred = ${alias}.deferred + EXCLUDED.deferred, bounced = ${alias}.bounced + EXCLUDED.bounced,
     expired = ${alias}.expired + EXCLUDED.expired, deferred_per_recipient = ${alias}.deferred_per_recipient + EXCLUDED.deferred_per_recipient`;

function orgFilter(source: Source, orgParam: string, keyword: 'WHERE' | 'AND'): string {
  return source === 'delivery_event' ? `${keyword} organization_id = ${orgParam}::uuid` : '';
}

/** A counter rollup: `keys` are the grouping columns after the bucket, as stored (table column = select expression). */
function counterUpsert(table: string, bucket: string, keys: ReadonlyArray<[column: string, expression: string]>, source: Source, orgParam: string): string {
  const groupBy = Array.from({ length: keys.length + 1 }, (_, i) => i + 2).join(', ');
  const keyColumns = keys.map(([c]) => c).join(', ');
  return `INSERT INTO ${table} AS m (organization_id, bucket, ${keyColumns}, ${COUNTER_COLUMNS})
   SELECT ${orgParam}::uuid, ${bucket}, ${keys.map(([, e]) => e).join(', ')},
          ${COUNTERS}
   FROM ${source} ${orgFilter(source, orgParam, 'WHERE')}
   GROUP BY ${groupBy} ORDER BY ${groupBy}
   ON CONFLICT (organization_id, bucket, ${keyColumns}) DO UPDATE SET
     ${ADD_COUNTERS('m')}`;
}

const ip: [string, string] = ['sending_ip', `coalesce(sending_ip, '')`];
const domain: [string, string] = ['recipient_domain', `coalesce(recipient_domain, '')`];

export function metricMinuteUpsert(source: Source, orgParam: string): string {
  return counterUpsert('metric_minute', `date_trunc('minute', occurred_at)`, [['provider', 'provider'], ip, domain, ['category', 'category']], source, orgParam);
}

export function metricIpMinuteUpsert(source: Source, orgParam: string): string {
  return counterUpsert('metric_ip_minute', `date_trunc('minute', occurred_at)`, [['provider', 'provider'], ip], source, orgParam);
}

export function metricProviderMinuteUpsert(source: Source, orgParam: string): string {
  return counterUpsert('metric_provider_minute', `date_trunc('minute', occurred_at)`, [['provider', 'provider']], source, orgParam);
}

export function metricHourUpsert(source: Source, orgParam: string): string {
  return counterUpsert('metric_hour', HOUR_OF_OCCURRED_AT, [['provider', 'provider'], ip, ['category', 'category']], source, orgParam);
}

export function metricProviderHourUpsert(source: Source, orgParam: string): string {
  return counterUpsert('metric_provider_hour', HOUR_OF_OCCURRED_AT, [['provider', 'provider']], source, orgParam);
}

export function metricIp5mUpsert(source: Source, orgParam: string): string {
  return counterUpsert('metric_ip_5m', FIVE_MINUTES_OF_OCCURRED_AT, [['provider', 'provider'], ip], source, orgParam);
}

export function metricDomain5mUpsert(source: Source, orgParam: string): string {
  return counterUpsert('metric_domain_5m', FIVE_MINUTES_OF_OCCURRED_AT, [['provider', 'provider'], domain], source, orgParam);
}

export function metricDomainHourUpsert(source: Source, orgParam: string): string {
  return counterUpsert('metric_domain_hour', HOUR_OF_OCCURRED_AT, [['provider', 'provider'], domain], source, orgParam);
}

export function metricDomainDayUpsert(source: Source, orgParam: string): string {
  return counterUpsert('metric_domain_day', DAY_OF_OCCURRED_AT, [['provider', 'provider'], domain], source, orgParam);
}

export function metricDomainWeekUpsert(source: Source, orgParam: string): string {
  return counterUpsert('metric_domain_week', WEEK_OF_OCCURRED_AT, [['provider', 'provider'], domain], source, orgParam);
}

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

export function signatureMinuteUpsert(source: Source, orgParam: string): string {
  return signatureUpsert('signature_minute', `date_trunc('minute', occurred_at)`, false, source, orgParam);
}

export function signatureHourUpsert(source: Source, orgParam: string): string {
  return signatureUpsert('signature_hour', HOUR_OF_OCCURRED_AT, true, source, orgParam);
}

/** Every rollup table with its upsert, in the order the ingest statement and the rebuild run them. */
export const rollups = [
  { table: 'metric_minute', upsert: metricMinuteUpsert },
  { table: 'metric_ip_minute', upsert: metricIpMinuteUpsert },
  { table: 'metric_provider_minute', upsert: metricProviderMinuteUpsert },
  { table: 'metric_hour', upsert: metricHourUpsert },
  { table: 'metric_provider_hour', upsert: metricProviderHourUpsert },
  { table: 'metric_ip_5m', upsert: metricIp5mUpsert },
  { table: 'metric_domain_5m', upsert: metricDomain5mUpsert },
  { table: 'metric_domain_hour', upsert: metricDomainHourUpsert },
  { table: 'metric_domain_day', upsert: metricDomainDayUpsert },
  { table: 'metric_domain_week', upsert: metricDomainWeekUpsert },
  { table: 'signature_minute', upsert: signatureMinuteUpsert },
  { table: 'signature_hour', upsert: signatureHourUpsert },
] as const;
