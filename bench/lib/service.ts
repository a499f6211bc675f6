/**
 * The real service for the end-to-end benchmarks: started as a child process by the test
 * helper (tsx src/main.ts, free port, temp data folder), talked to over HTTP with a
 * keep-alive agent and a session cookie, like any client. Also writes temporary
 * configuration files (profiles from config/profiles).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { ADMIN_PASSWORD, repoRoot, startService, type ServiceProcess } from '../../test/helpers/service-process.js';

export { ADMIN_PASSWORD, repoRoot, type ServiceProcess };

export interface HttpReply {
  status: number;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

export class ServiceClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  cookie: string | undefined;

  constructor(readonly baseUrl: string) {}

  send(method: string, urlPath: string, body?: unknown): Promise<HttpReply> {
    const url = new URL(urlPath, this.baseUrl);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method,
          agent: this.agent,
          headers: {
            ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
            ...(this.cookie ? { cookie: this.cookie } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              // not JSON (an HTML fallback page): keep the text, the caller reports it
            }
            resolve({ status: res.statusCode ?? 0, body: parsed, headers: res.headers });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** Logs in as admin and keeps the session cookie for later requests. */
  async login(username = 'admin', password = ADMIN_PASSWORD): Promise<void> {
    const reply = await this.send('POST', '/api/auth/login', { username, password });
    if (reply.status !== 200) throw new Error(`login failed: ${reply.status} ${JSON.stringify(reply.body)}`);
    const setCookie = reply.headers['set-cookie'];
    const cookies = (Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []).map((c) => c.split(';')[0]!);
    if (cookies.length === 0) throw new Error('login answered 200 without a session cookie');
    this.cookie = cookies.join('; ');
  }

  close(): void {
    this.agent.destroy();
  }
}

/**
 * Starts the service and returns it with a logged-in client. With `BENCH_CPU_PROF_DIR` set,
 * the service records a CPU profile into that folder (NODE_OPTIONS refuses --cpu-prof, so
 * a small --import hook does it with the inspector); with `BENCH_MEMORY_LOG=file` it logs
 * its memory usage every 10 s; with `BENCH_HEAP_SNAPSHOT_DIR=dir` it writes heap snapshots
 * there (at 2 and 8 min of uptime, or `BENCH_HEAP_SNAPSHOT_AT`). With `eventLoopLog`, the
 * service keeps an event-loop histogram and writes it there on SIGUSR2 (event-loop-hook.mjs).
 */
export async function startBenchService(
  options: { config?: string; dataDir?: string; eventLoopLog?: string; entry?: string } = {},
): Promise<{ service: ServiceProcess; client: ServiceClient }> {
  const hooks = [
    ...(process.env.BENCH_CPU_PROF_DIR ? ['--import', new URL('./cpu-profile-hook.mjs', import.meta.url).href] : []),
    ...(options.eventLoopLog ? ['--import', new URL('./event-loop-hook.mjs', import.meta.url).href] : []),
    ...(process.env.BENCH_MEMORY_LOG ? ['--import', new URL('./memory-hook.mjs', import.meta.url).href] : []),
    ...(process.env.BENCH_HEAP_SNAPSHOT_DIR ? ['--import', new URL('./heap-snapshot-hook.mjs', import.meta.url).href] : []),
  ];
  const service = await startService({
    config: options.config,
    entry: options.entry,
    dataDir: options.dataDir,
    timeoutMs: 60_000,
    env: {
      ...(hooks.length ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} ${hooks.join(' ')}`.trim() } : {}),
      ...(options.eventLoopLog ? { BENCH_EVENT_LOOP_LOG: options.eventLoopLog } : {}),
    },
  });
  const client = new ServiceClient(service.url);
  try {
    await client.login();
  } catch (error) {
    await service.stop({ cleanup: true });
    throw error;
  }
  return { service, client };
}

/** Writes a service configuration to a temp file; profiles resolve from the repository's config/profiles. */
export function writeTempConfig(config: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-bench-config-'));
  const file = path.join(dir, 'config.yaml');
  writeFileSync(file, stringify({ profilesDir: path.join(repoRoot, 'config', 'profiles'), ...config }));
  return file;
}
