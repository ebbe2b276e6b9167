import fc from 'fast-check';
import { expect, test } from 'vitest';
import { demoFilename, parseDemoFilename } from './demo-batch';
import { createRandom } from './random';

test('a demo batch name carries its anchor and seed back', () => {
  const anchor = new Date('2025-06-03T12:00:00.000Z');
  expect(demoFilename(anchor, 20231011)).toBe('deferral-desk-demo_2025-06-03T12:00:00.000Z_seed-20231011.ndjson');
  expect(parseDemoFilename(demoFilename(anchor, 7))).toEqual({ anchor, seed: 7 });
});

test('other file names are not demo batches', () => {
  expect(parseDemoFilename('maillog.gz')).toBeNull();
  expect(parseDemoFilename('deferral-desk-demo_2025-13-45T99:00:00.000Z_seed-1.ndjson')).toBeNull();
  expect(parseDemoFilename('deferral-desk-demo_2025-06-03T12:00:00.000Z_seed-99999999999.ndjson')).toBeNull();
});

test('any string is parsed without throwing', () => {
  fc.assert(fc.property(fc.string(), (s) => parseDemoFilename(s) === null || parseDemoFilename(s)?.anchor instanceof Date));
});

test('the generator repeats for a seed, stays in range and follows the weights', () => {
  const a = createRandom(42);
  const b = createRandom(42);
  const seq = Array.from({ length: 5 }, () => a.next());
  expect(Array.from({ length: 5 }, () => b.next())).toEqual(seq);
  expect(createRandom(43).next()).not.toBe(seq[0]);
  const r = createRandom(1);
  const ints = Array.from({ length: 2000 }, () => r.int(3, 5));
  expect(new Set(ints)).toEqual(new Set([3, 4, 5]));
  const picks = Array.from({ length: 4000 }, () => r.weighted([['rare', 1], ['common', 3]] as const));
  const common = picks.filter((p) => p === 'common').length / picks.length;
  expect(common).toBeGreaterThan(0.7);
  expect(common).toBeLessThan(0.8);
  expect(r.hex(12)).toMatch(/^[0-9A-F]{12}$/);
});
