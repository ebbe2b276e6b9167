import { STORM_INTERVAL_SECONDS } from '@/lib/metrics/queries/get-retry-behaviour';
import type { PackageData } from './model';
import { CONCURRENCY_MINUTES } from './queries/get-destination-concurrency';
import { mdFence, mdText } from './text';

/** A block of the summary: the Markdown and the PDF are both drawn from these, so they say the same. */
export type SummaryBlock =
  | { kind: 'heading'; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'facts'; rows: Array<[string, string]> }
  | { kind: 'bullets'; items: string[] }
  | { kind: 'verbatim'; text: string }
  | { kind: 'chart'; name: 'deferral-rate' | 'queue-depth'; caption: string };

export interface SummaryDoc {
  title: string;
  blocks: SummaryBlock[];
}

const PROVIDER_NAMES: Record<string, string> = {
  'microsoft-365': 'Microsoft 365',
  'microsoft-consumer': 'Microsoft Outlook.com',
  google: 'Google Gmail',
  yahoo: 'Yahoo / AOL',
  apple: 'Apple iCloud',
};

export const providerName = (p: string) => PROVIDER_NAMES[p] ?? p;
export const utc = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
const pct = (r: number | null) => (r === null ? 'n/a' : `${Math.round(r * 1000) / 10} %`);
const MINUTE_MS = 60_000;

