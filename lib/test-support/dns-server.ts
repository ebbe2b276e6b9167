import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket from 'dns-packet';
import type { Answer, DecodedPacket, RecordType } from 'dns-packet';

/** One record of the test zone; TXT data longer than 255 bytes is split into strings on the wire. */
export type TestDnsRecord =
  | { type: 'A' | 'AAAA' | 'CNAME' | 'PTR'; data: string }
  | { type: 'TXT'; data: string | string[] }
  | { type: 'MX'; data: { preference: number; exchange: string } };

/** Owner name (without trailing dot, any case) → its records. */
export type TestDnsZone = Record<string, TestDnsRecord[]>;

/** How the server misbehaves for a name: answer REFUSED, SERVFAIL, or drop the query (the client times out). */
export type TestDnsFailure = 'refused' | 'servfail' | 'timeout';

export interface TestDnsServerOptions {
  failures?: Record<string, TestDnsFailure>;
  /** Port for UDP and TCP (default: a free one), for a server the app under test was told about in advance. */
  port?: number;
}

export interface TestDnsQuery {
  name: string;
  type: string;
  transport: 'udp' | 'tcp';
}

export interface TestDnsServer {
  address: string;
  port: number;
  /** `address:port`, ready for `Resolver#setServers`. */
  server: string;
  /** Replaces the records of one name; an empty array removes the name. */
  setRecords(name: string, records: TestDnsRecord[]): void;
  /** Makes the server fail for one name, or behave again with `null`. */
  setFailure(name: string, failure: TestDnsFailure | null): void;
  /** Every question received, in order. */
  queries: TestDnsQuery[];
  close(): Promise<void>;
}

const RCODE_NOERROR = 0;
const RCODE_SERVFAIL = 2;
const RCODE_NXDOMAIN = 3;
const RCODE_REFUSED = 5;
// RFC 1035 §4.2.1: a UDP answer is at most 512 bytes unless the query's EDNS OPT record allows more.
const CLASSIC_UDP_LIMIT = 512;
const MAX_CNAME_CHAIN = 8;
const MAX_TXT_STRING = 255;

function normalizeName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

function splitTxt(text: string): Buffer[] {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length === 0) return [bytes];
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; offset += MAX_TXT_STRING) {
    chunks.push(bytes.subarray(offset, offset + MAX_TXT_STRING));
  }
  return chunks;
}

function toAnswer(name: string, record: TestDnsRecord): Answer {
  // TTL 0 so that no client cache hides a later setRecords().
  switch (record.type) {
    case 'TXT': {
      const strings = Array.isArray(record.data) ? record.data : [record.data];
      return { type: 'TXT', name, ttl: 0, class: 'IN', data: strings.flatMap(splitTxt) };
    }
    case 'MX':
      return { type: 'MX', name, ttl: 0, class: 'IN', data: record.data };
    default:
      return { type: record.type, name, ttl: 0, class: 'IN', data: record.data };
  }
}

/**
 * A real authoritative DNS server on 127.0.0.1 (UDP and TCP on the same random free port) for tests:
 * NXDOMAIN for unknown names, NOERROR with no answers for known names (and their ancestors) without
 * the asked type, CNAME chasing inside the zone, and per-name REFUSED / SERVFAIL / dropped queries.
 */
