import { cleanReply, findBasicCode, hasDiagnosticPrefix, joinContinuationLines } from './parse';

/**
 * A mask: every match of `pattern` is replaced. Where every match contains `literal` at most `reach`
 * characters after its start, the search starts only that far before each occurrence of the literal:
 * the same matches, without trying the pattern at every position of a reply that has no such part.
 */
interface Mask {
  pattern: RegExp;
  replacement: string;
  near?: { literal: string; reach: number };
}

/**
 * Masks, applied in order. Provider tokens (S77714, AS(843), TSS04) stay: they tell reply
 * families apart. Every pattern is linear (bounded or literal-anchored runs only).
 */
const masks: readonly Mask[] = [
  // Postfix wrapper around the remote reply: "host mx.example.com[1.2.3.4] said: " … " (in reply to RCPT TO command)"
  { pattern: /^host \S{1,255} said: /i, replacement: '' },
  { pattern: / ?\(in reply to [A-Za-z ]{1,40} command\)\)?$/i, replacement: '' },
  // Gmail's per-message id before "- gsmtp": "cx5-2002…fsm2332009pjb.32 - gsmtp"
  { pattern: /\S{1,120}\.\d{1,6} ?- ?gsmtp\b/g, replacement: '<id> - gsmtp', near: { literal: 'gsmtp', reach: 120 + 1 + 6 + 3 } },
  { pattern: /\b[\w.+'-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){0,8}/g, replacement: '<email>', near: { literal: '@', reach: 64 } },
  { pattern: /\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,7})?Z?/g, replacement: '<ts>', near: { literal: ':', reach: 13 } },
  // IPv6: compressed (with "::") first, then the full form (optionally with an IPv4 tail).
  {
    pattern: /\b(?:[0-9a-fA-F]{1,4}:){1,7}:(?:[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4}){0,6})?|\b(?:[0-9a-fA-F]{1,4}:){3,7}[0-9a-fA-F]{1,4}(?:\.\d{1,3}){0,3}/g,
    replacement: '<ip>',
    near: { literal: ':', reach: 4 },
  },
  { pattern: /\b\d{1,3}(?:\.\d{1,3}){3}\b/g, replacement: '<ip>' },
  // Gmail's "[<ip>      18]" carries a per-connection counter.
  { pattern: /\[<ip> +\d{1,3}\]/g, replacement: '[<ip>]', near: { literal: '[<ip> ', reach: 0 } },
  // URL query values ("?ip=…", "id?c=…") vary per message.
  { pattern: /([?&][\w-]{1,30}=)[^&\s\]]{1,512}/g, replacement: '$1#' },
  // Host names with a digit in a label (front ends, mta1082.mail.bf1…): one per server, not per family.
  { pattern: /\b(?=[A-Za-z0-9-]{0,62}\d)[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8}\.[A-Za-z]{2,24}\b/g, replacement: '<host>' },
  // Hex ids (correlation ids, MxId) and long mixed ids.
  { pattern: /\b[0-9A-F]{12,}\b/g, replacement: '<hex>' },
  { pattern: /\b(?=[A-Za-z0-9]{0,120}\d)(?=[A-Za-z0-9]{0,120}[A-Za-z])[A-Za-z0-9]{12,120}\b/g, replacement: '<id>' },
  // Long numbers (sizes, error serials) but not Microsoft's AS(…) family token.
  { pattern: /(?<!AS\()\b\d{5,}\b/g, replacement: '#' },
];

/** Every match of a global pattern replaced, searching only near the occurrences of the literal all matches contain. */
function replaceNear(text: string, pattern: RegExp, replacement: string, literal: string, reach: number): string {
  let out = '';
  let done = 0;
  for (;;) {
    const at = text.indexOf(literal, done);
    if (at < 0) break;
    pattern.lastIndex = Math.max(done, at - reach);
    const m = pattern.exec(text);
    if (m === null) break;
    out += text.slice(done, m.index) + replacement;
    done = m.index + m[0].length;
  }
  return done === 0 ? text : out + text.slice(done);
}

function applyMasks(text: string): string {
  let signature = text;
  for (const { pattern, replacement, near } of masks) {
    signature = near ? replaceNear(signature, pattern, replacement, near.literal, near.reach) : signature.replace(pattern, replacement);
  }
  return signature.trim();
}

/** Reply text with the variable parts masked (IPs, timestamps, ids, hosts, addresses): the clustering key. */
export function replySignature(text: string): string {
  const cleaned = cleanReply(text);
  return applyMasks(joinContinuationLines(cleaned, findBasicCode(cleaned)));
}

/**
 * replySignature of a text already passed through cleanReply, whose continuation lines were joined
 * for `basicCode` (the code found in it, or null): the work explainReply has done already is not repeated.
 */
export function signatureOfCleaned(cleaned: string, joined: string, basicCode: number | null): string {
  if (basicCode === null || hasDiagnosticPrefix(cleaned)) return replySignature(cleaned);
  return applyMasks(joined);
}
