import { cleanReply, findBasicCode, joinContinuationLines } from './parse';

/**
 * Masks, applied in order. Provider tokens (S77714, AS(843), TSS04) stay: they tell reply
 * families apart. Every pattern is linear (bounded or literal-anchored runs only).
 */
const masks: ReadonlyArray<readonly [RegExp, string]> = [
  // Postfix wrapper around the remote reply: "host mx.example.com[1.2.3.4] said: " … " (in reply to RCPT TO command)"
  [/^host \S{1,255} said: /i, ''],
  [/ ?\(in reply to [A-Za-z ]{1,40} command\)\)?$/i, ''],
  // Gmail's per-message id before "- gsmtp": "cx5-2002…fsm2332009pjb.32 - gsmtp"
  [/\S{1,120}\.\d{1,6} ?- ?gsmtp\b/g, '<id> - gsmtp'],
  [/\b[\w.+'-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){0,8}/g, '<email>'],
  [/\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,7})?Z?/g, '<ts>'],
  // IPv6: compressed (with "::") first, then the full form (optionally with an IPv4 tail).
  [/\b(?:[0-9a-fA-F]{1,4}:){1,7}:(?:[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4}){0,6})?|\b(?:[0-9a-fA-F]{1,4}:){3,7}[0-9a-fA-F]{1,4}(?:\.\d{1,3}){0,3}/g, '<ip>'],
  [/\b\d{1,3}(?:\.\d{1,3}){3}\b/g, '<ip>'],
  // Gmail's "[<ip>      18]" carries a per-connection counter.
  [/\[<ip> +\d{1,3}\]/g, '[<ip>]'],
  // URL query values ("?ip=…", "id?c=…") vary per message.
  [/([?&][\w-]{1,30}=)[^&\s\]]{1,512}/g, '$1#'],
  // Host names with a digit in a label (front ends, mta1082.mail.bf1…): one per server, not per family.
  [/\b(?=[A-Za-z0-9-]{0,62}\d)[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8}\.[A-Za-z]{2,24}\b/g, '<host>'],
  // Hex ids (correlation ids, MxId) and long mixed ids.
  [/\b[0-9A-F]{12,}\b/g, '<hex>'],
  [/\b(?=[A-Za-z0-9]{0,120}\d)(?=[A-Za-z0-9]{0,120}[A-Za-z])[A-Za-z0-9]{12,120}\b/g, '<id>'],
  // Long numbers (sizes, error serials) but not Microsoft's AS(…) family token.
  [/(?<!AS\()\b\d{5,}\b/g, '#'],
];

/** Reply text with the variable parts masked (IPs, timestamps, ids, hosts, addresses): the clustering key. */
export function replySignature(text: string): string {
  const cleaned = cleanReply(text);
  let signature = joinContinuationLines(cleaned, findBasicCode(cleaned));
  for (const [pattern, replacement] of masks) signature = signature.replace(pattern, replacement);
  return signature.trim();
}
