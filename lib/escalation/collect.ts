import packageJson from '@/package.json';
import type { DnsResolver } from '@/lib/auth-status/dns/resolver';
import { getAuthStatus } from '@/lib/auth-status/queries/get-auth-status';
import { getReputation } from '@/lib/auth-status/queries/get-reputation';
import { listAuthChanges } from '@/lib/auth-status/queries/list-auth-changes';
import { listLatestChecks, type AuthCheckDto } from '@/lib/auth-status/queries/list-latest-checks';
import { env } from '@/lib/env';
import { getIncidentOrThrow } from '@/lib/incidents/queries/get-incident-or-throw';
import { bucketSeconds } from '@/lib/metrics/buckets';
import { getDeferralSeries } from '@/lib/metrics/queries/get-deferral-series';
import { getQueueSeries } from '@/lib/queue/queries/get-queue-series';
import type { AuthCheckEvidence, PackageData } from './model';
import { lookupPtrs, type StoredPtr } from './ptr-lookup';
import { countAuthChecks } from './queries/count-auth-checks';
import { getDestinationConcurrency } from './queries/get-destination-concurrency';
import { getIpVolume } from './queries/get-ip-volume';
import { getOrganizationLabel } from './queries/get-organization-label';
import { getProviderDataEnd } from './queries/get-provider-data-end';
import { getRetryIntervals } from './queries/get-retry-intervals';
import { listPackageTranscripts } from './queries/list-package-transcripts';
import { listSenderDomains } from './queries/list-sender-domains';

const MINUTE_MS = 60_000;
/** The charts show this much before the first failure and after the end, as the incident page does. */
const CHART_MARGIN_MS = 60 * MINUTE_MS;

export interface CollectOptions {
  /** show recipient local parts (admins only; the route checks) */
  showRecipients: boolean;
  /** resolver for live PTR lookups; null = no lookups (stored checks only) */
  resolver: DnsResolver | null;
  ptrDeadlineMs?: number;
}

const evidenceOf = (c: AuthCheckDto | null): AuthCheckEvidence | null => (c ? { status: c.status, summary: c.summary, checkedAt: c.checkedAt } : null);

/**
 * Reads everything an incident's escalation package holds, bounded and filtered by organisation at every query.
 * The window ends with the incident, or at the provider's newest data while it goes on (never at the wall clock).
 */
export async function collectPackageData(organizationId: string, incidentId: string, opts: CollectOptions): Promise<PackageData> {
  const incident = await getIncidentOrThrow(organizationId, incidentId);
  const provider = incident.providers[0] ?? '';
  const started = Date.parse(incident.startedAt);
  const dataEnd = (await getProviderDataEnd(organizationId, provider))?.getTime() ?? started + MINUTE_MS;
  const ended = incident.endedAt === null ? null : Date.parse(incident.endedAt);
  const windowTo = Math.max(ended ?? dataEnd, started + MINUTE_MS);
  const window = { from: new Date(started), to: new Date(windowTo) };
  const last = incident.resolvedAt ?? incident.recoveredAt;
  const chartFrom = started - CHART_MARGIN_MS;
  const chartTo = Math.max(Math.min(dataEnd, last === null ? dataEnd : Date.parse(last) + CHART_MARGIN_MS), windowTo, chartFrom + MINUTE_MS);
  const q = { provider, from: window.from, to: window.to };

  const [organization, chartSeries, windowSeries, transcripts, ipVolume, intervals, concurrency, senderDomains, changes, checkCount] = await Promise.all([
    getOrganizationLabel(organizationId),
    getDeferralSeries(organizationId, { groupBy: 'provider', provider, from: new Date(chartFrom), to: new Date(chartTo) }),
    getDeferralSeries(organizationId, { groupBy: 'provider', provider, from: window.from, to: window.to, bucket: '1d' }),
    listPackageTranscripts(organizationId, { ...q, ips: incident.affectedIps, regions: incident.regions }),
    getIpVolume(organizationId, { ...q, affectedIps: incident.affectedIps }),
    getRetryIntervals(organizationId, q),
    getDestinationConcurrency(organizationId, q),
    listSenderDomains(organizationId, q),
    listAuthChanges(organizationId, q),
    countAuthChecks(organizationId),
  ]);
  const queueFilter = { from: new Date(chartSeries.from), to: new Date(chartSeries.to), bucketSeconds: bucketSeconds[chartSeries.bucket], provider };
  const queue = await getQueueSeries(organizationId, { ...queueFilter, withOldestAge: true }, env().QUEUE_MAX_LIFETIME_SECONDS);
  const ips = ipVolume.map((v) => v.ip);
  const storedChecks = await listLatestChecks(organizationId, ips);
  const stored = new Map<string, StoredPtr>(storedChecks.filter((c) => c.kind === 'ptr').map((c) => [c.target, { checkedAt: c.checkedAt, summary: c.summary }]));
  const ptrs = await lookupPtrs(ips, { resolver: opts.resolver, stored, deadlineMs: opts.ptrDeadlineMs });
  const domains = await Promise.all(
    senderDomains.map(async (domain) => {
      const s = await getAuthStatus(organizationId, domain);
      return { domain: s.domain, signs: s.verdict.signs, spf: evidenceOf(s.spf), dkim: evidenceOf(s.dkim), dmarc: evidenceOf(s.dmarc), dmarcReports: s.dmarcReports.tally };
    }),
  );
  const ipAuth = await Promise.all(
    [...incident.affectedIps].sort().map(async (ip) => {
      const r = await getReputation(organizationId, ip);
      return { ip: r.ip, signs: r.verdict.signs, dmarcReports: r.dmarcVolume.tally };
    }),
  );
  const totals = windowSeries.series[0]?.totals;
  return {
    organization,
    incident,
    productVersion: packageJson.version,
    window: { from: window.from.toISOString(), to: window.to.toISOString() },
    chartWindow: { from: new Date(chartFrom).toISOString(), to: new Date(chartTo).toISOString() },
    hasEnded: ended !== null,
    isRecipientMasked: !opts.showRecipients,
    totals: { attempts: totals?.attempts ?? 0, delivered: totals?.delivered ?? 0, deferred: totals?.deferred ?? 0, bounced: totals?.bounced ?? 0 },
    deferral: {
      bucket: chartSeries.bucket,
      points: (chartSeries.series[0]?.points ?? []).map((p) => ({ t: p.t, attempts: p.attempts, deferred: p.deferred, deferralRate: p.deferralRate })),
    },
    queue,
    transcripts,
    ips: ipVolume.map((v) => ({ ...v, ptr: ptrs.get(v.ip) ?? { status: 'not-available', reason: 'not looked up' } })),
    retry: { intervals, sampleDescription: `sampled ${intervals.sampledMessages} messages: the most recently deferred in the window (at most ${intervals.maxMessages})` },
    concurrency,
    auth: { senderDomains, domains, ips: ipAuth, changes, hasAnyCheck: checkCount > 0 },
    infrastructure: 'unknown',
  };
}
