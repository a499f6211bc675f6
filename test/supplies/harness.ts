/**
 * A supplies service on a real SQLite file, behind the real express app on 127.0.0.1:0, with
 * a stub session: the `x-test-user` header names the signed-in user (viewer, operator, admin),
 * standing in for the session middleware, which is not under test here.
 */
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { ManualClock } from '../helpers/manual-clock.js';
import type { PressSnapshot } from '../../src/model/press-snapshot.js';
import type { Role, SessionUser } from '../../src/model/user.js';
import { createHttpApp } from '../../src/http/http-app.js';
import { createSupplies, levelHistoryFromSamples, suppliesMigrations, type Supplies, type SuppliesSettings } from '../../src/supplies/index.js';
import { AuditRepository } from '../../src/users/audit-repository.js';
import { openDatabase, type StoreDatabase } from '../../src/store/database.js';
import { migrate } from '../../src/store/migrate.js';
import { pressMigrations } from '../../src/presses/press-migrations.js';
import { recordingMigrations } from '../../src/recording/recording-migrations.js';
import { usersMigrations } from '../../src/users/user-migrations.js';
import { SamplesRepository } from '../../src/recording/samples-repository.js';

export const START = Date.UTC(2026, 2, 2, 8, 0, 0);

export const USERS: Record<Role, SessionUser> = {
  viewer: { id: 1, username: 'wall', displayName: 'Wall screen', role: 'viewer' },
  operator: { id: 2, username: 'anna', displayName: 'Anna', role: 'operator' },
  admin: { id: 3, username: 'boss', displayName: 'Boss', role: 'admin' },
};

export function pressSnapshot(id: string, options: { units?: number; state?: PressSnapshot['state']; at?: number } = {}): PressSnapshot {
  const at = options.at ?? START;
  const colors = ['cyan', 'magenta', 'yellow', 'black', 'Pantone 286 C'];
  return {
    id,
    name: id.toUpperCase(),
    model: 'demo-sheetfed-4c',
    link: { kind: 'tcp', bus: 'bus-1', unitId: 1, address: '127.0.0.1:502' },
    online: true,
    state: options.state ?? 'production',
    stopReason: null,
    stateDetail: null,
    stateSince: at,
    speed: 12_000,
    ratedSpeed: 15_000,
    counters: { total: 0, good: 0, waste: 0 },
    jobCounters: { total: 0, good: 0, waste: 0 },
    ink: Array.from({ length: options.units ?? 4 }, (_, i) => ({ unit: i + 1, color: colors[i] ?? `spot ${i}`, level: 60, quality: 'good' as const, at })),
    paper: { level: 80, quality: 'good', at, kind: 'pile' },
    levels: [],
    activeAlarms: 0,
    comm: { lastOkAt: at, lastErrorAt: null, lastError: null, latencyMs: 5, errors: {}, reads: 1, offScanUntil: null, overruns: {}, overrunning: [] },
    updatedAt: at,
  };
}

export interface Harness {
  dir: string;
  db: StoreDatabase;
  clock: ManualClock;
  supplies: Supplies;
  audit: AuditRepository;
  samples: SamplesRepository;
  presses: Map<string, PressSnapshot>;
  base: string;
  request(
    method: string,
    url: string,
    options?: { role?: Role | null; body?: unknown },
  ): Promise<{ status: number; body: any; text: string; headers: Headers }>;
  /** Close the server and the database, keeping the file. */
  close(): Promise<void>;
  /** close() and delete the folder. */
  dispose(): Promise<void>;
}

export async function startHarness(options: { dir?: string; settings?: Partial<SuppliesSettings>; anonymousRead?: boolean } = {}): Promise<Harness> {
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'pressroom-supplies-'));
  const logger = pino({ level: 'silent' });
  const db = openDatabase({ dataDir: dir, logger });
  migrate(db, [...pressMigrations, ...recordingMigrations, ...usersMigrations, ...suppliesMigrations]);
  const clock = new ManualClock(START);
  const audit = new AuditRepository(db, () => clock.now());
  const samples = new SamplesRepository(db);
  const presses = new Map<string, PressSnapshot>([
    ['press-1', pressSnapshot('press-1')],
    ['press-2', pressSnapshot('press-2', { units: 5 })],
  ]);
  const supplies = createSupplies({
    db,
    audit,
    logger,
    clock,
    presses: { get: (id) => presses.get(id), list: () => [...presses.values()] },
    history: levelHistoryFromSamples(samples),
    anonymousRead: options.anonymousRead ?? false,
    ...(options.settings ? { settings: options.settings } : {}),
  });
  const app = createHttpApp({
    logger,
    before: [
      (req, res, next) => {
        const role = req.header('x-test-user') as Role | undefined;
        if (role) res.locals.user = USERS[role];
        next();
      },
    ],
    apiRouters: [supplies.router],
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    supplies.stop();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    db.close();
  };
  return {
    dir,
    db,
    clock,
    supplies,
    audit,
    samples,
    presses,
    base,
    async request(method, url, requestOptions = {}) {
      const role = requestOptions.role === undefined ? 'operator' : requestOptions.role;
      const headers: Record<string, string> = {};
      if (role) headers['x-test-user'] = role;
      if (requestOptions.body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(`${base}${url}`, {
        method,
        headers,
        ...(requestOptions.body !== undefined ? { body: JSON.stringify(requestOptions.body) } : {}),
      });
      const text = await response.text();
      let body: unknown = undefined;
      if ((response.headers.get('content-type') ?? '').includes('json')) body = JSON.parse(text);
      return { status: response.status, body, text, headers: response.headers };
    },
    close,
    async dispose() {
      await close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

let clientIds = 0;
/** A fresh client id, as a tablet would generate one. */
export function clientId(): string {
  clientIds += 1;
  return `tablet-0001-${String(clientIds).padStart(6, '0')}`;
}

export function inkEntry(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    clientId: clientId(),
    pressId: 'press-1',
    kind: 'ink',
    unit: 2,
    product: 'Novavit F 918 Magenta',
    lot: 'L24-0815',
    quantity: 2.5,
    uom: 'kg',
    ...overrides,
  };
}
