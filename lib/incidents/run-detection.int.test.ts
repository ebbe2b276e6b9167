import { expect, test } from 'vitest';
import { withAppDatabase } from '@/lib/test-support/app-database';

withAppDatabase();

const T0 = Date.UTC(2023, 9, 11, 1, 0);
const at = (minute: number) => new Date(T0 + minute * 60_000);

// Replies quoted from DESIGN.md (the S77714 reference) and the corpus (Gmail 4.7.28, Yahoo BL21), IPs from documentation ranges.
const s77714 = (ip: string, region: 'NAM' | 'EUR', m: number) =>
  `451 4.7.500 Server busy. Please try again later from [${ip}]. (S77714) [${region === 'NAM' ? 'MW2NAM12FT080.eop-nam12' : 'AM6EUR05FT012.eop-eur05'}.prod.protection.outlook.com ${at(m).toISOString().replace('.000Z', '.557Z')} 08DBC41AE3EEAC91]`;
const gmail4728 = (ip: string) =>
  `421 4.7.28 [${ip}] Our system has detected an unusual rate of unsolicited mail originating from your IP address. To protect our users from spam, mail sent from your IP address has been temporarily rate limited. Please visit https://support.google.com/mail/?p=UnsolicitedRateLimitError to review our Bulk Email Senders Guidelines. - gsmtp`;
const yahooBl21 = (ip: string) => `553 5.7.1 [BL21] Connections will not be accepted from ${ip}, because the ip is in Spamhaus's list; see http://postmaster.yahoo.com/550-bl23.html`;

const IPS = ['203.0.113.7', '203.0.113.8', '203.0.113.9'];
const TENANTS = ['contoso.com', 'fabrikam.com', 'northwind.com', 'adatum.com'];
const mxOf = (domain: string) =>
  domain === 'gmail.com' ? 'gmail-smtp-in.l.google.com' : domain === 'yahoo.com' ? 'mta5.am0.yahoodns.net' : `${domain.replace(/\./g, '-')}.mail.protection.outlook.com`;

interface Traffic {
  ips: string[];
  domains: string[];
  perMinute: number;
  /** share of attempts (0..1) from this IP failing at minute m, and how */
  failing: (m: number, ip: string) => { share: number; reply: string; outcome: 'deferred' | 'bounced' } | null;
}

let serial = 0;
/** NDJSON events, one per attempt, the normalized shape of DESIGN.md. */
function events(from: number, to: number, t: Traffic): string[] {
  const lines: string[] = [];
  for (let m = from; m < to; m += 1) {
    for (const ip of t.ips) {
      const f = t.failing(m, ip);
      const failed = Math.round(t.perMinute * (f?.share ?? 0));
      for (let n = 0; n < t.perMinute; n += 1) {
        serial += 1;
        const domain = t.domains[serial % t.domains.length]!;
        const failing = f !== null && n < failed;
        lines.push(
          JSON.stringify({
            occurredAt: new Date(at(m).getTime() + n * 1000).toISOString(),
            source: 'generic',
            sourceHost: 'mx1',
            queueId: `Q${serial}`,
            recipient: `user${serial}@${domain}`,
            mxHost: mxOf(domain),
            sendingIp: ip,
            outcome: failing ? f.outcome : 'delivered',
            reply: failing ? f.reply : '250 2.0.0 OK',
          }),
        );
      }
    }
  }
  return lines;
}

async function newOrg(slug: string): Promise<string> {
  const { createOrganization } = await import('@/lib/auth/accounts');
  return (await createOrganization({ slug })).id;
}

async function* once(body: string): AsyncGenerator<Uint8Array> {
  yield Buffer.from(body);
}

/** Ingests the scenario in slices of `stepMinutes` and runs detection after each, as the app does after every batch. */
async function play(org: string, until: number, make: (from: number, to: number) => string[], stepMinutes = 20, start = 0): Promise<void> {
  const { ingestStream } = await import('@/lib/ingest/pipeline');
  const { runDetection } = await import('./run-detection');
  for (let m = start; m < until; m += stepMinutes) {
    const end = Math.min(m + stepMinutes, until);
    const lines = make(m, end);
    if (lines.length > 0) await ingestStream(once(lines.join('\n')), { organizationId: org, channel: 'api', format: 'ndjson', maxBytes: 256 * 1024 * 1024, now: at(end) });
    await runDetection(org, at(end));
  }
}

