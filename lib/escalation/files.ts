import { toCsv, type CsvValue } from '@/lib/csv';
import { layoutLineChart, type ChartLayout } from './line-chart';
import { maskAddressesIn, maskRecipient } from './mask';
import type { PackageData } from './model';
import { CONCURRENCY_MINUTES } from './queries/get-destination-concurrency';
import { providerName, utc } from './summary';
import { stableJson } from './text';

/** Pixel size of the SVG charts; the PDF draws the same layout scaled to its page. */
export const CHART_SIZE = { width: 720, height: 260 };

const SHADE_LABELS: Array<[keyof PackageData['incident'], string]> = [
  ['startedAt', 'Open'],
  ['mitigatingAt', 'Mitigating'],
  ['recoveredAt', 'Recovered'],
  ['resolvedAt', 'Resolved'],
];

function phases(d: PackageData): Array<{ from: number; to: number; label: string }> {
  const end = Date.parse(d.chartWindow.to);
  const present = SHADE_LABELS.flatMap(([key, label]) => {
    const at = d.incident[key];
    return typeof at === 'string' ? [{ at: Date.parse(at), label }] : [];
  });
  return present.map((p, i) => ({ from: p.at, to: Math.min(present[i + 1]?.at ?? end, end), label: p.label })).filter((p) => p.to > p.from);
}

/** The two charts of the package, laid out once for the SVG files and the PDF. */
export function chartLayouts(d: PackageData): { deferralRate: ChartLayout; queueDepth: ChartLayout } {
  const from = Date.parse(d.chartWindow.from);
  const to = Date.parse(d.chartWindow.to);
  const provider = providerName(d.incident.providers[0] ?? '');
  const shaded = phases(d);
  return {
    deferralRate: layoutLineChart(
      { title: `Deferral rate to ${provider}`, unit: 'percent', from, to, yMax: 1, shaded, series: [{ label: 'Deferral rate', color: '#dc2626', points: d.deferral.points.map((p) => ({ t: Date.parse(p.t), v: p.deferralRate })) }] },
      CHART_SIZE,
    ),
    queueDepth: layoutLineChart(
      {
        title: `Queue depth to ${provider}`,
        unit: 'count',
        from,
        to,
        shaded,
        series: [{ label: `Queue depth (${d.queue.source})`, color: '#2563eb', points: d.queue.points.map((p) => ({ t: Date.parse(p.t), v: p.depth })) }],
      },
      CHART_SIZE,
    ),
  };
}

/** transcripts.csv: full replies, samples per IP × region then first/last per signature; recipients masked unless asked. */
export function transcriptsCsv(d: PackageData): string {
  const mask = d.isRecipientMasked;
  return toCsv(
    ['kind', 'occurred_at', 'sending_ip', 'region', 'recipient', 'recipient_domain', 'mx_host', 'microsoft_host', 'token', 'correlation_id', 'smtp_code', 'enhanced_code', 'reply'],
    d.transcripts.map((t) => [
      t.kind,
      t.occurredAt,
      t.sendingIp,
      t.region,
      t.recipient === null ? null : mask ? maskRecipient(t.recipient) : t.recipient,
      t.recipientDomain,
      t.mxHost,
      t.providerHost,
      t.providerToken,
      t.correlationId,
      t.smtpCode,
      t.enhancedCode,
      mask ? maskAddressesIn(t.reply) : t.reply,
    ]),
  );
}

/** affected-ips.csv: one row per sending IP × hour (window and the 30 days before), PTR evidence on every row. */
export function affectedIpsCsv(d: PackageData): string {
  const rows: CsvValue[][] = [];
  for (const ip of d.ips) {
    const dns: CsvValue[] =
      ip.ptr.status === 'checked'
        ? [ip.ptr.ptr ?? '(none)', ip.ptr.forwardConfirmed, 'checked', ip.ptr.problems.join('; ')]
        : [null, null, 'not available', ip.ptr.reason];
    for (const [period, hours] of [['before', ip.history], ['window', ip.window]] as const) {
      for (const h of hours) rows.push([ip.ip, ip.isAffected, ...dns, period, h.t, h.attempts, h.delivered, h.deferred, h.bounced]);
    }
  }
  return toCsv(['sending_ip', 'is_affected', 'ptr', 'forward_confirmed', 'dns_status', 'dns_note', 'period', 'hour_start', 'attempts', 'delivered', 'deferred', 'bounced'], rows);
}

