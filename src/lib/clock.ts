/**
 * Time, injected. Everything that schedules or timestamps in Pressroom's services takes a
 * `Clock`, so tests drive time with a manual clock (test/helpers/manual-clock.ts) instead of sleeping, and a test that
 * says "after 3 timeouts the press is off-scan for 2 s" runs in microseconds and always
 * the same way.
 */
declare const timerHandle: unique symbol;
/** Opaque: each clock knows what its own handles are (the system clock's are Node's timers). */
export type TimerHandle = { readonly [timerHandle]: true };

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Run `callback` once after `delayMs` (clamped at 0). */
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  /** Cancel a timer; cancelling one that already ran or was cancelled is a no-op. */
  clearTimeout(handle: TimerHandle): void;
}

/** The wall clock and Node's timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  // Node's own timer is the handle: no id, map entry or wrapper closure per timer, which at
  // thousands of scan ticks a second was most of what lived long enough to reach the old space.
  setTimeout: (callback, delayMs) => setTimeout(callback, Math.max(0, delayMs)) as unknown as TimerHandle,
  clearTimeout: (handle) => clearTimeout(handle as unknown as ReturnType<typeof setTimeout>),
};
