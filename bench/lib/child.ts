/**
 * Runs part of a benchmark in its own Node process (its own event loop, and on this
 * 2-core machine likely its own core), so the server under test and the client measuring
 * it do not share a thread. A tiny request/response protocol over the IPC channel:
 * `host.call(method, args)` in the parent, `serveChild({ method: handler })` in the child.
 *
 * Worker threads would be lighter, but tsx does not load `.ts` worker entries on Node 20.
 */
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

interface CallMessage {
  id: number;
  method: string;
  args: unknown;
}

interface ReplyMessage {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}

export interface ChildHost {
  readonly pid: number;
  call<T>(method: string, args?: unknown): Promise<T>;
  /** Asks the child to exit and waits for it (kills it after 3 s). */
  close(): Promise<void>;
}

/** `BENCH_CPU_PROF_DIR=dir npm run bench -- …` writes a V8 CPU profile of every child into `dir`. */
export function cpuProfileArgs(): string[] {
  const dir = process.env.BENCH_CPU_PROF_DIR;
  return dir ? ['--cpu-prof', '--cpu-prof-dir', dir] : [];
}

export async function startChild(entry: URL, options: { name: string }): Promise<ChildHost> {
  const execArgv = ['--import', 'tsx', ...cpuProfileArgs()];
  const child: ChildProcess = fork(fileURLToPath(entry), [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.on('message', (message: ReplyMessage) => {
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.ok) waiter.resolve(message.value);
    else waiter.reject(new Error(`${options.name}: ${message.error}`));
  });
  void exited.then(() => {
    for (const waiter of pending.values()) waiter.reject(new Error(`${options.name} exited (code ${child.exitCode}, signal ${child.signalCode})`));
    pending.clear();
  });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', () => resolve());
    child.once('error', reject);
  });
  const host: ChildHost = {
    pid: child.pid!,
    call<T>(method: string, args?: unknown): Promise<T> {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        child.send({ id, method, args } satisfies CallMessage);
      });
    },
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send({ id: 0, method: '__exit', args: null } satisfies CallMessage);
      const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(killer);
    },
  };
  await host.call('__ready');
  return host;
}

export type Handlers = Record<string, (args: never) => Promise<unknown> | unknown>;

/** In the child: answer calls until the parent says `__exit` (or goes away). */
export function serveChild(handlers: Handlers, onExit?: () => Promise<void>): void {
  const exit = async () => {
    try {
      await onExit?.();
    } finally {
      process.exit(0);
    }
  };
  process.on('disconnect', () => void exit());
  process.on('message', async (message: CallMessage) => {
    if (message.method === '__exit') return void exit();
    let reply: ReplyMessage;
    try {
      const handler = message.method === '__ready' ? () => true : handlers[message.method];
      if (!handler) throw new Error(`unknown method ${message.method}`);
      reply = { id: message.id, ok: true, value: await (handler as (args: unknown) => unknown)(message.args) };
    } catch (error) {
      reply = { id: message.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
    }
    process.send!(reply);
  });
}

/** CPU time (user + system, ms) and event-loop utilisation of this process since `since`. */
export function processLoad(since: { cpu: NodeJS.CpuUsage; elu: EventLoopUtilization }) {
  const cpu = process.cpuUsage(since.cpu);
  const elu = performance.eventLoopUtilization(since.elu);
  return { cpuMs: (cpu.user + cpu.system) / 1000, eventLoopUtilization: elu.utilization };
}

export function loadMark() {
  return { cpu: process.cpuUsage(), elu: performance.eventLoopUtilization() };
}
