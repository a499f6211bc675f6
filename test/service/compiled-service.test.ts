/**
 * The service as `npm start` runs it: compiled by tsc into dist/ and started with plain
 * `node dist/src/main.js`, no TypeScript compiler in the process (issue 9 item 4). The build
 * is the one `npm install` and `npm start` make (.ci/ensure-built.mjs); the paths the
 * service finds from its own location (the dashboard build, config/default.yaml, the
 * profiles of the simulated presses) must work from dist/ as from the sources.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, startService, type ServiceProcess } from '../helpers/service-process.js';

const packageJson = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
};
const recordDir = mkdtempSync(path.join(tmpdir(), 'pressroom-modules-'));
const modulesFile = path.join(recordDir, 'modules.txt');
let service: ServiceProcess;

beforeAll(async () => {
  // what prestart runs: compiles only when a source is newer than dist/
  execFileSync(process.execPath, [path.join(repoRoot, '.ci/ensure-built.mjs'), 'service'], { cwd: repoRoot, stdio: 'inherit', timeout: 170_000 });
  // no --config: the embedded default, found from dist/src/main.js like `npm start` finds it
  service = await startService({
    compiled: true,
    timeoutMs: 30_000,
    env: { NODE_OPTIONS: `--import ${pathToFileURL(path.join(repoRoot, 'test/helpers/record-modules.mjs')).href}`, RECORD_MODULES_FILE: modulesFile },
  });
}, 180_000);
afterAll(async () => {
  await service?.stop({ cleanup: true });
  rmSync(recordDir, { recursive: true, force: true });
});

describe('the compiled service', () => {
  it('is what npm start runs, and needs no TypeScript compiler among the dependencies', () => {
    // plain node on the build, with V8 heap and GC flags and glibc malloc tunables at most (docs/benchmarks.md, section 11)
    expect(packageJson.scripts.start).toMatch(/^(GLIBC_TUNABLES=[a-z0-9_.=:]+ )?node( --[a-z-]+(=\d+)?)* dist\/src\/main\.js$/);
    expect(packageJson.scripts.prestart).toBe('node .ci/ensure-built.mjs');
    expect(packageJson.scripts.postinstall).toBe('node .ci/ensure-built.mjs');
    expect(Object.keys(packageJson.dependencies)).not.toContain('tsx');
    expect(Object.keys(packageJson.dependencies)).not.toContain('typescript');
  });

  it('starts from dist/ with the embedded default and serves /api/health, the presses and the dashboard', async () => {
    const health = await fetch(`${service.url}api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ presses: { total: 3 } });
    const presses = (await (await fetch(`${service.url}api/presses`)).json()) as { id: string }[];
    expect(presses.map((p) => p.id)).toEqual(['press-1', 'press-2', 'press-3']);
    const page = await fetch(service.url);
    expect(page.status).toBe(200);
    // the Vite build (its script is a module under /assets/), not the fallback status page
    expect(await page.text()).toMatch(/<script type="module" crossorigin src="\/assets\//);
  });

  it('loads only JavaScript: no .ts module, no tsx, typescript or esbuild', () => {
    const urls = readFileSync(modulesFile, 'utf8').trim().split('\n');
    const ours = urls.filter((url) => url.startsWith(pathToFileURL(repoRoot).href) && !url.includes('/node_modules/') && !url.includes('/test/helpers/'));
    expect(ours.length).toBeGreaterThan(50);
    expect(ours.every((url) => url.startsWith(pathToFileURL(path.join(repoRoot, 'dist')).href) && url.endsWith('.js'))).toBe(true);
    expect(urls.filter((url) => /\/node_modules\/(tsx|typescript|esbuild|get-tsconfig)\//.test(url) || /\.[cm]?ts$/.test(url))).toEqual([]);
  });
});
