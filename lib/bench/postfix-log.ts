/**
 * A deterministic generator of realistic Postfix syslog for load tests: one UTC day of outbound mail
 * from 2 hosts × 4 Postfix instances (one sending IP each), each message's cleanup `message-id=`, qmgr `from=`,
 * smtp `status=` and qmgr `removed` lines interleaved with other messages' lines as Postfix writes them, retries on Postfix's backoff schedule, and the S77714 "Server busy" episode of the
 * 11 October 2023 Microsoft 365 incident (DOMAIN.md) on two of the eight IPs for 90 minutes.
 * Reply texts follow real replies quoted in corpus/responses and corpus/postfix. Pure: no I/O.
 */

/** A seeded PRNG: sfc32 (Chris Doty-Humphrey's PractRand "small fast counter"), seeded through splitmix32. Floats in [0, 1). */
export function createRng(seed: number): () => number {
  let s = seed >>> 0;
  const splitmix = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  return () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

export interface PostfixLogOptions {
  /** Lines to produce in all: smtp `status=` lines plus qmgr `from=` context lines. */
  totalLines: number;
  /** Lines per chunk yielded (the last chunk may be shorter). */
  chunkLines: number;
  seed?: number;
  /** The UTC day the log covers, `YYYY-MM-DD`. Default: the day of the model incident. */
  day?: string;
}

export interface PostfixLogChunk {
  /** Log text (ASCII), every line ending in `\n`. */
  data: Buffer<ArrayBuffer>;
  lines: number;
  /** smtp `status=` lines: each is one delivery attempt, i.e. one event. */
  deliveryLines: number;
}

export interface Sender {
  host: string;
  /** Postfix multi-instance name (the syslog tag is `<instance>/smtp`). */
  instance: string;
  ip: string;
}

/** 2 hosts × 4 Postfix instances, each bound to its own sending IP (documentation ranges, RFC 5737). */
export const senders: readonly Sender[] = ['mx1', 'mx2'].flatMap((host, h) =>
  [1, 2, 3, 4].map((n) => ({ host, instance: `postfix-out${n}`, ip: h === 0 ? `203.0.113.${10 + n}` : `198.51.100.${20 + n}` })),
);

/** Microsoft 365 answers 451 4.7.500 (S77714) to every attempt from these IPs during the episode. */
export const s77714Episode: { ips: readonly string[]; startMinute: number; durationMinutes: number } = {
  ips: ['203.0.113.12', '198.51.100.23'],
  startMinute: 2 * 60,
  durationMinutes: 90,
};

export type DestinationKind = 'microsoft-365' | 'outlook' | 'gmail' | 'google-workspace' | 'yahoo' | 'other';

interface Destination {
  kind: DestinationKind;
  domain: string;
  mx: string;
  mxIps: readonly string[];
}

/** Share of messages per destination kind, in percent. */
const kindWeights: ReadonlyArray<[DestinationKind, number]> = [
  ['gmail', 25], ['google-workspace', 10], ['microsoft-365', 20], ['outlook', 15], ['yahoo', 12], ['other', 18],
];

/** Microsoft's fictitious company names (docs), used for custom recipient domains under the reserved `.example` TLD. */
const companyWords = ['contoso', 'fabrikam', 'northwind', 'adatum', 'litware', 'tailspin', 'woodgrove', 'wingtip', 'proseware', 'lucerne', 'relecloud', 'treyresearch'];
const firstNames = ['alex', 'maria', 'john', 'li', 'fatima', 'noah', 'emma', 'ivan', 'sara', 'omar', 'julia', 'kenji'];
const lastNames = ['smith', 'garcia', 'chen', 'muller', 'rossi', 'khan', 'novak', 'silva', 'jensen', 'okafor'];
const senderAddresses = ['newsletter@news.shop.example', 'no-reply@accounts.shop.example', 'alerts@notify.shop.example'];

const DAY_MS = 24 * 3600 * 1000;
/** Postfix's default minimal_backoff_time 300s and maximal_backoff_time 4000s, queue_run_delay 300s (postconf(5)). */
const MIN_BACKOFF_S = 300;
const MAX_BACKOFF_S = 4000;
const QUEUE_RUN_DELAY_S = 300;
/** First-attempt odds, in [0, 1): 1.2 % hard bounces (unknown recipient), then the provider's own deferrals. */
const BOUNCE_RATE = 0.012;
const deferralRate: Record<DestinationKind, number> = {
  gmail: 0.01, 'google-workspace': 0.01, 'microsoft-365': 0.004, outlook: 0.004, yahoo: 0.03, other: 0.01,
};
/** A deferred message (outside the episode) is delivered at its next attempt with this probability. */
const RETRY_SUCCESS = 0.7;
/** Offsets message numbers before mixing, so the first message does not get queue id …00000000. */
const QUEUE_ID_SALT = 0x5bd1e995;

type Deferral = 's77714' | 'ms-rate-limit' | 'gmail-4.7.28' | 'yahoo-tss04' | 'greylist';

interface Message {
  queueId: string;
  sender: Sender;
  smtpPid: number;
  dest: Destination;
  recipient: string;
  messageId: string;
  sizeBytes: number;
  arrivedAt: number;
  attempts: number;
  deferral: Deferral | null;
}

const hexPairs = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0'));

/** `count` random upper-case hex digits. */
function hex(rng: () => number, count: number): string {
  let out = '';
  while (out.length < count) {
    const v = Math.floor(rng() * 0x100000000);
    out += (hexPairs[v >>> 24] as string) + (hexPairs[(v >>> 16) & 0xff] as string) + (hexPairs[(v >>> 8) & 0xff] as string) + (hexPairs[v & 0xff] as string);
  }
  return out.length === count ? out : out.slice(0, count);
}

function digits(rng: () => number, n: number): string {
  let out = '';
  for (let i = 0; i < n; i += 1) out += Math.floor(rng() * 10);
  return out;
}

function pick<T>(rng: () => number, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)] as T;
}

