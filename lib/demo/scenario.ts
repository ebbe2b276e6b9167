import type { Outcome } from '@/lib/ingest/types';
import {
  deliveredReply,
  destinations,
  gmailRateLimitReply,
  greylistReply,
  hostOfIp,
  localParts,
  mailboxFullReply,
  senders,
  sendingIps,
  serverBusyReply,
  throttledIps,
  unknownUserReply,
  yahooTss04Reply,
  type Destination,
} from './catalog';
import { createRandom, type Random } from './random';

/** One line of the generic NDJSON format (lib/ingest/formats/generic-ndjson.ts), as a Postfix-like MTA would report it. */
export interface NormalizedNdjsonEvent {
  occurredAt: string;
  source: 'postfix';
  sourceHost: string;
  queueId: string;
  messageId: string;
  sender: string;
  recipient: string;
  mxHost: string;
  mxIp: string;
  sendingIp: string;
  outcome: Outcome;
  smtpCode: number;
  enhancedCode: string | null;
  reply: string;
  delaySeconds: number;
  attempt: number;
}

/** A timeline note as a team writes it during the incident, with the provider's case reference. */
export interface DemoNote {
  at: Date;
  text: string;
  providerReference: string | null;
}

/** The stages of the demo incident (DOMAIN.md, "Resolution in stages"), all before `now`. */
export interface DemoTimeline {
  dayStart: Date;
  /** S77714 deferrals start on both throttled IPs. */
  incidentStart: Date;
  /** Microsoft allow-lists the reported IP: its deferrals stop, the other IP stays throttled. */
  allowListed: Date;
  /** The first fix does not help: deferrals climb again on both IPs. */
  firstFixFailed: Date;
  /** The targeted reversion is deployed: no more S77714 deferrals. */
  reversion: Date;
  /** The backlog has drained; delays are back to normal. */
  drainEnd: Date;
  now: Date;
}

export interface DemoScenario {
  events: NormalizedNdjsonEvent[];
  notes: DemoNote[];
}

export const DEFAULT_DEMO_SEED = 20231011;
/** The provider case reference quoted in the notes (a Microsoft support incident id). */
export const DEMO_PROVIDER_REFERENCE = 'EX669123';

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;

/** Messages per minute at the daily peak; the day averages about 26 (≈ 37 000 messages, ≈ 40 000 attempts). */
const PEAK_MESSAGES_PER_MINUTE = 36;

// Postfix retry timing: the first retry after minimal_backoff_time, doubling up to maximal_backoff_time, picked
// up by the next deferred-queue scan (queue_run_delay). Tuned here to 15 min → 30 min as DOMAIN.md advises
// (exponential back-off, no short loops), so an S77714 message is retried every ~15–30 minutes.
const MINIMAL_BACKOFF_SECONDS = 900;
const MAXIMAL_BACKOFF_SECONDS = 1800;
const QUEUE_RUN_DELAY_SECONDS = 300;

/** Share of messages to an address that no longer exists (5.1.1 bounce). */
const UNKNOWN_RECIPIENT_SHARE = 0.008;
/** Share of messages to a full mailbox (4.2.2 deferrals until the owner makes room). */
const MAILBOX_FULL_SHARE = 0.004;
/** Share of first attempts a greylisting receiver refuses: postgrey lets a regular sender through once it has auto-whitelisted the client. */
const GREYLIST_SHARE = 0.2;
/** Per attempt: Gmail 421 4.7.28 and Yahoo TSS04 now and then, never enough for an incident. */
const GMAIL_RATE_LIMIT_CHANCE = 0.002;
const YAHOO_TSS04_CHANCE = 0.004;

/** The incident's stage boundaries for a demo ending at `now` (whole seconds). */
export function demoTimeline(now: Date): DemoTimeline {
  const end = Math.floor(now.getTime() / SECOND_MS) * SECOND_MS;
  const drainEnd = end - 20 * MINUTE_MS;
  const reversion = drainEnd - HOUR_MS;
  const incidentStart = reversion - 3 * HOUR_MS;
  return {
    dayStart: new Date(end - 24 * HOUR_MS),
    incidentStart: new Date(incidentStart),
    allowListed: new Date(incidentStart + 75 * MINUTE_MS),
    firstFixFailed: new Date(incidentStart + 120 * MINUTE_MS),
    reversion: new Date(reversion),
    drainEnd: new Date(drainEnd),
    now: new Date(end),
  };
}

/**
 * Probability that Exchange Online answers S77714 to one attempt from `ip` at `t`: a 10-minute onset, the
 * reported IP relieved by the allow-list, both climbing again after the failed fix, nothing after the reversion.
 */
export function throttleProbability(ip: string, t: number, tl: DemoTimeline): number {
  const isThrottledIp = ip === throttledIps.reported || ip === throttledIps.other;
  if (!isThrottledIp || t < tl.incidentStart.getTime() || t >= tl.reversion.getTime()) return 0;
  const onset = Math.min(1, (t - tl.incidentStart.getTime()) / (10 * MINUTE_MS));
  if (ip === throttledIps.other) return 0.9 * onset;
  if (t < tl.allowListed.getTime()) return 0.9 * onset;
  if (t < tl.firstFixFailed.getTime()) return 0.04;
  return 0.3 + 0.5 * Math.min(1, (t - tl.firstFixFailed.getTime()) / (20 * MINUTE_MS));
}

