/**
 * At most one update per key per interval, never dropping the last one: the first change
 * goes out at once, changes inside the interval are folded into a single trailing update
 * when it ends. The dashboard sees every press at its fast scan rate, not faster, and
 * never misses the final value of a burst.
 */
import type { Clock, TimerHandle } from '../lib/clock.js';

export class UpdateThrottle {
  private readonly lastAt = new Map<string, number>();
  private readonly pending = new Map<string, TimerHandle>();

  constructor(
    private readonly clock: Clock,
    private readonly flush: (key: string) => void,
  ) {}

  request(key: string, intervalMs: number): void {
    if (this.pending.has(key)) return; // the trailing update will carry this change
    const now = this.clock.now();
    const last = this.lastAt.get(key);
    if (last === undefined || now - last >= intervalMs) {
      this.fire(key, now);
      return;
    }
    this.pending.set(
      key,
      this.clock.setTimeout(() => {
        this.pending.delete(key);
        this.fire(key, this.clock.now());
      }, last + intervalMs - now),
    );
  }

  cancelAll(): void {
    for (const handle of this.pending.values()) this.clock.clearTimeout(handle);
    this.pending.clear();
  }

  private fire(key: string, now: number): void {
    this.lastAt.set(key, now);
    this.flush(key);
  }
}
