/**
 * Slows down password and PIN guessing. Failures are counted per username and per client
 * address (the socket's, never X-Forwarded-For); once a key reaches its threshold it is locked
 * for `baseLockMs`, doubling with each further failure up to `maxLockMs`. A key is forgotten
 * after `forgetAfterMs` without failures past its lockout. State is in memory: a restart clears it.
 *
 * An attempt counts as a failure from the moment it starts and is taken back if it succeeds.
 * Checking a password takes ~50 ms, so counting only finished failures would let a burst of
 * parallel guesses all pass the check before the first one is counted.
 */
export interface ThrottleSettings {
  /** Failures per username before it locks; 5 by default. */
  usernameThreshold: number;
  /** Failures per client address before it locks; higher, because a shared tablet serves a whole crew. */
  addressThreshold: number;
  baseLockMs: number;
  maxLockMs: number;
  forgetAfterMs: number;
  /** Bound on remembered keys, so a flood of made-up usernames cannot grow memory without end. */
  maxKeys: number;
}

export const DEFAULT_THROTTLE: ThrottleSettings = {
  usernameThreshold: 5,
  addressThreshold: 20,
  baseLockMs: 30_000,
  maxLockMs: 3600_000,
  forgetAfterMs: 24 * 3600_000,
  maxKeys: 10_000,
};

interface KeyState {
  failures: number;
  lockedUntil: number;
  lastFailureAt: number;
}

export type ThrottleDecision = { allowed: true; attempt: ThrottleAttempt } | { allowed: false; retryAfterMs: number };

export interface ThrottleAttempt {
  /** The credentials were right: forget the username's failures, take back this attempt's count on the address. */
  succeeded(): void;
}

export class LoginThrottle {
  private readonly keys = new Map<string, KeyState>();
  private readonly settings: ThrottleSettings;

  constructor(private readonly options: { now: () => number; settings?: Partial<ThrottleSettings> }) {
    this.settings = { ...DEFAULT_THROTTLE, ...options.settings };
  }

  /** Either a refusal with how long to wait, or a started attempt already counted as a failure. */
  begin(attempt: { username: string; address: string | null }): ThrottleDecision {
    const now = this.options.now();
    const userKey = `user:${attempt.username.toLowerCase()}`;
    const addressKey = `addr:${attempt.address ?? 'unknown'}`;
    const waitMs = Math.max(this.lockedFor(userKey, now), this.lockedFor(addressKey, now));
    if (waitMs > 0) return { allowed: false, retryAfterMs: waitMs };

    if (this.keys.size >= this.settings.maxKeys) this.prune(now);
    this.fail(userKey, this.settings.usernameThreshold, now);
    this.fail(addressKey, this.settings.addressThreshold, now);
    let settled = false;
    return {
      allowed: true,
      attempt: {
        succeeded: () => {
          if (settled) return;
          settled = true;
          this.keys.delete(userKey);
          this.takeBack(addressKey, this.settings.addressThreshold);
        },
      },
    };
  }

  /** Remembered keys, for tests and health reporting. */
  get size(): number {
    return this.keys.size;
  }

  private lockedFor(key: string, now: number): number {
    const state = this.keys.get(key);
    if (!state) return 0;
    if (this.forgettable(state, now)) {
      this.keys.delete(key);
      return 0;
    }
    return Math.max(0, state.lockedUntil - now);
  }

  private fail(key: string, threshold: number, now: number): void {
    const state = this.keys.get(key) ?? { failures: 0, lockedUntil: 0, lastFailureAt: now };
    state.failures += 1;
    state.lastFailureAt = now;
    if (state.failures >= threshold) {
      const lockMs = Math.min(this.settings.maxLockMs, this.settings.baseLockMs * 2 ** Math.min(30, state.failures - threshold));
      state.lockedUntil = now + lockMs;
    }
    this.keys.set(key, state);
  }

  private takeBack(key: string, threshold: number): void {
    const state = this.keys.get(key);
    if (!state) return;
    state.failures = Math.max(0, state.failures - 1);
    // The lock this very attempt set is undone; one set by earlier failures stays.
    if (state.failures < threshold) state.lockedUntil = 0;
    if (state.failures === 0) this.keys.delete(key);
  }

  private forgettable(state: KeyState, now: number): boolean {
    return now - Math.max(state.lastFailureAt, state.lockedUntil) >= this.settings.forgetAfterMs;
  }

  /** Drop forgettable keys; if still full, drop unlocked ones, oldest failure first, down to half. */
  private prune(now: number): void {
    for (const [key, state] of this.keys) if (this.forgettable(state, now)) this.keys.delete(key);
    if (this.keys.size < this.settings.maxKeys) return;
    const unlocked = [...this.keys].filter(([, state]) => state.lockedUntil <= now).sort((a, b) => a[1].lastFailureAt - b[1].lastFailureAt);
    const excess = this.keys.size - Math.floor(this.settings.maxKeys / 2);
    for (const [key] of unlocked.slice(0, excess)) this.keys.delete(key);
  }
}
