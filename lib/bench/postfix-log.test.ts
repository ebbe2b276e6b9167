import fc from 'fast-check';
import { expect, test } from 'vitest';
import { enrichEvent } from '@/lib/ingest/enrich';
import { postfixFormat } from '@/lib/ingest/formats/postfix';
import type { ParseContext, ParsedEvent } from '@/lib/ingest/types';
import { createRng, generatePostfixLog, s77714Episode, senders, type PostfixLogOptions } from './postfix-log';

const ctx: ParseContext = { now: new Date('2024-01-01T00:00:00Z'), utcOffsetMinutes: 0 };

function generate(opts: PostfixLogOptions): { text: string; lines: number; deliveryLines: number; chunks: number } {
  let text = '';
  let lines = 0;
  let deliveryLines = 0;
  let chunks = 0;
  for (const chunk of generatePostfixLog(opts)) {
    text += chunk.data.toString('latin1');
    lines += chunk.lines;
    deliveryLines += chunk.deliveryLines;
    chunks += 1;
  }
  return { text, lines, deliveryLines, chunks };
}

function parseAll(text: string): { events: ParsedEvent[]; rejects: string[] } {
  const parser = postfixFormat.createParser(ctx);
  const events: ParsedEvent[] = [];
  const rejects: string[] = [];
  const lines = text.split('\n');
  lines.pop();
  lines.forEach((line, i) => {
    for (const out of parser.push(line, i + 1)) {
      if (out.kind === 'event') events.push(out.event);
      else rejects.push(`${out.line}: ${out.reason}`);
    }
  });
  return { events, rejects };
}

// 60 000 lines over a day put about 4 000 lines, 1 000 of them delivery attempts, in the 90-minute episode.
const sample = generate({ totalLines: 60_000, chunkLines: 14_000, seed: 42 });
const parsed = parseAll(sample.text);
const normalized = parsed.events.map(enrichEvent);

test('exactly the requested lines, in chunks of the requested size, each ending in a newline', () => {
  expect(sample.lines).toBe(60_000);
  expect(sample.chunks).toBe(5);
  expect(sample.text.split('\n')).toHaveLength(60_001);
  expect(sample.text.endsWith('\n')).toBe(true);
});

test('every smtp status line parses as one event with the real Postfix parser; cleanup and qmgr lines are context', () => {
  expect(parsed.rejects).toEqual([]);
  expect(parsed.events).toHaveLength(sample.deliveryLines);
  const count = (re: RegExp) => (sample.text.match(re) ?? []).length;
  const cleanup = count(/\/cleanup\[\d+\]: [0-9A-F]{10}: message-id=<[0-9A-F]{16}@[a-z.]+>\n/g);
  const from = count(/\/qmgr\[\d+\]: [0-9A-F]{10}: from=<[^>]+>, size=\d+, nrcpt=1 \(queue active\)\n/g);
  const removed = count(/\/qmgr\[\d+\]: [0-9A-F]{10}: removed\n/g);
  expect(cleanup + from + removed + sample.deliveryLines).toBe(sample.lines);
  // qmgr activates each message right after cleanup; the last message of the log may have lost its from= line.
  expect(cleanup - from).toBeGreaterThanOrEqual(0);
  expect(cleanup - from).toBeLessThanOrEqual(1);
  // Most messages are delivered or bounced at once and leave the queue; deferred ones stay longer.
  expect(removed).toBeGreaterThan(cleanup * 0.9);
  expect(removed).toBeLessThanOrEqual(cleanup);
});

test('each message\'s lines come in Postfix\'s order: cleanup, qmgr from=, its attempts, then removed after the last one', () => {
  const order = new Map<string, string[]>();
  for (const line of sample.text.split('\n').slice(0, -1)) {
    const m = /\/(cleanup|qmgr|smtp)\[\d+\]: ([0-9A-F]{10}): (message-id|from|to=<[^>]*>, .*status=(\w+)|removed)/.exec(line);
    if (!m) throw new Error(`unexpected line: ${line}`);
    const step = m[3] === 'message-id' ? 'cleanup' : m[3] === 'from' ? 'from' : m[3] === 'removed' ? 'removed' : (m[4] as string);
    order.set(m[2] as string, [...(order.get(m[2] as string) ?? []), step]);
  }
  for (const steps of order.values()) expect(steps.join(' ')).toMatch(/^cleanup( from( deferred)*( (sent|bounced) removed)?)?$/);
  // Delivery lines in the batch of their message's cleanup line carry its Message-ID.
  expect(parsed.events.filter((e) => e.messageId !== null).length).toBeGreaterThan(parsed.events.length * 0.9);
});

test('RFC 3339 timestamps, in order, within the one day', () => {
  const stamps = sample.text.split('\n').slice(0, -1).map((line) => line.slice(0, 32));
  for (const s of stamps) expect(s).toMatch(/^2023-10-11T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/);
  expect([...stamps].sort()).toEqual(stamps);
  expect(stamps[0]! < '2023-10-11T00:10').toBe(true);
  expect(stamps.at(-1)! > '2023-10-11T23:00').toBe(true);
});

