import { describeFailure, type DnsResolver } from './resolver';

export type DmarcPolicy = 'none' | 'quarantine' | 'reject';

export interface DmarcParse {
  /** Tag names lower-cased, values trimmed; the first occurrence wins. */
  tags: Record<string, string>;
  /** Mistakes that make receivers ignore the record or a tag. */
  errors: string[];
  /** Legal but weak or questionable settings. */
  warnings: string[];
}

export interface DmarcCheck {
  domain: string;
  /** Where the record was found: `_dmarc.<domain>` or `_dmarc.<organisational domain>`. */
  recordName: string | null;
  isOrganizationalFallback: boolean;
  record: string | null;
  tags: Record<string, string>;
  /** The policy that applies to mail from `domain` (sp for a subdomain covered by its organisational record). */
  policy: DmarcPolicy | null;
  problems: string[];
  status: 'pass' | 'warn' | 'fail' | 'none';
}

const POLICIES: readonly string[] = ['none', 'quarantine', 'reject'];
// RFC 7489 §6.3 tags, plus t and psd from DMARCbis (draft-ietf-dmarc-dmarcbis).
const KNOWN_TAGS = new Set(['v', 'p', 'sp', 'np', 'pct', 'rua', 'ruf', 'adkim', 'aspf', 'fo', 'ri', 'rf', 't', 'psd']);
const DMARC_START = /^v\s*=\s*DMARC1\s*(;|$)/;
// mailto: address with the optional "!size" limit of RFC 7489 §6.2 (e.g. !10m).
const MAILTO = /^mailto:[^@\s,;!]+@[^@\s,;!]+\.[^@\s,;!]+(![0-9]+[kmgt]?)?$/i;

function checkUris(tag: string, value: string, errors: string[]): void {
  for (const entry of value.split(',').map((e) => e.trim())) {
    if (entry === '') {
      errors.push(`${tag}= has an empty entry: remove the extra comma`);
    } else if (!/^mailto:/i.test(entry)) {
      const hint = entry.includes('@') ? `; write ${tag}=mailto:${entry}` : '';
      errors.push(`${tag} entry "${entry}" is not a mailto: address, so no reports are sent to it${hint}`);
    } else if (!MAILTO.test(entry)) {
      errors.push(`${tag} entry "${entry}" is not a valid mailto: address`);
    }
  }
}

function checkChoice(tag: string, value: string, allowed: readonly string[], errors: string[]): void {
  if (!allowed.includes(value.toLowerCase())) errors.push(`${tag}=${value} is not valid: use ${allowed.join(' or ')}`);
}

/** Parses and validates one DMARC record (RFC 7489 §6.3, DMARCbis t/psd/np). Never throws. */
export function parseDmarcRecord(text: string): DmarcParse {
  const found = new Map<string, string>();
  const errors: string[] = [];
  const warnings: string[] = [];
  const parts = text.split(';').map((p) => p.trim());
  parts.forEach((part) => {
    if (part === '') return;
    const eq = part.indexOf('=');
    if (eq === -1) {
      errors.push(`"${part}" is not a tag=value pair`);
      return;
    }
    const name = part.slice(0, eq).trim().toLowerCase();
    const value = part.slice(eq + 1).trim();
    if (found.has(name)) {
      errors.push(`tag ${name} appears more than once; receivers may use either value`);
      return;
    }
    found.set(name, value);
  });
  const tags = Object.fromEntries(found);

  const first = parts[0] ?? '';
  if (!DMARC_START.test(text.trim())) {
    if (/^v\s*=\s*dmarc1$/i.test(first)) errors.push(`"${first}" must be written exactly v=DMARC1 (capitals); receivers ignore the record otherwise`);
    else errors.push('the record must start with v=DMARC1; receivers ignore a record that does not');
  }

  for (const [name, value] of found) {
    switch (name) {
      case 'v':
        break;
      case 'p':
      case 'sp':
      case 'np':
        checkChoice(name, value, POLICIES, errors);
        break;
      case 'pct': {
        const pct = /^[0-9]{1,3}$/.test(value) ? Number(value) : NaN;
        if (!(pct >= 0 && pct <= 100)) errors.push(`pct=${value} is out of range: it must be a whole number from 0 to 100`);
        else if (pct < 100) warnings.push(`pct=${pct} applies the policy to only ${pct}% of failing mail (DMARCbis drops pct in favour of t=)`);
        break;
      }
      case 'rua':
      case 'ruf':
        checkUris(name, value, errors);
        break;
      case 'adkim':
      case 'aspf':
        checkChoice(name, value, ['r', 's'], errors);
        break;
      case 'fo':
        for (const option of value.split(':').map((o) => o.trim())) {
          if (!['0', '1', 'd', 's'].includes(option.toLowerCase())) errors.push(`fo=${value} is not valid: use 0, 1, d or s, separated by ":"`);
        }
        break;
      case 'ri':
        if (!/^[0-9]+$/.test(value)) errors.push(`ri=${value} is not valid: it is a number of seconds`);
        break;
      case 'rf':
        if (value.toLowerCase() !== 'afrf') warnings.push(`rf=${value}: afrf is the only report format receivers support`);
        break;
      case 't':
        checkChoice(name, value, ['y', 'n'], errors);
        if (value.toLowerCase() === 'y') warnings.push('t=y (testing): receivers apply the next milder policy');
        break;
      case 'psd':
        checkChoice(name, value, ['y', 'n', 'u'], errors);
        break;
      default:
        if (!KNOWN_TAGS.has(name)) warnings.push(`unknown tag "${name}" is ignored by receivers (a typo?)`);
    }
  }
  if (!found.has('p')) errors.push('p= is missing: RFC 7489 requires it (DMARCbis would treat the record as p=none)');
  else if (found.get('p')?.toLowerCase() === 'none') warnings.push('p=none only monitors: mail that fails DMARC is still delivered');
  if (!found.has('rua')) warnings.push('no rua= address: you get no aggregate reports, so you cannot see who sends as your domain');
  return { tags, errors, warnings };
}

