/**
 * A disk that is already full when the service starts (issue 10 item 5): the real service
 * process on a real full file system, a small tmpfs this test mounts (it runs as root here;
 * where mounting is not allowed the test is skipped, since no unprivileged way makes a file
 * system full for SQLite's mapped WAL index without filling the machine's own disk).
 *
 * Before: `disk I/O error [io, SQLITE_IOERR_SHMSIZE]` and the process exited. Now: it says the
 * disk is full, serves live data, refuses writes with 503 "the disk is full", and takes writes
 * again as soon as space is freed.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, rmSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTestConfig, signInCrew, writeTestConfig } from '../e2e/e2e-kit.js';
import { ADMIN_PASSWORD, eventually, startService, type ServiceProcess } from '../helpers/service-process.js';

function tryMountTmpfs(sizeBytes: number): string | undefined {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return undefined;
  const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-fullfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', dir], { stdio: 'ignore' });
    return dir;
  } catch (error) {
    // not allowed here (a container without CAP_SYS_ADMIN): skipped below, saying why
    console.warn(`disk-full-start: cannot mount a tmpfs (${(error as Error).message}); skipped`);
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
}

/** Writes a file until the file system says ENOSPC. */
function fillUp(file: string): void {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  // the last partial blocks too
  const small = openSync(`${file}.tail`, 'w');
  try {
    for (;;) writeSync(small, Buffer.alloc(512));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(small);
  }
}

const mountPoint = tryMountTmpfs(8 * 1024 * 1024);
const config = writeTestConfig();
const services: ServiceProcess[] = [];

beforeAll(() => {
  if (mountPoint) mkdirSync(path.join(mountPoint, 'data'));
});
afterAll(async () => {
  for (const service of services) await service.kill();
  if (mountPoint) {
    execFileSync('umount', [mountPoint]);
    rmSync(mountPoint, { recursive: true, force: true });
  }
  removeTestConfig(config);
});

interface Health {
  status: string;
  reasons: string[];
  store: { ok: boolean };
}
interface Press {
  id: string;
  online: boolean;
  counters: { total: number };
}

describe.skipIf(!mountPoint)('a disk already full at start', () => {
  it('says the disk is full, serves live data, refuses writes with 503, and saves again once space is freed', async () => {
    const dataDir = path.join(mountPoint!, 'data');
    // a shop that ran before: its database is there
    const first = await startService({ dataDir, config, timeoutMs: 30_000 });
    await first.stop();
    fillUp(path.join(mountPoint!, 'filler'));

    const service = await startService({ dataDir, config, timeoutMs: 30_000 });
    services.push(service);
    expect(service.output()).toContain('the disk is full: serving live data, nothing is saved until space is freed');
    expect(service.output()).not.toMatch(/failed to start/);

    const api = (route: string, init?: RequestInit) => fetch(`${service.url}api/${route}`, init);
    // live data: three presses online, counters moving
    const firstRead = await eventually(
      async () => {
        const presses = (await (await api('presses')).json()) as Press[];
        return presses.length === 3 && presses.every((p) => p.online) ? presses : undefined;
      },
      { what: 'three presses online', timeoutMs: 20_000 },
    );
    await eventually(
      async () => {
        const presses = (await (await api('presses')).json()) as Press[];
        return presses.find((p) => p.id === 'press-1')!.counters.total > firstRead.find((p) => p.id === 'press-1')!.counters.total || undefined;
      },
      { what: 'press-1 counting', timeoutMs: 20_000 },
    );
    const degraded = await eventually(
      async () => {
        const health = (await (await api('health')).json()) as Health;
        return health.store.ok ? undefined : health;
      },
      { what: 'health to report the full disk' },
    );
    expect(degraded.status).toBe('degraded');
    expect(degraded.reasons.join(' ')).toMatch(/disk-full/);

    const login = () =>
      api('auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
      });
    const refused = await login();
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toBe('nothing was saved: the disk is full; try again later');

    // space is freed: writes are taken again without a restart
    rmSync(path.join(mountPoint!, 'filler'));
    rmSync(path.join(mountPoint!, 'filler.tail'));
    await eventually(async () => ((await (await api('health')).json()) as Health).store.ok || undefined, {
      what: 'health to report the store ok again',
      timeoutMs: 20_000,
    });
    const crew = await signInCrew(service.url);
    const logged = await crew.operator.post('/api/supplies', {
      clientId: 'after-the-full-disk-1',
      pressId: 'press-1',
      kind: 'paper',
      quantity: 1000,
      uom: 'sheets',
    });
    expect(logged.status).toBe(201);
    await service.stop();
  }, 120_000);

  it('a new database on a full disk: refuses to start, saying the disk is full and what to do', async () => {
    const dataDir = path.join(mountPoint!, 'fresh');
    fillUp(path.join(mountPoint!, 'filler'));
    try {
      const error = await startService({ dataDir, config, timeoutMs: 30_000 }).then(
        () => undefined,
        (e: Error) => e.message,
      );
      expect(error).toContain('exited with code 1');
      expect(error).toMatch(/the disk holding the data folder is full \(\d+ bytes free\).*free space and start again/);
    } finally {
      rmSync(path.join(mountPoint!, 'filler'), { force: true });
      rmSync(path.join(mountPoint!, 'filler.tail'), { force: true });
    }
  }, 60_000);
});
