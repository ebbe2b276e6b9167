import { createHash } from 'node:crypto';
import type { DkimSelectorCheck } from './dns/dkim';
import type { DmarcCheck } from './dns/dmarc';
import type { BlocklistResult } from './dns/dnsbl';
import type { MxCheck } from './dns/mx';
import type { PtrCheck } from './dns/ptr';
import type { SpfCheck } from './dns/spf';

export const checkKinds = ['spf', 'dmarc', 'dkim', 'mx', 'ptr', 'dnsbl'] as const;
export type CheckKind = (typeof checkKinds)[number];
export type CheckStatus = 'good' | 'warn' | 'bad' | 'unknown';

/** What matters in a result for change detection: a flat map of named, comparable values. */
export type Essence = Record<string, string | null>;

/** One check as stored in auth_check. */
export interface CheckOutcome {
  kind: CheckKind;
  target: string;
  status: CheckStatus;
  summary: string;
  evidence: unknown;
  essence: Essence;
  fingerprint: string;
}

export const KIND_LABEL: Record<CheckKind, string> = { spf: 'SPF', dmarc: 'DMARC', dkim: 'DKIM', mx: 'MX', ptr: 'PTR', dnsbl: 'Blocklists' };

// lib/auth-status/dns words every lookup failure "could not look up …; try again": the answer is unknown, not bad.
const LOOKUP_FAILED = /^could not look up /;

export function fingerprintOf(essence: Essence): string {
  const keys = Object.keys(essence).sort();
  return createHash('sha256').update(JSON.stringify(keys.map((k) => [k, essence[k]]))).digest('hex');
}

function outcome(kind: CheckKind, target: string, status: CheckStatus, summary: string, evidence: unknown, essence: Essence): CheckOutcome {
  return { kind, target, status, summary, evidence, essence, fingerprint: fingerprintOf(essence) };
}

function spfStatus(check: SpfCheck): CheckStatus {
  switch (check.result) {
    case 'temperror':
      return 'unknown';
    case 'pass':
      return check.problems.length > 0 ? 'warn' : 'good';
    case 'neutral':
      // With no sending IP known, checkSpf reports the record itself as neutral.
      return check.ips.length === 0 && check.problems.length === 0 ? 'good' : 'warn';
    default:
      return 'bad';
  }
}

/** SPF: pass for all our IPs is good; permerror, fail, softfail or no record is bad; temperror unknown. */
export function spfOutcome(check: SpfCheck): CheckOutcome {
  const status = spfStatus(check);
  const summary = status === 'good' ? `SPF ${check.result}: ${check.lookups} of 10 DNS lookups, ${check.ips.length > 0 ? `our ${check.ips.length} sending IP(s) authorised` : 'no sending IP known to test'}` : `SPF ${check.result}: ${check.problems[0] ?? 'see the record'}`;
  const essence: Essence = { record: check.record, result: check.result, lookups: String(check.lookups), voidLookups: String(check.voidLookups) };
  for (const { ip, result } of check.ips) essence[`ip ${ip}`] = result;
  return outcome('spf', check.domain, status, summary, check, essence);
}

/** DMARC: a valid record is good (warn for weak settings); missing or invalid is bad. */
export function dmarcOutcome(check: DmarcCheck): CheckOutcome {
  const isLookupFailure = check.problems.some((p) => LOOKUP_FAILED.test(p));
  const status: CheckStatus = isLookupFailure ? 'unknown' : check.status === 'pass' ? 'good' : check.status === 'warn' ? 'warn' : 'bad';
  const summary = status === 'good' ? `DMARC p=${check.policy ?? '?'} at ${check.recordName ?? ''}` : `DMARC ${check.status}: ${check.problems[0] ?? ''}`;
  return outcome('dmarc', check.domain, status, summary, check, { record: check.record, recordName: check.recordName, policy: check.policy });
}

