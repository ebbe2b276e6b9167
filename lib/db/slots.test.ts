import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '@/lib/http/errors';
import { Slots } from './slots';

describe('Slots', () => {
  it('lets at most `size` callers in at once and the rest in arrival order', async () => {
    const slots = new Slots(2, 60_000);
    const order: string[] = [];
    const first = await slots.acquire();
    const second = await slots.acquire();
    const third = slots.acquire().then((release) => {
      order.push('third');
      return release;
    });
    const fourth = slots.acquire().then((release) => {
      order.push('fourth');
      return release;
    });
    await Promise.resolve();
    expect(slots.usage).toEqual({ busy: 2, waiting: 2 });
    expect(order).toEqual([]);
    second();
    (await third)();
    first();
    (await fourth)();
    expect(order).toEqual(['third', 'fourth']);
    expect(slots.usage).toEqual({ busy: 0, waiting: 0 });
  });

  it('gives a slot back once however often the release is called', async () => {
    const slots = new Slots(1, 60_000);
    const release = await slots.acquire();
    release();
    release();
    expect(slots.usage).toEqual({ busy: 0, waiting: 0 });
    await slots.acquire();
    expect(slots.usage).toEqual({ busy: 1, waiting: 0 });
  });

  it('answers 503 with Retry-After to a caller that waited too long, and forgets it', async () => {
    vi.useFakeTimers();
    try {
      const slots = new Slots(1, 1_000);
      const holder = await slots.acquire();
      const late = slots.acquire();
      const outcome = late.then(
        () => 'granted',
        (error: unknown) => error,
      );
      await vi.advanceTimersByTimeAsync(1_001);
      const error = await outcome;
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).status).toBe(503);
      expect((error as ApiError).headers).toEqual({ 'Retry-After': '5' });
      expect(slots.usage).toEqual({ busy: 1, waiting: 0 });
      holder();
      expect(slots.usage).toEqual({ busy: 0, waiting: 0 });
    } finally {
      vi.useRealTimers();
    }
  });
});
