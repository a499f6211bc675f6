#!/usr/bin/env node
/**
 * Builds the dashboard into dashboard/dist unless it is already newer than every source.
 * Run by `npm install` (postinstall) and `npm start` (prestart), so a fresh clone serves
 * the dashboard without a separate step. `--force` always builds.
 *
 * Where vite is absent (an install without devDependencies), it says so and exits 0: the
 * service still runs and serves its minimal status page instead of the dashboard.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dashboardDir = dirname(dirname(fileURLToPath(import.meta.url)));
const distIndex = join(dashboardDir, 'dist', 'index.html');
const force = process.argv.includes('--force');

function newestSource() {
  let newest = 0;
  const visit = (path) => {
    const stat = statSync(path);
    if (stat.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
    else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const name of ['src', 'index.html', 'vite.config.ts']) visit(join(dashboardDir, name));
  // the lockfile: a new vite, uplot or socket.io-client means a new bundle
  const lock = join(dashboardDir, '..', 'package-lock.json');
  if (existsSync(lock)) newest = Math.max(newest, statSync(lock).mtimeMs);
  return newest;
}

const fresh = () => existsSync(distIndex) && statSync(distIndex).mtimeMs >= newestSource();
if (!force && fresh()) process.exit(0);

// test files run in parallel and each makes sure of the build: one builds, the others wait for it
const lockDir = join(dashboardDir, '.build-lock');
const deadline = Date.now() + 120_000;
for (;;) {
  try {
    mkdirSync(lockDir);
    break;
  } catch (error) {
    if (error?.code !== 'EEXIST') throw error;
    // a lock older than two minutes was left by a build that died
    if (Date.now() - statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs > 120_000) rmSync(lockDir, { recursive: true, force: true });
    if (Date.now() > deadline) throw new Error(`dashboard: waited 2 min for another build (${lockDir}); remove it if no build runs`, { cause: error });
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
process.on('exit', () => rmSync(lockDir, { recursive: true, force: true }));
if (!force && fresh()) process.exit(0);

let vite;
try {
  vite = await import('vite');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
  console.warn('dashboard: vite is not installed (devDependencies omitted?); the dashboard is not built. Run `npm install` then `npm run build:dashboard`.');
  process.exit(0);
}

const started = Date.now();
await vite.build({ configFile: join(dashboardDir, 'vite.config.ts'), logLevel: 'warn' });
console.log(`dashboard: built into ${join(dashboardDir, 'dist')} in ${Date.now() - started} ms`);
