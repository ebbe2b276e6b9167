import fc from 'fast-check';
import { expect, test } from 'vitest';
import { chartRows, chartWindow, formatDuration, formatRate, incidentsHref, parseIncidentFilters, phaseRanges, providerLabel, timelineMarkers } from './incident-view';

const T0 = Date.UTC(2023, 9, 11, 1, 20);
const at = (minute: number) => new Date(T0 + minute * 60_000).toISOString();

test('durations read like people say them', () => {
  expect(formatDuration(30_000)).toBe('< 1 min');
  expect(formatDuration(45 * 60_000)).toBe('45 min');
  expect(formatDuration(60 * 60_000)).toBe('1 h');
  expect(formatDuration(92 * 60_000)).toBe('1 h 32 min');
  expect(formatDuration((2 * 24 + 3) * 3600_000)).toBe('2 d 3 h');
  expect(formatDuration(-5)).toBe('< 1 min');
});

test('rates are percentages with one decimal, and no rate is a dash, not 0 %', () => {
  expect(formatRate(0.375)).toBe('37.5 %');
  expect(formatRate(1)).toBe('100 %');
  expect(formatRate(null)).toBe('—');
});

test('provider groups get their human name; unknown ones stay as they are', () => {
  expect(providerLabel('microsoft-365')).toBe('Microsoft 365');
  expect(providerLabel('example-isp')).toBe('example-isp');
});

test('the S77714 phases: open, mitigating, recovered, resolved, each up to the next', () => {
  const inc = { startedAt: at(0), mitigatingAt: at(80), recoveredAt: at(90), resolvedAt: at(105) };
  const window = chartWindow(inc, new Date(T0 + 10 * 3600_000));
  expect(window).toEqual({ from: new Date(T0 - 3600_000), to: new Date(T0 + 165 * 60_000) });
  expect(phaseRanges(inc, window.to)).toEqual([
    { from: at(0), to: at(80), label: 'Open', tone: 'danger' },
    { from: at(80), to: at(90), label: 'Mitigating', tone: 'warning' },
    { from: at(90), to: at(105), label: 'Recovered', tone: 'info' },
    { from: at(105), to: at(165), label: 'Resolved', tone: 'ok' },
  ]);
});

test('an open incident runs to now; a manual resolution while open skips the phases in between', () => {
  const now = new Date(T0 + 30 * 60_000);
  const open = { startedAt: at(0), mitigatingAt: null, recoveredAt: null, resolvedAt: null };
  expect(chartWindow(open, now).to).toEqual(now);
  expect(phaseRanges(open, now)).toEqual([{ from: at(0), to: at(30), label: 'Open', tone: 'danger' }]);
  const manual = { ...open, resolvedAt: at(20) };
  expect(phaseRanges(manual, now).map((r) => r.label)).toEqual(['Open', 'Resolved']);
});

test('phase ranges never overlap and stay in order, whatever the time stamps', () => {
  const minute = fc.option(fc.integer({ min: 0, max: 600 }), { nil: null });
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 600 }), minute, minute, minute, fc.integer({ min: 0, max: 900 }), (s, m, r, z, end) => {
      const ranges = phaseRanges({ startedAt: at(s), mitigatingAt: m === null ? null : at(m), recoveredAt: r === null ? null : at(r), resolvedAt: z === null ? null : at(z) }, new Date(at(end)));
      for (const range of ranges) expect(Date.parse(range.to)).toBeGreaterThan(Date.parse(range.from));
      for (let i = 1; i < ranges.length; i += 1) expect(Date.parse(ranges[i]!.from)).toBeGreaterThanOrEqual(Date.parse(ranges[i - 1]!.to));
    }),
  );
});

test('markers: escalations and what people did inside the window, one per minute; phases are shaded, not marked', () => {
  const timeline = [
    { at: at(-200), kind: 'note' },
    { at: at(0), kind: 'first_deferral' },
    { at: at(5), kind: 'opened' },
    { at: at(15), kind: 'escalation_changed' },
    { at: at(16), kind: 'ip_joined' },
    { at: at(40), kind: 'peak_deferral_rate' },
    { at: at(50), kind: 'mitigating' },
    { at: at(55), kind: 'note' },
    { at: new Date(Date.parse(at(55)) + 20_000).toISOString(), kind: 'acknowledged' },
    { at: new Date(Date.parse(at(55)) + 30_000).toISOString(), kind: 'note' },
  ];
  expect(timelineMarkers(timeline, { from: new Date(at(-60)), to: new Date(at(120)) })).toEqual([
    { t: at(15), label: 'Escalation' },
    { t: at(55), label: 'Note · Ack' },
  ]);
});

test('chart rows join both series by bucket; a missing side is a gap (null)', () => {
  const rows = chartRows(
    [
      { t: at(0), deferralRate: 0.5 },
      { t: at(5), deferralRate: null },
    ],
    [
      { t: at(5), depth: 40 },
      { t: at(10), depth: 12 },
    ],
  );
  expect(rows).toEqual([
    { t: at(0), deferralRate: 0.5, queueDepth: null },
    { t: at(5), deferralRate: null, queueDepth: 40 },
    { t: at(10), deferralRate: null, queueDepth: 12 },
  ]);
});

test('filters come from the URL; unknown values are ignored and links round-trip', () => {
  expect(parseIncidentFilters({ status: 'open', provider: 'microsoft-365', scope: 'receiver' })).toEqual({ status: 'open', provider: 'microsoft-365', scope: 'receiver' });
  expect(parseIncidentFilters({ status: 'burning', scope: ['sender', 'receiver'], provider: '' })).toEqual({ status: undefined, provider: undefined, scope: 'sender' });
  expect(incidentsHref({ status: 'open', provider: 'microsoft-365', scope: undefined })).toBe('/incidents?status=open&provider=microsoft-365');
  expect(incidentsHref({ status: undefined, provider: undefined, scope: undefined })).toBe('/incidents');
  fc.assert(
    fc.property(fc.dictionary(fc.constantFrom('status', 'provider', 'scope', 'x'), fc.oneof(fc.string(), fc.array(fc.string()))), (params) => {
      const filters = parseIncidentFilters(params);
      const back = parseIncidentFilters(Object.fromEntries(new URL(incidentsHref(filters), 'http://x').searchParams));
      expect(back).toEqual(filters);
    }),
  );
});
