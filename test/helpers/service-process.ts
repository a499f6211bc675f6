/**
 * Starts the real service as a child process (the compiled `dist/src/main.js`, as `npm start`
 * runs it, or with `compiled: false` the sources under tsx) on a free port with a temp data
 * folder, and waits for the printed URL. Tests talk to it over HTTP and socket.io on 127.0.0.1
 * like any client would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const ADMIN_PASSWORD = 'test-admin-password-9f3k';

export interface ServiceProcess {
  url: string;
  port: number;
  dataDir: string;
  child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  /** SIGTERM and wait; the data folder is kept unless `cleanup`. */
  stop(options?: { cleanup?: boolean }): Promise<number | null>;
  /** SIGKILL, as a power cut would. */
  kill(): Promise<void>;
}

export interface StartServiceOptions {
  env?: Record<string, string>;
  /** A compiled `main.js` to run with plain node, instead of src/main.ts under tsx. */
  entry?: string;
  config?: string;
  dataDir?: string;
  args?: string[];
  timeoutMs?: number;
  /**
   * Run the compiled service from dist/ (what `npm start` runs; the suite's global setup builds it
   * when a source is newer) rather than src/main.ts under tsx. Default: compiled; `false` runs the
   * sources (a start under tsx costs ~0.5 s more).
   */
  compiled?: boolean;
}

/**
 * The V8 flags `npm start` gives node (package.json's start script), so a compiled service
 * started by a test or a benchmark runs with the same heap settings as in production.
 */
export function productionNodeFlags(): string[] {
  const words = startScriptWords();
  return words.slice(words.indexOf('node') + 1).filter((word) => word.startsWith('--'));
}

/** The environment `npm start` sets before node (`GLIBC_TUNABLES=…`): the same malloc settings as in production. */
export function productionNodeEnv(): Record<string, string> {
  const words = startScriptWords();
  const env: Record<string, string> = {};
  for (const word of words.slice(0, Math.max(0, words.indexOf('node')))) {
    const eq = word.indexOf('=');
    if (eq > 0) env[word.slice(0, eq)] = word.slice(eq + 1);
  }
  return env;
}

function startScriptWords(): string[] {
  const scripts = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts;
  return (scripts?.start ?? '').split(/\s+/);
}

export async function startService(options: StartServiceOptions = {}): Promise<ServiceProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'pressroom-test-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...(options.entry || options.compiled !== false ? productionNodeEnv() : {}),
    PORT: '0',
    PRESSROOM_DATA_DIR: dataDir,
    PRESSROOM_ADMIN_PASSWORD: ADMIN_PASSWORD,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    ...(options.config ? { PRESSROOM_CONFIG: options.config } : {}),
    ...options.env,
  };
  const entry = options.entry
    ? [...productionNodeFlags(), options.entry]
    : options.compiled !== false
      ? [...productionNodeFlags(), path.join(repoRoot, 'dist/src/main.js')]
      : ['--import', 'tsx', path.join(repoRoot, 'src/main.ts')];
  const child = spawn(process.execPath, [...entry, ...(options.args ?? [])], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // a service that never starts (a hang, a spin) must not outlive the test
      child.kill('SIGKILL');
      reject(new Error(`service did not print its URL within ${options.timeoutMs ?? 20000} ms:\n${output}`));
    }, options.timeoutMs ?? 20000);
    const onData = () => {
      const match = /Pressroom is running: (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!.replace('localhost', '127.0.0.1'));
      }
    };
    child.stdout!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`service exited with code ${code} before starting:\n${output}`));
    });
  });
  const port = Number(new URL(url).port);
  return {
    url,
    port,
    dataDir,
    child,
    output: () => output,
    async stop({ cleanup = false } = {}) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const code = await exited;
      if (cleanup) rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Polls `check` until it returns a value (not undefined) or the time runs out. */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  { timeoutMs = 10000, intervalMs = 50, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
