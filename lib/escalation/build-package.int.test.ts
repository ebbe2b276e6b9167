import { strFromU8, unzipSync } from 'fflate';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import packageJson from '@/package.json';
import type { DnsResolver } from '@/lib/auth-status/dns/resolver';
import type { IncidentDto } from '@/lib/incidents/queries/incident-dto';
import { withAppDatabase } from '@/lib/test-support/app-database';
import { startTestDnsServer, type TestDnsServer } from '@/lib/test-support/dns-server';

withAppDatabase();
let dns: TestDnsServer;
let resolver: DnsResolver;
let acme: string;
let globex: string;
let incident: IncidentDto;
let globexIncident: IncidentDto;

const T0 = Date.UTC(2023, 9, 11, 1, 0);
const at = (minute: number) => new Date(T0 + minute * 60_000);
const IPS = ['203.0.113.7', '203.0.113.8', '203.0.113.9'];
const OTHER_IPS = ['198.51.100.1', '198.51.100.2', '198.51.100.3'];
const TENANTS = ['contoso.com', 'fabrikam.com', 'northwind.com', 'adatum.com'];
const NOTE = '=HYPERLINK("http://evil.example")<script>alert(1)</script>';

// The DESIGN.md reference reply with the attempt's IP, front end (NAM or EUR) and time.
const s77714 = (ip: string, region: 'NAM' | 'EUR', m: number) =>
  `451 4.7.500 Server busy. Please try again later from [${ip}]. (S77714) [${region === 'NAM' ? 'MW2NAM12FT080.eop-nam12' : 'AM6EUR05FT012.eop-eur05'}.prod.protection.outlook.com ${at(m).toISOString().replace('.000Z', '.557Z')} 08DBC41AE3EEAC91]`;
const mxOf = (domain: string) => (domain === 'gmail.com' ? 'gmail-smtp-in.l.google.com' : `${domain.replace(/\./g, '-')}.mail.protection.outlook.com`);

/**
 * Per minute and IP: 6 attempts to Microsoft 365 tenants (recipient n → TENANTS[n % 4]) and 2 to Gmail. A message is
 * the same queue id and recipient for 5 minutes, so every deferred message is retried once a minute. Two of three IPs
 * are deferred with S77714 from minute 20 (the second from minute 35) to 110, half of the attempts until 120.
 */
function episode(from: number, to: number, ips: string[], tenants: string[]): string[] {
  const lines: string[] = [];
  for (let m = from; m < to; m += 1) {
    for (const ip of ips) {
      const isThrottled = ip !== ips[2] && !(ip === ips[1] && m < 35);
      const share = !isThrottled ? 0 : m >= 20 && m < 110 ? 1 : m >= 110 && m < 120 ? 0.5 : 0;
      for (let n = 0; n < 8; n += 1) {
        const domain = n < 6 ? tenants[n % tenants.length]! : 'gmail.com';
        const failing = n < 6 && n < Math.round(6 * share);
        lines.push(
          JSON.stringify({
            occurredAt: new Date(at(m).getTime() + n * 1000).toISOString(),
            source: 'generic',
            sourceHost: 'mx1',
            queueId: `Q-${ip}-${n}-${Math.floor(m / 5)}`,
            sender: 'news@example.org',
            recipient: `user${n}@${domain}`,
            mxHost: mxOf(domain),
            sendingIp: ip,
            outcome: failing ? 'deferred' : 'delivered',
            reply: failing ? s77714(ip, m < 50 || m % 2 === 1 ? 'NAM' : 'EUR', m) : '250 2.0.0 OK',
          }),
        );
      }
    }
  }
  return lines;
}

async function* once(body: string): AsyncGenerator<Uint8Array> {
  yield Buffer.from(body);
}

async function play(org: string, ips: string[], tenants: string[]): Promise<IncidentDto> {
  const { ingestStream } = await import('@/lib/ingest/pipeline');
  const { runDetection } = await import('@/lib/incidents/run-detection');
  const { queueDepthFromState } = await import('@/lib/incidents/queue-source');
  for (let m = 0; m < 180; m += 20) {
    await ingestStream(once(episode(m, m + 20, ips, tenants).join('\n')), { organizationId: org, channel: 'api', format: 'ndjson', maxBytes: 256 * 1024 * 1024, now: at(m + 20) });
    await runDetection(org, at(m + 20), { queueDepth: queueDepthFromState });
  }
  const { listIncidents } = await import('@/lib/incidents/queries/list-incidents');
  const { incidents } = await listIncidents(org, { limit: 10 });
  expect(incidents).toHaveLength(1);
  const { getIncidentOrThrow } = await import('@/lib/incidents/queries/get-incident-or-throw');
  return getIncidentOrThrow(org, incidents[0]!.id);
}

