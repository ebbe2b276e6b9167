import { isIP } from 'node:net';

/** Address helpers shared by the MTA log parsers. */

/** `<a@b>` → `a@b`; `a@b` stays; the null sender `<>` and an empty value → null. */
export function unbracketAddress(value: string): string | null {
  const trimmed = value.trim();
  const inner = trimmed.startsWith('<') && trimmed.endsWith('>') ? trimmed.slice(1, -1).trim() : trimmed;
  return inner === '' ? null : inner;
}

/** True for an IPv4 or IPv6 literal (no brackets, no port). */
export function isIpLiteral(value: string): boolean {
  return isIP(value) !== 0;
}

export interface HostAndIp {
  /** Lower-cased host name; null when only an address was given. */
  host: string | null;
  /** The address when it is an IP literal; null for `[private/dovecot-lmtp]` and other socket names. */
  ip: string | null;
}

/**
 * Postfix `relay=` and reply hosts: `mx.example.com[192.0.2.1]:25`, `mx[2a00:1450::1b]:25`, `[192.0.2.1]`,
 * `host[private/dovecot-lmtp]`. Returns null for values without brackets (`none`, `local`, `dovecot`).
 */
export function parseBracketedHost(value: string): HostAndIp | null {
  const m = /^([^\s[\]]*)\[([^\]]*)\](?::\d+)?$/.exec(value.trim());
  if (!m) return null;
  const host = m[1] ?? '';
  const inner = (m[2] ?? '').replace(/^ipv6:/i, '');
  return { host: host === '' ? null : host.toLowerCase(), ip: isIpLiteral(inner) ? inner : null };
}

/** A character of a host name before `[` (`A-Z a-z 0-9 . _ -`). */
function isHostChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x5f || c === 0x2d;
}

/** A character of an address literal inside `[…]` (`0-9 A-F a-f : .`). */
function isAddressChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x3a) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66) || c === 0x2e;
}

/**
 * The first `host[ip]` in free text whose address is an IP literal (`connect to mx[192.0.2.1]:25: …`): each `[`
 * followed by address characters and `]`, with the host-name characters right before it. Scanned from `[` to `[`,
 * so a long reply without one costs one indexOf.
 */
export function findBracketedHost(text: string): HostAndIp | null {
  for (let open = text.indexOf('['); open >= 0; open = text.indexOf('[', open + 1)) {
    let close = open + 1;
    while (close < text.length && isAddressChar(text.charCodeAt(close))) close += 1;
    if (close === open + 1 || text.charCodeAt(close) !== 0x5d) continue;
    const ip = text.slice(open + 1, close);
    if (!isIpLiteral(ip)) continue;
    let start = open;
    while (start > 0 && isHostChar(text.charCodeAt(start - 1))) start -= 1;
    return { host: start < open ? text.slice(start, open).toLowerCase() : null, ip };
  }
  return null;
}