async function incidentsOf(org: string) {
  const { listIncidents } = await import('./queries/list-incidents');
  return (await listIncidents(org, { limit: 50 })).incidents;
}

const microsoftEpisode = (from: number, to: number) =>
  events(from, to, {
    ips: IPS,
    domains: TENANTS,
    perMinute: 6,
    failing: (m, ip) => {
      if (ip === IPS[2] || (ip === IPS[1] && m < 35)) return null;
      const share = m >= 20 && m < 110 ? 1 : m >= 110 && m < 120 ? 0.5 : 0;
      return { share, reply: s77714(ip, m < 50 || m % 2 === 1 ? 'NAM' : 'EUR', m), outcome: 'deferred' };
    },
  });
const gmailHealthy = (from: number, to: number) => events(from, to, { ips: IPS, domains: ['gmail.com'], perMinute: 3, failing: () => null });

test('the S77714 episode: two of three IPs, Microsoft only, ~90 minutes → one receiver-side incident, escalated, recovered, resolved after the drain', async () => {
  const org = await newOrg('s77714');
  await play(org, 180, (a, b) => [...microsoftEpisode(a, b), ...gmailHealthy(a, b)]);
  const incidents = await incidentsOf(org);
  expect(incidents).toHaveLength(1);
  const inc = incidents[0]!;
  expect(inc).toMatchObject({
    status: 'resolved',
    scope: 'receiver',
    escalation: 'escalate',
    providers: ['microsoft-365'],
    affectedIps: ['203.0.113.7', '203.0.113.8'],
    affectedDomains: [...TENANTS].sort(),
    regions: ['EUR', 'NAM'],
    kbRule: 'microsoft.server-busy',
    startedAt: at(20).toISOString(),
    resolvedBy: 'system',
  });
  expect(inc.signature).toContain('(S77714)');
  expect(inc.endedAt).toBe(inc.recoveredAt);
  expect(inc.timeline.map((e) => e.kind)).toEqual([
    'first_deferral',
    'opened',
    'peak_deferral_rate',
    'escalation_changed',
    'ip_joined',
    'scope_changed',
    'region_joined',
    'escalation_changed',
    'first_delivery_after_peak',
    'mitigating',
    'recovered',
    'queue_drained',
  ]);
  expect(inc.timeline.every((e) => e.actor === 'system')).toBe(true);
  expect(inc.recommendations.avoid.join(' ')).toMatch(/Do not change MX, SPF, DKIM or DMARC, rotate IPs/);
  expect(inc.recommendations.doNow.join(' ')).toMatch(/Keep the mail queued/);

  const { writeIncidentAnnotation } = await import('./queries/write-incident-annotation');
  const noted = await writeIncidentAnnotation(org, inc.id, 'analyst@example.com', { action: 'note', text: 'Microsoft allow-listed the reported IPs', providerReference: 'EX669123', at: at(75).toISOString() });
  const note = noted.timeline.find((e) => e.kind === 'note');
  expect(note).toMatchObject({ at: at(75).toISOString(), actor: 'analyst@example.com', data: { providerReference: 'EX669123' } });
  // A note keeps its own time: it sits between the automatic entries of that moment.
  expect(noted.timeline.map((e) => e.kind).indexOf('note')).toBe(7);
});

