import { createPublicKey, type KeyObject } from 'node:crypto';
import { describeFailure, type DnsResolver } from './resolver';

export interface DkimSelectorCheck {
  selector: string;
  /** `<selector>._domainkey.<domain>` */
  name: string;
  hasRecord: boolean;
  record: string | null;
  tags: Record<string, string>;
  keyType: string | null;
  /** RSA modulus length, or 256 for Ed25519; null when no key could be read. */
  keyBits: number | null;
  isRevoked: boolean;
  isTesting: boolean;
  status: 'pass' | 'warn' | 'fail' | 'none';
  problems: string[];
}

export interface DkimKeyParse {
  tags: Record<string, string>;
  keyType: string | null;
  keyBits: number | null;
  isRevoked: boolean;
  isTesting: boolean;
  errors: string[];
  warnings: string[];
}

// RFC 8301 §3.2: verifiers reject RSA keys under 1024 bits; signers SHOULD use at least 2048.
const MIN_RSA_BITS = 1024;
const GOOD_RSA_BITS = 2048;
// RFC 8463 §4.2: the Ed25519 p= value is the raw 32-byte public key, not SubjectPublicKeyInfo.
const ED25519_KEY_BYTES = 32;
const ED25519_BITS = 256;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function tagList(text: string): { tags: Record<string, string>; errors: string[] } {
  const tags = new Map<string, string>();
  const errors: string[] = [];
  for (const part of text.split(';').map((p) => p.trim())) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq === -1) {
      errors.push(`"${part}" is not a tag=value pair`);
      continue;
    }
    const name = part.slice(0, eq).trim();
    if (tags.has(name)) errors.push(`tag ${name} appears more than once (RFC 6376 §3.2 makes the record invalid)`);
    else tags.set(name, part.slice(eq + 1).trim());
  }
  return { tags: Object.fromEntries(tags), errors };
}

function readRsaKey(der: Buffer): KeyObject | null {
  // RFC 6376 §3.6.1 asks for SubjectPublicKeyInfo; some generators publish a bare PKCS#1 RSAPublicKey.
  for (const type of ['spki', 'pkcs1'] as const) {
    try {
      return createPublicKey({ key: der, format: 'der', type });
    } catch {
      continue;
    }
  }
  return null;
}

/** Parses one DKIM key record (RFC 6376 §3.6.1, RFC 8463 for Ed25519) and rates the key. Never throws. */
export function parseDkimKey(text: string): DkimKeyParse {
  const { tags, errors } = tagList(text);
  const warnings: string[] = [];
  const result = { tags, keyType: null as string | null, keyBits: null as number | null, isRevoked: false, isTesting: false, errors, warnings };
  const firstTag = text.split(';')[0]?.split('=')[0]?.trim();
  if (tags.v !== undefined && (tags.v !== 'DKIM1' || firstTag !== 'v')) errors.push('v= must be the first tag and exactly DKIM1');
  const flags = (tags.t ?? '').split(':').map((f) => f.trim().toLowerCase());
  if (flags.includes('y')) {
    result.isTesting = true;
    warnings.push('t=y (testing): receivers may treat signed mail as unsigned');
  }
  const hashes = tags.h?.split(':').map((h) => h.trim().toLowerCase());
  if (hashes && !hashes.includes('sha256')) errors.push(`h=${tags.h} does not allow sha256; RFC 8301 forbids sha1 signatures`);
  const keyType = (tags.k ?? 'rsa').toLowerCase();
  result.keyType = keyType;
  if (tags.p === undefined) {
    errors.push('p= is missing: the record holds no public key');
    return result;
  }
  const p = tags.p.replace(/\s+/g, '');
  if (p === '') {
    result.isRevoked = true;
    errors.push('p= is empty: the key is revoked, so signatures with this selector fail');
    return result;
  }
  if (!BASE64.test(p)) {
    errors.push('p= is not valid base64');
    return result;
  }
  const der = Buffer.from(p, 'base64');
  if (keyType === 'ed25519') {
    if (der.length !== ED25519_KEY_BYTES) errors.push(`p= holds ${der.length} bytes; an Ed25519 key is ${ED25519_KEY_BYTES} bytes (RFC 8463)`);
    else result.keyBits = ED25519_BITS;
    return result;
  }
  if (keyType !== 'rsa') {
    errors.push(`k=${tags.k} is not a known key type: use rsa or ed25519`);
    return result;
  }
  const key = readRsaKey(der);
  const bits = key?.asymmetricKeyType === 'rsa' ? key.asymmetricKeyDetails?.modulusLength : undefined;
  if (bits === undefined) {
    errors.push('p= is not a readable RSA public key');
    return result;
  }
  result.keyBits = bits;
  if (bits < MIN_RSA_BITS) errors.push(`the RSA key has only ${bits} bits: receivers reject keys under ${MIN_RSA_BITS} bits (RFC 8301)`);
  else if (bits < GOOD_RSA_BITS) warnings.push(`the RSA key has ${bits} bits: use ${GOOD_RSA_BITS} bits (RFC 8301 recommends it; some receivers distrust shorter keys)`);
  return result;
}

async function checkSelector(domain: string, selector: string, resolver: DnsResolver): Promise<DkimSelectorCheck> {
  const name = `${selector}._domainkey.${domain}`;
  const empty = { selector, name, hasRecord: false, record: null, tags: {}, keyType: null, keyBits: null, isRevoked: false, isTesting: false };
  const txt = await resolver.resolveTxt(name);
  if (txt.status === 'temperror') return { ...empty, status: 'fail', problems: [`could not look up ${name}: ${describeFailure(txt)}; try again`] };
  const keys = txt.status === 'ok' ? txt.records.filter((r) => /(^|;)\s*(p|v)\s*=/.test(r)) : [];
  if (keys.length === 0) return { ...empty, status: 'none', problems: [`no DKIM key at ${name}: mail signed with selector "${selector}" fails DKIM`] };
  if (keys.length > 1) return { ...empty, hasRecord: true, record: keys.join(' | '), status: 'fail', problems: [`${keys.length} DKIM records at ${name}: verifiers may pick either; keep one`] };
  const record = keys[0] ?? '';
  const parsed = parseDkimKey(record);
  const status = parsed.errors.length > 0 ? 'fail' : parsed.warnings.length > 0 ? 'warn' : 'pass';
  const { tags, keyType, keyBits, isRevoked, isTesting } = parsed;
  return { selector, name, hasRecord: true, record, tags, keyType, keyBits, isRevoked, isTesting, status, problems: [...parsed.errors, ...parsed.warnings] };
}

/** Looks up and rates the DKIM key of each selector of a domain. */
export async function checkDkim(domain: string, selectors: string[], opts: { resolver: DnsResolver }): Promise<DkimSelectorCheck[]> {
  return Promise.all(selectors.map((selector) => checkSelector(domain, selector, opts.resolver)));
}