export async function startTestDnsServer(zone: TestDnsZone, opts: TestDnsServerOptions = {}): Promise<TestDnsServer> {
  const records = new Map<string, TestDnsRecord[]>();
  for (const [name, list] of Object.entries(zone)) records.set(normalizeName(name), list);
  const failures = new Map<string, TestDnsFailure>();
  for (const [name, failure] of Object.entries(opts.failures ?? {})) failures.set(normalizeName(name), failure);
  const queries: TestDnsQuery[] = [];

  function nameExists(name: string): boolean {
    if (records.has(name)) return true;
    const suffix = `.${name}`;
    for (const owner of records.keys()) if (owner.endsWith(suffix)) return true;
    return false;
  }

  function answer(query: DecodedPacket, transport: 'udp' | 'tcp'): Buffer | null {
    const question = query.questions?.[0];
    const base = { type: 'response' as const, id: query.id, questions: query.questions ?? [] };
    const recursionDesired = (query.flags ?? 0) & dnsPacket.RECURSION_DESIRED;
    const flags = (rcode: number) => dnsPacket.AUTHORITATIVE_ANSWER | recursionDesired | rcode;
    if (!question) return dnsPacket.encode({ ...base, flags: flags(RCODE_REFUSED) });
    const qname = normalizeName(question.name);
    queries.push({ name: qname, type: question.type, transport });

    const failure = failures.get(qname);
    if (failure === 'timeout') return null;
    if (failure === 'refused') return dnsPacket.encode({ ...base, flags: flags(RCODE_REFUSED) });
    if (failure === 'servfail') return dnsPacket.encode({ ...base, flags: flags(RCODE_SERVFAIL) });

    const answers: Answer[] = [];
    let current = qname;
    let rcode = RCODE_NOERROR;
    for (let hops = 0; hops <= MAX_CNAME_CHAIN; hops += 1) {
      if (!nameExists(current)) {
        rcode = RCODE_NXDOMAIN;
        break;
      }
      const owned = records.get(current) ?? [];
      const cname = owned.find((r) => r.type === 'CNAME');
      if (cname && question.type !== 'CNAME') {
        answers.push(toAnswer(current, cname));
        current = normalizeName(String(cname.data));
        continue;
      }
      for (const record of owned) {
        if (record.type === (question.type as RecordType)) answers.push(toAnswer(current, record));
      }
      break;
    }
    const encoded = dnsPacket.encode({ ...base, flags: flags(rcode), answers });
    if (transport === 'udp') {
      const opt = query.additionals?.find((a) => a.type === 'OPT');
      const limit = opt && 'udpPayloadSize' in opt ? Math.max(opt.udpPayloadSize, CLASSIC_UDP_LIMIT) : CLASSIC_UDP_LIMIT;
      if (encoded.length > limit) {
        // Too big for this client over UDP: set TC so that it asks again over TCP.
        return dnsPacket.encode({ ...base, flags: flags(rcode) | dnsPacket.TRUNCATED_RESPONSE });
      }
    }
    return encoded;
  }

  function decode(buf: Buffer): DecodedPacket | null {
    try {
      return dnsPacket.decode(buf);
    } catch {
      return null;
    }
  }

  function createUdp(): dgram.Socket {
    const socket = dgram.createSocket('udp4');
    socket.on('message', (msg, rinfo) => {
      const query = decode(msg);
      const reply = query ? answer(query, 'udp') : null;
      if (reply) socket.send(reply, rinfo.port, rinfo.address);
    });
    return socket;
  }

  const sockets = new Set<net.Socket>();
  const tcp = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      // RFC 1035 §4.2.2: each TCP message is prefixed with its two-byte length.
      while (pending.length >= 2) {
        const length = pending.readUInt16BE(0);
        if (pending.length < 2 + length) break;
        const query = decode(pending.subarray(2, 2 + length));
        pending = pending.subarray(2 + length);
        const reply = query ? answer(query, 'tcp') : null;
        if (reply) {
          const prefix = Buffer.alloc(2);
          prefix.writeUInt16BE(reply.length);
          socket.write(Buffer.concat([prefix, reply]));
        }
      }
    });
  });

  const { udp, port } = await bindBoth(createUdp, tcp, opts.port ?? 0);
  const address = '127.0.0.1';
  return {
    address,
    port,
    server: `${address}:${port}`,
    queries,
    setRecords(name, list) {
      if (list.length === 0) records.delete(normalizeName(name));
      else records.set(normalizeName(name), list);
    },
    setFailure(name, failure) {
      if (failure === null) failures.delete(normalizeName(name));
      else failures.set(normalizeName(name), failure);
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await Promise.all([
        new Promise<void>((resolve) => udp.close(() => resolve())),
        new Promise<void>((resolve) => tcp.close(() => resolve())),
      ]);
    },
  };
}

/** Binds UDP on a free port, then TCP on the same port; retries when TCP finds that port taken. */
async function bindBoth(createUdp: () => dgram.Socket, tcp: net.Server, fixedPort: number): Promise<{ udp: dgram.Socket; port: number }> {
  const MAX_ATTEMPTS = fixedPort === 0 ? 20 : 1;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const udp = createUdp();
    const port = await new Promise<number>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(fixedPort, '127.0.0.1', () => {
        udp.off('error', reject);
        resolve(udp.address().port);
      });
    });
    const isListening = await new Promise<boolean>((resolve) => {
      const onError = () => resolve(false);
      tcp.once('error', onError);
      tcp.listen(port, '127.0.0.1', () => {
        tcp.off('error', onError);
        resolve(true);
      });
    });
    if (isListening) return { udp, port };
    await new Promise<void>((resolve) => udp.close(() => resolve()));
  }
  throw new Error(fixedPort === 0 ? `no free port for both UDP and TCP after ${MAX_ATTEMPTS} attempts` : `port ${fixedPort} is taken (UDP or TCP)`);
}
