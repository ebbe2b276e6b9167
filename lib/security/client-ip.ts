/**
 * The client address of a request: the rightmost `X-Forwarded-For` entry, which is the one the nearest proxy
 * appended (entries to its left are whatever the client sent). `next start` sets the header to the socket
 * address when no proxy did, so behind no proxy a client can choose its own value: per-account limits do not
 * depend on it. Answers "unknown" when there is no address, so those requests share one budget.
 */
export function clientIp(headers: Headers): string {
  const forwarded = headers.get('x-forwarded-for');
  const last = forwarded?.split(',').at(-1)?.trim();
  if (last) return last.replace(/^::ffff:/, '').slice(0, 64);
  return headers.get('x-real-ip')?.trim().slice(0, 64) || 'unknown';
}
