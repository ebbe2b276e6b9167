import { describeFailure, isVoid, type DnsResolver, type DnsResult, type MxRecord } from './resolver';
import { ipFamily, ipInNetwork, ipv6Nibbles, reverseDnsName, sameIp } from './ip';
import { isSpfRecord, parseSpfRecord, type SpfMechanism, type SpfQualifier } from './spf-parse';

export { parseSpfRecord, isSpfRecord } from './spf-parse';

export type SpfResult = 'pass' | 'fail' | 'softfail' | 'neutral' | 'none' | 'permerror' | 'temperror';

/** One record in the include / redirect tree, as walked without stopping at the first match. */
export interface SpfNode {
  domain: string;
  via: 'root' | 'include' | 'redirect';
  record: string | null;
  /** DNS-querying terms of this record (RFC 7208 §4.6.4). */
  lookups: number;
  children: SpfNode[];
  /** Terms not followed because their target depends on the connecting IP and no IP was given. */
  skipped: string[];
}

export interface SpfCheck {
  domain: string;
  record: string | null;
  result: SpfResult;
  /** DNS-querying terms in the whole tree: what a receiver spends when nothing matches early. */
  lookups: number;
  voidLookups: number;
  problems: string[];
  ips: Array<{ ip: string; result: SpfResult; problem: string | null }>;
  tree: SpfNode | null;
}

export interface SpfCheckOptions {
  resolver: DnsResolver;
  /** Our sending IPs; each is evaluated as a receiver would. */
  ips: string[];
  /** MAIL FROM used for %{s} %{l} %{o}; RFC 7208 §4.3 default: postmaster@<domain>. */
  sender?: string;
  /** HELO name used for %{h}; defaults to the domain. */
  helo?: string;
}

// RFC 7208 §4.6.4 processing limits.
const MAX_DNS_LOOKUPS = 10;
const MAX_VOID_LOOKUPS = 2;
const MAX_MX_NAMES = 10;
const MAX_PTR_NAMES = 10;
// Only the exhaustive walk goes past MAX_DNS_LOOKUPS (to report the real count); this bounds it.
const WALK_LOOKUP_CAP = 50;
// RFC 1035 §2.3.4; RFC 7208 §7.3 truncates expanded names from the left to fit.
const MAX_DOMAIN_LENGTH = 253;

const QUALIFIER_RESULT: Record<SpfQualifier, SpfResult> = { '+': 'pass', '-': 'fail', '~': 'softfail', '?': 'neutral' };
// Least to most worrying, to summarise several IPs in one result.
const SEVERITY: SpfResult[] = ['pass', 'none', 'neutral', 'softfail', 'fail', 'temperror', 'permerror'];

class SpfError extends Error {
  constructor(
    readonly result: 'permerror' | 'temperror',
    message: string,
  ) {
    super(message);
  }
}

type CachedDns = Pick<DnsResolver, 'resolveA' | 'resolveAaaa' | 'resolveTxt' | 'resolveMx' | 'resolvePtr'>;

/** The same query asked twice in one check (per IP, and in the walk) goes to DNS once. */
function cacheDns(resolver: DnsResolver): CachedDns {
  const cache = new Map<string, Promise<DnsResult<unknown>>>();
  function cached<T>(kind: string, run: (name: string) => Promise<DnsResult<T>>) {
    return (name: string): Promise<DnsResult<T>> => {
      const key = `${kind} ${name.toLowerCase()}`;
      let hit = cache.get(key) as Promise<DnsResult<T>> | undefined;
      if (!hit) {
        hit = run(name);
        cache.set(key, hit);
      }
      return hit;
    };
  }
  return {
    resolveA: cached('A', (n) => resolver.resolveA(n)),
    resolveAaaa: cached('AAAA', (n) => resolver.resolveAaaa(n)),
    resolveTxt: cached('TXT', (n) => resolver.resolveTxt(n)),
    resolveMx: cached<MxRecord>('MX', (n) => resolver.resolveMx(n)),
    resolvePtr: cached('PTR', (n) => resolver.resolvePtr(n)),
  };
}

interface Context {
  ip: string | null;
  family: 'ipv4' | 'ipv6';
  sender: string;
  helo: string;
  /** Walk mode: follow every term, collect problems instead of stopping at the first error or match. */
  isExhaustive: boolean;
  lookups: number;
  voidLookups: number;
  problems: string[];
  hasPermError: boolean;
  hasTempError: boolean;
  dns: CachedDns;
}

