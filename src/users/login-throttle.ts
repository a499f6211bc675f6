/**
 * Slows down password and PIN guessing without handing anyone a way to lock a user out
 * (OWASP, "Slow Down Online Guessing Attacks with Device Cookies").
 *
 * - From a device unknown for this user (no valid device cookie for them): failures count per
 *   username and per client address (the socket's, never X-Forwarded-For). Once a username
 *   reaches its threshold it is locked *for unknown devices*; an address, for every username.
 * - From a device that has logged in as this user before (its signed device cookie, see
 *   device-cookie.ts): failures count for that device and user only. A lock from elsewhere
 *   does not stop it, and its own lock stops only it.
 *
 * Locks last `baseLockMs`, doubling with each further failure up to `maxLockMs`; a key is
 * forgotten `forgetAfterMs` after its last failure or lock. The counts of real accounts are
 * kept apart and are never evicted (their number is the number of users); made-up usernames,
 * addresses and devices share bounded books, so flooding them can neither grow memory without
 * end nor reset an account's count. State is in memory: a restart clears it.
 *
 * An attempt counts as a failure from the moment it starts and is taken back if it succeeds.
 * Checking a password takes ~50 ms, so counting only finished failures would let a burst of
 * parallel guesses all pass the check before the first one is counted.
 */
import { FailureBook } from './failure-book.js';

export interface ThrottleSettings {
  /** Failures per username (from unknown devices) and per known device before it locks; 5 by default. */
  usernameThreshold: number;
  /** Failures per client address before it locks; higher, because a shared tablet serves a whole crew. */
  addressThreshold: number;
  baseLockMs: number;
  maxLockMs: number;
  forgetAfterMs: number;
  /** Bound on remembered made-up usernames and addresses together. */
  maxKeys: number;
  /** Bound on remembered devices. */
  maxDevices: number;
}

export const DEFAULT_THROTTLE: ThrottleSettings = {
  usernameThreshold: 5,
  addressThreshold: 20,
  baseLockMs: 30_000,
  maxLockMs: 3600_000,
  forgetAfterMs: 24 * 3600_000,
  maxKeys: 10_000,
  maxDevices: 10_000,
};

export interface LoginAttempt {
  username: string;
  address: string | null;
  /** The username is a real account: its count goes in the book that is never evicted. */
  account: boolean;
  /** The id of a device that has logged in as this user before (a valid device cookie). */
  device?: string;
}

export type ThrottleDecision = { allowed: true; attempt: ThrottleAttempt } | { allowed: false; retryAfterMs: number };

export interface ThrottleAttempt {
  /** The credentials were right: forget this user's (or device's) failures, take back the address's count. */
  succeeded(): void;
}

export class LoginThrottle {
  private readonly settings: ThrottleSettings;
  /** Real accounts, failures from unknown devices: bounded by the number of users, never evicted. */
  private readonly accounts: FailureBook;
  /** Made-up usernames and client addresses. */
  private readonly strangers: FailureBook;
  /** Known devices, per user. */
  private readonly devices: FailureBook;

  constructor(private readonly options: { now: () => number; settings?: Partial<ThrottleSettings> }) {
    this.settings = { ...DEFAULT_THROTTLE, ...options.settings };
    const locks = { baseLockMs: this.settings.baseLockMs, maxLockMs: this.settings.maxLockMs, forgetAfterMs: this.settings.forgetAfterMs };
    this.accounts = new FailureBook(locks);
    this.strangers = new FailureBook({ ...locks, maxKeys: this.settings.maxKeys });
    this.devices = new FailureBook({ ...locks, maxKeys: this.settings.maxDevices });
  }

  /** Either a refusal with how long to wait, or a started attempt already counted as a failure. */
  begin(attempt: LoginAttempt): ThrottleDecision {
    const now = this.options.now();
    const { usernameThreshold, addressThreshold } = this.settings;
    const username = attempt.username.toLowerCase();

    if (attempt.device !== undefined) {
      const deviceKey = `${username}\n${attempt.device}`;
      const waitMs = this.devices.lockedFor(deviceKey, now);
      if (waitMs > 0) return { allowed: false, retryAfterMs: waitMs };
      this.devices.fail(deviceKey, usernameThreshold, now);
      return started(() => this.devices.forget(deviceKey));
    }

    const users = attempt.account ? this.accounts : this.strangers;
    const userKey = `user:${username}`;
    const addressKey = `addr:${attempt.address ?? 'unknown'}`;
    const waitMs = Math.max(users.lockedFor(userKey, now), this.strangers.lockedFor(addressKey, now));
    if (waitMs > 0) return { allowed: false, retryAfterMs: waitMs };
    users.fail(userKey, usernameThreshold, now);
    this.strangers.fail(addressKey, addressThreshold, now);
    return started(() => {
      users.forget(userKey);
      this.strangers.takeBack(addressKey, addressThreshold);
    });
  }

  /** Remembered made-up usernames and addresses, for tests and health reporting. */
  get size(): number {
    return this.strangers.size;
  }
}

function started(onSuccess: () => void): ThrottleDecision {
  let settled = false;
  return {
    allowed: true,
    attempt: {
      succeeded: () => {
        if (settled) return;
        settled = true;
        onSuccess();
      },
    },
  };
}
