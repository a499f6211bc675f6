#!/usr/bin/env node
/**
 * Builds what `npm start` runs, each part only when it is older than one of its sources:
 * - service: TypeScript compiled by tsc (tsconfig.build.json: all of src/, drivers/ and
 *   simulators/) into dist/, so the service runs as `node dist/src/main.js` with no
 *   TypeScript compiler in the process;
 * - dashboard: the Vite build into dashboard/dist.
 * Run by `npm install` (postinstall) and `npm start` (prestart), so a fresh clone starts
 * without a separate step. `node .ci/ensure-built.mjs [service] [dashboard] [--force]`:
 * names pick parts (default both), `--force` builds even when fresh.
 *
 * "Older" compares the build's stamp with the newest modification time of every source
 * file and folder (a folder's time changes when a file in it is added, removed or renamed,
 * so a moved file rebuilds too) and of the lockfile. Test files run in parallel and each
 * makes sure of the build: one builds, the others wait for its lock. The service is
 * compiled into a fresh folder and swapped in whole, so a process starting meanwhile never
 * sees half a build and no module of a moved or deleted file is left behind.
 *
 * Where the build tool is absent (an install without devDependencies) it says so: a stale
 * build is kept (exit 0); a missing service build is an error (exit 1), since nothing can start.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));

/** Newest mtime under `paths` (files and folders), relative to `base`; missing paths are skipped. */
function newestOf(base, paths) {
  let newest = 0;
  const visit = (path) => {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) return;
    newest = Math.max(newest, stat.mtimeMs);
    if (stat.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  for (const path of paths) visit(join(base, path));
  return newest;
}

const targets = {
  service: {
    lockDir: join(root, '.build-lock-service'),
    stamp: join(root, 'dist', '.built'),
    sources: () => newestOf(root, ['src', 'drivers', 'simulators', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json']),
    build: buildService,
  },
  dashboard: {
    lockDir: join(root, 'dashboard', '.build-lock'),
    stamp: join(root, 'dashboard', 'dist', 'index.html'),
    // the lockfile: a new vite, uplot or socket.io-client means a new bundle
    sources: () => Math.max(newestOf(join(root, 'dashboard'), ['src', 'index.html', 'vite.config.ts']), newestOf(root, ['package-lock.json'])),
    build: buildDashboard,
  },
};

function fresh(target) {
  const stamp = statSync(target.stamp, { throwIfNoEntry: false });
  return stamp !== undefined && stamp.mtimeMs >= target.sources();
}

async function withLock(lockDir, work) {
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch (error) {
      if (error?.code !== 'EEXIST') throw error;
      // a lock older than three minutes was left by a build that died
      if (Date.now() - (statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 180_000) rmSync(lockDir, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`waited 3 min for another build (${lockDir}); remove it if no build runs`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const release = () => rmSync(lockDir, { recursive: true, force: true });
  process.on('exit', release);
  try {
    return await work();
  } finally {
    release();
    process.off('exit', release);
  }
}

async function buildService(_target) {
  let tsc;
  try {
    tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
  } catch (error) {
    if (error?.code !== 'MODULE_NOT_FOUND') throw error;
    if (existsSync(join(root, 'dist', 'src', 'main.js'))) {
      console.warn('service: TypeScript is not installed (devDependencies omitted?); keeping the build in dist/, which is older than the sources.');
      return;
    }
    console.error(
      'service: not built, and TypeScript is not installed to build it. Run `npm install` (with devDependencies), or copy a dist/ built elsewhere.',
    );
    process.exit(1);
  }
  const started = Date.now();
  const building = join(root, `dist.building-${process.pid}`);
  rmSync(building, { recursive: true, force: true });
  const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', building], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    rmSync(building, { recursive: true, force: true });
    console.error(`service: tsc failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`}); dist/ left as it was`);
    process.exit(1);
  }
  writeFileSync(join(building, '.built'), `${new Date().toISOString()}\n`);
  const old = join(root, `dist.old-${process.pid}`);
  if (existsSync(join(root, 'dist'))) renameSync(join(root, 'dist'), old);
  renameSync(building, join(root, 'dist'));
  rmSync(old, { recursive: true, force: true });
  console.log(`service: compiled into ${join(root, 'dist')} in ${Date.now() - started} ms`);
}

async function buildDashboard() {
  let vite;
  try {
    vite = await import('vite');
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
    console.warn('dashboard: vite is not installed (devDependencies omitted?); the dashboard is not built. Run `npm install` then `npm run build:dashboard`.');
    return;
  }
  const started = Date.now();
  await vite.build({ configFile: join(root, 'dashboard', 'vite.config.ts'), logLevel: 'warn' });
  console.log(`dashboard: built into ${join(root, 'dashboard', 'dist')} in ${Date.now() - started} ms`);
}

/** Builds the named parts that are older than their sources (all of them with `force`). */
export async function ensureBuilt({ parts = Object.keys(targets), force = false } = {}) {
  for (const name of parts) {
    const target = targets[name];
    if (!target) throw new Error(`unknown part "${name}"; parts: ${Object.keys(targets).join(', ')}`);
    if (!force && fresh(target)) continue;
    await withLock(target.lockDir, async () => {
      // another build may have finished while this one waited for the lock
      if (!force && fresh(target)) return;
      await target.build(target);
    });
  }
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const args = process.argv.slice(2);
  const parts = args.filter((arg) => !arg.startsWith('--'));
  await ensureBuilt({ parts: parts.length > 0 ? parts : undefined, force: args.includes('--force') });
}
