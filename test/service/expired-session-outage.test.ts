/**
 * A stale session cookie during a storage outage, on the real service (`tsx src/main.ts`):
 * a wall screen that reconnects with an expired cookie while the database refuses writes
 * must not end the process, nor turn the reads of everyone into 503.
 *
 * The session is made expired by moving its end into the past in the service's own SQLite
 * file (the process's clock cannot be driven from outside); the outage is another process
 * holding the write lock past the service's busy timeout (runs everywhere), or the database
 * file made immutable (skipped where `chattr` does not work), as in database-trouble.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ApiClient, openSocket, removeTestConfig, writeTestConfig } from '../e2e/e2e-kit.js';
import { ADMIN_PASSWORD, startService, type ServiceProcess } from '../helpers/service-process.js';
import { immutableSupported } from '../store/temp-store.js';

interface Outage {
  begin(dataDir: string): void;
  end(): void;
}

/** Another process holds SQLite's write lock (BEGIN IMMEDIATE) until `end`. */
function lockHeld(): Outage {
  let holder: Database.Database | undefined;
  return {
    begin(dataDir) {
      holder = new Database(path.join(dataDir, 'pressroom.db'));
      holder.exec('BEGIN IMMEDIATE');
    },
    end() {
      if (!holder) return;
      holder.exec('ROLLBACK');
      holder.close();
      holder = undefined;
    },
  };
}

/** The database file and its WAL made immutable (not the -shm index, which SQLite maps into memory). */
function readOnlyFile(): Outage {
  let dir: string | undefined;
  const set = (on: boolean) => {
    for (const name of readdirSync(dir!).filter((n) => !n.endsWith('-shm'))) execFileSync('chattr', [on ? '+i' : '-i', path.join(dir!, name)]);
  };
  return {
    begin(dataDir) {
      dir = dataDir;
      set(true);
    },
    end() {
      if (dir) set(false);
      dir = undefined;
    },
  };
}

/** Ends every session in the service's database: as if the idle timeout had passed. */
function expireSessions(dataDir: string): void {
  const db = new Database(path.join(dataDir, 'pressroom.db'));
  try {
    db.pragma('busy_timeout = 5000');
    db.prepare('UPDATE sessions SET expires_at = 1').run();
  } finally {
    db.close();
  }
}

/**
 * One service per `anonymousRead` setting, shared by both kinds of outage: each test expires
 * every session and signs in afresh, and each outage ends after its test.
 */
const services = new Map<boolean, { service: ServiceProcess; config: string }>();
let outage: Outage | undefined;

afterEach(() => {
  outage?.end();
  outage = undefined;
});
afterAll(async () => {
  for (const { service, config } of services.values()) {
    await service.stop({ cleanup: true });
    removeTestConfig(config);
  }
  services.clear();
});

async function startWith(options: { anonymousRead: boolean }): Promise<{ service: ServiceProcess; anonymous: ApiClient; admin: ApiClient }> {
  let started = services.get(options.anonymousRead);
  if (!started || !alive(started.service)) {
    if (started) {
      await started.service.stop({ cleanup: true });
      removeTestConfig(started.config);
    }
    const config = writeTestConfig({ anonymousRead: options.anonymousRead });
    started = { service: await startService({ config, timeoutMs: 30_000 }), config };
    services.set(options.anonymousRead, started);
  }
  const { service } = started;
  const anonymous = new ApiClient(service.url);
  const admin = await anonymous.login({ username: 'admin', password: ADMIN_PASSWORD });
  return { service, anonymous, admin };
}

function alive(s: ServiceProcess): boolean {
  return s.child.exitCode === null && s.child.signalCode === null;
}

/** `promise`, or a rejection as soon as the service process exits (what this test is about). */
function unlessExited<T>(s: ServiceProcess, promise: Promise<T>): Promise<T> {
  const exited = new Promise<never>((_resolve, reject) => {
    if (!alive(s)) reject(new Error(`the service had exited:\n${s.output()}`));
    s.child.once('exit', (code) => reject(new Error(`the service exited with code ${code}:\n${s.output()}`)));
  });
  return Promise.race([promise, exited]);
}

describe.each([
  ['another process holds the write lock', lockHeld, true],
  ['the database file is read-only', readOnlyFile, immutableSupported],
] as const)('an expired session cookie while %s', (_what, makeOutage, supported) => {
  it.skipIf(!supported)(
    'without anonymous read: the socket is refused as "login required", a live socket of that session is ended, and the process keeps running',
    async () => {
      const { service: s, admin } = await startWith({ anonymousRead: false });
      const live = await openSocket(s.url, { cookie: admin.cookie });
      const ended = new Promise<unknown>((resolve) => live.once('session:ended', resolve));

      outage = makeOutage();
      expireSessions(s.dataDir);
      outage.begin(s.dataDir);

      // the wall screen reconnecting with its stale cookie: refused, cleanly
      await expect(openSocket(s.url, { cookie: admin.cookie })).rejects.toThrow();
      // the 1 s re-check of the socket that was open: ended, not a crash
      expect(await unlessExited(s, ended)).toEqual({ reason: 'login required' });
      // a second stale reconnect, after the re-check ran
      await expect(openSocket(s.url, { cookie: admin.cookie })).rejects.toThrow();

      expect(alive(s), s.output()).toBe(true);
      const health = await fetch(`${s.url}api/health`);
      expect(health.status).toBe(200);
      expect((await admin.get('/api/presses')).status).toBe(401);
      live.close();

      // once the outage ends, the expired row is simply gone at the next sweep or login
      outage.end();
      outage = undefined;
      const again = await new ApiClient(s.url).login({ username: 'admin', password: ADMIN_PASSWORD });
      const socket = await openSocket(s.url, { cookie: again.cookie });
      socket.close();
    },
    90_000,
  );

  it.skipIf(!supported)(
    'with anonymous read: the stale cookie reads as anonymous, /api/health included, and the socket connects',
    async () => {
      const { service: s, admin } = await startWith({ anonymousRead: true });
      outage = makeOutage();
      expireSessions(s.dataDir);
      outage.begin(s.dataDir);

      const health = await admin.get<{ status: string }>('/api/health');
      expect(health.status, health.text).toBe(200);
      const presses = await admin.get<unknown[]>('/api/presses');
      expect(presses.status, presses.text).toBe(200);
      expect(presses.body.length).toBeGreaterThan(0);
      // anonymous, not the admin any more: a write needs a session
      expect(
        (await admin.post('/api/supplies', { clientId: 'stale-cookie-0001', pressId: 'press-1', kind: 'plate', unit: 1, quantity: 1, uom: 'pcs' })).status,
      ).toBe(401);
      const socket = await openSocket(s.url, { cookie: admin.cookie });
      socket.close();
      expect(alive(s), s.output()).toBe(true);
    },
    90_000,
  );
});