function fail(ctx: Context, result: 'permerror' | 'temperror', message: string): void {
  if (!ctx.isExhaustive) throw new SpfError(result, message);
  if (!ctx.problems.includes(message)) ctx.problems.push(message);
  if (result === 'permerror') ctx.hasPermError = true;
  else ctx.hasTempError = true;
}

function countLookup(ctx: Context, node: SpfNode | null): void {
  ctx.lookups += 1;
  if (node) node.lookups += 1;
  if (!ctx.isExhaustive && ctx.lookups > MAX_DNS_LOOKUPS) throw new SpfError('permerror', `too many DNS lookups (${ctx.lookups})`);
  if (ctx.isExhaustive && ctx.lookups > WALK_LOOKUP_CAP) throw new SpfError('permerror', `too many DNS lookups (more than ${WALK_LOOKUP_CAP})`);
}

function countVoid(ctx: Context): void {
  ctx.voidLookups += 1;
  if (!ctx.isExhaustive && ctx.voidLookups > MAX_VOID_LOOKUPS) throw new SpfError('permerror', `too many void DNS lookups (${ctx.voidLookups})`);
}

function urlEscape(value: string): string {
  return Array.from(Buffer.from(value, 'utf8'))
    .map((byte) => {
      const char = String.fromCharCode(byte);
      return /[A-Za-z0-9\-._~]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

type Expansion = { value: string } | { unsupported: string } | { needsIp: true };

/** RFC 7208 §7 macro expansion for domain-specs: s l o d i h v; p is not supported (it needs an extra validated PTR walk). */
function expandMacros(spec: string, ctx: Context, domain: string): Expansion {
  const at = ctx.sender.lastIndexOf('@');
  const localPart = at === -1 ? 'postmaster' : ctx.sender.slice(0, at) || 'postmaster';
  const senderDomain = at === -1 ? ctx.sender : ctx.sender.slice(at + 1);
  let failure: Expansion | null = null;
  const value = spec.replace(/%(?:\{([a-z])([0-9]*)(r?)([.\-+,/_=]*)\}|%|_|-)/gi, (whole, letter: string | undefined, digits: string, reverse: string, delimiters: string) => {
    if (whole === '%%') return '%';
    if (whole === '%_') return ' ';
    if (whole === '%-') return '%20';
    const lower = (letter ?? '').toLowerCase();
    let raw: string;
    if (lower === 'i' || lower === 'v') {
      if (ctx.ip === null) {
        failure = { needsIp: true };
        return '';
      }
      const nibbles = ctx.family === 'ipv6' ? ipv6Nibbles(ctx.ip) : null;
      raw = lower === 'v' ? (ctx.family === 'ipv6' ? 'ip6' : 'in-addr') : nibbles === null ? ctx.ip : nibbles.split('').join('.');
    } else if (lower === 's') raw = `${localPart}@${senderDomain}`;
    else if (lower === 'l') raw = localPart;
    else if (lower === 'o') raw = senderDomain;
    else if (lower === 'd') raw = domain;
    else if (lower === 'h') raw = ctx.helo;
    else {
      failure = { unsupported: whole };
      return '';
    }
    const splitter = new RegExp(`[${(delimiters || '.').replace(/[-\\\]^/]/g, '\\$&')}]`);
    let parts = raw.split(splitter);
    if (reverse) parts.reverse();
    if (digits !== '') parts = parts.slice(-Number(digits));
    const joined = parts.join('.');
    return letter === lower ? joined : urlEscape(joined);
  });
  if (failure) return failure;
  let name = value.replace(/\.$/, '');
  while (name.length > MAX_DOMAIN_LENGTH && name.includes('.')) name = name.slice(name.indexOf('.') + 1);
  return { value: name };
}

/** The target name of a term, or null when the term cannot be followed (reported or skipped). */
function targetOf(ctx: Context, spec: string | null, domain: string, term: string, node: SpfNode | null): string | null {
  if (spec === null) return domain;
  const expanded = expandMacros(spec, ctx, domain);
  if ('value' in expanded) return expanded.value;
  if ('unsupported' in expanded) {
    fail(ctx, 'permerror', `macro not supported: ${expanded.unsupported} in "${term}"`);
    return null;
  }
  node?.skipped.push(term);
  return null;
}

type Fetched =
  | { status: 'found'; record: string }
  | { status: 'none' }
  | { status: 'multiple'; records: string[] }
  | { status: 'temperror'; message: string };

async function fetchSpf(dns: CachedDns, domain: string): Promise<Fetched> {
  const txt = await dns.resolveTxt(domain);
  if (txt.status === 'temperror') return { status: 'temperror', message: describeFailure(txt) };
  if (txt.status !== 'ok') return { status: 'none' };
  const records = txt.records.filter(isSpfRecord);
  if (records.length > 1) return { status: 'multiple', records };
  const [record] = records;
  return record === undefined ? { status: 'none' } : { status: 'found', record };
}

async function addresses(ctx: Context, name: string, family: 'ipv4' | 'ipv6'): Promise<DnsResult<string>> {
  return family === 'ipv6' ? ctx.dns.resolveAaaa(name) : ctx.dns.resolveA(name);
}

function anyInNetwork(ctx: Context, result: DnsResult<string>, prefixLength: number): boolean {
  if (ctx.ip === null || result.status !== 'ok') return false;
  const ip = ctx.ip;
  return result.records.some((address) => ipInNetwork(ip, address, prefixLength));
}

/** Runs one DNS query of a mechanism: counts void answers, turns DNS failures into temperror. */
async function mechanismQuery<T>(ctx: Context, term: string, name: string, query: Promise<DnsResult<T>>): Promise<DnsResult<T>> {
  const result = await query;
  if (result.status === 'badname' && ctx.isExhaustive) {
    const message = `"${term}" expands to "${name}", which is not a valid DNS name`;
    if (!ctx.problems.includes(message)) ctx.problems.push(message);
  }
  if (isVoid(result) || result.status === 'badname') countVoid(ctx);
  if (result.status === 'temperror') fail(ctx, 'temperror', `"${term}": ${describeFailure(result)}`);
  return result;
}

function newNode(domain: string, via: SpfNode['via']): SpfNode {
  return { domain, via, record: null, lookups: 0, children: [], skipped: [] };
}

async function followChild(ctx: Context, target: string, via: 'include' | 'redirect', node: SpfNode, path: string[]): Promise<SpfResult> {
  const child = newNode(target, via);
  node.children.push(child);
  if (path.includes(target.toLowerCase())) {
    fail(ctx, 'permerror', `${via} loop: ${[...path, target].join(' → ')}`);
    return 'permerror';
  }
  const result = await checkHost(ctx, target, child, [...path, target.toLowerCase()]);
  if (result === 'none') {
    fail(ctx, 'permerror', `${via === 'include' ? 'include:' : 'redirect='}${target} points to a domain without an SPF record`);
    return 'permerror';
  }
  return result;
}

async function matches(ctx: Context, mechanism: SpfMechanism, domain: string, node: SpfNode, path: string[]): Promise<boolean> {
  const ip = ctx.ip;
  switch (mechanism.name) {
    case 'all':
      return ip !== null;
    case 'ip4':
    case 'ip6':
      return ip !== null && ipInNetwork(ip, mechanism.network, mechanism.prefixLength);
    case 'include': {
      countLookup(ctx, node);
      const target = targetOf(ctx, mechanism.domainSpec, domain, mechanism.raw, node);
      if (target === null) return false;
      return (await followChild(ctx, target, 'include', node, path)) === 'pass';
    }
    case 'a': {
      countLookup(ctx, node);
      const target = targetOf(ctx, mechanism.domainSpec, domain, mechanism.raw, node);
      if (target === null) return false;
      const result = await mechanismQuery(ctx, mechanism.raw, target, addresses(ctx, target, ctx.family));
      return anyInNetwork(ctx, result, ctx.family === 'ipv6' ? mechanism.cidr6 : mechanism.cidr4);
    }
    case 'mx': {
      countLookup(ctx, node);
      const target = targetOf(ctx, mechanism.domainSpec, domain, mechanism.raw, node);
      if (target === null) return false;
      const mx = await mechanismQuery(ctx, mechanism.raw, target, ctx.dns.resolveMx(target));
      if (mx.status !== 'ok') return false;
      if (mx.records.length > MAX_MX_NAMES) {
        fail(ctx, 'permerror', `"${mechanism.raw}": ${target} has ${mx.records.length} MX names, more than the ${MAX_MX_NAMES} allowed`);
        return false;
      }
      const prefixLength = ctx.family === 'ipv6' ? mechanism.cidr6 : mechanism.cidr4;
      // RFC 7505 null MX ("." or empty exchange) names no host.
      const hosts = mx.records.map((r) => r.exchange).filter((h) => h !== '' && h !== '.');
      const results = await Promise.all(hosts.map((host) => addresses(ctx, host, ctx.family)));
      for (const result of results) if (result.status === 'temperror') fail(ctx, 'temperror', `"${mechanism.raw}": ${describeFailure(result)}`);
      return results.some((result) => anyInNetwork(ctx, result, prefixLength));
    }
    case 'ptr': {
      countLookup(ctx, node);
      const target = targetOf(ctx, mechanism.domainSpec, domain, mechanism.raw, node);
      if (target === null || ip === null) return false;
      const reverse = reverseDnsName(ip);
      if (reverse === null) return false;
      // RFC 7208 §5.5: a DNS error on the PTR query means no match, not temperror.
      const ptr = await ctx.dns.resolvePtr(reverse);
      if (isVoid(ptr)) countVoid(ctx);
      if (ptr.status !== 'ok') return false;
      const names = ptr.records.slice(0, MAX_PTR_NAMES);
      const forward = await Promise.all(names.map((name) => addresses(ctx, name, ctx.family)));
      const wanted = target.toLowerCase();
      return names.some((name, i) => {
        const result = forward[i];
        const lower = name.toLowerCase().replace(/\.$/, '');
        const isValidated = result?.status === 'ok' && result.records.some((address) => sameIp(address, ip));
        return isValidated && (lower === wanted || lower.endsWith(`.${wanted}`));
      });
    }
    case 'exists': {
      countLookup(ctx, node);
      const target = targetOf(ctx, mechanism.domainSpec, domain, mechanism.raw, node);
      if (target === null) return false;
      // RFC 7208 §5.7: always an A query, whatever the connecting IP's family.
      const result = await mechanismQuery(ctx, mechanism.raw, target, ctx.dns.resolveA(target));
      return result.status === 'ok';
    }
  }
}

/** RFC 7208 §4 check_host(); in exhaustive mode it walks every term and records the tree. */
async function checkHost(ctx: Context, domain: string, node: SpfNode, path: string[]): Promise<SpfResult> {
  const fetched = await fetchSpf(ctx.dns, domain);
  if (fetched.status === 'none') return 'none';
  if (fetched.status === 'temperror') {
    fail(ctx, 'temperror', `SPF lookup for ${domain} failed: ${fetched.message}`);
    return 'temperror';
  }
  if (fetched.status === 'multiple') {
    node.record = fetched.records.join(' | ');
    fail(ctx, 'permerror', `multiple SPF records at ${domain} (${fetched.records.length}): receivers return permerror; merge them into one`);
    return 'permerror';
  }
  node.record = fetched.record;
  const parsed = parseSpfRecord(fetched.record);
  if (!parsed.ok) {
    fail(ctx, 'permerror', `SPF record of ${domain}: ${parsed.error}`);
    return 'permerror';
  }
  let matched: SpfResult | null = null;
  for (const mechanism of parsed.record.mechanisms) {
    const isMatch = await matches(ctx, mechanism, domain, node, path);
    if (isMatch && matched === null) {
      matched = QUALIFIER_RESULT[mechanism.qualifier];
      if (!ctx.isExhaustive) return matched;
    }
  }
  const hasAll = parsed.record.mechanisms.some((m) => m.name === 'all');
  // RFC 7208 §6.1: redirect is ignored when the record has an "all" mechanism.
  if (parsed.record.redirect !== null && !hasAll) {
    const term = `redirect=${parsed.record.redirect}`;
    countLookup(ctx, node);
    const target = targetOf(ctx, parsed.record.redirect, domain, term, node);
    const result = target === null ? 'neutral' : await followChild(ctx, target, 'redirect', node, path);
    return matched ?? result;
  }
  return matched ?? 'neutral';
}

function newContext(resolverCache: CachedDns, ip: string | null, domain: string, opts: SpfCheckOptions, isExhaustive: boolean): Context {
  return {
    ip,
    family: ip !== null && ipFamily(ip) === 'ipv6' ? 'ipv6' : 'ipv4',
    sender: opts.sender ?? `postmaster@${domain}`,
    helo: opts.helo ?? domain,
    isExhaustive,
    lookups: 0,
    voidLookups: 0,
    problems: [],
    hasPermError: false,
    hasTempError: false,
    dns: resolverCache,
  };
}

async function evaluateIp(dns: CachedDns, domain: string, ip: string, opts: SpfCheckOptions): Promise<{ result: SpfResult; problem: string | null }> {
  if (ipFamily(ip) === null) return { result: 'permerror', problem: `"${ip}" is not an IP address` };
  const ctx = newContext(dns, ip, domain, opts, false);
  try {
    return { result: await checkHost(ctx, domain, newNode(domain, 'root'), [domain.toLowerCase()]), problem: null };
  } catch (error) {
    if (error instanceof SpfError) return { result: error.result, problem: error.message };
    throw error;
  }
}

function styleProblems(node: SpfNode): string[] {
  const parsed = node.record === null ? null : parseSpfRecord(node.record);
  const problems: string[] = [];
  if (parsed?.ok) {
    for (const m of parsed.record.mechanisms) {
      if (m.name === 'ptr') problems.push(`"${m.raw}" in ${node.domain}: the ptr mechanism is slow and unreliable; RFC 7208 §5.5 says not to use it`);
      if (m.name === 'all' && m.qualifier === '+') problems.push(`"${m.raw}" in ${node.domain} authorises every IP address on the internet`);
    }
  }
  return [...problems, ...node.children.flatMap(styleProblems)];
}

/**
 * Checks the SPF record of a domain (RFC 7208): the whole include/redirect tree with its lookup
 * counts, and for each of our sending IPs the result a receiver would compute. `result` is
 * none/permerror/temperror when the record is missing or broken, otherwise the least favourable
 * result among our IPs ('neutral' when no IP is given).
 */
export async function checkSpf(domain: string, opts: SpfCheckOptions): Promise<SpfCheck> {
  const dns = cacheDns(opts.resolver);
  const walk = newContext(dns, opts.ips[0] ?? null, domain, opts, true);
  const tree = newNode(domain, 'root');
  let rootResult: SpfResult;
  try {
    rootResult = await checkHost(walk, domain, tree, [domain.toLowerCase()]);
  } catch (error) {
    if (!(error instanceof SpfError)) throw error;
    walk.problems.push(error.message);
    walk.hasPermError = true;
    rootResult = error.result;
  }
  const record = tree.record;
  if (rootResult === 'none' && record === null) {
    return { domain, record: null, result: 'none', lookups: 0, voidLookups: 0, problems: [`${domain} has no SPF record: receivers cannot tell which IPs may send for it`], ips: opts.ips.map((ip) => ({ ip, result: 'none', problem: null })), tree: null };
  }
  const problems = [...walk.problems];
  if (walk.lookups > MAX_DNS_LOOKUPS && walk.lookups <= WALK_LOOKUP_CAP) {
    problems.push(`too many DNS lookups (${walk.lookups}): receivers stop at ${MAX_DNS_LOOKUPS} and return permerror (RFC 7208 §4.6.4); flatten or remove includes`);
    walk.hasPermError = true;
  }
  if (walk.voidLookups > MAX_VOID_LOOKUPS) {
    problems.push(`too many void lookups (${walk.voidLookups}): names in the record that do not exist or have no records; receivers return permerror after ${MAX_VOID_LOOKUPS}`);
    walk.hasPermError = true;
  }
  problems.push(...styleProblems(tree));

  const ips = await Promise.all(opts.ips.map(async (ip) => ({ ip, ...(await evaluateIp(dns, domain, ip, opts)) })));
  for (const { ip, result, problem } of ips) {
    if (result === 'pass') continue;
    const line = `${ip} is not authorised by the SPF record of ${domain} (${result}${problem ? `: ${problem}` : ''})`;
    if (!problems.includes(line)) problems.push(line);
  }
  const worstIp = ips.reduce<SpfResult>((worst, { result }) => (SEVERITY.indexOf(result) > SEVERITY.indexOf(worst) ? result : worst), ips.length === 0 ? 'neutral' : 'pass');
  const result: SpfResult = walk.hasPermError ? 'permerror' : walk.hasTempError ? 'temperror' : worstIp;
  return { domain, record, result, lookups: walk.lookups, voidLookups: walk.voidLookups, problems, ips, tree };
}
