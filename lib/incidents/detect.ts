import { kbRules, type KbRule } from '@/lib/smtp';
import type { Category } from '@/lib/smtp/types';
import { decideScope } from './verdict';
import type {
  DetectionAction,
  DetectionActionKind,
  DetectionInput,
  DetectionResult,
  DetectionSettings,
  EscalationLevel,
  IncidentState,
  IncidentWarning,
  TimelineDraft,
  TimelineKind,
} from './types';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
/** Days of history the baseline looks at, same hour of day. */
export const BASELINE_DAYS = 7;
/** Below this many attempts in the baseline hours, history is too short: the floor rate stands in. */
const MIN_BASELINE_ATTEMPTS = 200;
/** Failure rate assumed when history is short, and the least any baseline counts as. */
const FLOOR_BASELINE_RATE = 0.05;
/** Share of the provider's failures one rule must have to dominate. */
const DOMINANCE_SHARE = 0.6;
/** Minutes in a row a candidate must hold before an incident opens (or reopens): one bad minute is not an incident. */
export const OPEN_AFTER_MINUTES = 3;
/** Mitigating once the rate is at most this share of the peak, with deliveries. */
const MITIGATING_SHARE = 0.5;
/** A mitigating incident is open again when its rate climbs back above this share of the peak. */
const WORSENED_SHARE = 0.75;
/** Recovered when the rate is back to this many times the baseline. */
const RECOVERED_FACTOR = 2;

const byId = new Map<string, KbRule>(kbRules.map((r) => [r.id, r]));

function groupByMinute<T extends { t: number }>(rows: T[]): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const row of rows) {
    const list = out.get(row.t) ?? [];
    list.push(row);
    out.set(row.t, list);
  }
  return out;
}

/** Rows of the minutes in (after, through]. */
function rowsIn<T>(byMinute: Map<number, T[]>, after: number, through: number): T[] {
  const out: T[] = [];
  for (let t = after + MINUTE_MS; t <= through; t += MINUTE_MS) out.push(...(byMinute.get(t) ?? []));
  return out;
}

/** The knowledge-base rule of an id, or null. */
export function ruleById(id: string | null): KbRule | null {
  return id ? (byId.get(id) ?? null) : null;
}

/** Replies that say nothing about the provider's view of us (mailbox full, greylisting): left out of dominance. */
function isPerRecipientRule(id: string | null): boolean {
  const rule = ruleById(id);
  return rule !== null && (rule.perRecipientTemporary || rule.category === 'recipient');
}

interface Counts {
  attempts: number;
  delivered: number;
  failed: number;
}

const zero = (): Counts => ({ attempts: 0, delivered: 0, failed: 0 });
const rateOf = (c: Counts): number | null => (c.attempts > 0 ? c.failed / c.attempts : null);

interface WindowStats {
  total: Counts;
  byIp: Map<string, Counts>;
  /** failures per IP in one category */
  ipFailedIn: Map<string, Map<Category, number>>;
  /** failures per recipient domain in one category */
  domainFailedIn: Map<string, Map<Category, number>>;
  failedIn: Map<Category, number>;
}

interface Candidate {
  provider: string;
  ruleKey: string;
  kbRule: string | null;
  signature: string;
  sampleReply: string | null;
  category: Category;
  baselineRate: number;
  providerRate: number;
  elevatedIps: string[];
  domains: string[];
  regions: string[];
}

function addTo(target: Counts, row: Counts): void {
  target.attempts += row.attempts;
  target.delivered += row.delivered;
  target.failed += row.failed;
}

function bump<K>(map: Map<K, Map<Category, number>>, key: K, category: Category, n: number): void {
  const inner = map.get(key) ?? new Map<Category, number>();
  inner.set(category, (inner.get(category) ?? 0) + n);
  map.set(key, inner);
}

function escalationFor(minutes: number, s: DetectionSettings): EscalationLevel {
  if (minutes >= s.escalateAfterMinutes) return 'escalate';
  if (minutes >= s.tuneAfterMinutes) return 'tune';
  return 'monitor';
}

