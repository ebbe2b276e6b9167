import { ApiError } from '@/lib/http/errors';

/**
 * A first-come, first-served limit on concurrent work. Ingest batches hold a pooled connection (and a transaction)
 * for as long as their body streams in; without a limit, eight concurrent uploads take every connection of the pool
 * and dashboard reads wait until they time out. Past `maxWaitMs` in the queue a caller gets 503 with Retry-After.
 */
export class Slots {
  private free: number;
  private readonly waiting: Array<{ grant: () => void; timer: NodeJS.Timeout }> = [];

  constructor(
    readonly size: number,
    private readonly maxWaitMs: number,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`slot count must be a positive integer, got ${size}`);
    this.free = size;
  }

  /** Waits for a slot; the returned function gives it back (calling it again does nothing). */
  async acquire(): Promise<() => void> {
    if (this.free > 0 && this.waiting.length === 0) {
      this.free -= 1;
      return this.releaser();
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        reject(new ApiError('unavailable', 'The server is busy ingesting other batches; retry shortly.', undefined, { 'Retry-After': '5' }));
      }, this.maxWaitMs);
      const waiter = {
        timer,
        grant: () => {
          clearTimeout(timer);
          resolve(this.releaser());
        },
      };
      this.waiting.push(waiter);
    });
  }

  /** Slots in use and callers waiting, for tests and diagnostics. */
  get usage(): { busy: number; waiting: number } {
    return { busy: this.size - this.free, waiting: this.waiting.length };
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next.grant();
      else this.free += 1;
    };
  }
}