/** DKIM: every known selector has a valid key; unknown when no selector is known. */
export function dkimOutcome(domain: string, checks: DkimSelectorCheck[]): CheckOutcome {
  const essence: Essence = {};
  for (const c of checks) essence[`selector ${c.selector}`] = c.record;
  if (checks.length === 0) return outcome('dkim', domain, 'unknown', 'No DKIM selector known: none seen in DMARC reports and none configured', { selectors: [] }, essence);
  const failed = checks.filter((c) => c.status === 'fail' || c.status === 'none');
  const isLookupFailure = failed.length > 0 && failed.every((c) => c.problems.some((p) => LOOKUP_FAILED.test(p)));
  const status: CheckStatus = failed.length === 0 ? (checks.some((c) => c.status === 'warn') ? 'warn' : 'good') : isLookupFailure ? 'unknown' : 'bad';
  const describe = (c: DkimSelectorCheck) => `${c.selector}: ${c.status}${c.keyBits ? ` (${c.keyType ?? 'rsa'} ${c.keyBits} bits)` : ''}`;
  const summary = failed[0] ? `DKIM ${failed[0].selector}: ${failed[0].problems[0] ?? failed[0].status}` : `DKIM keys valid: ${checks.map(describe).join(', ')}`;
  return outcome('dkim', domain, status, summary, { selectors: checks }, essence);
}

/** MX: hosts that resolve are good; none, a null MX or broken hosts are bad. */
export function mxOutcome(check: MxCheck): CheckOutcome {
  const isLookupFailure = check.problems.some((p) => LOOKUP_FAILED.test(p));
  const status: CheckStatus = isLookupFailure ? 'unknown' : check.status === 'pass' ? 'good' : check.status === 'warn' ? 'warn' : 'bad';
  const hosts = check.records.map((r) => `${r.priority} ${r.exchange}`);
  const summary = status === 'good' ? `MX ${hosts.join(', ')}` : `MX ${check.status}: ${check.problems[0] ?? ''}`;
  return outcome('mx', check.domain, status, summary, check, { hosts: hosts.join(', ') || null, isNullMx: String(check.isNullMx) });
}

/** PTR: a forward-confirmed name is good; none or unconfirmed is bad. */
export function ptrOutcome(check: PtrCheck): CheckOutcome {
  const isLookupFailure = check.problems.some((p) => LOOKUP_FAILED.test(p));
  const status: CheckStatus = isLookupFailure ? 'unknown' : check.forwardConfirmed && check.names.length === 1 ? 'good' : check.forwardConfirmed ? 'warn' : 'bad';
  const summary = check.forwardConfirmed ? `PTR ${check.ptr ?? ''}, forward-confirmed` : (check.problems[0] ?? 'no PTR');
  return outcome('ptr', check.ip, status, summary, check, { names: [...check.names].sort().join(', ') || null, forwardConfirmed: String(check.forwardConfirmed) });
}

/**
 * Blocklists of one IP or domain: any listing is bad; a refusal ("query refused / rate limited") or a
 * failed lookup is unknown, never a listing. Only listings enter the fingerprint, so listing and delisting are the changes.
 */
export function dnsblOutcome(target: string, results: BlocklistResult[]): CheckOutcome {
  const listed = results.filter((r) => r.status === 'listed');
  const unsure = results.filter((r) => r.status === 'refused' || r.status === 'error');
  const status: CheckStatus = listed.length > 0 ? 'bad' : unsure.length > 0 ? 'unknown' : 'good';
  const summary =
    listed.length > 0
      ? `Listed on ${listed.map((r) => `${r.list} (${r.meaning})`).join('; ')}`
      : unsure.length > 0
        ? `Not listed where answered; ${unsure.map((r) => `${r.list}: ${r.status === 'refused' ? 'query refused' : 'lookup failed'}`).join(', ')}`
        : `Not listed on ${results.length} list(s)`;
  const essence: Essence = {};
  for (const r of listed) essence[`listed on ${r.list}`] = r.codes.join(', ');
  return outcome('dnsbl', target, status, summary, { results }, essence);
}

/** One sentence for a change between two checks of the same kind and target, naming what changed. */
export function describeChange(kind: CheckKind, target: string, before: Essence, after: Essence): string {
  // The record itself first: it is what a person edited.
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort((x, y) => Number(y === 'record') - Number(x === 'record') || x.localeCompare(y));
  const parts: string[] = [];
  for (const key of keys) {
    const was = before[key] ?? null;
    const now = after[key] ?? null;
    if (was === now) continue;
    if (kind === 'dnsbl') parts.push(now === null ? `delisted from ${key.replace(/^listed on /, '')}` : was === null ? `${key} (${now})` : `${key}: ${was} → ${now}`);
    else parts.push(was === null ? `${key} added: ${now}` : now === null ? `${key} removed (was ${was})` : `${key}: ${was} → ${now}`);
  }
  return `${KIND_LABEL[kind]} of ${target} changed: ${parts.join('; ')}`;
}