/** queue.csv: depth and oldest-message age per bucket over the chart window. */
export function queueCsv(d: PackageData): string {
  return toCsv(
    ['bucket_start', 'depth', 'oldest_age_seconds', 'source', 'bucket_seconds'],
    d.queue.points.map((p) => [p.t, p.depth, p.oldestAgeSeconds, d.queue.source, d.queue.bucketSeconds]),
  );
}

/** retries.csv (long format): retry intervals by attempt number, then attempts per minute per destination MX (an estimate). */
export function retriesCsv(d: PackageData): string {
  const provider = d.incident.providers[0] ?? '';
  const note = d.retry.sampleDescription;
  const last = d.retry.intervals.lastAttemptGroup;
  const rows: CsvValue[][] = d.retry.intervals.rows.flatMap((r) => {
    const attempt = `attempt ${r.attempt}${r.attempt === last ? '+' : ''}`;
    return [
      ['retry_interval', provider, `${attempt} intervals`, r.intervals, 'count', note],
      ['retry_interval', provider, `${attempt} min`, r.minSeconds, 'seconds', note],
      ['retry_interval', provider, `${attempt} median`, r.medianSeconds, 'seconds', note],
      ['retry_interval', provider, `${attempt} p90`, r.p90Seconds, 'seconds', note],
      ['retry_interval', provider, `${attempt} max`, r.maxSeconds, 'seconds', note],
    ];
  });
  if (d.retry.intervals.rows.length === 0) rows.push(['retry_interval', provider, 'not available', null, null, `no sampled message was attempted twice in the window (${note})`]);
  const estimate = `estimate: the most attempts in one minute to this MX, from the delivery log, over the provider's ${CONCURRENCY_MINUTES} busiest minutes of the window; connection counts are not logged`;
  for (const c of d.concurrency) {
    rows.push(['concurrency', c.mxHost, 'max attempts per minute', c.maxPerMinute, 'attempts/min', `${estimate}; busiest minute ${c.busiestMinute}`]);
    rows.push(['concurrency', c.mxHost, 'attempts in the minutes examined', c.attemptsExamined, 'count', null]);
  }
  return toCsv(['section', 'destination', 'measure', 'value', 'unit', 'note'], rows);
}

/** timeline.csv: every timeline entry, oldest first. */
export function timelineCsv(d: PackageData): string {
  return toCsv(
    ['at', 'kind', 'actor', 'message', 'data', 'recorded_at'],
    d.incident.timeline.map((e) => [e.at, e.kind, e.actor, e.message, Object.keys(e.data).length > 0 ? stableJson(e.data).replace(/\n\s*/g, ' ').trim() : null, e.recordedAt]),
  );
}

const NOT_AVAILABLE = 'not available';

/** authentication.json: SPF, DKIM and DMARC evidence of the sender domains and IPs, with what is missing said plainly. */
export function authenticationJson(d: PackageData): string {
  const missing: string[] = [];
  if (d.auth.senderDomains.length === 0) missing.push('sender domain: the logs carry no envelope sender for this stream and no sending domain is configured');
  if (!d.auth.hasAnyCheck) missing.push('DNS checks: none has run for this organisation (npm run auth-checks, or the scheduler)');
  for (const a of d.auth.domains) {
    for (const [label, check] of [['SPF', a.spf], ['DKIM', a.dkim], ['DMARC', a.dmarc]] as const) if (check === null) missing.push(`${label} record of ${a.domain}: not checked`);
    if (a.dmarcReports.messages === 0) missing.push(`DMARC aggregate reports for ${a.domain}: none received`);
  }
  return stableJson({
    senderDomains: d.auth.senderDomains,
    domains: d.auth.domains,
    ips: d.auth.ips,
    dnsChangesInWindow: d.auth.changes,
    notAvailable: missing,
  });
}

