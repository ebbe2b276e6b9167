// npm run bench:package [-- --events N] [--runs N] [--out DIR] – escalation package generation time for the demo incident and a synthetic one of N events (default 1 000 000).
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createTestDatabase } from '@/lib/test-support/db';

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    history: { type: 'string', default: '200000' },
    runs: { type: 'string', default: '3' },
    out: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const EVENTS = Number(args.events);
const HISTORY = Number(args.history);
const RUNS = Number(args.runs);
if (!Number.isInteger(EVENTS) || EVENTS < 10_000) throw new Error('--events must be an integer ≥ 10000');
if (!Number.isInteger(HISTORY) || HISTORY < 0) throw new Error('--history must be a non-negative integer');
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error('--runs must be a positive integer');

process.env.TEST_DATABASE_URL ??= process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

const HOUR_MS = 3_600_000;
const END = new Date('2024-04-01T12:00:00Z');
/** The synthetic episode: Microsoft 365 defers 70 % of the attempts from 2 of 4 IPs with S77714 for 5 hours, ending an hour before END. */
const EPISODE_FROM = new Date(END.getTime() - 6 * HOUR_MS);
const EPISODE_TO = new Date(END.getTime() - HOUR_MS);
const CHUNK = 500_000;

// One attempt per i in [lo, hi): `count` attempts spread evenly over [from, to), pseudo-randoms from hashint8(i).
// `throttle` switches the S77714 deferrals on until `throttleUntil` (history rows are all delivered). A message (queue id + recipient)
// recurs every count/3 attempts, so deferred mail is retried about three times.
const GENERATE_SQL = `
INSERT INTO delivery_event (organization_id, dedupe_key, occurred_at, source, source_host, queue_id, sender, recipient, recipient_domain,
  provider, mx_host, sending_ip, outcome, smtp_code, enhanced_code, reply, provider_token, provider_host, provider_region, correlation_id,
  kb_rule, category, scope, signature, is_per_recipient, batch_id)
SELECT $1::uuid, decode(md5($8 || i::text), 'hex'), t, 'postfix', 'mx1', $8 || 'Q' || (i % greatest(1, $6::bigint / 3)), 'news@bench.example',
  'u' || (i % greatest(1, $6::bigint / 3)) || '@' || dom, dom, 'microsoft-365', mx, ip,
  CASE WHEN s THEN 'deferred' ELSE 'delivered' END::outcome, CASE WHEN s THEN 451 ELSE 250 END, CASE WHEN s THEN '4.7.500' ELSE '2.0.0' END,
  CASE WHEN s THEN '451 4.7.500 Server busy. Please try again later from [' || ip || ']. (S77714) [' || host || ' ' || to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || ' 08DBC41AE3EEAC91]' ELSE '250 2.0.0 OK' END,
  CASE WHEN s THEN 'S77714' END, CASE WHEN s THEN host END, CASE WHEN s THEN region END, CASE WHEN s THEN '08DBC41AE3EEAC91' END,
  CASE WHEN s THEN 'microsoft.server-busy' END, CASE WHEN s THEN 'throttling' ELSE 'unknown' END::reply_category, CASE WHEN s THEN 'ip' END,
  CASE WHEN s THEN '451 4.7.500 Server busy. Please try again later from [<ip>]. (S77714) [<host> <ts> <hex>]' ELSE '250 2.0.0 OK' END, false, $2::uuid
FROM generate_series($3::bigint, $4::bigint - 1) AS i
CROSS JOIN LATERAL (SELECT (hashint8(i) & 2147483647) AS h1, (hashint8(i * 7 + 1) & 2147483647) AS h2) r
CROSS JOIN LATERAL (SELECT $5::timestamptz + (i::float8 / $6::float8) * ($7::timestamptz - $5::timestamptz) AS t,
  '192.0.2.' || (1 + h1 % 4) AS ip, 'd' || (h2 % 200) || '.bench.example' AS dom, 'd' || (h2 % 200) || '-bench-example.mail.protection.outlook.com' AS mx,
  CASE WHEN h2 % 2 = 0 THEN 'NAM' ELSE 'EUR' END AS region,
  CASE WHEN h2 % 2 = 0 THEN 'MW2NAM12FT080.eop-nam12.prod.protection.outlook.com' ELSE 'AM6EUR05FT012.eop-eur05.prod.protection.outlook.com' END AS host) p
CROSS JOIN LATERAL (SELECT $9::boolean AND t < $10::timestamptz AND h1 % 4 < 2 AND (h1 / 4) % 10 < 7 AS s) k`;

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

