import { expect, test } from 'vitest';
import { entryKeyOf, reconcile, type ReconcileInput, type StoredIncident } from './reconcile';
import type { DetectionResult, IncidentState, TimelineDraft } from './types';

const MIN = 60_000;
const T0 = Date.UTC(2023, 9, 11, 1, 0);
const at = (minute: number) => T0 + minute * MIN;

function state(over: Partial<IncidentState> = {}): IncidentState {
  return {
    id: null,
    key: 'new:1',
    status: 'open',
    scope: 'receiver',
    escalation: 'tune',
    provider: 'microsoft-365',
    ruleKey: 'microsoft.server-busy',
    kbRule: 'microsoft.server-busy',
    signature: '451 4.7.500 Server busy. Please try again later from [<ip>]. (S77714) [<host> <ts> <hex>]',
    category: 'throttling',
    sampleReply: null,
    affectedIps: ['203.0.113.7'],
    affectedDomains: ['contoso.com'],
    regions: ['NAM'],
    evidence: [{ side: 'receiver', strength: 'strong', finding: 'The reply carries S77714.' }],
    warnings: [],
    baselineRate: 0.05,
    peakDeferralRate: 1,
    peakAt: at(25),
    peakReportedAt: null,
    peakQueueDepth: null,
    peakQueueAt: null,
    deliveryResumedAt: null,
    startedAt: at(20),
    openedAt: at(22),
    lastElevatedAt: at(40),
    mitigatingAt: null,
    recoveredAt: null,
    resolvedAt: null,
    resolvedBy: null,
    reopenCount: 0,
    ...over,
  };
}

/** What detection reports for one S77714 incident: first failure, opened, escalated to tune, an IP joining. */
function result(inc: IncidentState, shift = 0): DetectionResult {
  const timeline: TimelineDraft[] = [
    { incidentKey: inc.key, at: at(20), kind: 'first_deferral', message: 'First throttling failure', data: {} },
    { incidentKey: inc.key, at: at(22 + shift), kind: 'opened', message: 'microsoft-365 fails at 100%', data: { rate: 1 } },
    { incidentKey: inc.key, at: at(35), kind: 'escalation_changed', message: 'Escalation monitor → tune', data: { from: 'monitor', to: 'tune' } },
    { incidentKey: inc.key, at: at(36), kind: 'ip_joined', message: 'Sending IP 203.0.113.8 is affected too.', data: { ip: '203.0.113.8' } },
  ];
  return {
    changed: [inc],
    timeline,
    actions: [
      { kind: 'open', incidentKey: inc.key, at: at(22 + shift), entry: 1 },
      { kind: 'escalate', incidentKey: inc.key, at: at(35), entry: 2 },
      { kind: 'extend', incidentKey: inc.key, at: at(36), entry: 3 },
    ],
    evaluatedThrough: at(59),
  };
}

let ids = 0;
const base = (r: DetectionResult, over: Partial<ReconcileInput> = {}): ReconcileInput => ({
  result: r,
  touched: [],
  isHistorical: false,
  alertFrom: at(0),
  evaluatedTo: at(59),
  now: at(60),
  newId: () => `id-${(ids += 1)}`,
  ...over,
});

/** The stored form of a first reconcile's output, as the runner reads it back for a replay. */
function stored(plan: ReturnType<typeof reconcile>, isHistorical = false): StoredIncident[] {
  return plan.incidents.map((w) => ({
    state: { ...w.state, key: w.state.id },
    isHistorical,
    entries: plan.entries.filter((e) => e.incidentId === w.state.id).map((e) => ({ at: e.at, entryKey: e.entryKey })),
  }));
}

test('entry keys name the kind and what the entry is about', () => {
  expect(entryKeyOf('ip_joined', { ip: '203.0.113.8' })).toBe('ip_joined:203.0.113.8');
  expect(entryKeyOf('region_joined', { region: 'EUR' })).toBe('region_joined:EUR');
  expect(entryKeyOf('warning', { warning: 'retry_storm' })).toBe('warning:retry_storm');
  expect(entryKeyOf('opened', { rate: 1, affectedIps: ['203.0.113.7'] })).toBe('opened:');
});

test('a first evaluation writes a new incident with every entry, and every action is news (enqueueAlerts picks the kinds that page)', () => {
  const plan = reconcile(base(result(state())));
  expect(plan.incidents).toHaveLength(1);
  expect(plan.incidents[0]).toMatchObject({ isNew: true, isHistorical: false });
  expect(plan.entries.map((e) => e.entryKey)).toEqual(['first_deferral:', 'opened:', 'escalation_changed:', 'ip_joined:203.0.113.8']);
  expect(plan.alerts.map((a) => a.kind)).toEqual(['open', 'escalate', 'extend']);
  expect(plan.staleEntries).toEqual([]);
});

