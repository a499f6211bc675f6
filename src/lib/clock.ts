/**
 * Time, injected. Everything that schedules or timestamps in Pressroom's services takes a
 * `Clock`, so tests drive time with a manual clock (test/helpers/manual-clock.ts) instead of sleeping, and a test that
 * says "after 3 timeouts the press is off-scan for 2 s" runs in microseconds and always
 * the same way.
 */
export type TimerHandle = { readonly id: number };

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Run `callback` once after `delayMs` (clamped at 0). */
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  /** Cancel a timer; cancelling one that already ran or was cancelled is a no-op. */
  clearTimeout(handle: TimerHandle): void;
}

/** The wall clock and Node's timers. */
export const systemClock: Clock = (() => {
  const timers = new Map<number, ReturnType<typeof setTimeout>>();
  let nextId = 1;
  return {
    now: () => Date.now(),
    setTimeout(callback, delayMs) {
      const id = nextId++;
      const timer = setTimeout(
        () => {
          timers.delete(id);
          callback();
        },
        Math.max(0, delayMs),
      );
      timers.set(id, timer);
      return { id };
    },
    clearTimeout(handle) {
      const timer = timers.get(handle.id);
      if (timer !== undefined) clearTimeout(timer);
      timers.delete(handle.id);
    },
  };
})();