/** Relative traffic by UTC hour: a working-day peak in the afternoon, a morning bump, a quiet night. */
function dailyShape(t: number): number {
  const hour = (t % (24 * HOUR_MS)) / HOUR_MS;
  const around = (centre: number) => ((hour - centre + 36) % 24) - 12;
  return 0.35 + 0.9 * Math.exp(-(around(14.5) ** 2) / (2 * 3.5 ** 2)) + 0.25 * Math.exp(-(around(9) ** 2) / (2 * 1.5 ** 2));
}

function backoffMs(deferrals: number, r: Random): number {
  const seconds = Math.min(MAXIMAL_BACKOFF_SECONDS, MINIMAL_BACKOFF_SECONDS * 2 ** (deferrals - 1));
  return (seconds + r.int(0, QUEUE_RUN_DELAY_SECONDS)) * SECOND_MS;
}

interface Message {
  destination: Destination;
  sendingIp: string;
  sourceHost: string;
  queueId: string;
  messageId: string;
  sender: string;
  recipient: string;
  mxIp: string;
  arrivedAt: number;
  isUnknownRecipient: boolean;
  /** Attempts a full mailbox refuses before its owner makes room. */
  fullForAttempts: number;
}

interface Attempt {
  outcome: Outcome;
  smtpCode: number;
  enhancedCode: string | null;
  reply: string;
  isServerBusy: boolean;
}

function attemptAt(m: Message, attempt: number, t: number, tl: DemoTimeline, r: Random): Attempt {
  const d = m.destination;
  const at = new Date(t);
  if (m.isUnknownRecipient) {
    const reply = unknownUserReply(d, m.recipient, r);
    // Yahoo's "554 delivery error: dd …" has no enhanced code; Postfix reports dsn=5.0.0 for it.
    const enhanced = /^\d{3} (\d\.\d{1,3}\.\d{1,3})/.exec(reply)?.[1] ?? '5.0.0';
    return { outcome: 'bounced', smtpCode: Number(reply.slice(0, 3)), enhancedCode: enhanced, reply, isServerBusy: false };
  }
  if (d.provider === 'microsoft-365' && d.region && r.chance(throttleProbability(m.sendingIp, t, tl))) {
    return { outcome: 'deferred', smtpCode: 451, enhancedCode: '4.7.500', reply: serverBusyReply(m.sendingIp, d.region, at, r), isServerBusy: true };
  }
  if (d.isGreylisting && attempt === 1 && r.chance(GREYLIST_SHARE)) {
    return { outcome: 'deferred', smtpCode: 450, enhancedCode: '4.2.0', reply: greylistReply(d, m.recipient), isServerBusy: false };
  }
  if (attempt <= m.fullForAttempts) {
    return { outcome: 'deferred', smtpCode: 452, enhancedCode: '4.2.2', reply: mailboxFullReply(d, m.recipient, r), isServerBusy: false };
  }
  if (d.provider === 'google' && r.chance(GMAIL_RATE_LIMIT_CHANCE)) {
    return { outcome: 'deferred', smtpCode: 421, enhancedCode: '4.7.28', reply: gmailRateLimitReply(m.sendingIp, r), isServerBusy: false };
  }
  if (d.provider === 'yahoo' && r.chance(YAHOO_TSS04_CHANCE)) {
    return { outcome: 'deferred', smtpCode: 421, enhancedCode: '4.7.0', reply: yahooTss04Reply(m.sendingIp), isServerBusy: false };
  }
  const reply = deliveredReply(d, m.messageId, at, r);
  return { outcome: 'delivered', smtpCode: 250, enhancedCode: /^250 (2\.\d\.\d)/.exec(reply)?.[1] ?? '2.0.0', reply, isServerBusy: false };
}

function toEvent(m: Message, a: Attempt, t: number, attempt: number): NormalizedNdjsonEvent {
  return {
    occurredAt: new Date(t).toISOString(),
    source: 'postfix',
    sourceHost: m.sourceHost,
    queueId: m.queueId,
    messageId: m.messageId,
    sender: m.sender,
    recipient: m.recipient,
    mxHost: m.destination.mxHost,
    mxIp: m.mxIp,
    sendingIp: m.sendingIp,
    outcome: a.outcome,
    smtpCode: a.smtpCode,
    enhancedCode: a.enhancedCode,
    reply: a.reply,
    delaySeconds: Math.round((t - m.arrivedAt) / 10) / 100,
    attempt,
  };
}

