/**
 * At most one update per key per interval, never dropping the last one: the first change
 * goes out at once, changes inside the interval are folded into a single trailing update
 * when it ends. The dashboard sees every press at its fast scan rate, not faster, and
 * never misses the final value of a burst.
 */
import type { Clock, TimerHandle } from '../lib/clock.js';

/** One key's state: found with one lookup per request, which comes twice per scan cycle of each press. */
interface KeyState {
  key: string;
  lastAt: number | undefined;
  pending: TimerHandle | undefined;
  /** The trailing update's timer callback, made once per key. */
  trailing: () => void;
}

export class UpdateThrottle {
  private readonly keys = new Map<string, KeyState>();

  constructor(
    private readonly clock: Clock,
    private readonly flush: (key: string) => void,
  ) {}

  request(key: string, intervalMs: number): void {
    const state = this.keys.get(key) ?? this.add(key);
    if (state.pending !== undefined) return; // the trailing update will carry this change
    const now = this.clock.now();
    const last = state.lastAt;
    if (last === undefined || now - last >= intervalMs) {
      this.fire(state, now);
      return;
    }
    state.pending = this.clock.setTimeout(state.trailing, last + intervalMs - now);
  }

  cancelAll(): void {
    for (const state of this.keys.values()) {
      if (state.pending !== undefined) this.clock.clearTimeout(state.pending);
      state.pending = undefined;
    }
  }

  private add(key: string): KeyState {
    const state: KeyState = {
      key,
      lastAt: undefined,
      pending: undefined,
      trailing: () => {
        state.pending = undefined;
        this.fire(state, this.clock.now());
      },
    };
    this.keys.set(key, state);
    return state;
  }

  private fire(state: KeyState, now: number): void {
    state.lastAt = now;
    this.flush(state.key);
  }
}
