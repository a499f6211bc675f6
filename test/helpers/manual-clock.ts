/**
 * The test clock: time moves only when a test says so (see src/lib/clock.ts for the Clock
 * every time-driven part takes). Kept out of the service: production code never needs it.
 */
import type { Clock, TimerHandle } from '../../src/lib/clock.js';

interface PendingTimer {
  id: number;
  dueAt: number;
  seq: number;
  callback: () => void;
}

/**
 * A clock that moves only when told to. `advance(ms)` runs every timer that falls due, in
 * time order, setting `now()` to each timer's due time as it runs; timers set by a callback
 * run in the same call if they fall inside the window.
 *
 * Async code (a poll cycle awaiting a read) needs its promise continuations to run between
 * timers: `advanceAsync` yields to the event loop after each timer so they do.
 */
export class ManualClock implements Clock {
  private current: number;
  private readonly pending = new Map<number, PendingTimer>();
  private nextId = 1;
  private seq = 0;

  constructor(start = 1_700_000_000_000) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const id = this.nextId++;
    this.pending.set(id, { id, dueAt: this.current + Math.max(0, delayMs), seq: this.seq++, callback });
    return { id } as unknown as TimerHandle;
  }

  clearTimeout(handle: TimerHandle): void {
    this.pending.delete((handle as unknown as { id: number }).id);
  }

  /** Timers not yet run. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Moves time forward by `ms`, running due timers synchronously. */
  advance(ms: number): void {
    const until = this.current + ms;
    for (let timer = this.nextDue(until); timer; timer = this.nextDue(until)) {
      this.pending.delete(timer.id);
      this.current = timer.dueAt;
      timer.callback();
    }
    this.current = until;
  }

  /** Moves time forward by `ms`, letting promise continuations settle after every timer. */
  async advanceAsync(ms: number): Promise<void> {
    const until = this.current + ms;
    await settle();
    for (let timer = this.nextDue(until); timer; timer = this.nextDue(until)) {
      this.pending.delete(timer.id);
      this.current = timer.dueAt;
      timer.callback();
      await settle();
    }
    this.current = until;
  }

  private nextDue(until: number): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const timer of this.pending.values()) {
      if (timer.dueAt > until) continue;
      if (!best || timer.dueAt < best.dueAt || (timer.dueAt === best.dueAt && timer.seq < best.seq)) best = timer;
    }
    return best;
  }
}

/**
 * Lets every queued promise continuation run: a macrotask boundary drains the whole
 * microtask queue, including continuations queued while draining.
 */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