function compactStamp(t: number): string {
  return new Date(t).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

function newMessage(arrivedAt: number, r: Random, queueIds: Set<string>): Message {
  const destination = r.weighted(destinations.map((d) => [d, d.weight] as const));
  const sendingIp = r.pick(sendingIps);
  const sourceHost = hostOfIp(sendingIp);
  let queueId = r.hex(10);
  while (queueIds.has(queueId)) queueId = r.hex(10);
  queueIds.add(queueId);
  const canBeFull = destination.provider === 'google' || destination.provider === 'other' || destination.provider === 'apple';
  return {
    destination,
    sendingIp,
    sourceHost,
    queueId,
    // Postfix's own Message-ID form: <YYYYMMDDhhmmss.QUEUEID@host>
    messageId: `<${compactStamp(arrivedAt)}.${queueId}@${sourceHost}.mail.example.com>`,
    sender: r.pick(senders),
    recipient: `${r.pick(localParts)}.${r.int(10, 9999)}@${destination.domain}`,
    mxIp: r.pick(destination.mxIps),
    arrivedAt,
    isUnknownRecipient: r.chance(UNKNOWN_RECIPIENT_SHARE),
    fullForAttempts: canBeFull && r.chance(MAILBOX_FULL_SHARE) ? r.int(1, 4) : 0,
  };
}

interface Backlogged {
  message: Message;
  retryAt: number;
  attempt: number;
}

/** The notes the team writes on the incident, at the stage boundaries. */
function notesFor(tl: DemoTimeline): DemoNote[] {
  const ref = DEMO_PROVIDER_REFERENCE;
  return [
    {
      at: new Date(tl.incidentStart.getTime() + 50 * MINUTE_MS),
      text: `Escalated to Microsoft: 451 4.7.500 Server busy (S77714) from ${throttledIps.reported} and ${throttledIps.other} to tenants in NAM, EUR, APC and AUS; Gmail, Yahoo and Outlook.com normal; SPF, DKIM and DMARC pass.`,
      providerReference: ref,
    },
    { at: tl.allowListed, text: `Microsoft allow-listed the reported IP ${throttledIps.reported}; ${throttledIps.other} is still deferred.`, providerReference: ref },
    { at: tl.firstFixFailed, text: 'Microsoft: first fix did not resolve throttling; deferrals climbing again on both IPs.', providerReference: ref },
    { at: tl.reversion, text: 'Microsoft: targeted reversion of the code change deployed; S77714 deferrals stopped.', providerReference: ref },
    { at: tl.drainEnd, text: 'Queues drained: Microsoft 365 deliveries back to normal delays.', providerReference: null },
  ];
}

/**
 * A day of one organisation's outbound traffic ending at `now`, with the Microsoft 365 S77714 incident of
 * DOMAIN.md ending 20 minutes before `now`. Pure and deterministic: the same `now` and `seed` give the same
 * events (sorted by time) and notes.
 */
export function demoScenario(options: { now?: Date; seed?: number } = {}): DemoScenario {
  const tl = demoTimeline(options.now ?? new Date());
  const r = createRandom(options.seed ?? DEFAULT_DEMO_SEED);
  const end = tl.now.getTime();
  const reversion = tl.reversion.getTime();
  const events: NormalizedNdjsonEvent[] = [];
  const backlog: Backlogged[] = [];
  const queueIds = new Set<string>();

  for (let minute = tl.dayStart.getTime(); minute < end; minute += MINUTE_MS) {
    const expected = PEAK_MESSAGES_PER_MINUTE * dailyShape(minute) * (0.9 + 0.2 * r.next());
    const count = Math.floor(expected + r.next());
    for (let i = 0; i < count; i += 1) {
      const m = newMessage(minute + r.int(0, MINUTE_MS - 1), r, queueIds);
      let t = m.arrivedAt + r.int(1, 4) * SECOND_MS;
      let wasServerBusy = false;
      for (let attempt = 1; t <= end; attempt += 1) {
        if (wasServerBusy && t >= reversion) {
          backlog.push({ message: m, retryAt: t, attempt });
          break;
        }
        const a = attemptAt(m, attempt, t, tl, r);
        events.push(toEvent(m, a, t, attempt));
        if (a.outcome !== 'deferred') break;
        wasServerBusy ||= a.isServerBusy;
        t += backoffMs(attempt, r);
      }
    }
  }

  // After the reversion the MTA restarts the long-throttled destinations at low concurrency and the backlog
  // competes with new mail, so the queued messages leave over about an hour ("residual delay while queues
  // drained", DOMAIN.md), oldest retry first, each with its whole time in the queue as delay.
  backlog.sort((a, b) => a.retryAt - b.retryAt);
  const drainMs = tl.drainEnd.getTime() - reversion;
  backlog.forEach((b, index) => {
    const t = Math.min(end, Math.max(b.retryAt, reversion + Math.round((index / backlog.length) * drainMs)));
    const reply = deliveredReply(b.message.destination, b.message.messageId, new Date(t), r);
    events.push(toEvent(b.message, { outcome: 'delivered', smtpCode: 250, enhancedCode: '2.6.0', reply, isServerBusy: false }, t, b.attempt));
  });

  events.sort((a, b) => (a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : 0));
  return { events, notes: notesFor(tl) };
}
