// Loaded with `--import` through NODE_OPTIONS into the service process when
// BENCH_HEAP_SNAPSHOT_DIR is set: writes a V8 heap snapshot into that folder at each uptime
// listed in BENCH_HEAP_SNAPSHOT_AT (seconds, comma-separated; default 120,480) and on
// SIGUSR2, each after two full collections, so two snapshots differ only by what is
// retained. Compare them with `npx tsx bench/heap-diff.ts a.heapsnapshot b.heapsnapshot`.
// Writing a snapshot raises the RSS by about 100 MB that malloc keeps: do not read RSS
// figures from a run that takes snapshots. Plain JS: it runs before tsx is loaded.
import { setFlagsFromString, writeHeapSnapshot } from 'node:v8';
import { runInNewContext } from 'node:vm';
import path from 'node:path';

const dir = process.env.BENCH_HEAP_SNAPSHOT_DIR;
if (dir) {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc');
  const take = (label) => {
    gc();
    gc();
    const heapUsedMb = Math.round(process.memoryUsage().heapUsed / 104857.6) / 10;
    const file = writeHeapSnapshot(path.join(dir, `service-${process.pid}-${label}.heapsnapshot`));
    process.stderr.write(`heap snapshot ${file} (heapUsed after GC ${heapUsedMb} MB)\n`);
  };
  for (const at of (process.env.BENCH_HEAP_SNAPSHOT_AT ?? '120,480')
    .split(',')
    .map(Number)
    .filter((s) => s > 0)) {
    setTimeout(() => take(`${at}s`), at * 1000).unref();
  }
  process.on('SIGUSR2', () => take(`${Math.round(process.uptime())}s-signal`));
}
