// Loaded with `--import` through NODE_OPTIONS into the service process when
// BENCH_MEMORY_LOG is set: appends process.memoryUsage() (MB) every 10 s to that file as
// JSON lines, to tell JS heap growth from native (SQLite, sockets, buffers) growth in a
// soak. Plain JS: it runs before tsx is loaded.
import { appendFileSync } from 'node:fs';

const file = process.env.BENCH_MEMORY_LOG;
if (file) {
  const mb = (n) => Math.round((n / 1048576) * 10) / 10;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    appendFileSync(
      file,
      `${JSON.stringify({ uptimeS: Math.round(process.uptime()), rss: mb(m.rss), heapTotal: mb(m.heapTotal), heapUsed: mb(m.heapUsed), external: mb(m.external), arrayBuffers: mb(m.arrayBuffers) })}\n`,
    );
  }, 10_000);
  timer.unref();
}