/** A bijective 32-bit mix (the murmur3 finaliser), so message numbers map to distinct, random-looking queue ids. */
function mix32(n: number): number {
  let z = n >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

function buildDestinations(rng: () => number): Map<DestinationKind, Destination[]> {
  const ips = (prefix: string, count: number) => Array.from({ length: count }, () => `${prefix}.${Math.floor(rng() * 254) + 1}`);
  const custom = (count: number, make: (domain: string) => Omit<Destination, 'domain' | 'kind'>, kind: DestinationKind) =>
    Array.from({ length: count }, (_, i) => {
      const domain = `${companyWords[i % companyWords.length]}${Math.floor(i / companyWords.length) + 1}.example`;
      return { kind, domain, ...make(domain) };
    });
  return new Map<DestinationKind, Destination[]>([
    ['gmail', [{ kind: 'gmail', domain: 'gmail.com', mx: 'gmail-smtp-in.l.google.com', mxIps: ips('142.250.102', 6) }]],
    ['google-workspace', custom(60, () => ({ mx: 'aspmx.l.google.com', mxIps: ips('142.251.9', 4) }), 'google-workspace')],
    ['microsoft-365', custom(240, (d) => ({ mx: `${d.replace(/\./g, '-')}.mail.protection.outlook.com`, mxIps: ips('52.101.41', 3) }), 'microsoft-365')],
    ['outlook', ['outlook.com', 'hotmail.com', 'live.com'].map((domain) => ({
      kind: 'outlook' as const, domain, mx: `${domain.replace(/\./g, '-')}.olc.protection.outlook.com`, mxIps: ips('104.47.57', 4),
    }))],
    ['yahoo', ['yahoo.com', 'aol.com', 'ymail.com'].map((domain) => ({ kind: 'yahoo' as const, domain, mx: 'mta5.am0.yahoodns.net', mxIps: ips('67.195.204', 4) }))],
    ['other', custom(300, (d) => ({ mx: `mx.${d}`, mxIps: ips('198.51.100', 1) }), 'other')],
  ]);
}

/** Seconds as Postfix prints delays: whole seconds from 10 s, one decimal from 1 s, else two (`delays=0.02/0/0.43/0.58`). */
function seconds(s: number): string {
  if (s >= 10) return String(Math.round(s));
  if (s >= 1) return String(Math.round(s * 10) / 10);
  return String(Math.round(s * 100) / 100);
}

/**
 * Collects a chunk's lines as bytes. Each line is written (and so flattened) as soon as it is made and
 * dies young; keeping 50 000 template-built strings until a join promotes them and doubles the run time in GC.
 */
class ChunkWriter {
  private buf: Buffer;
  private length = 0;

  constructor(expectedLines: number) {
    this.buf = Buffer.allocUnsafe(expectedLines * 256);
  }

  write(line: string): void {
    if (this.length + line.length > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + line.length));
      this.buf.copy(bigger, 0, 0, this.length);
      this.buf = bigger;
    }
    this.length += this.buf.write(line, this.length, 'latin1');
  }

  /** The bytes written so far, in a buffer of their own; the writer starts over. */
  take(): Buffer<ArrayBuffer> {
    const data = Buffer.from(this.buf.subarray(0, this.length));
    this.length = 0;
    return data;
  }
}