const levelRank: Record<EscalationLevel, number> = { monitor: 0, tune: 1, escalate: 2 };

function pct(rate: number): string {
  return `${Math.round(rate * 1000) / 10}%`;
}

/**
 * Pure incident detection over per-minute rollups. Evaluates every minute from `from` to the last
 * minute that has ended by `now`, each over a sliding window, and returns the incidents it opened or
 * changed with their new timeline entries. Deterministic: the same input gives the same output, so
 * replaying a period after a gap tells the same story as running every minute.
 */
export function detectIncidents(input: DetectionInput): DetectionResult {
  const s = input.settings;
  const windowMs = s.windowMinutes * MINUTE_MS;
  const minIpAttempts = Math.max(5, Math.round(s.minAttempts / 4));

  const metricsAt = groupByMinute(input.metrics);
  const providers = [...new Set(input.metrics.map((r) => r.provider))].sort();
  // Indexed by minute: a historical evaluation covers days, and a scan of all rows per minute would be quadratic.
  const signaturesAt = groupByMinute(input.signatures);
  const regionsAt = groupByMinute(input.regions);

  const baselineIndex = new Map<string, Counts>();
  for (const b of input.baseline) {
    const key = `${b.provider}|${b.sendingIp ?? ''}|${b.sendingIp === null ? 'p' : 'i'}|${b.day}|${b.hour}`;
    const c = baselineIndex.get(key) ?? zero();
    c.attempts += b.attempts;
    c.failed += b.failed;
    baselineIndex.set(key, c);
  }

  /** The provider's (or provider × IP's) failure rate at the same hour on the previous days, floored. */
  function baselineRate(provider: string, ip: string | null, m: number): number {
    const day = Math.floor(m / DAY_MS) * DAY_MS;
    const hour = new Date(m).getUTCHours();
    const c = zero();
    for (let d = 1; d <= BASELINE_DAYS; d += 1) {
      const found = baselineIndex.get(`${provider}|${ip ?? ''}|${ip === null ? 'p' : 'i'}|${day - d * DAY_MS}|${hour}`);
      if (found) addTo(c, found);
    }
    if (c.attempts < MIN_BASELINE_ATTEMPTS) return FLOOR_BASELINE_RATE;
    return Math.max(c.failed / c.attempts, FLOOR_BASELINE_RATE);
  }

  const threshold = (baseline: number): number => Math.max(s.minDeferralRate, baseline * s.baselineFactor);

  const statsCache = new Map<string, WindowStats>();
  /** Counters of one provider over the minutes (m - span, m]. */
  function windowStats(provider: string, m: number, spanMs = windowMs): WindowStats {
    const cacheKey = `${provider}|${m}|${spanMs}`;
    const cached = statsCache.get(cacheKey);
    if (cached) return cached;
    const w: WindowStats = { total: zero(), byIp: new Map(), ipFailedIn: new Map(), domainFailedIn: new Map(), failedIn: new Map() };
    for (let t = m - spanMs + MINUTE_MS; t <= m; t += MINUTE_MS) {
      for (const row of metricsAt.get(t) ?? []) {
        if (row.provider !== provider) continue;
        addTo(w.total, row);
        if (row.sendingIp !== '') {
          const c = w.byIp.get(row.sendingIp) ?? zero();
          addTo(c, row);
          w.byIp.set(row.sendingIp, c);
          if (row.failed > 0) bump(w.ipFailedIn, row.sendingIp, row.category, row.failed);
        }
        if (row.failed > 0) {
          w.failedIn.set(row.category, (w.failedIn.get(row.category) ?? 0) + row.failed);
          if (row.recipientDomain !== '') bump(w.domainFailedIn, row.recipientDomain, row.category, row.failed);
        }
      }
    }
    statsCache.set(cacheKey, w);
    return w;
  }

  /** Counters over the incident's own traffic: its affected IPs, or the whole provider when none is known. */
  function scopeCounts(inc: IncidentState, m: number, spanMs = windowMs): Counts & { failedInCategory: number } {
    const w = windowStats(inc.provider, m, spanMs);
    if (inc.affectedIps.length === 0) return { ...w.total, failedInCategory: w.failedIn.get(inc.category) ?? 0 };
    const c = { ...zero(), failedInCategory: 0 };
    for (const ip of inc.affectedIps) {
      const ipc = w.byIp.get(ip);
      if (ipc) addTo(c, ipc);
      c.failedInCategory += w.ipFailedIn.get(ip)?.get(inc.category) ?? 0;
    }
    return c;
  }

  interface RuleGroup {
    ruleKey: string;
    kbRule: string | null;
    signature: string;
    sampleReply: string | null;
    count: number;
    topSignatureCount: number;
  }

  function dominantRule(provider: string, m: number): RuleGroup | null {
    const groups = new Map<string, RuleGroup>();
    let total = 0;
    for (const row of rowsIn(signaturesAt, m - windowMs, m)) {
      if (row.provider !== provider || isPerRecipientRule(row.kbRule)) continue;
      total += row.count;
      const ruleKey = row.kbRule ?? row.signature;
      const g = groups.get(ruleKey) ?? { ruleKey, kbRule: row.kbRule, signature: row.signature, sampleReply: row.sampleReply, count: 0, topSignatureCount: 0 };
      g.count += row.count;
      // The most frequent signature of the rule names it (sorted input keeps this deterministic).
      if (row.count > g.topSignatureCount) {
        g.topSignatureCount = row.count;
        g.signature = row.signature;
        g.sampleReply = row.sampleReply;
      }
      groups.set(ruleKey, g);
    }
    let best: RuleGroup | null = null;
    for (const g of groups.values()) if (!best || g.count > best.count || (g.count === best.count && g.ruleKey < best.ruleKey)) best = g;
    if (!best || total === 0 || best.count / total < DOMINANCE_SHARE) return null;
    return best;
  }

  const candidateCache = new Map<string, Candidate | null>();
  /** Whether the provider fails well above its baseline at minute m, with one dominant rule. */
  function candidateAt(provider: string, m: number): Candidate | null {
    const cacheKey = `${provider}|${m}`;
    if (candidateCache.has(cacheKey)) return candidateCache.get(cacheKey) ?? null;
    const result = computeCandidate(provider, m);
    candidateCache.set(cacheKey, result);
    return result;
  }

  function computeCandidate(provider: string, m: number): Candidate | null {
    const w = windowStats(provider, m);
    const dominant = dominantRule(provider, m);
    if (!dominant) return null;
    const rule = ruleById(dominant.kbRule);
    const category: Category = rule?.category ?? 'unknown';
    const base = baselineRate(provider, null, m);
    const providerRate = rateOf(w.total) ?? 0;
    const providerElevated = w.total.attempts >= s.minAttempts && providerRate >= threshold(base);
    const elevatedIps: string[] = [];
    for (const [ip, c] of [...w.byIp.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const rate = rateOf(c) ?? 0;
      const inCategory = w.ipFailedIn.get(ip)?.get(category) ?? 0;
      if (c.attempts >= minIpAttempts && rate >= threshold(baselineRate(provider, ip, m)) && inCategory * 2 >= c.failed) elevatedIps.push(ip);
    }
    // An IP alone may stand out, but only within a provider that has the minimum volume.
    if (!providerElevated && (elevatedIps.length === 0 || w.total.attempts < s.minAttempts)) return null;
    const domains = [...w.domainFailedIn.entries()].filter(([, cats]) => (cats.get(category) ?? 0) > 0).map(([d]) => d).sort();
    const regions = [
      ...new Set(rowsIn(regionsAt, m - windowMs, m).filter((r) => r.provider === provider && r.kbRule === dominant.kbRule).map((r) => r.region)),
    ].sort();
    return {
      provider,
      ruleKey: dominant.ruleKey,
      kbRule: dominant.kbRule,
      signature: dominant.signature,
      sampleReply: dominant.sampleReply,
      category,
      baselineRate: base,
      providerRate,
      elevatedIps,
      domains,
      regions,
    };
  }

  /** The candidate held for OPEN_AFTER_MINUTES minutes in a row with the same rule. */
  function persisted(c: Candidate, m: number): boolean {
    for (let k = 1; k < OPEN_AFTER_MINUTES; k += 1) {
      if (candidateAt(c.provider, m - k * MINUTE_MS)?.ruleKey !== c.ruleKey) return false;
    }
    return true;
  }

  function verdict(inc: IncidentState, m: number) {
    const w = windowStats(inc.provider, m);
    const healthyProviders: string[] = [];
    const failingProviders: string[] = [];
    for (const other of providers) {
      if (other === inc.provider) continue;
      const ow = windowStats(other, m);
      if (ow.total.attempts < s.minAttempts) continue;
      if ((rateOf(ow.total) ?? 0) >= threshold(baselineRate(other, null, m))) failingProviders.push(other);
      else healthyProviders.push(other);
    }
    return decideScope({
      provider: inc.provider,
      rule: ruleById(inc.kbRule),
      signature: inc.signature,
      affectedIps: inc.affectedIps,
      providerIps: [...w.byIp.keys()].sort(),
      affectedDomains: inc.affectedDomains,
      healthyProviders,
      failingProviders,
      authFailures: inc.category === 'authentication' ? 0 : (w.failedIn.get('authentication') ?? 0),
      auth: input.auth,
    });
  }

  const incidents = input.incidents.map((i) => ({ ...i, affectedIps: [...i.affectedIps], affectedDomains: [...i.affectedDomains], regions: [...i.regions] }));
  const changed = new Set<string>();
  const timeline: TimelineDraft[] = [];
  const actions: DetectionAction[] = [];
  let newCount = 0;

  const record = (inc: IncidentState, action: DetectionActionKind | null, at: number, kind: TimelineKind, message: string, data: Record<string, unknown> = {}) => {
    changed.add(inc.key);
    timeline.push({ incidentKey: inc.key, at, kind, message, data });
    if (action) actions.push({ kind: action, incidentKey: inc.key, at, entry: timeline.length - 1 });
  };

  const resolutions = [...(input.resolutions ?? [])].sort((a, b) => a.at - b.at);
  /** Replays the resolutions by people made up to the end of minute m: such an incident is out of detection's hands. */
  function applyResolutions(m: number): void {
    while (resolutions.length > 0 && (resolutions[0]?.at ?? Infinity) < m + MINUTE_MS) {
      const r = resolutions.shift();
      if (!r) break;
      const inc = incidents
        .filter((i) => i.provider === r.provider && i.ruleKey === r.ruleKey && i.status !== 'resolved' && i.startedAt <= r.at)
        .sort((a, b) => b.startedAt - a.startedAt)[0];
      if (!inc) continue;
      inc.status = 'resolved';
      inc.resolvedAt = r.at;
      inc.resolvedBy = r.by;
      changed.add(inc.key);
    }
  }

  function firstFailureAt(c: Candidate, m: number): number {
    for (let t = m - windowMs + MINUTE_MS; t <= m; t += MINUTE_MS) {
      const hit = (metricsAt.get(t) ?? []).some(
        (r) => r.provider === c.provider && r.category === c.category && r.failed > 0 && (c.elevatedIps.length === 0 || c.elevatedIps.includes(r.sendingIp)),
      );
      if (hit) return t;
    }
    return m;
  }

  function open(c: Candidate, m: number): void {
    newCount += 1;
    const startedAt = firstFailureAt(c, m);
    const inc: IncidentState = {
      id: null,
      key: `new:${newCount}`,
      status: 'open',
      scope: 'unknown',
      escalation: escalationFor((m - startedAt) / MINUTE_MS, s),
      provider: c.provider,
      ruleKey: c.ruleKey,
      kbRule: c.kbRule,
      signature: c.signature,
      category: c.category,
      sampleReply: c.sampleReply,
      // Copies: extend() grows these lists, and the candidate (cached) and the 'opened' entry must keep what they saw.
      affectedIps: [...c.elevatedIps],
      affectedDomains: [...c.domains],
      regions: [...c.regions],
      evidence: [],
      warnings: [],
      baselineRate: c.baselineRate,
      peakDeferralRate: 0,
      peakAt: m,
      peakReportedAt: null,
      peakQueueDepth: null,
      peakQueueAt: null,
      deliveryResumedAt: null,
      startedAt,
      openedAt: m,
      lastElevatedAt: m,
      mitigatingAt: null,
      recoveredAt: null,
      resolvedAt: null,
      resolvedBy: null,
      reopenCount: 0,
    };
    const v = verdict(inc, m);
    inc.scope = v.scope;
    inc.evidence = v.evidence;
    const rate = rateOf(scopeCounts(inc, m)) ?? 0;
    inc.peakDeferralRate = rate;
    incidents.push(inc);
    record(inc, null, startedAt, 'first_deferral', `First ${c.category} failure at ${c.provider}: ${c.signature}`, { provider: c.provider, signature: c.signature });
    record(inc, 'open', m, 'opened', `${c.provider} fails at ${pct(rate)} against a baseline of ${pct(c.baselineRate)}; ${c.kbRule ?? 'an unknown reply'} dominates. Scope: ${v.scope}.`, {
      rate,
      baselineRate: c.baselineRate,
      kbRule: c.kbRule,
      affectedIps: c.elevatedIps,
      affectedDomains: c.domains,
      regions: c.regions,
      scope: v.scope,
    });
  }

  function extend(inc: IncidentState, c: Candidate, m: number): void {
    for (const ip of c.elevatedIps.filter((x) => !inc.affectedIps.includes(x))) {
      inc.affectedIps.push(ip);
      record(inc, 'extend', m, 'ip_joined', `Sending IP ${ip} is affected too.`, { ip });
    }
    for (const domain of c.domains.filter((x) => !inc.affectedDomains.includes(x))) {
      inc.affectedDomains.push(domain);
      record(inc, 'extend', m, 'domain_joined', `Recipient domain ${domain} is affected too.`, { domain });
    }
    for (const region of c.regions.filter((x) => !inc.regions.includes(x))) {
      inc.regions.push(region);
      record(inc, 'extend', m, 'region_joined', `Provider region ${region} returns the same reply.`, { region });
    }
    inc.affectedIps.sort();
    inc.affectedDomains.sort();
    inc.regions.sort();
  }

  function rescope(inc: IncidentState, m: number): void {
    const v = verdict(inc, m);
    if (v.scope !== inc.scope) {
      record(inc, 'scope', m, 'scope_changed', `Scope changes from ${inc.scope} to ${v.scope}.`, { from: inc.scope, to: v.scope });
      inc.scope = v.scope;
    }
    if (JSON.stringify(v.evidence) !== JSON.stringify(inc.evidence)) {
      inc.evidence = v.evidence;
      changed.add(inc.key);
    }
  }

  /** Writes the peak and the first delivery after it to the timeline, once per peak. */
  function reportPeak(inc: IncidentState, m: number): void {
    if (inc.peakReportedAt !== inc.peakAt) {
      inc.peakReportedAt = inc.peakAt;
      record(inc, null, inc.peakAt, 'peak_deferral_rate', `Peak failure rate ${pct(inc.peakDeferralRate)}.`, { rate: inc.peakDeferralRate });
    }
    if (inc.deliveryResumedAt !== null) return;
    // Deliveries resumed at the start of the unbroken run of minutes with deliveries that reaches m: an
    // IP that delivered before it joined the incident does not count as recovery.
    let resumed: number | null = null;
    for (let t = m; t > inc.peakAt && scopeCounts(inc, t, MINUTE_MS).delivered > 0; t -= MINUTE_MS) resumed = t;
    if (resumed !== null) {
      inc.deliveryResumedAt = resumed;
      record(inc, null, resumed, 'first_delivery_after_peak', `First successful delivery to ${inc.provider} after the peak.`, {});
    }
  }

  function queueDepthAt(provider: string, m: number): number | null {
    const q = input.queue?.[provider];
    if (!q) return null;
    let depth: number | null = null;
    for (const p of q.points) if (p.t <= m) depth = p.depth;
    return depth;
  }

  function isDrained(inc: IncidentState, m: number): boolean {
    const q = input.queue?.[inc.provider];
    if (q) {
      const depth = queueDepthAt(inc.provider, m);
      return depth !== null && depth <= q.baselineDepth;
    }
    // No queue depth known: the queue counts as drained when the incident's kind of failure has not been
    // seen for drainQuietMinutes and deliveries go through meanwhile.
    if (inc.recoveredAt === null || m - inc.recoveredAt < s.drainQuietMinutes * MINUTE_MS) return false;
    const quiet = scopeCounts(inc, m, s.drainQuietMinutes * MINUTE_MS);
    return quiet.failedInCategory === 0 && quiet.delivered > 0;
  }

  function warn(inc: IncidentState, m: number): void {
    const r = input.retry?.[inc.provider];
    if (!r) return;
    const found: IncidentWarning[] = [];
    if (r.storm > 0) {
      found.push({ kind: 'retry_storm', message: `${r.storm} of ${r.messages} deferred messages are retried faster than once a minute: back off, do not requeue in a tight loop.` });
    }
    if (r.rotated > 0) {
      found.push({ kind: 'ip_rotation', message: `${r.rotated} of ${r.messages} deferred messages were retried from another sending IP: do not rotate IPs, it resets reputation history.` });
    }
    for (const w of found) {
      if (inc.warnings.some((x) => x.kind === w.kind)) continue;
      inc.warnings.push(w);
      record(inc, 'warn', m, 'warning', w.message, { warning: w.kind });
    }
  }

  function step(inc: IncidentState, m: number): void {
    if (inc.status === 'resolved') return;
    const active = inc.status === 'open' || inc.status === 'mitigating';
    const q = queueDepthAt(inc.provider, m);
    if (q !== null && (inc.peakQueueDepth === null || q > inc.peakQueueDepth)) {
      inc.peakQueueDepth = q;
      inc.peakQueueAt = m;
      changed.add(inc.key);
    }
    if (!active) {
      if (isDrained(inc, m)) {
        if (inc.peakQueueDepth !== null && inc.peakQueueAt !== null) {
          record(inc, null, inc.peakQueueAt, 'peak_queue', `Peak queue of ${inc.peakQueueDepth} messages to ${inc.provider}.`, { depth: inc.peakQueueDepth });
        }
        inc.status = 'resolved';
        inc.resolvedAt = m;
        inc.resolvedBy = 'system';
        record(inc, 'close', m, 'queue_drained', `The queue to ${inc.provider} is back to its baseline: resolved.`, {});
      }
      return;
    }
    const c = candidateAt(inc.provider, m);
    const own = c?.ruleKey === inc.ruleKey ? c : null;
    const counts = scopeCounts(inc, m);
    const rate = rateOf(counts);
    const level = escalationFor((m - inc.startedAt) / MINUTE_MS, s);
    if (levelRank[level] > levelRank[inc.escalation]) {
      record(inc, 'escalate', m, 'escalation_changed', `Escalation ${inc.escalation} → ${level} after ${Math.round((m - inc.startedAt) / MINUTE_MS)} minutes.`, { from: inc.escalation, to: level });
      inc.escalation = level;
    }
    if (own) {
      extend(inc, own, m);
      rescope(inc, m);
      inc.lastElevatedAt = m;
      changed.add(inc.key);
    }
    // Retry analysis describes the present, so it is applied at the last minute evaluated only.
    if (m === lastMinute) warn(inc, m);
    if (rate === null) return;
    if (rate > inc.peakDeferralRate) {
      inc.peakDeferralRate = rate;
      inc.peakAt = m;
      inc.deliveryResumedAt = null;
      changed.add(inc.key);
    }
    const recoveredRate = inc.baselineRate * RECOVERED_FACTOR;
    if (rate <= recoveredRate) {
      reportPeak(inc, m);
      inc.status = 'recovered';
      inc.recoveredAt = m;
      record(inc, 'phase', m, 'recovered', `Failure rate ${pct(rate)} is back to the baseline (${pct(inc.baselineRate)}).`, { rate });
      return;
    }
    if (inc.status === 'open' && rate <= inc.peakDeferralRate * MITIGATING_SHARE && counts.delivered > 0) {
      reportPeak(inc, m);
      inc.status = 'mitigating';
      inc.mitigatingAt = m;
      record(inc, 'phase', m, 'mitigating', `Failure rate falls to ${pct(rate)} from a peak of ${pct(inc.peakDeferralRate)}; deliveries resume.`, { rate });
      return;
    }
    if (inc.status === 'mitigating' && own && rate > inc.peakDeferralRate * WORSENED_SHARE) {
      inc.status = 'open';
      inc.mitigatingAt = null;
      record(inc, 'phase', m, 'worsened', `Failure rate climbs back to ${pct(rate)}.`, { rate });
    }
  }

  function reopen(inc: IncidentState, c: Candidate, m: number): void {
    const rate = rateOf(scopeCounts(inc, m)) ?? c.providerRate;
    inc.status = 'open';
    inc.mitigatingAt = null;
    inc.recoveredAt = null;
    inc.resolvedAt = null;
    inc.resolvedBy = null;
    inc.reopenCount += 1;
    inc.lastElevatedAt = m;
    // The flare-up has its own peak; earlier peaks stay in the timeline.
    inc.peakDeferralRate = rate;
    inc.peakAt = m;
    inc.deliveryResumedAt = null;
    record(inc, 'reopen', m, 'reopened', `${inc.provider} fails again at ${pct(rate)} with ${inc.kbRule ?? 'the same reply'}: reopened.`, { rate });
    extend(inc, c, m);
    rescope(inc, m);
  }

  const first = Math.ceil(input.from / MINUTE_MS) * MINUTE_MS;
  const lastMinute = Math.floor(input.now / MINUTE_MS) * MINUTE_MS - MINUTE_MS;
  let evaluatedThrough: number | null = null;
  for (let m = first; m + MINUTE_MS <= input.now; m += MINUTE_MS) {
    evaluatedThrough = m;
    applyResolutions(m);
    for (const inc of incidents) step(inc, m);
    for (const provider of providers) {
      const c = candidateAt(provider, m);
      if (!c) continue;
      const active = incidents.find((i) => i.provider === provider && i.ruleKey === c.ruleKey && (i.status === 'open' || i.status === 'mitigating'));
      if (active || !persisted(c, m)) continue;
      const recent = incidents
        .filter(
          (i) =>
            i.provider === provider &&
            i.ruleKey === c.ruleKey &&
            (i.status === 'recovered' || (i.status === 'resolved' && i.resolvedBy === 'system')) &&
            i.recoveredAt !== null &&
            m - i.recoveredAt <= s.reopenWindowMinutes * MINUTE_MS,
        )
        .sort((a, b) => (b.recoveredAt ?? 0) - (a.recoveredAt ?? 0))[0];
      if (recent) reopen(recent, c, m);
      else open(c, m);
    }
  }
  return { changed: incidents.filter((i) => changed.has(i.key)), timeline, actions, evaluatedThrough };
}
