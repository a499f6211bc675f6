// Loaded with `--import` through NODE_OPTIONS into the service process when
// BENCH_EVENT_LOOP_LOG is set: keeps an event-loop delay histogram of the main thread, and on
// SIGUSR2 appends its summary since the last SIGUSR2 (ms, the 10 ms sampling interval taken
// off, like /api/health) to that file as one JSON line, then starts afresh. A benchmark sends
// SIGUSR2 when its load starts and when it ends, and reads the second line. Plain JS: it runs
// before tsx is loaded (and in no worker thread). The heap-snapshot hook also answers SIGUSR2:
// do not load both.
import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';

const file = process.env.BENCH_EVENT_LOOP_LOG;
const RESOLUTION_MS = 10;
if (file && isMainThread) {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  const ms = (ns) => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 100) / 100);
  let utilization = performance.eventLoopUtilization();
  process.on('SIGUSR2', () => {
    const busy = performance.eventLoopUtilization(utilization);
    utilization = performance.eventLoopUtilization();
    appendFileSync(
      file,
      `${JSON.stringify({
        uptimeS: Math.round(process.uptime()),
        samples: histogram.count,
        p50Ms: ms(histogram.percentile(50)),
        p99Ms: ms(histogram.percentile(99)),
        p999Ms: ms(histogram.percentile(99.9)),
        maxMs: ms(histogram.max),
        // share of the window the main thread was busy, and for how long in all
        utilization: Math.round(busy.utilization * 1000) / 1000,
        activeMs: Math.round(busy.active),
      })}\n`,
    );
    histogram.reset();
  });
}
