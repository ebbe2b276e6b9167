import type { DetectionActionKind, DetectionResult, IncidentState, TimelineKind } from './types';

/** A stored incident that a replay recomputes from scratch, with the keys of detection's timeline entries. */
export interface StoredIncident {
  state: IncidentState & { id: string };
  isHistorical: boolean;
  entries: Array<{ at: number; entryKey: string }>;
}

export interface ReconcileInput {
  result: DetectionResult;
  /** stored incidents the evaluated period overlaps, recomputed by the replay (none for an incremental run) */
  touched: StoredIncident[];
  /** the period is back-dated data older than the lookback: new incidents are marked historical */
  isHistorical: boolean;
  /** actions before this time are old news and raise no alert */
  alertFrom: number;
  /** end of the evaluated period: when a withdrawn incident closes */
  evaluatedTo: number;
  /** when detection runs, for the historical marker */
  now: number;
  newId: () => string;
}

export interface IncidentWrite {
  state: IncidentState & { id: string };
  isNew: boolean;
  isHistorical: boolean;
}

export interface EntryWrite {
  incidentId: string;
  at: number;
  kind: TimelineKind;
  message: string;
  data: Record<string, unknown>;
  entryKey: string;
}

export interface ActionRef {
  kind: DetectionActionKind;
  incidentId: string;
  at: number;
}

export interface ReconcilePlan {
  incidents: IncidentWrite[];
  /** written with ON CONFLICT on (incident, at, entry key): the same entry twice is one row */
  entries: EntryWrite[];
  /** detection's entries of recomputed incidents that the replay no longer produces */
  staleEntries: Array<{ incidentId: string; at: number; entryKey: string }>;
  /** every action, with incident ids */
  actions: ActionRef[];
  /** the actions that are news: not already on the timeline, not old, not historical */
  alerts: ActionRef[];
}

/** Entry kinds detection does not recompute in a replay: warnings describe the moment they were seen, the others are written here. */
const keptKinds = new Set<string>(['warning', 'historical', 'withdrawn']);

/** The key of one of detection's timeline entries: its kind and what it names (IP, domain, region, warning). */
export function entryKeyOf(kind: string, data: Record<string, unknown>): string {
  const detail = [data.ip, data.domain, data.region, data.warning].find((v) => typeof v === 'string');
  return `${kind}:${typeof detail === 'string' ? detail : ''}`;
}

const kindOfKey = (entryKey: string) => entryKey.slice(0, entryKey.indexOf(':'));

/** JSON with object keys sorted: states read back from jsonb and states built in code compare equal. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
const endOf = (i: IncidentState) => i.resolvedAt ?? Infinity;

/**
 * Turns a detection result into writes. Incidents the replay recomputed are matched to the stored ones
 * they overlap (same provider and rule), so they keep their id, notes and acknowledgement; their
 * timeline is rewritten entry by entry (same key: updated in place; no longer produced: stale; new:
 * inserted). An action is news, and alerted, only when its entry is new and not merely moved in time.
 */
