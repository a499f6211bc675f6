/**
 * Failed logins counted per key (a user, a device, a client address), each key locking once it
 * reaches its threshold: for `baseLockMs`, doubling with each further failure up to
 * `maxLockMs`. A key is forgotten `forgetAfterMs` after its last failure or lock.
 *
 * A book with `maxKeys` stays within it by dropping forgettable keys, then unlocked ones,
 * oldest failure first: right for keys anyone can make up (addresses, unknown usernames), and
 * wrong for keys whose count must hold (real accounts), which go in a book without a bound.
 */
export interface LockSettings {
  baseLockMs: number;
  maxLockMs: number;
  forgetAfterMs: number;
}

interface KeyState {
  failures: number;
  lockedUntil: number;
  lastFailureAt: number;
}

export class FailureBook {
  private readonly keys = new Map<string, KeyState>();

  constructor(private readonly options: LockSettings & { maxKeys?: number }) {}

  /** How long `key` is still locked; 0 when it is not. */
  lockedFor(key: string, now: number): number {
    const state = this.keys.get(key);
    if (!state) return 0;
    if (this.forgettable(state, now)) {
      this.keys.delete(key);
      return 0;
    }
    return Math.max(0, state.lockedUntil - now);
  }

  /** Counts a failure; locks the key from the `threshold`-th on. */
  fail(key: string, threshold: number, now: number): void {
    if (!this.keys.has(key) && this.options.maxKeys !== undefined && this.keys.size >= this.options.maxKeys) this.prune(now, this.options.maxKeys);
    const state = this.keys.get(key) ?? { failures: 0, lockedUntil: 0, lastFailureAt: now };
    state.failures += 1;
    state.lastFailureAt = now;
    if (state.failures >= threshold) {
      const lockMs = Math.min(this.options.maxLockMs, this.options.baseLockMs * 2 ** Math.min(30, state.failures - threshold));
      state.lockedUntil = now + lockMs;
    }
    this.keys.set(key, state);
  }

  /** Takes back one failure (an attempt that turned out right); the lock it set, if any, goes too. */
  takeBack(key: string, threshold: number): void {
    const state = this.keys.get(key);
    if (!state) return;
    state.failures = Math.max(0, state.failures - 1);
    // The lock this very attempt set is undone; one set by earlier failures stays.
    if (state.failures < threshold) state.lockedUntil = 0;
    if (state.failures === 0) this.keys.delete(key);
  }

  forget(key: string): void {
    this.keys.delete(key);
  }

  get size(): number {
    return this.keys.size;
  }

  private forgettable(state: KeyState, now: number): boolean {
    return now - Math.max(state.lastFailureAt, state.lockedUntil) >= this.options.forgetAfterMs;
  }

  /** Drop forgettable keys; if still full, drop unlocked ones, oldest failure first, down to half. */
  private prune(now: number, maxKeys: number): void {
    for (const [key, state] of this.keys) if (this.forgettable(state, now)) this.keys.delete(key);
    if (this.keys.size < maxKeys) return;
    const unlocked = [...this.keys].filter(([, state]) => state.lockedUntil <= now).sort((a, b) => a[1].lastFailureAt - b[1].lastFailureAt);
    const excess = this.keys.size - Math.floor(maxKeys / 2);
    for (const [key] of unlocked.slice(0, excess)) this.keys.delete(key);
  }
}