async function main(): Promise<void> {
  const database = await createTestDatabase('dd_bench_pkg');
  process.env.DATABASE_URL = database.url;
  console.log(`scratch database ${database.name}`);
  try {
    const { pool } = await import('@/lib/db/client');
    const { createOrganization } = await import('@/lib/auth/accounts');
    const { loadDemo } = await import('@/lib/demo/load-demo');
    const { listIncidents } = await import('@/lib/incidents/queries/list-incidents');
    const { buildEscalationPackage } = await import('@/lib/escalation/build-package');
    const { packageResolver } = await import('@/lib/escalation/request');
    const { writeRebuildRollups } = await import('@/lib/metrics/write-rebuild-rollups');
    const { runDetection } = await import('@/lib/incidents/run-detection');
    const { queueDepthFromState } = await import('@/lib/incidents/queue-source');

    const incidentOf = async (org: string) => {
      const found = (await listIncidents(org, { limit: 50 })).incidents.find((i) => i.kbRule === 'microsoft.server-busy');
      if (!found) throw new Error('no S77714 incident was detected');
      return found.id;
    };
    const measure = async (label: string, org: string, id: string, events: number) => {
      for (const [dnsLabel, resolver] of [['DNS off', null], ['DNS from env', packageResolver()]] as const) {
        const samples: number[] = [];
        let bytes = 0;
        for (let i = 0; i < RUNS; i += 1) {
          const { ms, value } = await timed(() => buildEscalationPackage(org, id, { resolver }));
          samples.push(ms);
          bytes = value.zip.length;
          if (args.out && i === 0 && resolver === null) {
            await mkdir(args.out, { recursive: true });
            await writeFile(path.join(args.out, value.filename), value.zip);
          }
        }
        samples.sort((a, b) => a - b);
        console.log(`${label.padEnd(28)} ${events.toLocaleString('en').padStart(11)} events  ${dnsLabel.padEnd(13)} min ${samples[0]!.toFixed(0)} ms  median ${samples[Math.floor(samples.length / 2)]!.toFixed(0)} ms  max ${samples.at(-1)!.toFixed(0)} ms  zip ${(bytes / 1024).toFixed(0)} KiB`);
      }
    };

    const demoOrg = (await createOrganization({ slug: 'bench-demo', name: 'Bench demo' })).id;
    const demo = await timed(() => loadDemo(demoOrg, { now: END }));
    console.log(`demo day loaded: ${demo.value.events.toLocaleString('en')} events in ${(demo.ms / 1000).toFixed(1)} s`);
    await measure('demo incident', demoOrg, await incidentOf(demoOrg), demo.value.events);

    const org = (await createOrganization({ slug: 'bench-big', name: 'Bench big' })).id;
    const batchId = randomUUID();
    await pool().query(`INSERT INTO ingest_batch (id, organization_id, channel, format) VALUES ($1, $2, 'api', 'postfix')`, [batchId, org]);
    const gen = await timed(async () => {
      const historyFrom = new Date(EPISODE_FROM.getTime() - 30 * 24 * HOUR_MS);
      for (let lo = 0; lo < HISTORY; lo += CHUNK) await pool().query(GENERATE_SQL, [org, batchId, lo, Math.min(HISTORY, lo + CHUNK), historyFrom, HISTORY, EPISODE_FROM, 'h', false, EPISODE_FROM]);
      for (let lo = 0; lo < EVENTS; lo += CHUNK) await pool().query(GENERATE_SQL, [org, batchId, lo, Math.min(EVENTS, lo + CHUNK), EPISODE_FROM, EVENTS, END, 'e', true, EPISODE_TO]);
      await writeRebuildRollups(org);
      await pool().query('ANALYZE');
      await runDetection(org, END, { queueDepth: queueDepthFromState });
    });
    console.log(`synthetic: ${(EVENTS + HISTORY).toLocaleString('en')} events generated, rollups rebuilt and detection run in ${(gen.ms / 1000).toFixed(1)} s`);
    await measure('synthetic S77714 incident', org, await incidentOf(org), EVENTS);
  } finally {
    const { db, pool } = await import('@/lib/db/client');
    await db().$disconnect();
    await pool().end();
    if (args.keep) console.log(`kept ${database.name}`);
    else await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
