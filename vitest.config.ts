import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';

// Tests whose assertions are about time (line timing, timeouts, latency gates) and the browser
// tests (Chromium is the heaviest load the suite makes): one file at a time after the rest, so
// the suite's own parallelism never loads them. A users-page test timed out once beside another.
const timing = ['test/faults/**/*.test.ts', 'test/e2e/jam-alarm.test.ts', 'test/dashboard/**/*.test.ts'];

const common = {
  environment: 'node',
  testTimeout: 20_000,
  hookTimeout: 30_000,
  pool: 'forks',
} as const;

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...common,
          name: 'main',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...timing],
          // Most test files wait on sockets, timers and a browser rather than compute: two at a
          // time even on a 2-core machine (vitest's default there is one). Three took 306 s instead
          // of 326 here, at the price of a loaded machine for every test file.
          maxWorkers: Math.max(2, availableParallelism() - 1),
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...common,
          name: 'timing',
          include: timing,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
