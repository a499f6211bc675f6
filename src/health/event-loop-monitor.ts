import { monitorEventLoopDelay } from 'node:perf_hooks';

/** Event-loop delay percentiles over a sliding window (reset every `windowMs`), for /api/health and the soak benchmark. */
const RESOLUTION_MS = 10;

export function createEventLoopMonitor(windowMs = 60_000): { read(): { p50Ms: number; p99Ms: number; maxMs: number }; stop(): void } {
  const current = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  current.enable();
  let last = { p50Ms: 0, p99Ms: 0, maxMs: 0 };
  const summarize = () => ({
    p50Ms: round(current.percentile(50) / 1e6),
    p99Ms: round(current.percentile(99) / 1e6),
    maxMs: round(current.max / 1e6),
  });
  const timer = setInterval(() => {
    last = summarize();
    current.reset();
  }, windowMs);
  timer.unref();
  return {
    // the full window just closed, or the current one when it has data
    read: () => (current.count > 0 ? summarize() : last),
    stop: () => {
      clearInterval(timer);
      current.disable();
    },
  };
}

/** The histogram holds the sampling timer's whole interval; the delay is what exceeds it. */
function round(ms: number): number {
  return Math.max(0, Math.round((ms - RESOLUTION_MS) * 100) / 100);
}
