// npm run bench:queries [-- --events N] [--runs N] [--keep] [--reuse DB] – p50/p95 of every dashboard query on generated events, next to plain GROUP BY over raw events.
// --keep leaves the scratch database; --reuse runs the queries again on one kept earlier (migrated first, not regenerated).
import { randomBytes, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { migrate } from '@/lib/db/migrate';
import { databaseUrl, onServer } from '@/lib/db/server-database';

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '10000000' },
    runs: { type: 'string', default: '20' },
    keep: { type: 'boolean', default: false },
    reuse: { type: 'string' },
  },
});
const EVENTS = Number(args.events);
const RUNS = Number(args.runs);
if (!Number.isInteger(EVENTS) || EVENTS < 1000) throw new Error('--events must be an integer ≥ 1000');
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error('--runs must be a positive integer');

/** Target from the issue: p95 under 150 ms for every dashboard query at 10 million events. */
const TARGET_P95_MS = 150;
/** Rows generated per INSERT … SELECT generate_series statement. */
const CHUNK = 1_000_000;
/** A raw GROUP BY slower than this per run is measured 3 times, not RUNS times (it is the comparison, not the product). */
const SLOW_RAW_MS = 2_000;
const DAY_MS = 24 * 3600 * 1000;
const END = new Date('2024-04-01T00:00:00Z');
const START = new Date(END.getTime() - 30 * DAY_MS);

const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

const admin = <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => onServer(serverUrl, fn);

// One generated attempt per i, time-ordered over 30 days. Deterministic: pseudo-randoms are hashint8 of i.
// Mix: google 35 %, microsoft-365 20 %, microsoft-consumer 15 %, yahoo 15 %, other 15 %; 8 sending IPs; 2 000
// recipient domains with a log-uniform (Zipf-like) popularity; every 10th message slot is a message deferred twice
// and delivered 10 and 20 minutes later; 1 % mailbox-full (per recipient), 2 % bounces; on day 25 from 02:00 for
// 3 hours microsoft-365 answers 70 % of attempts with the S77714 "Server busy" deferral.
const GENERATE_SQL = `
INSERT INTO delivery_event (organization_id, dedupe_key, occurred_at, source, source_host, queue_id, recipient, recipient_domain,
  provider, mx_host, sending_ip, outcome, smtp_code, enhanced_code, reply, provider_token, kb_rule, category, scope, signature, is_per_recipient, batch_id)
SELECT $1::uuid, decode(md5(i::text), 'hex'), t, 'postfix', 'mx1', qid, 'u' || (h3 % 100000) || '@' || dom, dom,
  prov, mx, ip, kind.outcome::outcome, kind.code, kind.enh, kind.reply, kind.token, kind.rule, kind.cat::reply_category, kind.scope, kind.sig, kind.per_rcpt, $2::uuid
FROM generate_series($3::bigint, $4::bigint - 1) AS i
CROSS JOIN LATERAL (SELECT (hashint8(i) & 2147483647) AS h1, (hashint8(i * 7 + 1) & 2147483647) AS h2, (hashint8(i * 13 + 5) & 2147483647) AS h3) r
CROSS JOIN LATERAL (SELECT
  $5::timestamptz + (i::float8 / $6::float8) * interval '30 days' AS t,
  greatest(1, ($6::bigint / (30 * 24 * 6))) AS slots) tt
CROSS JOIN LATERAL (SELECT
  CASE WHEN h1 % 100 < 35 THEN 'google' WHEN h1 % 100 < 55 THEN 'microsoft-365' WHEN h1 % 100 < 70 THEN 'microsoft-consumer' WHEN h1 % 100 < 85 THEN 'yahoo' ELSE 'other' END AS prov,
  '192.0.2.' || (1 + h2 % 8) AS ip,
  floor(exp(ln(2000) * ((h3 >> 8) % 100000) / 100000.0))::int AS d,
  (i / slots) AS block, (i % slots) AS slot) p
CROSS JOIN LATERAL (SELECT
  CASE prov WHEN 'google' THEN 'gmail-smtp-in.l.google.com' WHEN 'microsoft-365' THEN 'contoso-com.mail.protection.outlook.com'
            WHEN 'microsoft-consumer' THEN 'hotmail-com.olc.protection.outlook.com' WHEN 'yahoo' THEN 'mta5.am0.yahoodns.net' ELSE 'mx.example.net' END AS mx,
  'd' || d || '.' || prov || '.example' AS dom,
  slot % 10 = 0 AS retried,
  CASE WHEN slot % 10 = 0 THEN 'R' || (block / 3) || '-' || slot ELSE 'S' || i END AS qid,
  block % 3 AS attempt_no,
  prov = 'microsoft-365' AND t >= $5::timestamptz + interval '25 days 2 hours' AND t < $5::timestamptz + interval '25 days 5 hours' AND h2 % 10 < 7 AS s77714) q
CROSS JOIN LATERAL (SELECT * FROM (VALUES
  ('S77714', 'deferred', 451, '4.7.500', '451 4.7.500 Server busy. Please try again later from [' || ip || ']. (S77714) [MW2NAM12FT080.eop-nam12.prod.protection.outlook.com 2024-03-26T02:17:50.557Z 08DBC41AE3EEAC91]', 'S77714', 'microsoft.server-busy', 'throttling', 'ip', '451 4.7.500 Server busy. Please try again later from [<ip>]. (S77714) [<host> <ts> <hex>]', false),
  ('retry', 'deferred', 421, '4.7.0', '421 4.7.0 Try again later, closing connection.', NULL, 'google.connection-throttled', 'throttling', 'ip', '421 4.7.0 Try again later, closing connection.', false),
  ('full', 'deferred', 452, '4.2.2', '452 4.2.2 The email account that you tried to reach is over quota.', NULL, 'google.over-quota', 'recipient', 'recipient', '452 4.2.2 The email account that you tried to reach is over quota.', true),
  ('bounce', 'bounced', 550, '5.1.1', '550 5.1.1 The email account that you tried to reach does not exist.', NULL, 'google.no-such-user', 'recipient', 'recipient', '550 5.1.1 The email account that you tried to reach does not exist.', false),
  ('ok', 'delivered', 250, '2.0.0', '250 2.0.0 OK', NULL, NULL, 'unknown', NULL, '250 2.0.0 OK', false)
  ) AS v(k, outcome, code, enh, reply, token, rule, cat, scope, sig, per_rcpt)
  WHERE v.k = CASE WHEN s77714 THEN 'S77714' WHEN retried AND attempt_no < 2 THEN 'retry' WHEN retried THEN 'ok'
                   WHEN h3 % 100 = 0 THEN 'full' WHEN h3 % 100 < 3 THEN 'bounce' ELSE 'ok' END) kind`;