test('a single-IP blocklist episode is one sender-side incident', async () => {
  const org = await newOrg('blocklist');
  await play(org, 60, (a, b) => [
    ...events(a, b, { ips: IPS, domains: ['yahoo.com'], perMinute: 6, failing: (m, ip) => (ip === IPS[0] && m >= 10 ? { share: 1, reply: yahooBl21(ip), outcome: 'bounced' } : null) }),
    ...gmailHealthy(a, b),
  ]);
  const incidents = await incidentsOf(org);
  expect(incidents).toHaveLength(1);
  expect(incidents[0]).toMatchObject({ status: 'open', scope: 'sender', escalation: 'tune', providers: ['yahoo'], affectedIps: ['203.0.113.7'], kbRule: 'yahoo.blocklist' });
  expect(incidents[0]!.evidence.filter((e) => e.side === 'sender').map((e) => e.finding).join(' ')).toMatch(/blocklist.*Only 203\.0\.113\.7 is affected/s);
  expect(incidents[0]!.timeline.map((e) => e.kind)).toEqual(['first_deferral', 'opened', 'escalation_changed']);
});

test('the verdict weighs our sending identity: healthy DNS checks are a receiver sign, an affected IP turning up on a blocklist changes the scope', async () => {
  const org = await newOrg('identity');
  const { pool } = await import('@/lib/db/client');
  const check = (kind: string, target: string, minute: number, status: string, summary: string) =>
    pool().query(`INSERT INTO auth_check (organization_id, kind, target, checked_at, status, summary, fingerprint) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [org, kind, target, at(minute), status, summary, `${kind}-${status}`]);
  await check('spf', 'acme.test', 0, 'good', 'v=spf1 ip4:203.0.113.0/24 -all: pass for 203.0.113.7, 203.0.113.8, 203.0.113.9');
  await check('dnsbl', '203.0.113.7', 0, 'good', 'not listed on 4 blocklists');
  const episode = (a: number, b: number) => [...microsoftEpisode(a, b), ...gmailHealthy(a, b)];
  await play(org, 40, episode);
  const [before] = await incidentsOf(org);
  expect(before).toMatchObject({ scope: 'receiver', affectedIps: ['203.0.113.7', '203.0.113.8'] });
  expect(before!.evidence.at(-1)).toEqual({ side: 'receiver', strength: 'weak', finding: 'Our sending identity is healthy: SPF of acme.test, Blocklists of 203.0.113.7 good; no bad sign.' });

  await check('dnsbl', '203.0.113.7', 40, 'bad', 'listed on Spamhaus ZEN (127.0.0.3)');
  await play(org, 60, episode, 20, 40);
  const [after, ...others] = await incidentsOf(org);
  expect(others).toEqual([]);
  // S77714 still points at Microsoft, the listing at us: the evidence disagrees, the scope is unknown until one goes away.
  expect(after).toMatchObject({ id: before!.id, scope: 'unknown' });
  const listing = '203.0.113.7 Blocklists: DNS check 2023-10-11T01:40:00.000Z: listed on Spamhaus ZEN (127.0.0.3)';
  expect(after!.evidence.at(-1)).toEqual({ side: 'sender', strength: 'strong', finding: `Our sending identity has bad signs to fix: ${listing}.`, fix: [listing] });
  expect(after!.recommendations.doNow[0]).toBe(`Fix what the DNS checks found wrong on our side: ${listing}.`);
  const scopeChanges = after!.timeline.filter((e) => e.kind === 'scope_changed');
  expect(scopeChanges.at(-1)).toMatchObject({ at: at(40).toISOString(), message: 'Scope changes from receiver to unknown.' });
});

test('Gmail 4.7.28 while Microsoft throttles: two separate incidents', async () => {
  const org = await newOrg('two-providers');
  await play(org, 180, (a, b) => [
    ...microsoftEpisode(a, b),
    ...events(a, b, { ips: ['198.51.100.20'], domains: ['gmail.com'], perMinute: 6, failing: (m, ip) => ({ share: m >= 30 && m < 80 ? 0.8 : 0, reply: gmail4728(ip), outcome: 'deferred' }) }),
  ]);
  const incidents = await incidentsOf(org);
  expect(incidents.map((i) => `${i.providers.join()}|${i.kbRule}|${i.status}`).sort()).toEqual(['google|google.rate-limit|resolved', 'microsoft-365|microsoft.server-busy|resolved']);
  expect(incidents.find((i) => i.providers[0] === 'google')!.affectedIps).toEqual(['198.51.100.20']);
});

test('a flapping provider makes one incident, not one per flap', async () => {
  const org = await newOrg('flapping');
  await play(org, 240, (a, b) => [
    ...events(a, b, { ips: IPS, domains: TENANTS, perMinute: 4, failing: (m, ip) => ({ share: m >= 20 && m < 200 && m % 5 < 2 ? 0.9 : 0, reply: s77714(ip, 'NAM', m), outcome: 'deferred' }) }),
    ...gmailHealthy(a, b),
  ]);
  const incidents = await incidentsOf(org);
  expect(incidents).toHaveLength(1);
  expect(incidents[0]!.timeline.filter((e) => e.kind === 'opened')).toHaveLength(1);
});

test('a recovered incident that flares up again reopens; detection runs twice at once without duplicating', async () => {
  const org = await newOrg('reopen');
  const flare = (a: number, b: number) => [
    ...events(a, b, { ips: IPS, domains: TENANTS, perMinute: 4, failing: (m, ip) => ({ share: (m >= 10 && m < 40) || (m >= 70 && m < 100) ? 1 : 0, reply: s77714(ip, 'NAM', m), outcome: 'deferred' }) }),
    ...gmailHealthy(a, b),
  ];
  await play(org, 60, flare);
  expect((await incidentsOf(org)).map((i) => i.status)).toEqual(['recovered']);
  const { ingestStream } = await import('@/lib/ingest/pipeline');
  const { runDetection } = await import('./run-detection');
  await ingestStream(once(flare(60, 200).join('\n')), { organizationId: org, channel: 'api', format: 'ndjson', maxBytes: 256 * 1024 * 1024, now: at(200) });
  const runs = await Promise.all([runDetection(org, at(200)), runDetection(org, at(200))]);
  expect(runs.map((r) => r.changed.length).sort()).toEqual([0, 1]);
  const incidents = await incidentsOf(org);
  expect(incidents).toHaveLength(1);
  expect(incidents[0]).toMatchObject({ status: 'resolved', reopenCount: 1, scope: 'receiver' });
  const kinds = incidents[0]!.timeline.map((e) => e.kind);
  expect(kinds.filter((k) => k === 'reopened')).toHaveLength(1);
  expect(kinds.indexOf('reopened')).toBeGreaterThan(kinds.indexOf('recovered'));
});

const DAY_MINUTES = 24 * 60;
const ALL_KINDS_LIVE = [
  'first_deferral',
  'opened',
  'peak_deferral_rate',
  'escalation_changed',
  'ip_joined',
  'scope_changed',
  'region_joined',
  'escalation_changed',
  'first_delivery_after_peak',
  'mitigating',
  'recovered',
  'queue_drained',
];

async function ingest(org: string, lines: string[], now: Date, channel: 'api' | 'upload' = 'api') {
  const { ingestStream } = await import('@/lib/ingest/pipeline');
  return ingestStream(once(lines.join('\n')), { organizationId: org, channel, format: 'ndjson', maxBytes: 256 * 1024 * 1024, now });
}

async function outboxRows(org: string) {
  const { db } = await import('@/lib/db/client');
  return db().$queryRaw<Array<{ incident_id: string; event: string; at: Date }>>`
    SELECT incident_id::text, event, at FROM alert_outbox WHERE organization_id = ${org}::uuid ORDER BY at, event`;
}

/** Detection's entries as (kind, time, message, data): what a re-evaluation must reproduce exactly. */
const story = (timeline: Array<{ kind: string; at: string; message: string; data: unknown; actor: string }>) =>
  timeline.filter((e) => e.actor === 'system').map((e) => `${e.at} ${e.kind} ${e.message} ${JSON.stringify(e.data)}`);

test('an uploaded log of an S77714 episode three days old: one historical incident with its real times, no alerts; uploading it again changes nothing', async () => {
  const org = await newOrg('historical');
  const { writeAlertEndpoint } = await import('@/lib/alerts/queries/write-alert-endpoint');
  await writeAlertEndpoint(org, { name: 'pager', url: 'http://127.0.0.1:9/hook', kind: 'generic' }, 'admin@example.com');
  const { runDetection } = await import('./run-detection');
  const now = at(3 * DAY_MINUTES);
  const file = [...microsoftEpisode(0, 180), ...gmailHealthy(0, 180)];
  expect((await ingest(org, file, now, 'upload')).accepted).toBe(file.length);
  const run = await runDetection(org, now);
  expect(run).toMatchObject({ alertsQueued: 0, hasHistoryPending: false, evaluatedThrough: new Date(now.getTime() - 60_000).toISOString() });

  const incidents = await incidentsOf(org);
  expect(incidents).toHaveLength(1);
  const inc = incidents[0]!;
  expect(inc).toMatchObject({
    isHistorical: true,
    status: 'resolved',
    scope: 'receiver',
    escalation: 'escalate',
    affectedIps: ['203.0.113.7', '203.0.113.8'],
    kbRule: 'microsoft.server-busy',
    startedAt: at(20).toISOString(),
    resolvedBy: 'system',
  });
  // The failures end at minute 120 (half the attempts fail from 110); the 10-minute window has passed them by 130.
  expect(Date.parse(inc.recoveredAt!)).toBeGreaterThan(at(110).getTime());
  expect(Date.parse(inc.recoveredAt!)).toBeLessThanOrEqual(at(130).getTime());
  expect(Date.parse(inc.resolvedAt!)).toBeLessThan(at(180).getTime());
  // The same story as when the episode is detected live, marked as historical first.
  expect(inc.timeline.map((e) => e.kind)).toEqual(['historical', ...ALL_KINDS_LIVE]);
  expect(inc.timeline[0]).toMatchObject({ at: at(20).toISOString(), actor: 'system' });
  expect(inc.timeline[0]!.message).toMatch(/no alerts were sent/);
  expect(await outboxRows(org)).toEqual([]);

  // The same file again: every event is a duplicate, nothing changes.
  expect((await ingest(org, file, now, 'upload')).accepted).toBe(0);
  expect(await runDetection(org, new Date(now.getTime() + 60_000))).toMatchObject({ changed: [], actions: [] });
  expect(await incidentsOf(org)).toEqual(incidents);

  // One straggler of that day re-evaluates the whole episode: the same incident, not one entry more or rewritten.
  const straggler = events(50, 51, { ips: [IPS[2]!], domains: ['gmail.com'], perMinute: 1, failing: () => null });
  expect((await ingest(org, straggler, now)).accepted).toBe(1);
  expect(await runDetection(org, new Date(now.getTime() + 120_000))).toMatchObject({ changed: [], opened: [], alertsQueued: 0 });
  expect(await incidentsOf(org)).toEqual(incidents);
});

test('an old log uploaded in two parts makes the one incident the whole log makes', async () => {
  const whole = await newOrg('historical-whole');
  const parts = await newOrg('historical-parts');
  const { runDetection } = await import('./run-detection');
  const now = at(3 * DAY_MINUTES);
  const log = (a: number, b: number) => [...microsoftEpisode(a, b), ...gmailHealthy(a, b)];
  serial = 0;
  await ingest(whole, log(0, 180), now, 'upload');
  await runDetection(whole, now);
  serial = 0;
  await ingest(parts, log(0, 70), now, 'upload');
  await runDetection(parts, now);
  const first = await incidentsOf(parts);
  // The first part ends with the episode under way: the incident stays as the data shows it.
  expect(first.map((i) => [i.status, i.isHistorical])).toEqual([['open', true]]);
  await ingest(parts, log(70, 180), now, 'upload');
  await runDetection(parts, new Date(now.getTime() + 60_000));
  const [a, b] = [(await incidentsOf(whole))[0]!, await incidentsOf(parts)];
  expect(b).toHaveLength(1);
  expect(b[0]!.id).toBe(first[0]!.id);
  expect(story(b[0]!.timeline).map((s) => s.replace(/Detected on .* UTC/, ''))).toEqual(story(a.timeline).map((s) => s.replace(/Detected on .* UTC/, '')));
  expect(b[0]).toMatchObject({ status: a.status, escalation: a.escalation, peakDeferralRate: a.peakDeferralRate, recoveredAt: a.recoveredAt, resolvedAt: a.resolvedAt });
});

test('a batch arriving late for minutes already evaluated changes the live incident as if it had come in time, with no entry twice', async () => {
  // The third IP is deferred too in minutes 30–50, but its log arrives only at minute 60.
  const third = (a: number, b: number) =>
    events(Math.max(a, 30), Math.min(b, 50), { ips: [IPS[2]!], domains: TENANTS, perMinute: 6, failing: (m, ip) => ({ share: 1, reply: s77714(ip, 'NAM', m), outcome: 'deferred' }) });
  const inTime = await newOrg('late-reference');
  const late = await newOrg('late');
  serial = 0;
  await play(inTime, 80, (a, b) => [...microsoftEpisode(a, b), ...gmailHealthy(a, b), ...third(a, b)]);
  serial = 0;
  await play(late, 60, (a, b) => [...microsoftEpisode(a, b), ...gmailHealthy(a, b)]);
  const before = (await incidentsOf(late))[0]!;
  expect(before.affectedIps).toEqual(['203.0.113.7', '203.0.113.8']);

  const { runDetection } = await import('./run-detection');
  expect((await ingest(late, third(0, 80), at(60))).accepted).toBe(120);
  const rerun = await runDetection(late, at(60));
  expect(rerun).toMatchObject({ opened: [], changed: [before.id], evaluatedThrough: at(59).toISOString() });
  await play(late, 80, (a, b) => (a >= 60 ? [...microsoftEpisode(a, b), ...gmailHealthy(a, b)] : []));

  const [reference, after] = [(await incidentsOf(inTime))[0]!, await incidentsOf(late)];
  expect(after).toHaveLength(1);
  expect(after[0]!.id).toBe(before.id);
  expect(after[0]!.affectedIps).toEqual(['203.0.113.7', '203.0.113.8', '203.0.113.9']);
  expect(after[0]!.peakDeferralRate).toBe(reference.peakDeferralRate);
  expect(story(after[0]!.timeline)).toEqual(story(reference.timeline));
  const keys = after[0]!.timeline.map((e) => `${e.at} ${e.kind} ${JSON.stringify(e.data)}`);
  expect(new Set(keys).size).toBe(keys.length);
});

test('a manual resolution survives a re-evaluation: the flare-up after it stays its own incident', async () => {
  const org = await newOrg('manual-replay');
  await play(org, 40, (a, b) => [...microsoftEpisode(a, b), ...gmailHealthy(a, b)]);
  const { writeIncidentAnnotation } = await import('./queries/write-incident-annotation');
  const first = (await incidentsOf(org))[0]!;
  await writeIncidentAnnotation(org, first.id, 'analyst@example.com', { action: 'resolve', reason: 'Handled with Microsoft support' }, at(40));
  // Still failing: detection opens a new incident for what follows.
  await play(org, 60, (a, b) => (a >= 40 ? [...microsoftEpisode(a, b), ...gmailHealthy(a, b)] : []));
  const beforeLate = await incidentsOf(org);
  expect(beforeLate.map((i) => i.status).sort()).toEqual(['open', 'resolved']);
  // A late Gmail delivery from minute 30 re-evaluates both periods.
  const { runDetection } = await import('./run-detection');
  await ingest(org, events(30, 31, { ips: [IPS[2]!], domains: ['gmail.com'], perMinute: 1, failing: () => null }), at(60));
  await runDetection(org, at(60));
  const afterLate = await incidentsOf(org);
  expect(afterLate.map((i) => [i.id, i.status, i.resolvedBy])).toEqual(beforeLate.map((i) => [i.id, i.status, i.resolvedBy]));
  expect(afterLate.map((i) => story(i.timeline))).toEqual(beforeLate.map((i) => story(i.timeline)));
});
