import { ruleById } from './detect';
import type { IncidentScope, IncidentWarning } from './types';

export interface Recommendations {
  /** what the dominant reply means, from the knowledge base */
  meaning: string | null;
  doNow: string[];
  avoid: string[];
  warnings: string[];
  sources: string[];
}

// What to do and avoid during a provider deferral, after DOMAIN.md ("What a sender should do").
const RECEIVER_SIDE_DO = [
  'Keep the mail queued: 4xx is temporary and compliant MTAs retry.',
  'Back off retries exponentially; no short retry loops.',
  'Lower concurrent connections per destination for this provider.',
  'Preserve evidence: full replies with timestamps, sending IPs, destination domains, queue depth.',
];
const RECEIVER_SIDE_AVOID = [
  'Do not rotate the delayed mail to other IPs.',
  'Do not change SPF, DKIM, DMARC or MX without separate evidence they are broken.',
  'Do not requeue in a tight loop.',
];
const SENDER_SIDE_DO = ['Check authentication (SPF, DKIM, DMARC), complaint rates, list quality and DNS of the affected stream.'];

/** Recommendations for an incident: the dominant rule's advice first, then the triage side's, then warnings. */
export function recommend(kbRule: string | null, scope: IncidentScope, warnings: IncidentWarning[]): Recommendations {
  const rule = ruleById(kbRule);
  const doNow = [...(rule ? [rule.action] : []), ...(scope === 'sender' ? SENDER_SIDE_DO : RECEIVER_SIDE_DO)];
  const avoid = [...(rule?.avoid ? [rule.avoid] : []), ...(scope === 'sender' ? [] : RECEIVER_SIDE_AVOID)];
  return { meaning: rule?.meaning ?? null, doNow, avoid, warnings: warnings.map((w) => w.message), sources: rule ? [...rule.sources] : [] };
}