export function reconcile(input: ReconcileInput): ReconcilePlan {
  const { result, touched } = input;
  const ids = new Map<string, string>();
  const incidents: IncidentWrite[] = [];
  const matched = new Map<string, StoredIncident>();
  const free = [...touched].sort((a, b) => a.state.startedAt - b.state.startedAt);

  for (const inc of [...result.changed].sort((a, b) => a.startedAt - b.startedAt)) {
    if (inc.id !== null) {
      ids.set(inc.key, inc.id);
      incidents.push({ state: { ...inc, id: inc.id }, isNew: false, isHistorical: false });
      continue;
    }
    const idx = free.findIndex(
      (t) => t.state.provider === inc.provider && t.state.ruleKey === inc.ruleKey && t.state.startedAt <= endOf(inc) && inc.startedAt <= endOf(t.state),
    );
    const stored = idx >= 0 ? free.splice(idx, 1)[0] : undefined;
    if (stored) {
      ids.set(inc.key, stored.state.id);
      matched.set(stored.state.id, stored);
      const known = new Set(stored.state.warnings.map((w) => w.kind));
      const warnings = [...stored.state.warnings, ...inc.warnings.filter((w) => !known.has(w.kind))];
      const state = { ...inc, id: stored.state.id, key: stored.state.id, warnings };
      // Re-evaluating the same data gives the same incident: nothing to write.
      if (canonical(state) !== canonical(stored.state)) incidents.push({ state, isNew: false, isHistorical: stored.isHistorical });
    } else {
      const id = input.newId();
      ids.set(inc.key, id);
      incidents.push({ state: { ...inc, id }, isNew: true, isHistorical: input.isHistorical });
    }
  }

  const entries: EntryWrite[] = [];
  const entryOfDraft = new Map<number, EntryWrite>();
  result.timeline.forEach((draft, index) => {
    const incidentId = ids.get(draft.incidentKey);
    if (!incidentId) return;
    const stored = matched.get(incidentId);
    // A warning the stored incident already carries is not written again.
    if (draft.kind === 'warning' && stored?.state.warnings.some((w) => w.kind === draft.data.warning)) return;
    const entry: EntryWrite = { incidentId, at: draft.at, kind: draft.kind, message: draft.message, data: draft.data, entryKey: entryKeyOf(draft.kind, draft.data) };
    entries.push(entry);
    entryOfDraft.set(index, entry);
  });
  // The marker goes first: it shares its time with the first failure and explains everything after it.
  for (const w of incidents) {
    if (!w.isNew || !w.isHistorical) continue;
    entries.unshift({
      incidentId: w.state.id,
      at: w.state.startedAt,
      kind: 'historical',
      message: `Detected on ${new Date(input.now).toISOString().slice(0, 16).replace('T', ' ')} UTC from data that arrived after this period was over; no alerts were sent.`,
      data: {},
      entryKey: entryKeyOf('historical', {}),
    });
  }

  const written = new Set(entries.map((e) => `${e.incidentId}|${e.at}|${e.entryKey}`));
  const staleEntries: ReconcilePlan['staleEntries'] = [];
  for (const [incidentId, stored] of matched) {
    for (const e of stored.entries) {
      if (!keptKinds.has(kindOfKey(e.entryKey)) && !written.has(`${incidentId}|${e.at}|${e.entryKey}`)) staleEntries.push({ incidentId, ...e });
    }
  }

  // Stored incidents the replay no longer finds: closed with an entry saying why, unless already resolved.
  for (const t of free) {
    if (t.state.status === 'resolved') continue;
    incidents.push({ state: { ...t.state, status: 'resolved', resolvedAt: input.evaluatedTo, resolvedBy: 'system' }, isNew: false, isHistorical: t.isHistorical });
    entries.push({
      incidentId: t.state.id,
      at: input.evaluatedTo,
      kind: 'withdrawn',
      message: 'Re-evaluated with data that arrived late, the failures no longer meet the incident thresholds: closed.',
      data: {},
      entryKey: entryKeyOf('withdrawn', {}),
    });
  }

  const existing = new Set(touched.flatMap((t) => t.entries.map((e) => `${t.state.id}|${e.at}|${e.entryKey}`)));
  const moved = new Map<string, number>();
  for (const s of staleEntries) moved.set(`${s.incidentId}|${s.entryKey}`, (moved.get(`${s.incidentId}|${s.entryKey}`) ?? 0) + 1);
  const historical = new Set([...incidents, ...touched].filter((w) => w.isHistorical).map((w) => w.state.id));
  const actions: ActionRef[] = [];
  const alerts: ActionRef[] = [];
  for (const a of result.actions) {
    const incidentId = ids.get(a.incidentKey);
    if (!incidentId) continue;
    const ref = { kind: a.kind, incidentId, at: a.at };
    actions.push(ref);
    const entry = entryOfDraft.get(a.entry);
    if (!entry || existing.has(`${incidentId}|${entry.at}|${entry.entryKey}`)) continue;
    // The same entry at another minute (late data moved it) is not news either.
    const movedKey = `${incidentId}|${entry.entryKey}`;
    const left = moved.get(movedKey) ?? 0;
    if (left > 0) {
      moved.set(movedKey, left - 1);
      continue;
    }
    if (a.at >= input.alertFrom && !historical.has(incidentId)) alerts.push(ref);
  }
  return { incidents, entries, staleEntries, actions, alerts };
}
