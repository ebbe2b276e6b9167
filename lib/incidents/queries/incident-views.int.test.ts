import { beforeAll, expect, test } from 'vitest';
import { withAppDatabase } from '@/lib/test-support/app-database';

// The incident pages' own queries (list with filters, per-IP/domain breakdown, sample transcripts)
// over the S77714 episode of run-detection.int.test.ts, ingested and detected like the app does.

withAppDatabase();
let org: string;

const T0 = Date.UTC(2023, 9, 11, 1, 0);
const at = (minute: number) => new Date(T0 + minute * 60_000);
const IPS = ['203.0.113.7', '203.0.113.8', '203.0.113.9'];
const TENANTS = ['contoso.com', 'fabrikam.com'];

// The DESIGN.md reference reply, with the region's front end and the attempt's time.
const s77714 = (ip: string, region: 'NAM' | 'EUR', m: number) =>
  `451 4.7.500 Server busy. Please try again later from [${ip}]. (S77714) [${region === 'NAM' ? 'MW2NAM12FT080.eop-nam12' : 'AM6EUR05FT012.eop-eur05'}.prod.protection.outlook.com ${at(m).toISOString().replace('.000Z', '.557Z')} 08DBC41AE3EEAC91]`;
const yahooBl21 = (ip: string) => `553 5.7.1 [BL21] Connections will not be accepted from ${ip}, because the ip is in Spamhaus's list; see http://postmaster.yahoo.com/550-bl23.html`;

let serial = 0;
function line(m: number, n: number, ip: string, domain: string, reply: string | null, outcome: 'delivered' | 'deferred' | 'bounced'): string {
  serial += 1;
  const mx = domain === 'yahoo.com' ? 'mta5.am0.yahoodns.net' : domain === 'gmail.com' ? 'gmail-smtp-in.l.google.com' : `${domain.replace(/\./g, '-')}.mail.protection.outlook.com`;
  return JSON.stringify({
    occurredAt: new Date(at(m).getTime() + n * 1000).toISOString(),
    source: 'generic',
    sourceHost: 'mx1',
    queueId: `Q${serial}`,
    recipient: `user${serial}@${domain}`,
    mxHost: mx,
    sendingIp: ip,
    outcome,
    reply: reply ?? '250 2.0.0 OK',
  });
}

/** Minute m: 6 attempts per IP to Microsoft tenants (the first two IPs deferred in minutes 20–100, region EUR from 50 on, else NAM), 3 to Gmail; IP 1 bounced by Yahoo from minute 10. */
function minute(m: number): string[] {
  const lines: string[] = [];
  for (const ip of IPS) {
    for (let n = 0; n < 6; n += 1) {
      const failing = ip !== IPS[2] && m >= 20 && m < 100;
      lines.push(line(m, n, ip, TENANTS[n % 2]!, failing ? s77714(ip, m >= 50 && n % 2 === 0 ? 'EUR' : 'NAM', m) : null, failing ? 'deferred' : 'delivered'));
    }
    for (let n = 0; n < 3; n += 1) lines.push(line(m, 10 + n, ip, 'gmail.com', null, 'delivered'));
    for (let n = 0; n < 4; n += 1) {
      const failing = ip === IPS[0] && m >= 10;
      lines.push(line(m, 20 + n, ip, 'yahoo.com', failing ? yahooBl21(ip) : null, failing ? 'bounced' : 'delivered'));
    }
  }
  return lines;
}

async function* once(body: string): AsyncGenerator<Uint8Array> {
  yield Buffer.from(body);
}

beforeAll(async () => {
  const { createOrganization } = await import('@/lib/auth/accounts');
  org = (await createOrganization({ slug: 'views' })).id;
  const { ingestStream } = await import('@/lib/ingest/pipeline');
  const { runDetection } = await import('../run-detection');
  for (let m = 0; m < 160; m += 20) {
    const lines = Array.from({ length: 20 }, (_, i) => minute(m + i)).flat();
    await ingestStream(once(lines.join('\n')), { organizationId: org, channel: 'api', format: 'ndjson', maxBytes: 64 * 1024 * 1024, now: at(m + 20) });
    await runDetection(org, at(m + 20));
  }
});

