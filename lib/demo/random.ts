/**
 * A small seeded pseudo-random generator (mulberry32), so a demo scenario is the same for the same
 * seed and anchor time: loading it twice yields identical events and therefore identical dedupe keys.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform whole number in [min, max]. */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One element, uniformly. */
  pick<T>(items: readonly T[]): T;
  /** One element, proportionally to `weight`. */
  weighted<T>(items: ReadonlyArray<readonly [item: T, weight: number]>): T;
  /** `length` upper-case hexadecimal digits. */
  hex(length: number): string;
}

/** A seeded generator; the same seed gives the same sequence on every platform (32-bit integer arithmetic only). */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const random: Random = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: <T>(items: readonly T[]): T => {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new Error('pick() needs a non-empty list');
      return item;
    },
    weighted: <T>(items: ReadonlyArray<readonly [T, number]>): T => {
      const total = items.reduce((sum, [, w]) => sum + w, 0);
      let r = next() * total;
      for (const [item, weight] of items) {
        r -= weight;
        if (r < 0) return item;
      }
      const last = items[items.length - 1];
      if (last === undefined) throw new Error('weighted() needs a non-empty list');
      return last[0];
    },
    hex: (length) => {
      let out = '';
      for (let i = 0; i < length; i += 1) out += '0123456789ABCDEF'[Math.floor(next() * 16)];
      return out;
    },
  };
  return random;
}