// Second-level registrations under a country code; a heuristic, not the Public Suffix List.
const TWO_LABEL_SUFFIXES = new Set([
  'co.uk', 'org.uk', 'ac.uk', 'gov.uk', 'me.uk', 'ltd.uk', 'plc.uk',
  'com.au', 'net.au', 'org.au', 'edu.au', 'gov.au',
  'co.nz', 'org.nz', 'co.jp', 'ne.jp', 'or.jp', 'ac.jp', 'co.kr', 'or.kr',
  'com.br', 'net.br', 'org.br', 'com.cn', 'net.cn', 'org.cn', 'com.hk', 'com.tw', 'com.sg',
  'com.mx', 'com.ar', 'com.tr', 'co.za', 'co.in', 'net.in', 'org.in', 'co.il', 'com.my', 'co.id',
]);

/**
 * The organisational domain (RFC 7489 §3.2) by a simple heuristic: the last two labels, or three
 * when the last two are a known second-level public suffix such as co.uk. Not the Public Suffix List.
 */
export function organizationalDomain(domain: string): string {
  const labels = domain.toLowerCase().replace(/\.$/, '').split('.');
  const keep = TWO_LABEL_SUFFIXES.has(labels.slice(-2).join('.')) ? 3 : 2;
  return labels.slice(-keep).join('.');
}

type Lookup = { kind: 'found'; record: string } | { kind: 'broken'; record: string } | { kind: 'multiple'; records: string[] } | { kind: 'none' } | { kind: 'error'; message: string };

async function lookup(resolver: DnsResolver, name: string): Promise<Lookup> {
  const txt = await resolver.resolveTxt(name);
  if (txt.status === 'temperror') return { kind: 'error', message: describeFailure(txt) };
  if (txt.status !== 'ok') return { kind: 'none' };
  const records = txt.records.filter((r) => DMARC_START.test(r.trim()));
  if (records.length > 1) return { kind: 'multiple', records };
  if (records[0] !== undefined) return { kind: 'found', record: records[0] };
  // RFC 7489 §6.6.3 discards TXT records that do not start with v=DMARC1; show an attempt that failed that way.
  const attempt = txt.records.find((r) => /dmarc|(^|;)\s*p\s*=/i.test(r));
  return attempt === undefined ? { kind: 'none' } : { kind: 'broken', record: attempt };
}

/**
 * Checks the DMARC record of a domain, falling back to the organisational domain for a subdomain
 * without its own record, and explains each mistake in plain words.
 */
export async function checkDmarc(domain: string, opts: { resolver: DnsResolver }): Promise<DmarcCheck> {
  const base = { domain, recordName: null, isOrganizationalFallback: false, record: null, tags: {}, policy: null };
  const org = organizationalDomain(domain);
  let name = `_dmarc.${domain}`;
  let found = await lookup(opts.resolver, name);
  const isFallback = found.kind === 'none' && org !== domain.toLowerCase().replace(/\.$/, '');
  if (isFallback) {
    name = `_dmarc.${org}`;
    found = await lookup(opts.resolver, name);
  }
  switch (found.kind) {
    case 'error':
      return { ...base, problems: [`could not look up ${name}: ${found.message}; try again`], status: 'fail' };
    case 'none':
      return { ...base, problems: [`no DMARC record at _dmarc.${domain}${isFallback ? ` nor at ${name}` : ''}: receivers apply no policy and send no reports`], status: 'none' };
    case 'multiple':
      return { ...base, recordName: name, isOrganizationalFallback: isFallback, record: found.records.join(' | '), problems: [`multiple DMARC records at ${name} (${found.records.length}): receivers ignore all of them; keep one`], status: 'fail' };
    case 'broken':
    case 'found': {
      const parsed = parseDmarcRecord(found.record);
      const p = parsed.tags.p?.toLowerCase();
      const sp = parsed.tags.sp?.toLowerCase();
      const effective = isFallback && sp !== undefined ? sp : p;
      const policy = effective !== undefined && POLICIES.includes(effective) ? (effective as DmarcPolicy) : null;
      const problems = [...parsed.errors, ...parsed.warnings];
      const status = parsed.errors.length > 0 ? 'fail' : parsed.warnings.length > 0 ? 'warn' : 'pass';
      return { domain, recordName: name, isOrganizationalFallback: isFallback, record: found.record, tags: parsed.tags, policy, problems, status };
    }
  }
}