/** A min-heap of pending attempts ordered by time. */
class AttemptHeap {
  private readonly at: number[] = [];
  private readonly items: Message[] = [];

  get size(): number {
    return this.at.length;
  }

  peekAt(): number {
    return this.at[0] ?? Infinity;
  }

  push(at: number, item: Message): void {
    let i = this.at.length;
    this.at.push(at);
    this.items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((this.at[parent] as number) <= at) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): { at: number; item: Message } | null {
    if (this.at.length === 0) return null;
    const top = { at: this.at[0] as number, item: this.items[0] as Message };
    const lastAt = this.at.pop() as number;
    const lastItem = this.items.pop() as Message;
    if (this.at.length > 0) {
      this.at[0] = lastAt;
      this.items[0] = lastItem;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.at.length && (this.at[l] as number) < (this.at[m] as number)) m = l;
        if (r < this.at.length && (this.at[r] as number) < (this.at[m] as number)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }

  private swap(i: number, j: number): void {
    const at = this.at[i] as number;
    this.at[i] = this.at[j] as number;
    this.at[j] = at;
    const item = this.items[i] as Message;
    this.items[i] = this.items[j] as Message;
    this.items[j] = item;
  }
}

/**
 * Yields the log in chunks of `chunkLines` lines, time-ordered over one day, exactly `totalLines` in all.
 * The same options give the same text; chunking does not change the text. Every message has its own
 * queue id and every attempt its own time, so no event is a duplicate of another.
 */
export function* generatePostfixLog(opts: PostfixLogOptions): Generator<PostfixLogChunk> {
  const { totalLines, chunkLines } = opts;
  if (!Number.isInteger(totalLines) || totalLines < 0) throw new RangeError('totalLines must be a non-negative integer');
  if (!Number.isInteger(chunkLines) || chunkLines < 1) throw new RangeError('chunkLines must be a positive integer');
  const dayStart = Date.parse(`${opts.day ?? '2023-10-11'}T00:00:00Z`);
  if (Number.isNaN(dayStart)) throw new RangeError('day must be YYYY-MM-DD');
  const rng = createRng(opts.seed ?? 1);
  const destinations = buildDestinations(rng);
  const kindTotal = kindWeights.reduce((sum, [, w]) => sum + w, 0);
  const episodeStart = dayStart + s77714Episode.startMinute * 60_000;
  const episodeEnd = episodeStart + s77714Episode.durationMinutes * 60_000;
  const episodeIps = new Set<string>(s77714Episode.ips);
  const qmgrPids = senders.map(() => 1000 + Math.floor(rng() * 30000));
  const cleanupPids = senders.map(() => 1000 + Math.floor(rng() * 30000));
  const smtpPids = senders.map(() => Array.from({ length: 6 }, () => 2000 + Math.floor(rng() * 60000)));
  const spacingMs = DAY_MS / Math.max(totalLines, 1);

  let secondKey = NaN;
  let secondText = '';
  const stamp = (t: number): string => {
    const second = Math.floor(t / 1000);
    if (second !== secondKey) {
      secondKey = second;
      secondText = new Date(second * 1000).toISOString().slice(0, 19);
    }
    return `${secondText}.${String(Math.floor((t - second * 1000) * 1000)).padStart(6, '0')}+00:00`;
  };

  const pickDestination = (): Destination => {
    let r = rng() * kindTotal;
    let kind: DestinationKind = 'other';
    for (const [k, w] of kindWeights) {
      if (r < w) {
        kind = k;
        break;
      }
      r -= w;
    }
    const list = destinations.get(kind) ?? [];
    // Squaring skews popularity towards the first domains, as real recipient lists are.
    const u = rng();
    return list[Math.floor(u * u * list.length)] as Destination;
  };

  let messages = 0;
  const newMessage = (at: number): Message => {
    const s = Math.floor(rng() * senders.length);
    const dest = pickDestination();
    const n = messages;
    messages += 1;
    return {
      // Two hex digits naming the instance, then eight unique to the message: 10 hex digits like Postfix's short queue ids.
      queueId: `${((s + 1) * 17).toString(16).toUpperCase()}${mix32(n + QUEUE_ID_SALT).toString(16).toUpperCase().padStart(8, '0')}`,
      sender: senders[s] as Sender,
      smtpPid: pick(rng, smtpPids[s] as number[]),
      dest,
      recipient: `${pick(rng, firstNames)}.${pick(rng, lastNames)}${Math.floor(rng() * 1000)}@${dest.domain}`,
      messageId: `${hex(rng, 16)}@${pick(rng, senderAddresses).split('@')[1]}`,
      sizeBytes: 4000 + Math.floor(rng() * 60000),
      arrivedAt: at,
      attempts: 0,
      deferral: null,
    };
  };

  const cleanupLine = (t: number, m: Message): string =>
    `${stamp(t)} ${m.sender.host} ${m.sender.instance}/cleanup[${cleanupPids[senders.indexOf(m.sender)]}]: ${m.queueId}: message-id=<${m.messageId}>\n`;

  const removedLine = (t: number, m: Message): string =>
    `${stamp(t)} ${m.sender.host} ${m.sender.instance}/qmgr[${qmgrPids[senders.indexOf(m.sender)]}]: ${m.queueId}: removed\n`;

  const qmgrLine = (t: number, m: Message): string =>
    `${stamp(t)} ${m.sender.host} ${m.sender.instance}/qmgr[${qmgrPids[senders.indexOf(m.sender)]}]: ${m.queueId}: from=<${pick(rng, senderAddresses)}>, size=${m.sizeBytes}, nrcpt=1 (queue active)\n`;

  const sentReply = (t: number, m: Message): string => {
    switch (m.dest.kind) {
      case 'gmail':
      case 'google-workspace':
        return `250 2.0.0 OK  ${Math.floor(t / 1000)} ${pick(rng, ['a', 'd', 'k', 'z'])}${Math.floor(rng() * 99)}si${digits(rng, 7)}${pick(rng, ['wrp', 'ejb', 'qtq', 'pfb'])}.${Math.floor(rng() * 999)} - gsmtp`;
      case 'microsoft-365':
      case 'outlook': {
        const kb = (m.sizeBytes / 1024 / (0.05 + rng() * 0.4)).toFixed(3);
        const tail = m.dest.kind === 'outlook' ? ' -> 250 2.1.5' : '';
        return `250 2.6.0 <${m.messageId}> [InternalId=${digits(rng, 13)}, Hostname=${pick(rng, ['DM6PR12MB', 'SA1PR11MB', 'BN9PR02MB', 'CH3PR19MB'])}${digits(rng, 4)}.namprd${pick(rng, ['12', '11', '02', '19'])}.prod.outlook.com] ${m.sizeBytes} bytes in ${(rng() * 0.4 + 0.05).toFixed(3)}, ${kb} KB/sec Queued mail for delivery${tail}`;
      }
      case 'yahoo':
        return '250 ok dirdel';
      case 'other':
        return `250 2.0.0 Ok: queued as ${hex(rng, 10)}`;
    }
  };

  const microsoftFrontEnd = (t: number): string => {
    const n = Math.floor(rng() * 4);
    const region = ['MW2NAM12FT', 'BN8NAM12FT', 'DM6NAM11FT', 'CO1NAM11FT'][n];
    const pod = ['eop-nam12', 'eop-nam12', 'eop-nam11', 'eop-nam11'][n];
    return `[${region}${digits(rng, 3)}.${pod}.prod.protection.outlook.com ${new Date(Math.floor(t)).toISOString()} 08DB${hex(rng, 12)}]`;
  };

  const deferralReply = (t: number, m: Message, relay: string, kind: Deferral): { dsn: string; detail: string } => {
    const ip = m.sender.ip;
    switch (kind) {
      case 's77714':
        // The reply of the 11 October 2023 incident (DOMAIN.md).
        return { dsn: '4.7.500', detail: `host ${relay} said: 451 4.7.500 Server busy. Please try again later from [${ip}]. (S77714) ${microsoftFrontEnd(t)} (in reply to RCPT TO command)` };
      case 'ms-rate-limit': {
        // corpus/postfix Mailu #3013 (4.7.651, S844) and corpus/responses (4.7.650, S775).
        const [code, token] = rng() < 0.5 ? ['4.7.650', 'S775'] : ['4.7.651', 'S844'];
        return {
          dsn: code,
          detail: `host ${relay} said: 451 ${code} The mail server [${ip}] has been temporarily rate limited due to IP reputation. For e-mail delivery information, see https://postmaster.live.com (${token}) ${microsoftFrontEnd(t)} (in reply to RCPT TO command)`,
        };
      }
      case 'gmail-4.7.28':
        // Gmail's multi-line 421-4.7.28 as Postfix joins it (corpus/responses, smtp-field-manual 421.json).
        return {
          dsn: '4.7.28',
          detail: `host ${relay} said: 421-4.7.28 [${ip}      15] Our system has detected an unusual rate of 421-4.7.28 unsolicited mail originating from your IP address. To protect our 421-4.7.28 users from spam, mail sent from your IP address has been temporarily 421-4.7.28 rate limited. Please visit 421-4.7.28  https://support.google.com/mail/?p=UnsolicitedRateLimitError to 421 4.7.28 review our Bulk Email Senders Guidelines. ${pick(rng, ['a', 'd', 'k'])}${digits(rng, 2)}si${digits(rng, 7)}wrp.${Math.floor(rng() * 999)} - gsmtp (in reply to end of DATA command)`,
        };
      case 'yahoo-tss04':
        // Yahoo refuses at the greeting (corpus/postfix Mailu #1458, corpus/responses).
        return {
          dsn: '4.7.0',
          detail: `host ${relay} refused to talk to me: 421 4.7.0 [TSS04] Messages from ${ip} temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes`,
        };
      case 'greylist':
        return {
          dsn: '4.2.0',
          detail: `host ${relay} said: 450 4.2.0 <${m.recipient}>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/${m.dest.domain}.html (in reply to RCPT TO command)`,
        };
    }
  };

  const bounceReply = (m: Message, relay: string): { dsn: string; detail: string } => {
    switch (m.dest.kind) {
      case 'gmail':
      case 'google-workspace':
        return {
          dsn: '5.1.1',
          detail: `host ${relay} said: 550-5.1.1 The email account that you tried to reach does not exist. Please try 550-5.1.1 double-checking the recipient's email address for typos or 550-5.1.1 unnecessary spaces. For more information, go to 550 5.1.1  https://support.google.com/mail/?p=NoSuchUser a${digits(rng, 2)}si${digits(rng, 7)}ejb.${Math.floor(rng() * 999)} - gsmtp (in reply to RCPT TO command)`,
        };
      case 'microsoft-365':
        return { dsn: '5.1.10', detail: `host ${relay} said: 550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient ${m.recipient} not found by SMTP address lookup (in reply to RCPT TO command)` };
      case 'outlook':
        return { dsn: '5.5.0', detail: `host ${relay} said: 550 5.5.0 Requested action not taken: mailbox unavailable (S2017062302) ${microsoftFrontEnd(m.arrivedAt)} (in reply to RCPT TO command)` };
      case 'yahoo':
      case 'other':
        return { dsn: '5.1.1', detail: `host ${relay} said: 550 5.1.1 <${m.recipient}>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command)` };
    }
  };

  const firstDeferral = (m: Message): Deferral => {
    switch (m.dest.kind) {
      case 'gmail':
      case 'google-workspace':
        return 'gmail-4.7.28';
      case 'microsoft-365':
      case 'outlook':
        return 'ms-rate-limit';
      case 'yahoo':
        return 'yahoo-tss04';
      case 'other':
        return 'greylist';
    }
  };

  /** Lines Postfix writes right after the one just written, at the same time: qmgr `from=` after cleanup, `removed` after the last attempt. */
  const follow: string[] = [];

  /** One smtp status line; schedules the next attempt after a deferral, or has `removed` follow the last one. */
  const attemptLine = (t: number, m: Message, heap: AttemptHeap): string => {
    m.attempts += 1;
    const relay = `${m.dest.mx}[${pick(rng, m.dest.mxIps)}]`;
    const inEpisode = m.dest.kind === 'microsoft-365' && episodeIps.has(m.sender.ip) && t >= episodeStart && t < episodeEnd;
    let status: 'sent' | 'deferred' | 'bounced' = 'sent';
    let dsn = '2.0.0';
    let detail = '';
    let deferral: Deferral | null = null;
    if (inEpisode) deferral = 's77714';
    else if (m.attempts === 1) {
      const r = rng();
      if (r < BOUNCE_RATE) status = 'bounced';
      else if (r < BOUNCE_RATE + deferralRate[m.dest.kind]) deferral = firstDeferral(m);
    } else if (m.deferral !== null && m.deferral !== 's77714' && rng() >= RETRY_SUCCESS) deferral = m.deferral;
    if (deferral !== null) {
      status = 'deferred';
      ({ dsn, detail } = deferralReply(t, m, relay, deferral));
      m.deferral = deferral;
      const backoff = Math.min(MIN_BACKOFF_S * 2 ** (m.attempts - 1), MAX_BACKOFF_S) + rng() * QUEUE_RUN_DELAY_S;
      heap.push(t + backoff * 1000, m);
    } else if (status === 'bounced') ({ dsn, detail } = bounceReply(m, relay));
    else {
      dsn = m.dest.kind === 'microsoft-365' || m.dest.kind === 'outlook' ? '2.6.0' : '2.0.0';
      detail = sentReply(t, m);
    }
    // Delivered or bounced, the message leaves the queue: qmgr logs `removed` right after the status line.
    if (deferral === null) follow.push(removedLine(t, m));
    // delays=a/b/c/d: before the active queue, in it, connection setup, transmission; they add up to delay.
    const delay = (t - m.arrivedAt) / 1000;
    const connect = Math.min(0.05 + rng() * 0.4, delay * 0.4);
    const transfer = status === 'sent' ? Math.min(0.1 + rng() * 0.9, delay * 0.5) : 0;
    const active = rng() < 0.5 ? 0 : Math.min(0.01, delay * 0.05);
    const queued = Math.max(0, delay - connect - transfer - active);
    return `${stamp(t)} ${m.sender.host} ${m.sender.instance}/smtp[${m.smtpPid}]: ${m.queueId}: to=<${m.recipient}>, relay=${relay}:25, delay=${seconds(delay)}, delays=${seconds(queued)}/${seconds(active)}/${seconds(connect)}/${seconds(transfer)}, dsn=${dsn}, status=${status} (${detail})\n`;
  };

  const heap = new AttemptHeap();
  let emitted = 0;
  let clock = dayStart;
  const nextArrival = () => Math.max(clock, dayStart + (emitted + rng()) * spacingMs);
  let arrivalAt = nextArrival();
  const out = new ChunkWriter(chunkLines);
  let lines = 0;
  let deliveryLines = 0;
  while (emitted < totalLines) {
    const followed = follow.shift();
    if (followed !== undefined) out.write(followed);
    else if (heap.peekAt() <= arrivalAt) {
      const next = heap.pop() as { at: number; item: Message };
      clock = next.at;
      out.write(attemptLine(next.at, next.item, heap));
      deliveryLines += 1;
    } else {
      clock = arrivalAt;
      const m = newMessage(arrivalAt);
      out.write(cleanupLine(arrivalAt, m));
      follow.push(qmgrLine(arrivalAt, m));
      // The smtp agent picks the message up within a few seconds of qmgr activating it.
      heap.push(arrivalAt + 200 + rng() * 2800, m);
      arrivalAt = nextArrival();
    }
    emitted += 1;
    lines += 1;
    if (lines === chunkLines) {
      yield { data: out.take(), lines, deliveryLines };
      lines = 0;
      deliveryLines = 0;
    }
  }
  if (lines > 0) yield { data: out.take(), lines, deliveryLines };
}