interface Case {
  query: string;
  range: string;
  run: () => Promise<unknown>;
  raw?: () => Promise<unknown>;
}

function percentile(sorted: number[], p: number): number {
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[idx] ?? NaN;
}

async function time(fn: () => Promise<unknown>, runs: number, slowCut: boolean): Promise<{ p50: number; p95: number; n: number }> {
  await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
    if (slowCut && i === 0 && samples[0]! > SLOW_RAW_MS) runs = Math.min(runs, 3);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 0.5), p95: percentile(samples, 0.95), n: samples.length };
}

async function main(): Promise<void> {
  const reuse = args.reuse;
  if (reuse !== undefined && !/^dd_bench_[0-9a-f]{8}$/.test(reuse)) throw new Error('--reuse takes the name of a kept bench database (dd_bench_…)');
  const name = reuse ?? `dd_bench_${randomBytes(4).toString('hex')}`;
  if (reuse === undefined) await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = databaseUrl(serverUrl, name);
  process.env.DATABASE_URL = url;
  console.log(`${reuse === undefined ? 'scratch' : 'reused'} database ${name} on ${new URL(serverUrl).host}`);
  try {
    await migrate(url);
    const { pool, db } = await import('@/lib/db/client');
    let orgId: string;
    if (reuse === undefined) {
      orgId = randomUUID();
      const batchId = randomUUID();
      await pool().query(`INSERT INTO organization (id, slug, name) VALUES ($1, 'bench', 'Bench')`, [orgId]);
      await pool().query(`INSERT INTO ingest_batch (id, organization_id, channel, format) VALUES ($1, $2, 'api', 'postfix')`, [batchId, orgId]);
      const t0 = Date.now();
      for (let lo = 0; lo < EVENTS; lo += CHUNK) {
        const hi = Math.min(EVENTS, lo + CHUNK);
        await pool().query(GENERATE_SQL, [orgId, batchId, lo, hi, START, EVENTS]);
        console.log(`  generated ${hi.toLocaleString('en')} events (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
      }
      const { writeRebuildRollups } = await import('@/lib/metrics/write-rebuild-rollups');
      const t1 = Date.now();
      const rebuilt = await writeRebuildRollups(orgId);
      await pool().query('ANALYZE');
      const tableRows = Object.entries(rebuilt.rowsByTable).map(([table, n]) => `${n.toLocaleString('en')} ${table}`);
      console.log(`  rollups rebuilt in ${((Date.now() - t1) / 1000).toFixed(0)} s: ${tableRows.join(', ')} rows`);
    } else {
      orgId = (await pool().query<{ id: string }>(`SELECT id FROM organization WHERE slug = 'bench'`)).rows[0]?.id ?? '';
      const events = Number((await pool().query<{ n: string }>('SELECT count(*) AS n FROM delivery_event')).rows[0]?.n);
      if (!orgId || events !== EVENTS) throw new Error(`${name} holds ${events} events, not --events ${EVENTS}`);
      await pool().query('ANALYZE');
    }

    const { getDeferralSeries } = await import('@/lib/metrics/queries/get-deferral-series');
    const { getProviderSummaries } = await import('@/lib/metrics/queries/get-provider-summaries');
    const { getBreakdown } = await import('@/lib/metrics/queries/get-breakdown');
    const { getTopSignatures } = await import('@/lib/metrics/queries/get-top-signatures');
    const { getRetryBehaviour } = await import('@/lib/metrics/queries/get-retry-behaviour');
    const { listEvents } = await import('@/lib/ingest/queries/list-events');
    const { getQueueSeries } = await import('@/lib/queue/queries/get-queue-series');
    const { env } = await import('@/lib/env');
    const { chooseBucket, bucketSeconds } = await import('@/lib/metrics/buckets');
    const raw = (sql: string, params: unknown[]) => () => pool().query(sql, params);
    // The plain way: GROUP BY over delivery_event for the same answer (without gap filling).
    const rawSeries = (col: string, from: Date, to: Date, w: number) =>
      raw(
        `SELECT date_bin($4::int * interval '1 second', occurred_at, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS t, ${col} AS key, count(*),
                count(*) FILTER (WHERE outcome = 'deferred'), count(*) FILTER (WHERE outcome = 'deferred' AND is_per_recipient)
         FROM delivery_event WHERE organization_id = $1 AND occurred_at >= $2 AND occurred_at < $3 GROUP BY 1, 2`,
        [orgId, from, to, w],
      );

    const ranges: Array<[string, number]> = [['1h', 3600 * 1000], ['24h', DAY_MS], ['30d', 30 * DAY_MS]];
    // "now" is the end of the day-25 S77714 episode, so short ranges look at the incident.
    const now = new Date(START.getTime() + 25 * DAY_MS + 5 * 3600 * 1000);
    const cases: Case[] = [];
    for (const [label, ms] of ranges) {
      const to = label === '30d' ? END : now;
      const from = new Date(to.getTime() - ms);
      const w = bucketSeconds[chooseBucket(from, to)];
      for (const [groupBy, col] of [['provider', 'provider'], ['ip', 'sending_ip'], ['domain', 'recipient_domain']] as const) {
        cases.push({ query: `deferral series by ${groupBy}`, range: label, run: () => getDeferralSeries(orgId, { groupBy, from, to }), raw: rawSeries(col, from, to, w) });
      }
      cases.push({
        query: 'breakdown microsoft-365 by ip',
        range: label,
        run: () => getBreakdown(orgId, { by: 'ip', provider: 'microsoft-365', from, to }),
        raw: raw(`SELECT sending_ip, count(*), count(*) FILTER (WHERE outcome = 'deferred') FROM delivery_event WHERE organization_id = $1 AND provider = 'microsoft-365' AND occurred_at >= $2 AND occurred_at < $3 GROUP BY 1`, [orgId, from, to]),
      });
      cases.push({
        query: 'breakdown google by domain',
        range: label,
        run: () => getBreakdown(orgId, { by: 'domain', provider: 'google', from, to }),
        raw: raw(`SELECT recipient_domain, count(*), count(*) FILTER (WHERE outcome = 'deferred') FROM delivery_event WHERE organization_id = $1 AND provider = 'google' AND occurred_at >= $2 AND occurred_at < $3 GROUP BY 1 ORDER BY 2 DESC LIMIT 50`, [orgId, from, to]),
      });
      cases.push({
        query: 'top signatures microsoft-365',
        range: label,
        run: () => getTopSignatures(orgId, { provider: 'microsoft-365', from, to }),
        raw: raw(`SELECT signature, count(*) FROM delivery_event WHERE organization_id = $1 AND provider = 'microsoft-365' AND outcome <> 'delivered' AND occurred_at >= $2 AND occurred_at < $3 GROUP BY 1 ORDER BY 2 DESC LIMIT 10`, [orgId, from, to]),
      });
      cases.push({ query: 'top signatures by ip', range: label, run: () => getTopSignatures(orgId, { ip: '192.0.2.3', from, to }) });
      cases.push({ query: 'retry behaviour (sampled)', range: label, run: () => getRetryBehaviour(orgId, { from, to }) });
      cases.push({ query: 'events list page (100)', range: label, run: () => listEvents(orgId, { from, to, limit: 100 }) });
      for (const provider of [undefined, 'microsoft-365']) {
        cases.push({
          query: `queue depth + oldest age${provider ? ` ${provider}` : ''}`,
          range: label,
          run: () => getQueueSeries(orgId, { from, to, bucketSeconds: w, provider }, env().QUEUE_MAX_LIFETIME_SECONDS),
        });
      }
    }
    cases.push({
      query: 'provider summaries',
      range: '15m/6h/7d',
      run: () => getProviderSummaries(orgId, { now }),
      raw: raw(
        `SELECT provider, count(*) FILTER (WHERE occurred_at >= $2::timestamptz - interval '15 minutes'), count(*) FILTER (WHERE outcome = 'deferred')
         FROM delivery_event WHERE organization_id = $1 AND occurred_at >= $2::timestamptz - interval '6 hours' AND occurred_at < $2 GROUP BY 1`,
        [orgId, now],
      ),
    });

    const fmt = (n: number | undefined) => (n === undefined ? '—' : n.toFixed(1));
    const rows: string[][] = [];
    let misses = 0;
    for (const c of cases) {
      const ours = await time(c.run, RUNS, false);
      const plain = c.raw ? await time(c.raw, RUNS, true) : undefined;
      const ok = ours.p95 < TARGET_P95_MS;
      if (!ok) misses++;
      rows.push([c.query, c.range, fmt(ours.p50), fmt(ours.p95), ok ? 'ok' : 'MISS', fmt(plain?.p50), fmt(plain?.p95), plain ? String(plain.n) : '']);
      process.stdout.write('.');
    }
    process.stdout.write('\n');
    const header = ['query', 'range', 'p50 ms', 'p95 ms', `<${TARGET_P95_MS}`, 'raw p50', 'raw p95', 'raw n'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
    const line = (r: string[]) => r.map((cell, i) => (i < 2 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
    console.log(`\n${EVENTS.toLocaleString('en')} events, ${RUNS} runs per query (raw GROUP BY slower than ${SLOW_RAW_MS} ms: 3 runs)\n`);
    console.log(line(header));
    for (const r of rows) console.log(line(r));
    console.log(`\n${misses === 0 ? 'every dashboard query' : `${misses} queries missed`}: p95 target ${TARGET_P95_MS} ms`);
    await db().$disconnect();
    await pool().end();
  } finally {
    if (args.keep || reuse !== undefined) console.log(`kept ${url}`);
    else await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack : error);
    process.exit(1);
  },
);