/** authentication.csv: one row per domain or IP and sign (SPF, DKIM, DMARC, PTR, blocklists) with its evidence. */
export function authenticationCsv(d: PackageData): string {
  const rows: CsvValue[][] = [];
  for (const a of d.auth.domains) for (const s of a.signs) rows.push(['domain', a.domain, s.label, s.status === 'unknown' ? NOT_AVAILABLE : s.status, s.evidence.join(' | ')]);
  for (const a of d.auth.ips) for (const s of a.signs) rows.push(['ip', a.ip, s.label, s.status === 'unknown' ? NOT_AVAILABLE : s.status, s.evidence.join(' | ')]);
  if (d.auth.domains.length === 0) rows.push(['domain', null, 'SPF / DKIM / DMARC', NOT_AVAILABLE, 'no sender domain is known: the logs carry no envelope sender and none is configured']);
  return toCsv(['subject_kind', 'subject', 'check', 'status', 'evidence'], rows);
}

function whatWeChanged(d: PackageData): string {
  const rotated = d.retry.intervals.rotatedMessages > 0;
  const dns = !d.auth.hasAnyCheck ? 'DNS changes were not monitored' : d.auth.changes.length > 0 ? `${d.auth.changes.length} DNS change(s) were recorded in the window` : 'no DNS change was recorded';
  return `${dns[0]?.toUpperCase()}${dns.slice(1)}; ${rotated ? 'some deferred mail was retried from another sending IP' : 'deferred mail was not moved to other sending IPs'}.`;
}

/** support-form.txt: the fields of Microsoft's sender support form, prefilled. */
export function supportFormText(d: PackageData): string {
  const inc = d.incident;
  const domains = inc.affectedDomains;
  const shownDomains = domains.slice(0, 50);
  const error = d.transcripts[0]?.reply ?? inc.sampleReply ?? inc.signature;
  const lastSeen = d.transcripts.filter((t) => t.kind === 'last_seen').map((t) => t.occurredAt).sort().at(-1) ?? d.window.to;
  const lines = [
    "Microsoft sender support form: fields prefilled by Deferral Desk from the incident's data. Check each value before sending.",
    '',
    `Sending IP addresses: ${inc.affectedIps.join('; ')}`,
    `Recipient domain(s): ${shownDomains.join('; ')}${domains.length > shownDomains.length ? ` (and ${domains.length - shownDomains.length} more)` : ''}`,
    `Sender domain(s): ${d.auth.senderDomains.length > 0 ? d.auth.senderDomains.join('; ') : 'unknown (not in the logs; fill in by hand)'}`,
    'Dedicated or shared infrastructure: unknown (not configured in Deferral Desk; fill in by hand)',
    `First occurrence: ${utc(inc.startedAt)}`,
    `Last occurrence: ${utc(lastSeen)}${d.hasEnded ? '' : ' (still going on)'}`,
    'Full error text:',
    error,
    '',
    'Short description:',
    `Since ${utc(inc.startedAt)}, ${providerName(inc.providers[0] ?? '')} defers mail from ${inc.affectedIps.length} of our sending IPs with the reply above` +
      `${inc.regions.length > 0 ? ` in the regions ${inc.regions.join(', ')}` : ''}. Peak deferral rate ${Math.round(inc.peakDeferralRate * 100)} %. ` +
      `Our mail stays queued and is retried with back-off. ${whatWeChanged(d)} SMTP transcripts, per-IP volume (30 days), queue depth, ` +
      'retry timing and SPF/DKIM/DMARC evidence are attached.',
    '',
  ];
  return lines.join('\r\n');
}
