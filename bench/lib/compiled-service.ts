/**
 * The service as it runs in production: compiled JavaScript under plain node, no TypeScript
 * loader in the process (tsx adds tens of MB and its own CPU). `BENCH_SERVICE_ENTRY` names a
 * compiled `src/main.js` to use; otherwise the current sources are compiled with tsc into
 * bench/results/service-build (gitignored), with links to the profiles and the dashboard
 * build, which the compiled code looks for beside itself.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './service.js';

export interface CompiledService {
  /** The main.js to run. */
  entry: string;
  /** How it was obtained, for the report. */
  how: string;
}

const buildDir = path.join(repoRoot, 'bench', 'results', 'service-build');

export async function compiledService(): Promise<CompiledService> {
  const given = process.env.BENCH_SERVICE_ENTRY;
  if (given) {
    if (!existsSync(given)) throw new Error(`BENCH_SERVICE_ENTRY=${given} does not exist`);
    return { entry: path.resolve(given), how: `BENCH_SERVICE_ENTRY (${given})` };
  }
  rmSync(buildDir, { recursive: true, force: true });
  mkdirSync(buildDir, { recursive: true });
  const tsconfig = path.join(buildDir, 'tsconfig.json');
  writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: path.join(repoRoot, 'tsconfig.json'),
      compilerOptions: { noEmit: false, rootDir: repoRoot, outDir: buildDir, sourceMap: false, incremental: false },
      files: [path.join(repoRoot, 'src', 'main.ts')],
      include: [],
    }),
  );
  try {
    await promisify(execFile)(process.execPath, [path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', tsconfig], {
      cwd: repoRoot,
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const output = (error as { stdout?: string }).stdout ?? '';
    throw new Error(`compiling the service failed:\n${output.slice(0, 2000)}`, { cause: error });
  }
  // The compiled simulator finds its profiles, and the app its dashboard, beside the build.
  mkdirSync(path.join(buildDir, 'config'), { recursive: true });
  symlinkSync(path.join(repoRoot, 'config', 'profiles'), path.join(buildDir, 'config', 'profiles'));
  if (existsSync(path.join(repoRoot, 'dashboard', 'dist'))) {
    mkdirSync(path.join(buildDir, 'dashboard'), { recursive: true });
    symlinkSync(path.join(repoRoot, 'dashboard', 'dist'), path.join(buildDir, 'dashboard', 'dist'));
  }
  return { entry: path.join(buildDir, 'src', 'main.js'), how: 'compiled with tsc into bench/results/service-build' };
}