test('the list puts the open incident before the resolved one and filters by status, provider and scope', async () => {
  const { listIncidentSummaries } = await import('./list-incident-summaries');
  const all = await listIncidentSummaries(org, { limit: 50 });
  expect(all.incidents.map((i) => `${i.provider}/${i.status}/${i.scope}`)).toEqual(['yahoo/open/sender', 'microsoft-365/resolved/receiver']);
  expect(all.providers).toEqual(['microsoft-365', 'yahoo']);
  const ms = all.incidents[1]!;
  expect(ms).toMatchObject({ kbRule: 'microsoft.server-busy', affectedIpCount: 2, affectedDomainCount: 2, startedAt: at(20).toISOString(), escalation: 'escalate' });
  expect(ms.endedAt).not.toBeNull();
  expect(all.incidents[0]!.endedAt).toBeNull();

  expect((await listIncidentSummaries(org, { status: 'resolved', limit: 50 })).incidents.map((i) => i.provider)).toEqual(['microsoft-365']);
  expect((await listIncidentSummaries(org, { provider: 'yahoo', limit: 50 })).incidents.map((i) => i.provider)).toEqual(['yahoo']);
  expect((await listIncidentSummaries(org, { scope: 'receiver', limit: 50 })).incidents.map((i) => i.provider)).toEqual(['microsoft-365']);
  expect((await listIncidentSummaries(org, { scope: 'sender', provider: 'microsoft-365', limit: 50 })).incidents).toEqual([]);
  expect((await listIncidentSummaries(org, { limit: 1 })).incidents).toHaveLength(1);
  const { createOrganization } = await import('@/lib/auth/accounts');
  const other = (await createOrganization({ slug: 'views-other' })).id;
  expect(await listIncidentSummaries(other, { limit: 50 })).toEqual({ incidents: [], providers: [] });
});

test('the breakdown counts attempts and deferrals per IP and per domain in the window, from the rollups', async () => {
  const { getIncidentBreakdown } = await import('./get-incident-breakdown');
  const b = await getIncidentBreakdown(org, { provider: 'microsoft-365', from: at(0), to: at(60) });
  // 60 minutes × 6 attempts per IP; the first two IPs deferred in minutes 20–59 (40 × 6).
  expect(b.ips).toEqual([
    { key: '203.0.113.7', attempts: 360, delivered: 120, deferred: 240, bounced: 0, deferralRate: 240 / 360 },
    { key: '203.0.113.8', attempts: 360, delivered: 120, deferred: 240, bounced: 0, deferralRate: 240 / 360 },
    { key: '203.0.113.9', attempts: 360, delivered: 360, deferred: 0, bounced: 0, deferralRate: 0 },
  ]);
  expect(b.domains.map((d) => [d.key, d.attempts, d.deferred])).toEqual([
    ['contoso.com', 540, 240],
    ['fabrikam.com', 540, 240],
  ]);
  const yahoo = await getIncidentBreakdown(org, { provider: 'yahoo', from: at(0), to: at(20) });
  expect(yahoo.ips.find((i) => i.key === '203.0.113.7')).toMatchObject({ attempts: 80, bounced: 40, deferred: 0 });
});

test('transcripts: the first few full replies per IP and region, with host, token and correlation id', async () => {
  const { listIncidentTranscripts, TRANSCRIPTS_PER_GROUP } = await import('./list-incident-transcripts');
  const t = await listIncidentTranscripts(org, {
    provider: 'microsoft-365',
    kbRule: 'microsoft.server-busy',
    signature: '',
    ips: ['203.0.113.7', '203.0.113.8'],
    regions: ['EUR', 'NAM'],
    from: at(0),
    to: at(160),
  });
  expect(t.map((x) => `${x.sendingIp}/${x.region}`)).toEqual([
    ...Array<string>(TRANSCRIPTS_PER_GROUP).fill('203.0.113.7/EUR'),
    ...Array<string>(TRANSCRIPTS_PER_GROUP).fill('203.0.113.7/NAM'),
    ...Array<string>(TRANSCRIPTS_PER_GROUP).fill('203.0.113.8/EUR'),
    ...Array<string>(TRANSCRIPTS_PER_GROUP).fill('203.0.113.8/NAM'),
  ]);
  const first = t.find((x) => x.region === 'NAM')!;
  expect(first).toMatchObject({
    occurredAt: at(20).toISOString(),
    reply: s77714('203.0.113.7', 'NAM', 20),
    providerToken: 'S77714',
    providerHost: 'MW2NAM12FT080.eop-nam12.prod.protection.outlook.com',
    correlationId: '08DBC41AE3EEAC91',
    enhancedCode: '4.7.500',
    smtpCode: 451,
  });
  expect(t.filter((x) => x.region === 'EUR').every((x) => Date.parse(x.occurredAt) >= at(50).getTime())).toBe(true);

  const none = await listIncidentTranscripts(org, { provider: 'microsoft-365', kbRule: 'microsoft.server-busy', signature: '', ips: ['203.0.113.9'], regions: [], from: at(0), to: at(160) });
  expect(none).toEqual([]);
  // Without a rule, replies match on the signature.
  const { listIncidentSummaries } = await import('./list-incident-summaries');
  const yahoo = (await listIncidentSummaries(org, { provider: 'yahoo', limit: 1 })).incidents[0]!;
  const bySignature = (signature: string) => listIncidentTranscripts(org, { provider: 'yahoo', kbRule: null, signature, ips: ['203.0.113.7'], regions: [], from: at(0), to: at(160) });
  expect((await bySignature(yahoo.signature)).map((x) => [x.occurredAt, x.smtpCode])).toEqual(
    Array.from({ length: TRANSCRIPTS_PER_GROUP }, (_, n) => [new Date(at(10).getTime() + (20 + n) * 1000).toISOString(), 553]),
  );
  expect(await bySignature('no such signature')).toEqual([]);
});
