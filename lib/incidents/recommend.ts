import { ruleById } from './detect';
import type { EvidencePoint, IncidentScope, IncidentWarning } from './types';

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

/**
 * What a line of advice is about. The knowledge base's own lines and the generic lists say the same
 * things in other words ("rotate IPs" / "move the traffic to fresh IPs"); comparing these topics,
 * not the wording, finds the repeats.
 */
const topics: ReadonlyArray<[string, RegExp]> = [
  ['keep-queued', /\bkeep (?:the )?mail queued\b/],
  ['backoff', /\bback[- ]?off\b|\bexponential/],
  ['concurrency', /\bconcurren(?:t|cy)\b/],
  ['evidence', /\bpreserve evidence\b/],
  ['dns-change', /\b(?:change|touch)\b[^.;]*\b(?:mx|spf|dkim|dmarc)\b/],
  ['ip-rotation', /\b(?:rotate|move|shift|spread)\b[^.;]*\bips?\b/],
  ['retry-loop', /\btight loop\b|\brequeue\b|\bhammer/],
];

/** Lower case, punctuation and repeated spaces removed. */
const normalised = (line: string) => line.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();

function topicsOf(line: string): string[] {
  const text = line.toLowerCase();
  return topics.filter(([, pattern]) => pattern.test(text)).map(([topic]) => topic);
}

/**
 * Drops the lines after `keepFirst` that repeat what the lines kept before them say: the same text once
 * normalised, or only topics already covered. The first `keepFirst` lines (the rule's own) always stay.
 */
export function withoutRepeats(lines: string[], keepFirst = 0): string[] {
  const kept: string[] = [];
  const seenText = new Set<string>();
  const seenTopics = new Set<string>();
  lines.forEach((line, i) => {
    const found = topicsOf(line);
    const isRepeat = seenText.has(normalised(line)) || (found.length > 0 && found.every((t) => seenTopics.has(t)));
    if (i >= keepFirst && isRepeat) return;
    kept.push(line);
    seenText.add(normalised(line));
    for (const t of found) seenTopics.add(t);
  });
  return kept;
}

/**
 * Recommendations for an incident: defects of our own the DNS checks found first (DOMAIN.md: do fix real defects),
 * then the dominant rule's advice, then the triage side's (without repeats), then warnings. With such a defect,
 * "leave DNS alone" no longer holds and is left out.
 */
export function recommend(kbRule: string | null, scope: IncidentScope, warnings: IncidentWarning[], evidence: EvidencePoint[] = []): Recommendations {
  const rule = ruleById(kbRule);
  const fixes = evidence.flatMap((e) => e.fix ?? []);
  const ownDo = [...(fixes.length > 0 ? [`Fix what the DNS checks found wrong on our side: ${fixes.join('; ')}.`] : []), ...(rule ? [rule.action] : [])];
  const ownAvoid = rule?.avoid && fixes.length === 0 ? [rule.avoid] : [];
  const doNow = withoutRepeats([...ownDo, ...(scope === 'sender' ? SENDER_SIDE_DO : RECEIVER_SIDE_DO)], ownDo.length);
  const sideAvoid = scope === 'sender' ? [] : RECEIVER_SIDE_AVOID.filter((line) => fixes.length === 0 || !topicsOf(line).includes('dns-change'));
  const avoid = withoutRepeats([...ownAvoid, ...sideAvoid], ownAvoid.length);
  return { meaning: rule?.meaning ?? null, doNow, avoid, warnings: warnings.map((w) => w.message), sources: rule ? [...rule.sources] : [] };
}
