import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { Coalescer } from './coalesce';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

function recorder(): { runs: Array<[string, number]>; coalescer: Coalescer } {
  const runs: Array<[string, number]> = [];
  const start = Date.now();
  return { runs, coalescer: new Coalescer(2_000, 10_000, (key) => runs.push([key, Date.now() - start])) };
}

test('one request runs once, after the quiet period', () => {
  const { runs, coalescer } = recorder();
  coalescer.request('a');
  vi.advanceTimersByTime(1_999);
  expect(runs).toEqual([]);
  vi.advanceTimersByTime(1);
  expect(runs).toEqual([['a', 2_000]]);
  vi.advanceTimersByTime(60_000);
  expect(runs).toHaveLength(1);
});

test('a burst runs once, 2 s after its last request', () => {
  const { runs, coalescer } = recorder();
  for (let i = 0; i < 5; i += 1) {
    coalescer.request('a');
    vi.advanceTimersByTime(1_000);
  }
  vi.advanceTimersByTime(60_000);
  expect(runs).toEqual([['a', 6_000]]);
});

test('a steady stream of requests runs every 10 s, not never', () => {
  const { runs, coalescer } = recorder();
  for (let t = 0; t < 35_000; t += 500) {
    coalescer.request('a');
    vi.advanceTimersByTime(500);
  }
  vi.advanceTimersByTime(60_000);
  expect(runs.map(([, at]) => at)).toEqual([10_000, 20_000, 30_000, 36_500]);
});

test('keys wait apart', () => {
  const { runs, coalescer } = recorder();
  coalescer.request('a');
  vi.advanceTimersByTime(1_500);
  coalescer.request('b');
  vi.advanceTimersByTime(10_000);
  expect(runs).toEqual([['a', 2_000], ['b', 3_500]]);
});
