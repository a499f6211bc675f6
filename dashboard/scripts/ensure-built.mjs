#!/usr/bin/env node
/**
 * Builds the dashboard into dashboard/dist unless it is already newer than every source;
 * `--force` always builds. Kept at this path for the tests and docs that name it: the work
 * is done by .ci/ensure-built.mjs, which builds the service the same way.
 *
 * Where vite is absent (an install without devDependencies), it says so and exits 0: the
 * service still runs and serves its minimal status page instead of the dashboard.
 */
import { ensureBuilt } from '../../.ci/ensure-built.mjs';

await ensureBuilt({ parts: ['dashboard'], force: process.argv.includes('--force') });
