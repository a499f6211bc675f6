import { availableParallelism } from 'node:os';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { configDefaults, defineConfig } from 'vitest/config';

// Tests whose assertions are about time (line timing, timeouts, latency gates): one file at a
// time after the rest, so the suite's own parallelism never loads them. Not the fault fuzzers and
// the byte-fault run: they judge answers, not timing (byte-faults tells a stalled process from a
// wrong master by itself), and run with the rest.
// The users page too, for now: beside another file its first test timed out in about one run of
// three (the added user appeared only after 20 s; the cause is not found yet, and the test now
// says what the page shows when the dialog does not open or close).
const timing = ['test/faults/!(byte-faults|fuzz-master|fuzz-simulator).test.ts', 'test/e2e/jam-alarm.test.ts', 'test/dashboard/users.test.ts'];

/**
 * Vitest's order (longest or largest first), with browser and non-browser files alternating: the
 * two workers then mostly pair a Chromium test (CPU) with a service test (mostly waiting on
 * sockets and timers), instead of two Chromiums loading both cores at once.
 */
class AlternatingSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const isBrowser = (file: TestSpecification) => file.moduleId.includes('/test/dashboard/');
    const groups = [...new Set(sorted.map((file) => file.project.config.sequence.groupOrder))].sort((a, b) => a - b);
    const out: TestSpecification[] = [];
    for (const group of groups) {
      const inGroup = sorted.filter((file) => file.project.config.sequence.groupOrder === group);
      const pages = inGroup.filter(isBrowser);
      const rest = inGroup.filter((file) => !isBrowser(file));
      while (pages.length || rest.length) {
        const next = rest.shift();
        if (next) out.push(next);
        const page = pages.shift();
        if (page) out.push(page);
      }
    }
    return out;
  }
}

const common = {
  environment: 'node',
  testTimeout: 20_000,
  hookTimeout: 30_000,
  pool: 'forks',
} as const;

// Most test files wait on sockets, timers and a browser rather than compute: two at a time even
// on a 2-core machine (vitest's default there is one).
const workers = Math.max(2, availableParallelism() - 1);

export default defineConfig({
  test: {
    // the service the tests start is the compiled one (test/helpers/service-process.ts)
    globalSetup: ['test/global-build.ts'],
    sequence: { sequencer: AlternatingSequencer },
    projects: [
      {
        test: {
          ...common,
          name: 'main',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...timing],
          maxWorkers: workers,
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