beforeAll(async () => {
  dns = await startTestDnsServer(
    {
      '7.113.0.203.in-addr.arpa': [{ type: 'PTR', data: 'mail.example.org' }],
      'mail.example.org': [{ type: 'A', data: '203.0.113.7' }],
    },
    { failures: { '9.113.0.203.in-addr.arpa': 'timeout' } },
  );
  const { createDnsResolver } = await import('@/lib/auth-status/dns/resolver');
  resolver = createDnsResolver({ servers: [dns.server], timeoutMs: 300, tries: 1 });
  const { createOrganization } = await import('@/lib/auth/accounts');
  acme = (await createOrganization({ slug: 'acme', name: 'Acme Mail Ops' })).id;
  globex = (await createOrganization({ slug: 'globex', name: 'Globex' })).id;
  incident = await play(acme, IPS, TENANTS);
  globexIncident = await play(globex, OTHER_IPS, ['globex-tenant.com']);
  const { writeIncidentAnnotation } = await import('@/lib/incidents/queries/write-incident-annotation');
  incident = await writeIncidentAnnotation(acme, incident.id, 'oncall@acme.test', { action: 'note', text: NOTE, at: at(100).toISOString() }, at(181));
});

afterAll(async () => {
  await dns.close();
});

/** RFC 4180 rows (quoted cells with doubled quotes, CRLF line ends), the header row first. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quoted && c === '"' && text[i + 1] === '"') {
      cell += '"';
      i += 1;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && c === ',') {
      row.push(cell);
      cell = '';
    } else if (!quoted && c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += 1;
    } else {
      cell += c;
    }
  }
  return rows;
}

function records(text: string): Array<Record<string, string>> {
  const [header, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ''])));
}

async function build(opts: { now: Date; showRecipients?: boolean }) {
  const { buildEscalationPackage } = await import('./build-package');
  const started = performance.now();
  const pkg = await buildEscalationPackage(acme, incident.id, { resolver, ptrDeadlineMs: 2_000, ...opts });
  const files = unzipSync(pkg.zip);
  const text = (name: string) => {
    const bytes = files[name];
    if (!bytes) throw new Error(`${name} is missing from the package`);
    return strFromU8(bytes);
  };
  return { pkg, files, text, ms: performance.now() - started };
}

const EXPECTED_FILES = [
  'affected-ips.csv',
  'authentication.csv',
  'authentication.json',
  'charts/deferral-rate.svg',
  'charts/queue-depth.svg',
  'manifest.json',
  'queue.csv',
  'retries.csv',
  'summary.md',
  'summary.pdf',
  'support-form.txt',
  'timeline.csv',
  'transcripts.csv',
];

test('the scenario incident is the S77714 episode the package describes', () => {
  expect(incident).toMatchObject({ scope: 'receiver', kbRule: 'microsoft.server-busy', affectedIps: [IPS[0], IPS[1]], regions: ['EUR', 'NAM'], startedAt: at(20).toISOString() });
  expect(incident.endedAt).not.toBeNull();
});

test('the zip holds every file, and the manifest lists each with its SHA-256, the organisation, incident, time and version', async () => {
  const now = new Date('2024-01-02T03:04:05.000Z');
  const { pkg, files, text, ms } = await build({ now });
  expect(Object.keys(files).sort()).toEqual(EXPECTED_FILES);
  expect(pkg.filename).toBe(`escalation-acme-${incident.id}.zip`);
  const manifest = JSON.parse(text('manifest.json')) as { organization: { id: string; slug: string }; incidentId: string; generatedAt: string; productVersion: string; files: Array<{ name: string; bytes: number; sha256: string }> };
  expect(manifest).toMatchObject({ organization: { id: acme, slug: 'acme', name: 'Acme Mail Ops' }, incidentId: incident.id, generatedAt: now.toISOString(), productVersion: packageJson.version });
  expect(manifest.files.map((f) => f.name)).toEqual(EXPECTED_FILES.filter((n) => n !== 'manifest.json'));
  for (const f of manifest.files) {
    const bytes = files[f.name]!;
    expect({ name: f.name, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }).toEqual({ name: f.name, bytes: f.bytes, sha256: f.sha256 });
  }
  expect(ms).toBeLessThan(10_000);
});

test('the same data gives the same bytes in every file but the manifest generation time', async () => {
  const a = await build({ now: new Date('2024-01-01T00:00:00Z') });
  const b = await build({ now: new Date('2024-06-01T12:00:00Z') });
  for (const name of EXPECTED_FILES.filter((n) => n !== 'manifest.json')) expect({ name, same: Buffer.from(a.files[name]!).equals(Buffer.from(b.files[name]!)) }).toEqual({ name, same: true });
  const strip = (m: string) => m.replace(/"generatedAt": "[^"]+"/, '');
  expect(strip(a.text('manifest.json'))).toBe(strip(b.text('manifest.json')));
  expect(a.text('manifest.json')).not.toBe(b.text('manifest.json'));
});

test('transcripts.csv: samples per IP and region, first and last seen of the signature, full replies, recipients masked', async () => {
  const { text } = await build({ now: new Date() });
  const rows = records(text('transcripts.csv'));
  const samples = rows.filter((r) => r.kind === 'sample');
  expect(new Set(samples.map((r) => `${r.sending_ip} ${r.region}`))).toEqual(new Set([`${IPS[0]} EUR`, `${IPS[0]} NAM`, `${IPS[1]} EUR`, `${IPS[1]} NAM`]));
  expect(samples).toHaveLength(12);
  const first = rows.find((r) => r.kind === 'first_seen');
  const last = rows.find((r) => r.kind === 'last_seen');
  expect(first?.occurred_at).toBe(at(20).toISOString());
  // The last failure: minute 119, the third tenant attempt (n = 2) of a throttled IP.
  expect(last?.occurred_at).toBe(new Date(at(119).getTime() + 2000).toISOString());
  for (const r of rows) {
    expect(r).toMatchObject({ token: 'S77714', correlation_id: '08DBC41AE3EEAC91', smtp_code: '451', enhanced_code: '4.7.500' });
    expect(r.reply).toMatch(/^451 4\.7\.500 Server busy\. Please try again later from \[203\.0\.113\.[78]\]\. \(S77714\) \[.+ 08DBC41AE3EEAC91\]$/);
    expect(r.microsoft_host).toMatch(/\.prod\.protection\.outlook\.com$/);
    expect(r.recipient).toMatch(/^u\*\*\*@(contoso|fabrikam|northwind|adatum)\.com$/);
    expect(TENANTS).toContain(r.recipient_domain);
  }
  const shown = records((await build({ now: new Date(), showRecipients: true })).text('transcripts.csv'));
  expect(shown.every((r) => /^user\d@/.test(r.recipient ?? ''))).toBe(true);
});

test('affected-ips.csv: PTR with forward confirmation where DNS answers, "not available" where it does not, hourly volume in the window and 30 days before', async () => {
  const { text } = await build({ now: new Date() });
  const rows = records(text('affected-ips.csv'));
  const byIp = (ip: string) => rows.filter((r) => r.sending_ip === ip);
  expect(new Set(rows.map((r) => r.sending_ip))).toEqual(new Set(IPS));
  expect(byIp(IPS[0]!)[0]).toMatchObject({ is_affected: 'true', ptr: 'mail.example.org', forward_confirmed: 'true', dns_status: 'checked' });
  expect(byIp(IPS[1]!)[0]).toMatchObject({ is_affected: 'true', ptr: '(none)', forward_confirmed: 'false', dns_status: 'checked' });
  expect(byIp(IPS[2]!)[0]).toMatchObject({ is_affected: 'false', ptr: '', dns_status: 'not available' });
  const recoveredMinute = (Date.parse(incident.endedAt!) - T0) / 60_000;
  for (const ip of IPS) {
    const before = byIp(ip).filter((r) => r.period === 'before');
    const window = byIp(ip).filter((r) => r.period === 'window');
    expect(before).toHaveLength(30 * 24);
    expect(before.every((r) => r.attempts === '0')).toBe(true);
    expect(window[0]?.hour_start).toBe(new Date(T0).toISOString());
    // 6 attempts a minute to Microsoft 365 from every IP, from the top of the hour to the end of the window.
    expect(window.reduce((n, r) => n + Number(r.attempts), 0)).toBe(6 * recoveredMinute);
  }
});

test('queue.csv, retries.csv: queue depth and age over time, the retry interval used and the busiest minute per MX as an estimate', async () => {
  const { text } = await build({ now: new Date() });
  const queue = records(text('queue.csv'));
  expect(queue.length).toBeGreaterThan(60);
  expect(Math.max(...queue.map((r) => Number(r.depth)))).toBeGreaterThan(0);
  expect(queue.some((r) => Number(r.oldest_age_seconds) >= 60)).toBe(true);
  // The package shows exactly what the dashboard's queue series shows.
  const { getQueueSeries } = await import('@/lib/queue/queries/get-queue-series');
  const bucketSeconds = Number(queue[0]!.bucket_seconds);
  const probed = await getQueueSeries(acme, { from: new Date(queue[0]!.bucket_start!), to: new Date(Date.parse(queue.at(-1)!.bucket_start!) + bucketSeconds * 1000), bucketSeconds, provider: 'microsoft-365' }, 5 * 24 * 3600);
  expect(queue.map((r) => [r.bucket_start, r.depth, r.oldest_age_seconds === '' ? null : Number(r.oldest_age_seconds)])).toEqual(probed.points.map((p) => [p.t, String(p.depth), p.oldestAgeSeconds]));
  const retries = records(text('retries.csv'));
  // Each deferred message is attempted once a minute for 5 minutes.
  expect(retries.find((r) => r.measure === 'attempt 2 median')).toMatchObject({ section: 'retry_interval', destination: 'microsoft-365', value: '60', unit: 'seconds' });
  const contoso = retries.find((r) => r.section === 'concurrency' && r.destination === 'contoso-com.mail.protection.outlook.com' && r.measure === 'max attempts per minute');
  // Recipients 0 and 4 of each of the 3 IPs go to contoso.com every minute.
  expect(contoso).toMatchObject({ value: '6', unit: 'attempts/min' });
  expect(contoso?.note).toMatch(/^estimate/);
  expect(retries.some((r) => (r.destination ?? '').includes('google'))).toBe(false);
});

test('authentication files, timeline, support form: evidence or a plain "not available"; formulas neutralised', async () => {
  const { text } = await build({ now: new Date() });
  const auth = JSON.parse(text('authentication.json')) as { senderDomains: string[]; notAvailable: string[] };
  expect(auth.senderDomains).toEqual(['example.org']);
  expect(auth.notAvailable.join('\n')).toMatch(/DNS checks: none has run/);
  expect(auth.notAvailable.join('\n')).toMatch(/DMARC aggregate reports for example\.org: none received/);
  const authCsv = records(text('authentication.csv'));
  expect(authCsv.filter((r) => r.subject === 'example.org').map((r) => r.check)).toEqual(['SPF', 'DKIM', 'DMARC', 'Blocklists']);
  expect(authCsv.find((r) => r.subject === 'example.org' && r.check === 'SPF')?.status).toBe('not available');

  const timeline = records(text('timeline.csv'));
  expect(timeline.map((r) => r.kind)).toEqual(incident.timeline.map((e) => e.kind));
  expect(timeline.find((r) => r.kind === 'note')).toMatchObject({ message: `'${NOTE}`, actor: 'oncall@acme.test' });

  const form = text('support-form.txt');
  expect(form).toContain(`Sending IP addresses: ${IPS[0]}; ${IPS[1]}`);
  expect(form).toContain(`Recipient domain(s): ${[...TENANTS].sort().join('; ')}`);
  expect(form).toContain('Sender domain(s): example.org');
  expect(form).toContain('Dedicated or shared infrastructure: unknown');
  expect(form).toContain('First occurrence: 2023-10-11 01:20:00 UTC');
  expect(form).toContain(`Last occurrence: 2023-10-11 02:59:02 UTC`);
  expect(form).toMatch(/Full error text:\r\n451 4\.7\.500 Server busy\. .*\(S77714\)/);
});

test('summary.md and summary.pdf say what happened, the verdict and what we did; HTML stays text; the PDF renders', async () => {
  const { files, text } = await build({ now: new Date() });
  const md = text('summary.md');
  expect(md).toContain('receiver-side');
  expect(md).toContain('![Deferral rate to Microsoft 365');
  expect(md).toContain('(charts/queue-depth.svg)');
  expect(md).toContain('\\<script\\>');
  expect(md).not.toContain('<script>');
  expect(md).toMatch(/first retry after a median of 1 min/);
  expect(md).toMatch(/at most 6 attempts per minute/);
  for (const name of ['charts/deferral-rate.svg', 'charts/queue-depth.svg']) {
    const svg = text(name);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('<polyline');
    expect(svg).not.toMatch(/<script|href=/);
  }
  const pdf = files['summary.pdf']!;
  expect(strFromU8(pdf.subarray(0, 8))).toBe('%PDF-1.7');
  const { PDFParse } = await import('pdf-parse');
  const parser = new PDFParse({ data: pdf });
  const parsed = await parser.getText();
  await parser.destroy();
  expect(parsed.total).toBeGreaterThanOrEqual(2);
  expect(parsed.text).toContain('What happened');
  expect(parsed.text).toContain(incident.id);
  expect(parsed.text).toContain('S77714');
  expect(parsed.text).toContain('<script>alert(1)</script>');
});

test('no data of another organisation: its IPs and tenants appear nowhere, and its incident is not found', async () => {
  const { files } = await build({ now: new Date() });
  for (const [name, bytes] of Object.entries(files)) {
    if (name === 'summary.pdf') continue;
    const content = strFromU8(bytes);
    expect({ name, leaks: OTHER_IPS.some((ip) => content.includes(ip)) || content.includes('globex') }).toEqual({ name, leaks: false });
  }
  const { buildEscalationPackage } = await import('./build-package');
  await expect(buildEscalationPackage(acme, globexIncident.id)).rejects.toMatchObject({ code: 'not_found' });
});
