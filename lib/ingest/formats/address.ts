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

/** The first `host[ip]` in free text whose address is an IP literal (`connect to mx[192.0.2.1]:25: …`). */
export function findBracketedHost(text: string): HostAndIp | null {
  for (const m of text.matchAll(/([A-Za-z0-9._-]*)\[([0-9A-Fa-f:.]+)\]/g)) {
    const ip = m[2] ?? '';
    if (isIpLiteral(ip)) return { host: m[1] ? m[1].toLowerCase() : null, ip };
  }
  return null;
}
