/**
 * When this process was held up: a timer that should tick every `everyMs` and came late by
 * `stallMs` or more marks the time between as a stall (the process descheduled on a loaded
 * machine, or a long garbage collection). A test that runs a peer in the same process (a raw
 * slave answering the master under test) can then tell a reply that was late because nothing
 * ran from one the code got wrong: only requests in flight during a stall may be excused.
 */
export interface StallWatch {
  readonly stalls: readonly { from: number; to: number }[];
  /** Whether a stall overlapped [from, to] (performance.now() times). */
  overlaps(from: number, to: number): boolean;
  stop(): void;
}

export function watchStalls(options: { stallMs: number; everyMs?: number }): StallWatch {
  const everyMs = options.everyMs ?? 10;
  const stalls: { from: number; to: number }[] = [];
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    if (now - last >= everyMs + options.stallMs) stalls.push({ from: last, to: now });
    last = now;
  }, everyMs);
  return {
    stalls,
    overlaps: (from, to) => stalls.some((stall) => stall.from < to && stall.to > from),
    stop: () => clearInterval(timer),
  };
}
