import { expect, test } from 'vitest';
import { ndjsonFormat } from '@/lib/ingest/formats/generic-ndjson';
import { explainReply } from '@/lib/smtp';
import { throttledIps } from './catalog';
import { DEMO_PROVIDER_REFERENCE, demoScenario, demoTimeline, throttleProbability, type NormalizedNdjsonEvent } from './scenario';

const NOW = new Date('2025-06-03T12:00:00.400Z');
const scenario = demoScenario({ now: NOW });
const tl = demoTimeline(NOW);
const MINUTE_MS = 60_000;

function byQueueId(events: readonly NormalizedNdjsonEvent[]): Map<string, NormalizedNdjsonEvent[]> {
  const map = new Map<string, NormalizedNdjsonEvent[]>();
  for (const e of events) map.set(`${e.sourceHost} ${e.queueId}`, [...(map.get(`${e.sourceHost} ${e.queueId}`) ?? []), e]);
  return map;
}

test('the same now and seed give the same day; another seed gives another', () => {
  expect(demoScenario({ now: NOW })).toEqual(scenario);
  const other = demoScenario({ now: NOW, seed: 7 });
  expect(other.events.slice(0, 50)).not.toEqual(scenario.events.slice(0, 50));
});

test('a day of 30–60 k events ending at now, sorted by time, every one valid generic NDJSON', () => {
  const { events } = scenario;
  expect(events.length).toBeGreaterThan(30_000);
  expect(events.length).toBeLessThan(60_000);
  expect(events[0]?.occurredAt.localeCompare(tl.dayStart.toISOString())).toBeGreaterThanOrEqual(0);
  expect(events.at(-1)?.occurredAt.localeCompare(NOW.toISOString())).toBeLessThanOrEqual(0);
  expect(events.every((e, i) => i === 0 || (events[i - 1]?.occurredAt ?? '') <= e.occurredAt)).toBe(true);
  const ctx = { now: NOW, utcOffsetMinutes: 0 };
  const rejects = events.flatMap((e, i) => ndjsonFormat.parseRecord(JSON.parse(JSON.stringify(e)), i + 1, ctx)).filter((o) => o.kind === 'reject');
  expect(rejects).toEqual([]);
});

