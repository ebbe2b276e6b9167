/**
 * Coalesces requests per key into runs: a key runs once no request for it has come for `quietMs`, and at the latest
 * `maxWaitMs` after the first request of the burst, so a steady stream of requests runs it every `maxWaitMs` instead of
 * after each pause. Timers do not keep the process alive.
 */
export class Coalescer {
  private readonly pending = new Map<string, { timer: ReturnType<typeof setTimeout>; firstAt: number }>();

  constructor(
    private readonly quietMs: number,
    private readonly maxWaitMs: number,
    private readonly run: (key: string) => void,
  ) {}

  request(key: string): void {
    const now = Date.now();
    const waiting = this.pending.get(key);
    if (waiting) clearTimeout(waiting.timer);
    const firstAt = waiting?.firstAt ?? now;
    const timer = setTimeout(() => {
      this.pending.delete(key);
      this.run(key);
    }, Math.max(0, Math.min(this.quietMs, firstAt + this.maxWaitMs - now)));
    timer.unref?.();
    this.pending.set(key, { timer, firstAt });
  }
}
