const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const;

/** Bytes in decimal units with up to three significant digits: 1.2 MB, 340 KB, 12 B. */
export function formatBytes(bytes: number): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

/** A per-second rate, or null before a second's worth of time has a meaning (under 0.2 s). */
export function perSecond(amount: number, elapsedMs: number): number | null {
  return elapsedMs >= 200 ? (amount * 1000) / elapsedMs : null;
}

const count = new Intl.NumberFormat('en-US');

/** 12,345 */
export function formatCount(n: number): string {
  return count.format(Math.round(n));
}