test('failures are the background a day has plus the S77714 episode, each understood by the knowledge base', () => {
  const counts = new Map<string, number>();
  for (const e of scenario.events.filter((x) => x.outcome !== 'delivered')) {
    const analysis = explainReply(e.reply, { mxHost: e.mxHost, recipientDomain: e.recipient.split('@')[1], smtpCode: e.smtpCode, enhancedCode: e.enhancedCode });
    const key = `${e.outcome} ${analysis.kbRule}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  expect([...counts.keys()].sort()).toEqual([
    'bounced generic.mailbox-unknown',
    'bounced google.no-such-user',
    'bounced yahoo.user-unknown',
    'deferred generic.greylisting',
    'deferred generic.mailbox-full',
    'deferred google.over-quota',
    'deferred google.rate-limit',
    'deferred microsoft.server-busy',
    'deferred yahoo.tss04',
  ]);
  // "Occasional" Gmail and Yahoo limits, and an episode that dominates the day's deferrals.
  expect(counts.get('deferred google.rate-limit')).toBeLessThan(60);
  expect(counts.get('deferred yahoo.tss04')).toBeLessThan(60);
  expect(counts.get('deferred microsoft.server-busy')).toBeGreaterThan(1000);
});

test('S77714 hits only the 2 throttled IPs, Microsoft 365 tenants in all four regions, and only during the episode', () => {
  const busy = scenario.events.filter((e) => e.reply.includes('(S77714)'));
  expect(new Set(busy.map((e) => e.sendingIp))).toEqual(new Set([throttledIps.reported, throttledIps.other]));
  expect(new Set(busy.map((e) => explainReply(e.reply).providerRegion))).toEqual(new Set(['NAM', 'EUR', 'APC', 'AUS']));
  expect(busy.every((e) => e.mxHost.endsWith('.mail.protection.outlook.com') && e.reply.includes(`from [${e.sendingIp}]`))).toBe(true);
  expect(busy.every((e) => e.occurredAt >= tl.incidentStart.toISOString() && e.occurredAt < tl.reversion.toISOString())).toBe(true);
});

test('a throttled message keeps its queue id, is retried every 15–35 minutes with a growing delay, and is delivered in the drain', () => {
  const messages = [...byQueueId(scenario.events).values()].filter((m) => m.some((e) => e.reply.includes('(S77714)')));
  expect(messages.length).toBeGreaterThan(300);
  for (const attempts of messages) {
    expect(attempts.map((e) => e.attempt)).toEqual(attempts.map((_, i) => i + 1));
    const deferrals = attempts.filter((e) => e.outcome === 'deferred');
    for (let i = 1; i < deferrals.length; i += 1) {
      const gapMinutes = (Date.parse(deferrals[i]?.occurredAt ?? '') - Date.parse(deferrals[i - 1]?.occurredAt ?? '')) / MINUTE_MS;
      expect(gapMinutes).toBeGreaterThanOrEqual(15);
      expect(gapMinutes).toBeLessThanOrEqual(35);
      expect(deferrals[i]?.delaySeconds).toBeGreaterThan(deferrals[i - 1]?.delaySeconds ?? Infinity);
    }
  }
  const drained = messages.filter((m) => m.at(-1)?.outcome === 'delivered' && (m.at(-1)?.occurredAt ?? '') >= tl.reversion.toISOString());
  expect(drained.length).toBeGreaterThan(200);
  const lastDelivery = drained.map((m) => m.at(-1)?.occurredAt ?? '').sort().at(-1) ?? '';
  // About an hour of residual drain, ending before now.
  expect(Date.parse(lastDelivery) - tl.reversion.getTime()).toBeGreaterThan(50 * MINUTE_MS);
  expect(lastDelivery <= tl.drainEnd.toISOString()).toBe(true);
});

test('the throttle follows the stages on each IP', () => {
  const p = (ip: string, t: Date, plusMinutes = 0) => throttleProbability(ip, t.getTime() + plusMinutes * MINUTE_MS, tl);
  expect(p(throttledIps.reported, tl.incidentStart, -1)).toBe(0);
  expect(p(throttledIps.reported, tl.incidentStart, 30)).toBeGreaterThan(0.8);
  expect(p(throttledIps.reported, tl.allowListed, 1)).toBeLessThan(0.1);
  expect(p(throttledIps.other, tl.allowListed, 1)).toBeGreaterThan(0.8);
  expect(p(throttledIps.reported, tl.firstFixFailed, 30)).toBeGreaterThan(0.7);
  expect(p(throttledIps.reported, tl.reversion)).toBe(0);
  expect(p(throttledIps.other, tl.reversion)).toBe(0);
  expect(p('203.0.113.8', tl.incidentStart, 30)).toBe(0);
});

test('the stages end before now, and the notes tell the story with the provider reference', () => {
  expect(tl.now.toISOString()).toBe('2025-06-03T12:00:00.000Z');
  expect(tl.drainEnd < tl.now && tl.reversion < tl.drainEnd && tl.firstFixFailed < tl.reversion && tl.allowListed < tl.firstFixFailed).toBe(true);
  expect((tl.reversion.getTime() - tl.incidentStart.getTime()) / MINUTE_MS).toBe(180);
  const texts = scenario.notes.map((n) => n.text);
  expect(texts.find((t) => /allow-listed/.test(t))).toMatch(throttledIps.reported);
  expect(scenario.notes.find((n) => /first fix did not resolve/.test(n.text))?.at).toEqual(tl.firstFixFailed);
  expect(scenario.notes.find((n) => /targeted reversion/.test(n.text))?.at).toEqual(tl.reversion);
  expect(scenario.notes.filter((n) => n.providerReference === DEMO_PROVIDER_REFERENCE)).toHaveLength(4);
  expect(scenario.notes.every((n) => n.at >= tl.incidentStart && n.at <= tl.now)).toBe(true);
});
