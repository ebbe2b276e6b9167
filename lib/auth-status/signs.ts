import type { CheckKind, CheckStatus } from './check-outcome';

/** One healthy/bad sign of DOMAIN.md ("SPF pass vs permerror", "no listing vs blocklist hit" …) with its evidence. */
export interface AuthSign {
  label: string;
  status: 'good' | 'bad' | 'unknown';
  evidence: string[];
}

/** The latest stored check of a kind, as the signs need it. */
export interface LatestCheck {
  kind: CheckKind;
  target: string;
  status: CheckStatus;
  summary: string;
  checkedAt: string;
}

/** Message counts of DMARC aggregate report rows (a domain's or an IP's), over the report window. */
export interface DmarcTally {
  messages: number;
  spfAlignedPass: number;
  dkimAlignedPass: number;
  dmarcPass: number;
  /** messages whose SPF auth result was pass / permerror or temperror / fail or softfail */
  spfPass: number;
  spfError: number;
  spfFail: number;
  /** messages without any DKIM signature result (none at all, or only "none") */
  noDkimSignature: number;
  /** whether only rows from our sending IPs were counted (false: our IPs are unknown, all sources counted) */
  isOurIpsOnly: boolean;
  from: string | null;
  to: string | null;
}

/**
 * Failures from our own IPs above this share of messages are a bad sign. Mail from our IPs should pass;
 * a small allowance absorbs reporter noise (a receiver evaluating a message twice, a stray test message).
 */
export const MAX_FAILURE_SHARE = 0.02;

type Part = AuthSign['status'];

function combine(label: string, parts: Array<{ status: Part; evidence: string | null }>): AuthSign {
  const evidence = parts.map((p) => p.evidence).filter((e): e is string => e !== null);
  const status: Part = parts.some((p) => p.status === 'bad') ? 'bad' : parts.some((p) => p.status === 'good') ? 'good' : 'unknown';
  return { label, status, evidence };
}

function fromCheck(check: LatestCheck | undefined, missing: string): { status: Part; evidence: string } {
  if (!check) return { status: 'unknown', evidence: missing };
  const status: Part = check.status === 'bad' ? 'bad' : check.status === 'unknown' ? 'unknown' : 'good';
  return { status, evidence: `DNS check ${check.checkedAt}: ${check.summary}` };
}

const percent = (n: number, of: number) => `${((100 * n) / of).toFixed(1)} %`;

function scope(t: DmarcTally): string {
  return `${t.messages} message(s) ${t.isOurIpsOnly ? 'from our sending IPs ' : 'from all sources (our sending IPs are not known yet) '}in DMARC reports${t.from && t.to ? ` ${t.from.slice(0, 10)} – ${t.to.slice(0, 10)}` : ''}`;
}

function spfFromReports(t: DmarcTally | null): { status: Part; evidence: string | null } {
  if (!t || t.messages === 0) return { status: 'unknown', evidence: null };
  if (t.spfError > 0) return { status: 'bad', evidence: `SPF permerror/temperror for ${t.spfError} of ${scope(t)}` };
  if (t.isOurIpsOnly && t.spfFail > t.messages * MAX_FAILURE_SHARE) return { status: 'bad', evidence: `SPF fail for ${t.spfFail} of ${scope(t)}: those IPs are not authorised` };
  return { status: t.spfPass > 0 ? 'good' : 'unknown', evidence: `SPF pass for ${percent(t.spfPass, t.messages)} (aligned ${percent(t.spfAlignedPass, t.messages)}) of ${scope(t)}` };
}

function dkimFromReports(t: DmarcTally | null): { status: Part; evidence: string | null } {
  if (!t || t.messages === 0) return { status: 'unknown', evidence: null };
  const signed = t.messages - t.noDkimSignature;
  if (t.noDkimSignature > t.messages * MAX_FAILURE_SHARE) return { status: 'bad', evidence: `no DKIM signature on ${t.noDkimSignature} of ${scope(t)}` };
  return { status: signed > 0 ? 'good' : 'unknown', evidence: `DKIM signed ${percent(signed, t.messages)}, aligned pass ${percent(t.dkimAlignedPass, t.messages)} of ${scope(t)}` };
}

function dmarcFromReports(t: DmarcTally | null): { status: Part; evidence: string | null } {
  if (!t || t.messages === 0) return { status: 'unknown', evidence: null };
  const failed = t.messages - t.dmarcPass;
  const line = `DMARC pass ${percent(t.dmarcPass, t.messages)} (${failed} failed) of ${scope(t)}`;
  // Forwarders and mailing lists break SPF and DKIM of other people's mail: without our IPs known, failures prove nothing.
  if (failed > t.messages * MAX_FAILURE_SHARE) return { status: t.isOurIpsOnly ? 'bad' : 'unknown', evidence: line };
  return { status: 'good', evidence: line };
}

/** The healthy/bad signs of a sending domain: SPF pass vs permerror, DKIM pass vs no signature, DMARC pass vs fail, DBL listing. */
export function domainSigns(checks: LatestCheck[], tally: DmarcTally | null): AuthSign[] {
  const of = (kind: CheckKind) => checks.find((c) => c.kind === kind);
  const spf = of('spf');
  const dkim = of('dkim');
  const dmarc = of('dmarc');
  const dnsbl = of('dnsbl');
  return [
    combine('SPF', [fromCheck(spf, 'SPF not checked yet'), spfFromReports(tally)]),
    combine('DKIM', [dkim?.status === 'unknown' ? { status: 'unknown', evidence: dkim.summary } : fromCheck(dkim, 'DKIM keys not checked yet'), dkimFromReports(tally)]),
    combine('DMARC', [fromCheck(dmarc, 'DMARC record not checked yet'), dmarcFromReports(tally)]),
    combine('Blocklists', [fromCheck(dnsbl, 'domain blocklists not checked yet')]),
  ];
}

/** The healthy/bad signs of a sending IP: reverse DNS, blocklists, and DMARC results of its mail. */
export function ipSigns(checks: LatestCheck[], tally: DmarcTally | null): AuthSign[] {
  const of = (kind: CheckKind) => checks.find((c) => c.kind === kind);
  const signs = [combine('PTR / FCrDNS', [fromCheck(of('ptr'), 'reverse DNS not checked yet')]), combine('Blocklists', [fromCheck(of('dnsbl'), 'blocklists not checked yet')])];
  if (tally && tally.messages > 0) signs.push(combine('DMARC', [dmarcFromReports(tally)]));
  return signs;
}

/** Healthy when no sign is bad; unknown signs are shown, not counted against. */
export function isHealthy(signs: AuthSign[]): boolean {
  return signs.every((s) => s.status !== 'bad');
}
