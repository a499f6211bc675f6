// Loaded with `--import` through NODE_OPTIONS (where --cpu-prof is not allowed) into the
// service process when BENCH_CPU_PROF_DIR is set: records a V8 CPU profile with the
// inspector and writes it to that folder when the process exits. Plain JS: it runs before
// tsx is loaded.
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

const dir = process.env.BENCH_CPU_PROF_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.start');
  process.on('exit', () => {
    // The inspector answers a same-thread session synchronously, so this runs before exit.
    session.post('Profiler.stop', (error, result) => {
      if (error || !result) return;
      writeFileSync(path.join(dir, `service-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