test('replaying the same minutes over the stored incident writes nothing new and alerts nothing', () => {
  const first = reconcile(base(result(state())));
  const again = reconcile(base(result(state()), { touched: stored(first) }));
  expect(again.incidents).toEqual([]);
  expect(again.staleEntries).toEqual([]);
  expect(again.alerts).toEqual([]);
  expect(again.actions).toHaveLength(3);
  // Same ids and keys: the upserts are no-ops.
  expect(again.entries.map((e) => `${e.incidentId}|${e.at}|${e.entryKey}`)).toEqual(first.entries.map((e) => `${e.incidentId}|${e.at}|${e.entryKey}`));
});

test('late data that moves an entry replaces it and does not alert again; a changed number updates the incident', () => {
  const first = reconcile(base(result(state())));
  const moved = reconcile(base(result(state({ peakDeferralRate: 0.9, openedAt: at(21) }), -1), { touched: stored(first) }));
  const id = first.incidents[0]!.state.id;
  expect(moved.incidents.map((w) => [w.state.id, w.isNew, w.state.peakDeferralRate])).toEqual([[id, false, 0.9]]);
  expect(moved.staleEntries).toEqual([{ incidentId: id, at: at(22), entryKey: 'opened:' }]);
  expect(moved.entries.find((e) => e.kind === 'opened')).toMatchObject({ incidentId: id, at: at(21) });
  expect(moved.alerts).toEqual([]);
});

test('a new incident found by a replay alerts; one older than alertFrom does not', () => {
  expect(reconcile(base(result(state()), { alertFrom: at(30) })).alerts.map((a) => a.kind)).toEqual(['escalate', 'extend']);
});

test('history: the new incident is marked, its marker entry comes first, and nothing alerts', () => {
  const plan = reconcile(base(result(state()), { isHistorical: true, alertFrom: Infinity }));
  expect(plan.incidents[0]).toMatchObject({ isNew: true, isHistorical: true });
  expect(plan.entries[0]).toMatchObject({ kind: 'historical', at: at(20), entryKey: 'historical:' });
  expect(plan.entries[0]!.message).toMatch(/no alerts were sent/);
  expect(plan.alerts).toEqual([]);
  // A later live-looking replay over a stored historical incident still does not alert.
  const plain = reconcile(base(result(state({ peakDeferralRate: 0.5 }), -1), { touched: stored(plan, true) }));
  expect(plain.alerts).toEqual([]);
  expect(plain.staleEntries.map((e) => e.entryKey)).toEqual(['opened:']);
});

test('a stored incident the replay no longer finds is closed as withdrawn; a resolved one is left alone', () => {
  const gone = { state: { ...state({ ruleKey: 'other-rule' }), id: 'gone', key: 'gone' }, isHistorical: false, entries: [{ at: at(20), entryKey: 'opened:' }] };
  const done = { state: { ...state({ ruleKey: 'done-rule', status: 'resolved', resolvedAt: at(30), resolvedBy: 'system' }), id: 'done', key: 'done' }, isHistorical: false, entries: [] };
  const plan = reconcile(base(result(state()), { touched: [gone, done] }));
  expect(plan.incidents.map((w) => [w.isNew, w.state.status, w.state.resolvedAt])).toEqual([
    [true, 'open', null],
    [false, 'resolved', at(59)],
  ]);
  expect(plan.incidents[1]!.state.id).toBe('gone');
  expect(plan.entries.filter((e) => e.kind === 'withdrawn').map((e) => [e.incidentId, e.at])).toEqual([['gone', at(59)]]);
  expect(plan.staleEntries).toEqual([]);
});

test('warnings the stored incident carries are kept and not written twice', () => {
  const first = reconcile(base(result(state())));
  const storm = { kind: 'retry_storm' as const, message: '5 of 40 deferred messages are retried faster than once a minute.' };
  const storedWithWarning = stored(first).map((s) => ({ ...s, state: { ...s.state, warnings: [storm] }, entries: [...s.entries, { at: at(30), entryKey: 'warning:retry_storm' }] }));
  const replayed = result(state({ warnings: [{ kind: 'ip_rotation', message: 'rotated' }, storm] }));
  replayed.timeline.push({ incidentKey: 'new:1', at: at(59), kind: 'warning', message: storm.message, data: { warning: 'retry_storm' } });
  replayed.timeline.push({ incidentKey: 'new:1', at: at(59), kind: 'warning', message: 'rotated', data: { warning: 'ip_rotation' } });
  const plan = reconcile(base(replayed, { touched: storedWithWarning }));
  expect(plan.incidents[0]!.state.warnings.map((w) => w.kind)).toEqual(['retry_storm', 'ip_rotation']);
  expect(plan.entries.filter((e) => e.kind === 'warning').map((e) => e.entryKey)).toEqual(['warning:ip_rotation']);
  // The stored warning entry at minute 30 is not stale: warnings are not recomputed.
  expect(plan.staleEntries).toEqual([]);
});