test('the S77714 lines classify as microsoft.server-busy, from the 2 episode IPs, only inside the 90-minute window', () => {
  const busy = normalized.filter((e) => e.providerToken === 'S77714');
  expect(busy.length).toBeGreaterThan(30);
  const start = Date.parse('2023-10-11T00:00:00Z') + s77714Episode.startMinute * 60_000;
  const end = start + s77714Episode.durationMinutes * 60_000;
  for (const e of busy) {
    expect(e).toMatchObject({ kbRule: 'microsoft.server-busy', outcome: 'deferred', provider: 'microsoft-365', enhancedCode: '4.7.500', smtpCode: 451, category: 'throttling' });
    expect(s77714Episode.ips).toContain(e.sendingIp);
    expect(e.providerHost).toMatch(/^[A-Z0-9]+NAM\d\dFT\d{3}\.eop-nam\d\d\.prod\.protection\.outlook\.com$/);
    expect(e.occurredAt.getTime()).toBeGreaterThanOrEqual(start);
    expect(e.occurredAt.getTime()).toBeLessThan(end);
  }
  expect(new Set(busy.map((e) => e.sendingIp)).size).toBe(2);
  // Microsoft 365 mail from the two IPs during the window is all deferred; afterwards it is delivered again.
  const episodeM365 = normalized.filter((e) => e.provider === 'microsoft-365' && s77714Episode.ips.includes(e.sendingIp ?? '') && e.occurredAt.getTime() >= start && e.occurredAt.getTime() < end);
  expect(episodeM365.every((e) => e.providerToken === 'S77714')).toBe(true);
});

test('providers, outcomes and the other deferral families are all present and recognised', () => {
  const count = (pred: (e: (typeof normalized)[number]) => boolean) => normalized.filter(pred).length;
  for (const provider of ['microsoft-365', 'microsoft-consumer', 'google', 'yahoo', 'other']) expect(count((e) => e.provider === provider)).toBeGreaterThan(100);
  expect(count((e) => e.outcome === 'delivered')).toBeGreaterThan(normalized.length * 0.9);
  expect(count((e) => e.kbRule === 'google.rate-limit')).toBeGreaterThan(5);
  expect(count((e) => e.kbRule === 'yahoo.tss04')).toBeGreaterThan(5);
  expect(count((e) => e.outcome === 'bounced' && e.enhancedCode === '5.1.1')).toBeGreaterThan(20);
  expect(count((e) => e.outcome === 'deferred' && e.provider === 'microsoft-consumer' && /^4\.7\.65[01]$/.test(e.enhancedCode ?? ''))).toBeGreaterThan(0);
});

test('all eight sending IPs are named in Microsoft replies', () => {
  const big = generate({ totalLines: 200_000, chunkLines: 200_000, seed: 7 });
  const named = new Set(big.text.match(/(?:from|The mail server) \[(\d+\.\d+\.\d+\.\d+)\]/g)?.map((m) => m.replace(/^.*\[|\]$/g, '')));
  expect([...named].sort()).toEqual(senders.map((s) => s.ip).sort());
});

test('queue ids are unique per message and no two events share a dedupe key', () => {
  const queueIds = sample.text.match(/cleanup\[\d+\]: ([0-9A-F]{10}):/g) ?? [];
  expect(new Set(queueIds).size).toBe(queueIds.length);
  const keys = new Set(normalized.map((e) => e.dedupeKey.toString('hex')));
  expect(keys.size).toBe(normalized.length);
  // Retries exist: some queue ids have several attempts.
  const attempts = new Map<string, number>();
  for (const e of parsed.events) attempts.set(e.queueId ?? '', (attempts.get(e.queueId ?? '') ?? 0) + 1);
  expect([...attempts.values()].some((n) => n >= 3)).toBe(true);
});

test('deterministic: the same seed gives the same log whatever the chunk size; another seed another log', () => {
  const a = generate({ totalLines: 5_000, chunkLines: 5_000, seed: 3 });
  const b = generate({ totalLines: 5_000, chunkLines: 333, seed: 3 });
  const c = generate({ totalLines: 5_000, chunkLines: 5_000, seed: 4 });
  expect(b.text).toBe(a.text);
  expect(b.deliveryLines).toBe(a.deliveryLines);
  expect(c.text).not.toBe(a.text);
});

test('createRng: deterministic floats in [0, 1)', () => {
  const a = createRng(99);
  const b = createRng(99);
  const xs = Array.from({ length: 1000 }, () => a());
  expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
  expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  expect(new Set(xs).size).toBe(1000);
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  expect(Math.abs(mean - 0.5)).toBeLessThan(0.05);
});

test('property: any seed, size and chunking gives exactly that many lines, all parsing without a reject', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 600 }), fc.integer({ min: 1, max: 700 }), (seed, totalLines, chunkLines) => {
      const g = generate({ totalLines, chunkLines, seed });
      const p = parseAll(g.text);
      expect(g.lines).toBe(totalLines);
      expect(g.text.split('\n')).toHaveLength(totalLines + 1);
      expect(p.rejects).toEqual([]);
      expect(p.events).toHaveLength(g.deliveryLines);
    }),
    { numRuns: 60 },
  );
});

test('bad options are refused', () => {
  expect(() => generatePostfixLog({ totalLines: -1, chunkLines: 10 }).next()).toThrow(RangeError);
  expect(() => generatePostfixLog({ totalLines: 10, chunkLines: 0 }).next()).toThrow(RangeError);
  expect(() => generatePostfixLog({ totalLines: 10, chunkLines: 10, day: 'yesterday' }).next()).toThrow(RangeError);
});
