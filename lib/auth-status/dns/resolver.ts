import { Resolver } from 'node:dns/promises';

/**
 * The outcome of one DNS query. `nxdomain` and `nodata` are the RFC 7208 §4.6.4 "void lookups";
 * `temperror` covers SERVFAIL, REFUSED, timeouts and unreachable servers (RFC 7208 §2.6.6);
 * `badname` is a name the resolver refuses to send (empty or over-long labels).
 */
export type DnsResult<T> =
  | { status: 'ok'; records: T[] }
  | { status: 'nxdomain' }
  | { status: 'nodata' }
  | { status: 'badname' }
  | { status: 'temperror'; reason: 'servfail' | 'refused' | 'timeout' | 'error'; message: string };

export interface MxRecord {
  exchange: string;
  priority: number;
}

export interface DnsResolverOptions {
  /** e.g. `['127.0.0.1:5353']`; the product reads them from its environment. */
  servers: string[];
  /** Per-try timeout in milliseconds (c-ares default: 5000). */
  timeoutMs?: number;
  /** Attempts per server (c-ares default: 4). */
  tries?: number;
}

export interface DnsResolver {
  resolveA(name: string): Promise<DnsResult<string>>;
  resolveAaaa(name: string): Promise<DnsResult<string>>;
  /** Each TXT record with its character-strings joined without separator (RFC 7208 §3.3, RFC 6376 §3.6.2.2). */
  resolveTxt(name: string): Promise<DnsResult<string>>;
  resolveMx(name: string): Promise<DnsResult<MxRecord>>;
  resolvePtr(name: string): Promise<DnsResult<string>>;
  /** Queries sent through this resolver so far. */
  readonly queryCount: number;
}

const DEFAULT_TIMEOUT_MS = 2000;
const DEFAULT_TRIES = 2;

function classify(error: unknown): DnsResult<never> {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  // Node maps c-ares status codes to these names (node:dns "Error codes").
  switch (code) {
    case 'ENOTFOUND':
      return { status: 'nxdomain' };
    case 'ENODATA':
      return { status: 'nodata' };
    case 'EBADNAME':
      return { status: 'badname' };
    case 'ESERVFAIL':
      return { status: 'temperror', reason: 'servfail', message };
    case 'EREFUSED':
      return { status: 'temperror', reason: 'refused', message };
    case 'ETIMEOUT':
      return { status: 'temperror', reason: 'timeout', message };
    default:
      return { status: 'temperror', reason: 'error', message };
  }
}

/** A resolver bound to the given servers that never throws: every query returns a typed `DnsResult`. */
export function createDnsResolver(opts: DnsResolverOptions): DnsResolver {
  const resolver = new Resolver({ timeout: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, tries: opts.tries ?? DEFAULT_TRIES });
  resolver.setServers(opts.servers);
  let queryCount = 0;

  async function query<T>(run: () => Promise<T[]>): Promise<DnsResult<T>> {
    queryCount += 1;
    try {
      const records = await run();
      return records.length === 0 ? { status: 'nodata' } : { status: 'ok', records };
    } catch (error) {
      return classify(error);
    }
  }

  return {
    resolveA: (name) => query(() => resolver.resolve4(name)),
    resolveAaaa: (name) => query(() => resolver.resolve6(name)),
    resolveTxt: (name) => query(async () => (await resolver.resolveTxt(name)).map((strings) => strings.join(''))),
    resolveMx: (name) => query(() => resolver.resolveMx(name)),
    resolvePtr: (name) => query(() => resolver.resolvePtr(name)),
    get queryCount() {
      return queryCount;
    },
  };
}

/** NXDOMAIN or an empty answer: a "void lookup" in RFC 7208 §4.6.4 terms. */
export function isVoid(result: DnsResult<unknown>): boolean {
  return result.status === 'nxdomain' || result.status === 'nodata';
}

/** Plain words for a failed lookup, e.g. "timed out" or "the server refused the query". */
export function describeFailure(result: DnsResult<unknown>): string {
  switch (result.status) {
    case 'ok':
      return 'answered';
    case 'nxdomain':
      return 'the name does not exist (NXDOMAIN)';
    case 'nodata':
      return 'the name has no record of this type';
    case 'badname':
      return 'the name is not a valid DNS name';
    case 'temperror':
      return {
        servfail: 'the DNS server failed (SERVFAIL)',
        refused: 'the DNS server refused the query (REFUSED)',
        timeout: 'the DNS query timed out',
        error: `the DNS query failed (${result.message})`,
      }[result.reason];
  }
}