/** "45 min", "2 h 5 min". */
export function duration(ms: number): string {
  const minutes = Math.round(Math.max(0, ms) / MINUTE_MS);
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${h} h` : `${h} h ${minutes % 60} min`;
}

function seconds(s: number | null): string {
  if (s === null) return 'n/a';
  return s >= 3600 ? `${Math.round((s / 3600) * 10) / 10} h` : s >= 60 ? `${Math.round((s / 60) * 10) / 10} min` : `${Math.round(s)} s`;
}

const scopeWords = { receiver: 'receiver-side (the provider throttles; not caused by us)', sender: 'sender-side (something on our side)', unknown: 'not decided yet' } as const;

function whatHappened(d: PackageData): string {
  const inc = d.incident;
  const provider = providerName(inc.providers[0] ?? '');
  const end = d.hasEnded ? `until ${utc(d.window.to)}` : `and was still going on when the data ends (${utc(d.window.to)})`;
  const ips = inc.affectedIps.length;
  return (
    `${provider} started deferring our mail at ${utc(inc.startedAt)} ${end}. ` +
    `${ips} of our sending IP${ips === 1 ? '' : 's'} ${ips === 1 ? 'was' : 'were'} affected, for ${inc.affectedDomains.length} recipient domain(s)` +
    `${inc.regions.length > 0 ? ` across the provider regions ${inc.regions.join(', ')}` : ''}. ` +
    `In the window we attempted ${d.totals.attempts} deliveries to ${provider}: ${d.totals.deferred} deferred, ${d.totals.bounced} bounced, ${d.totals.delivered} delivered. ` +
    `The deferral rate peaked at ${pct(inc.peakDeferralRate)} at ${utc(inc.peakAt)} (usual level for these hours: ${pct(inc.baselineRate)}).`
  );
}

function senderActions(d: PackageData): string[] {
  const items: string[] = [];
  const first = d.retry.intervals.rows.find((r) => r.attempt === 2);
  const median = d.retry.intervals.medianSeconds;
  if (first) {
    const later = d.retry.intervals.rows.filter((r) => r.attempt > 2).map((r) => `attempt ${r.attempt}${r.attempt === d.retry.intervals.lastAttemptGroup ? '+' : ''} after ${seconds(r.medianSeconds)}`);
    items.push(
      `Retry policy: mail stayed queued and was retried; first retry after a median of ${seconds(first.medianSeconds)} (90th percentile ${seconds(first.p90Seconds)})` +
        `${later.length > 0 ? `, then ${later.join(', ')}` : ''} (${d.retry.sampleDescription}).`,
    );
  } else {
    items.push(`Retry policy: not available: no message in the sample (${d.retry.sampleDescription}) was attempted twice within the window.`);
  }
  if (median !== null) {
    // The storm threshold of the retry analysis (lib/metrics/queries/get-retry-behaviour.ts), for throttling replies.
    const isStorm = median < STORM_INTERVAL_SECONDS && d.incident.category === 'throttling';
    items.push(isStorm ? `Warning: retries came faster than every ${STORM_INTERVAL_SECONDS / 60} minutes (median ${seconds(median)}) against throttling: a retry storm.` : `No retry storm: median interval between attempts ${seconds(median)}.`);
  }
  const top = d.concurrency[0];
  items.push(
    top
      ? `Concurrency (an estimate: attempts per minute per destination MX over the ${CONCURRENCY_MINUTES} busiest minutes; the logs carry no connection counts): at most ${top.maxPerMinute} attempts per minute to ${top.mxHost}, at ${utc(top.busiestMinute)}.`
      : 'Concurrency: not available: no attempt to this provider in the window.',
  );
  const rotated = d.retry.intervals.rotatedMessages;
  items.push(rotated > 0 ? `IP changes: ${rotated} sampled deferred message(s) were retried from another sending IP.` : 'No IP changes: no deferred message in the sample was moved to another sending IP.');
  const newIps = d.ips.filter((i) => i.windowAttempts > 0 && i.historyAttempts === 0).map((i) => i.ip);
  items.push(newIps.length > 0 ? `New sending IPs (no attempts in the 30 days before): ${newIps.join(', ')}.` : 'Every sending IP of the window also sent to this provider in the 30 days before: no new IPs.');
  if (!d.auth.hasAnyCheck) items.push('DNS changes: not available: Deferral Desk has not checked the DNS records (SPF, DKIM, DMARC, MX, PTR) of this organisation.');
  else if (d.auth.changes.length === 0) items.push('No DNS changes: the DNS checks recorded no change of SPF, DKIM, DMARC, MX, PTR or blocklist status in the window.');
  else items.push(`DNS changes recorded in the window: ${d.auth.changes.map((c) => `${utc(c.at)} ${c.kind} ${c.target}: ${c.summary}`).join('; ')}.`);
  return items;
}

function authLines(d: PackageData): string[] {
  if (d.auth.domains.length === 0 && d.auth.ips.length === 0) return ['Not available: no sending domain is known (the logs carry no sender and none is configured) and no check has run.'];
  const domainLines = d.auth.domains.map((a) => `${a.domain}: ${a.signs.map((s) => `${s.label} ${s.status === 'unknown' ? 'not available' : s.status}`).join(', ')}.`);
  const ipLines = d.auth.ips.map((a) => `${a.ip}: ${a.signs.map((s) => `${s.label} ${s.status === 'unknown' ? 'not available' : s.status}`).join(', ')}.`);
  return [...domainLines, ...ipLines];
}

/** The summary of the package as blocks (pure). */
export function buildSummary(d: PackageData, fileNames: string[]): SummaryDoc {
  const inc = d.incident;
  const provider = providerName(inc.providers[0] ?? '');
  const notes = inc.timeline.filter((e) => e.kind === 'note');
  const last = inc.timeline.at(-1);
  const blocks: SummaryBlock[] = [
    {
      kind: 'facts',
      rows: [
        ['Organisation', `${d.organization.name} (${d.organization.slug})`],
        ['Incident', inc.id],
        ['Provider', provider],
        ['Reply rule', inc.kbRule ?? 'not in the knowledge base'],
        ['Status', `${inc.status}, escalation level ${inc.escalation}`],
        ['Product', `Deferral Desk ${d.productVersion}`],
      ],
    },
    { kind: 'heading', text: 'What happened' },
    { kind: 'paragraph', text: whatHappened(d) },
    ...(inc.recommendations.meaning ? [{ kind: 'paragraph' as const, text: `What the reply means: ${inc.recommendations.meaning}` }] : []),
    { kind: 'paragraph', text: 'A typical full reply:' },
    { kind: 'verbatim', text: d.transcripts[0]?.reply ?? inc.sampleReply ?? inc.signature },
    { kind: 'heading', text: 'Time window (UTC)' },
    {
      kind: 'facts',
      rows: [
        ['First failure', utc(inc.startedAt)],
        ['Incident opened', utc(inc.openedAt)],
        ['Mitigating', inc.mitigatingAt ? utc(inc.mitigatingAt) : '—'],
        ['Recovered', inc.recoveredAt ? utc(inc.recoveredAt) : '—'],
        ['Resolved', inc.resolvedAt ? utc(inc.resolvedAt) : '—'],
        ['Window in this package', `${utc(d.window.from)} – ${utc(d.window.to)} (${duration(Date.parse(d.window.to) - Date.parse(d.window.from))}${d.hasEnded ? '' : ', still going on'})`],
      ],
    },
    { kind: 'heading', text: 'Scope verdict' },
    { kind: 'paragraph', text: `Verdict: ${scopeWords[inc.scope]}. Evidence:` },
    { kind: 'bullets', items: inc.evidence.length > 0 ? inc.evidence.map((e) => `[${e.side}, ${e.strength}] ${e.finding}`) : ['No evidence recorded.'] },
    { kind: 'heading', text: 'What we (the sender) did' },
    { kind: 'bullets', items: senderActions(d) },
    { kind: 'heading', text: 'Authentication of the same mail stream' },
    { kind: 'bullets', items: authLines(d) },
    { kind: 'heading', text: 'Current status' },
    {
      kind: 'paragraph',
      text: `Status ${inc.status} (escalation level ${inc.escalation})${last ? `; latest timeline entry ${utc(last.at)}: ${last.message.replace(/\.$/, '')}` : ''}.${inc.assignee ? ` Assigned to ${inc.assignee}.` : ''}`,
    },
    ...(notes.length > 0 ? [{ kind: 'bullets' as const, items: notes.map((n) => `${utc(n.at)} ${n.actor}: ${n.message}`) }] : []),
    { kind: 'heading', text: 'Charts' },
    { kind: 'chart', name: 'deferral-rate', caption: `Deferral rate to ${provider} (${d.deferral.bucket} buckets; per-recipient temporary failures left out)` },
    { kind: 'chart', name: 'queue-depth', caption: `Queue depth to ${provider} (${d.queue.source === 'reported' ? 'as the MTA reported it' : 'reconstructed from message lifecycles'})` },
    { kind: 'heading', text: 'Files in this package' },
    { kind: 'bullets', items: [...fileNames, d.isRecipientMasked ? 'Recipient local parts are masked (j***@contoso.com).' : 'Recipient addresses are shown in full (requested by an administrator).'] },
  ];
  return { title: `Escalation package: ${provider} ${inc.kbRule ?? 'deferrals'}`, blocks };
}

/** The summary as Markdown: free text escaped, replies in fenced blocks, charts as links to the SVG files. */
export function summaryMarkdown(doc: SummaryDoc): string {
  const out: string[] = [`# ${mdText(doc.title)}`, ''];
  for (const b of doc.blocks) {
    if (b.kind === 'heading') out.push(`## ${mdText(b.text)}`, '');
    else if (b.kind === 'paragraph') out.push(mdText(b.text), '');
    else if (b.kind === 'facts') out.push('| | |', '|---|---|', ...b.rows.map(([k, v]) => `| ${mdText(k)} | ${mdText(v)} |`), '');
    else if (b.kind === 'bullets') out.push(...b.items.map((i) => `- ${mdText(i)}`), '');
    else if (b.kind === 'verbatim') out.push(mdFence(b.text), '');
    else out.push(`![${mdText(b.caption)}](charts/${b.name}.svg)`, '');
  }
  return out.join('\n');
}
