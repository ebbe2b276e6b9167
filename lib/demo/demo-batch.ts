/**
 * Demo batches are stored like any API batch; their file name records the anchor time and seed, so a
 * later load regenerates the very same events (same dedupe keys) and stores nothing twice.
 */
const FILENAME_PATTERN = /^deferral-desk-demo_(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{3})?Z)_seed-(\d{1,10})\.ndjson$/;

export const DEMO_FILENAME_PREFIX = 'deferral-desk-demo_';

/** `deferral-desk-demo_2026-03-10T15:00:00.000Z_seed-20231011.ndjson` */
export function demoFilename(anchor: Date, seed: number): string {
  return `${DEMO_FILENAME_PREFIX}${anchor.toISOString()}_seed-${seed}.ndjson`;
}

/** The anchor and seed a demo batch was generated with, or null when the name is not a demo batch's. */
export function parseDemoFilename(name: string): { anchor: Date; seed: number } | null {
  const m = FILENAME_PATTERN.exec(name);
  if (!m?.[1] || !m[2]) return null;
  const anchor = new Date(m[1]);
  const seed = Number(m[2]);
  if (Number.isNaN(anchor.getTime()) || seed > 0xffffffff) return null;
  return { anchor, seed };
}
