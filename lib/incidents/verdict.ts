import type { KbRule } from '@/lib/smtp';
import type { AuthFacts, EvidencePoint, IncidentScope } from './types';

/**
 * Replies whose token marks a provider-side throttle. S77714 is the token of the Microsoft 365
 * incident of 11 October 2023, where EOP limited IPs of senders in good standing (DOMAIN.md).
 */
const RECEIVER_SIDE_TOKENS = [/\(S77714\)/];

/**
 * Rules driven by complaints or unsolicited-mail rates of our own traffic (their KB meanings say so):
 * a sender-side hint, not proof.
 */
const COMPLAINT_DRIVEN_RULES = new Set(['google.rate-limit', 'google.unusual-rate', 'google.unsolicited-blocked', 'yahoo.tss04', 'yahoo.permanently-deferred', 'microsoft.ip-reputation-limit']);

/** Three recipient domains or more failing alike counts as "many tenants". */
export const MANY_DOMAINS = 3;

export interface VerdictFacts {
  provider: string;
  rule: KbRule | null;
  signature: string;
  affectedIps: string[];
  /** sending IPs that attempted the provider in the window */
  providerIps: string[];
  affectedDomains: string[];
  /** other providers with enough volume to compare, healthy or failing */
  healthyProviders: string[];
  failingProviders: string[];
  /** authentication failures in the provider's replies in the window (not counting the dominant rule) */
  authFailures: number;
  /** DNS and DMARC report status of our sending domains and IPs, as of now; absent for historical evaluations */
  auth?: AuthFacts;
}

/** What our sending identity says: bad signs of the affected IPs and of our domains are ours to fix; all good is a receiver sign. */
function authEvidence(auth: AuthFacts, affectedIps: string[]): EvidencePoint {
  const ips = auth.ips.filter((i) => affectedIps.includes(i.target));
  const judged = [...auth.domains, ...ips];
  const bad = judged.flatMap((t) => t.signs.filter((s) => s.status === 'bad').map((s) => `${t.target} ${s.label}: ${s.evidence[0] ?? 'bad'}`));
  if (bad.length > 0) return { side: 'sender', strength: 'strong', finding: `Our sending identity has bad signs to fix: ${bad.join('; ')}.`, fix: bad };
  const good = judged.flatMap((t) => t.signs.filter((s) => s.status === 'good').map((s) => `${s.label} of ${t.target}`));
  if (good.length === 0) return { side: 'neutral', strength: 'weak', finding: 'No DNS check or DMARC report about our sending domains and affected IPs yet (Authentication page).' };
  return { side: 'receiver', strength: 'weak', finding: `Our sending identity is healthy: ${good.join(', ')} good; no bad sign.` };
}

/** Receiver-side or sender-side, following the triage table in DOMAIN.md, with the evidence point by point. */
export function decideScope(f: VerdictFacts): { scope: IncidentScope; evidence: EvidencePoint[] } {
  const evidence: EvidencePoint[] = [];
  const rule = f.rule;
  if (RECEIVER_SIDE_TOKENS.some((re) => re.test(f.signature))) {
    evidence.push({ side: 'receiver', strength: 'strong', finding: 'The reply carries S77714, the token of Microsoft’s own EOP throttling incident: receiver-side throttling.' });
  } else if (rule?.scope === 'tenant') {
    evidence.push({ side: 'receiver', strength: 'strong', finding: `Rule ${rule.id} is about the recipient tenant, not our IPs: ${rule.meaning}` });
  } else if (rule && (rule.category === 'authentication' || rule.category === 'blocklist')) {
    evidence.push({ side: 'sender', strength: 'strong', finding: `Rule ${rule.id} is a ${rule.category} failure of our own mail: ${rule.meaning}` });
  } else if (rule && COMPLAINT_DRIVEN_RULES.has(rule.id)) {
    evidence.push({ side: 'sender', strength: 'weak', finding: `Rule ${rule.id} is driven by complaints or unsolicited-mail rates of our traffic: ${rule.meaning}` });
  } else if (rule?.scope === 'domain') {
    evidence.push({ side: 'sender', strength: 'weak', finding: `Rule ${rule.id} limits our sending domain: ${rule.meaning}` });
  } else {
    evidence.push({ side: 'neutral', strength: 'weak', finding: rule ? `Rule ${rule.id} (${rule.category}) does not tell the side by itself.` : 'The reply matches no knowledge-base rule.' });
  }

  const ips = f.affectedIps.length;
  const total = f.providerIps.length;
  if (ips >= 2) {
    evidence.push({ side: 'receiver', strength: 'weak', finding: `${ips} of our ${total} sending IPs are affected alike (${f.affectedIps.join(', ')}).` });
  } else if (ips === 1 && total >= 2) {
    const healthy = f.providerIps.filter((ip) => !f.affectedIps.includes(ip));
    evidence.push({ side: 'sender', strength: 'strong', finding: `Only ${f.affectedIps[0]} is affected; ${healthy.join(', ')} deliver to ${f.provider} normally.` });
  } else {
    evidence.push({ side: 'neutral', strength: 'weak', finding: total <= 1 ? 'One sending IP or none known: no comparison between IPs.' : 'No single IP stands out.' });
  }

  if (f.affectedDomains.length >= MANY_DOMAINS) {
    evidence.push({ side: 'receiver', strength: 'weak', finding: `${f.affectedDomains.length} recipient domains are affected alike.` });
  } else {
    evidence.push({ side: 'neutral', strength: 'weak', finding: `${f.affectedDomains.length} recipient domain(s) affected: too few to compare tenants.` });
  }

  if (f.failingProviders.length > 0) {
    evidence.push({ side: 'neutral', strength: 'weak', finding: `Other providers fail too (${f.failingProviders.join(', ')}): compare before declaring anything.` });
  } else if (f.healthyProviders.length > 0) {
    evidence.push({ side: 'receiver', strength: 'weak', finding: `Only ${f.provider} is affected; ${f.healthyProviders.join(', ')} deliver normally.` });
  } else {
    evidence.push({ side: 'neutral', strength: 'weak', finding: 'No other provider with enough volume to compare.' });
  }

  if (f.authFailures > 0) {
    evidence.push({ side: 'sender', strength: 'strong', finding: `${f.authFailures} authentication failure(s) in ${f.provider}'s replies (SPF/DKIM/DMARC).` });
  } else {
    evidence.push({ side: 'receiver', strength: 'weak', finding: `No authentication failures in ${f.provider}'s replies.` });
  }

  // Today's DNS says nothing about a period in the past: history is judged without it.
  if (f.auth) evidence.push(authEvidence(f.auth, f.affectedIps));

  const count = (side: EvidencePoint['side'], strength: EvidencePoint['strength']) => evidence.filter((e) => e.side === side && e.strength === strength).length;
  const strongReceiver = count('receiver', 'strong');
  const strongSender = count('sender', 'strong');
  let scope: IncidentScope = 'unknown';
  if (strongReceiver > 0 && strongSender === 0) scope = 'receiver';
  else if (strongSender > 0 && strongReceiver === 0) scope = 'sender';
  else if (strongReceiver === 0 && strongSender === 0) {
    // Weak signs decide only when they agree: three receiver signs and no sender sign. A weak sender
    // sign alone (a complaint-driven rule) stays unknown: the same reply hits senders in good standing.
    if (count('receiver', 'weak') >= 3 && count('sender', 'weak') === 0) scope = 'receiver';
  }
  return { scope, evidence };
}
