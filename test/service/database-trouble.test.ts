/**
 * The database stops taking writes under the running service (a real `tsx src/main.ts`
 * process): alarms still reach the dashboard, operator writes are refused with a clear 503
 * (the tablet keeps them), and the machine's changes made meanwhile (run-state transitions,
 * the alarm's journal lines and row) are replayed in order once it takes writes again, so the
 * alarm raised during the trouble is in the journal and survives a restart unacknowledged.
 *
 * The e-stop pressed during the trouble comes from the press itself: press-1 and press-2 are
 * served by a simulator in this test process (the service polls it over Modbus TCP like a real
 * PLC), not by the service's own simulator, whose trainer events are writes the database must
 * take first (they are audited) and so are refused during the trouble. That refusal is tested
 * here too: a simulator event answered 503 "nothing was saved" has not happened.
 *
 * Two kinds of trouble:
 * - busy: this test opens the service's SQLite file itself and holds the write lock longer
 *   than the service's busy timeout (250 ms). Runs everywhere, no root needed.
 * - read-only: the database file and its WAL made immutable (chattr +i, which stops even
 *   root, like a read-only mount). Skipped where the file system does not honour chattr.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { io as connect, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlarmView } from '../../src/model/alarm-view.js';
import { parse, stringify } from 'yaml';
import { startSimulation, type Simulation } from '../../simulators/simulation.js';
import { removeTestConfig, writeTestConfig } from '../e2e/e2e-kit.js';
import { immutableSupported } from '../store/temp-store.js';
import { ADMIN_PASSWORD, eventually, startService, type ServiceProcess } from '../helpers/service-process.js';

const SERVICE_BUSY_TIMEOUT_MS = 250;

interface Health {
  status: string;
  store: { ok: boolean; error?: string; pending: { writes: number; samples: number }; dropped: { writes: number; samples: number } };
}
interface Transition {
  at: number;
  state: string;
  reason: string | null;
}
interface JournalLine {
  seq: number;
  alarmId: string;
  action: string;
  at: number;
}

let services: ServiceProcess[] = [];
let sockets: Socket[] = [];
let endTrouble: (() => void) | undefined;
let plcs: Simulation | undefined;
let configFile: string | undefined;

afterEach(async () => {
  endTrouble?.();
  endTrouble = undefined;
  for (const socket of sockets) socket.close();
  sockets = [];
  for (const service of services) await service.stop({ cleanup: true });
  services = [];
  await plcs?.close();
  plcs = undefined;
  if (configFile) removeTestConfig(configFile);
  configFile = undefined;
});

/**
 * The embedded default, with hall A's presses (press-1, press-2) served by a simulator in
 * this process, so the test can press an e-stop on the "PLC" itself; no random jams, no assistant;
 * press-1 is printing when the service first polls it.
 */
async function pressesOnOurOwnPlc(): Promise<{ config: string; plcs: Simulation }> {
  const file = writeTestConfig();
  const simulation = await startSimulation({
    presses: [
      // printing from the start (a make-ready is 7 s of nothing here), a job longer than the test
      {
        unitId: 1,
        profile: 'demo-sheetfed-4c',
        seed: 11,
        jamMeanIntervalMs: 0,
        assistant: false,
        initial: { phase: 'production' },
        job: { goodSheets: 1_000_000 },
      },
      { unitId: 2, profile: 'demo-sheetfed-5c', seed: 22, jamMeanIntervalMs: 0, assistant: false, initial: { phase: 'setup' } },
    ],
    serve: { kind: 'tcp', host: '127.0.0.1', port: 0 },
    timeScale: 20,
  });
  const config = parse(readFileSync(file, 'utf8')) as { buses: { id: string; simulate?: boolean; port?: number }[] };
  const hallA = config.buses.find((bus) => bus.id === 'hall-a-ethernet')!;
  hallA.simulate = false;
  hallA.port = simulation.address!.port;
  writeFileSync(file, stringify(config));
  return { config: file, plcs: simulation };
}

async function start(
  dataDir?: string,
  config?: string,
): Promise<{ service: ServiceProcess; get: <T>(route: string) => Promise<T>; post: (route: string, body: unknown) => Promise<Response> }> {
  const service = await startService({ dataDir, config, timeoutMs: 30_000 });
  services.push(service);
  const base = service.url;
  const get = async <T>(route: string): Promise<T> => (await (await fetch(`${base}api/${route}`)).json()) as T;
  const login = await fetch(`${base}api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const post = (route: string, body: unknown) =>
    fetch(`${base}api/${route}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(body) });
  return { service, get, post };
}

const supplyEntry = { clientId: '6f1c1f9e-2f7a-4d3b-9a57-0d6c1c9d5a11', pressId: 'press-1', kind: 'paper', quantity: 1000, uom: 'sheets' };

/**
 * The whole story for one kind of trouble: `begin` makes the database refuse writes, `end`
 * lets it take them again; `refusal` is what the 503 must say.
 */
async function troubleStory(options: { begin: (dataDir: string) => void; end: () => void; refusal: RegExp; supplyWaitsAtLeastMs?: number }): Promise<void> {
  ({ config: configFile, plcs } = await pressesOnOurOwnPlc());
  const first = await start(undefined, configFile);
  const { get, post } = first;
  await eventually(async () => (await get<{ state: string }>('presses/press-1')).state === 'production' || undefined, {
    what: 'press-1 printing',
    timeoutMs: 20_000,
  });
  const socket: Socket = connect(first.service.url, { transports: ['websocket'], reconnection: false });
  sockets.push(socket);
  await new Promise((resolve) => socket.once('snapshot', resolve));

  options.begin(first.service.dataDir);
  endTrouble = options.end;
  // the service notices with its next machine write (counters change on every poll in production)
  const degraded = await eventually(
    async () => {
      const health = await get<Health>('health');
      return health.store.ok ? undefined : health;
    },
    { what: 'health to report the store in trouble', timeoutMs: 30_000 },
  );
  expect(degraded.status).toBe('degraded');
  expect(degraded.store.pending.writes).toBeGreaterThan(0);

  // an emergency stop pressed on the press during the trouble still reaches the dashboard
  await eventually(async () => (await get<{ state: string }>('presses/press-1')).state === 'production' || undefined, {
    what: 'press-1 printing',
    timeoutMs: 60_000,
  });
  const raised = new Promise<AlarmView>((resolve) => socket.on('alarm:raised', (a: AlarmView) => a.pressId === 'press-1' && a.code === 'e-stop' && resolve(a)));
  plcs!.press(1).pressEStop();
  const alarm = await raised;
  await eventually(async () => (await get<{ state: string }>('presses/press-1')).state === 'stopped' || undefined, {
    what: 'press-1 stopped',
    timeoutMs: 20_000,
  });
  // an operator write is refused: nothing was saved, the tablet keeps it and retries
  const asked = Date.now();
  const refused = await post('supplies', supplyEntry);
  expect(refused.status).toBe(503);
  expect(refused.headers.get('retry-after')).toBe('10');
  const body = (await refused.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe('storage_unavailable');
  expect(body.error.message).toMatch(options.refusal);
  if (options.supplyWaitsAtLeastMs !== undefined) expect(Date.now() - asked).toBeGreaterThanOrEqual(options.supplyWaitsAtLeastMs);

  // not stored yet: buffered
  expect(await get<JournalLine[]>(`alarms/journal?alarmId=${alarm.id}`)).toEqual([]);
  expect((await get<Health>('health')).store.ok).toBe(false);

  options.end();
  endTrouble = undefined;

  // replayed: the alarm's journal line and the stop, in order, nothing dropped
  const journal = await eventually(
    async () => {
      const lines = await get<JournalLine[]>(`alarms/journal?alarmId=${alarm.id}`);
      return lines.some((l) => l.action === 'raise') ? lines : undefined;
    },
    { what: 'the alarm raised during the trouble to be in the journal', timeoutMs: 20_000 },
  );
  expect(journal.filter((l) => l.action === 'raise')).toHaveLength(1);
  const transitions = await eventually(
    async () => {
      const res = await get<{ transitions: Transition[] }>('presses/press-1/transitions');
      return res.transitions.some((t) => t.state === 'stopped' && t.reason === 'e-stop') ? res.transitions : undefined;
    },
    { what: 'the stop by the e-stop to be replayed', timeoutMs: 20_000 },
  );
  const times = transitions.map((t) => t.at);
  expect([...times].sort((a, b) => a - b)).toEqual(times);
  // the press's journal, in the order it was written (seq), has its times in order too
  const pressJournal = (await get<JournalLine[]>('alarms/journal?press=press-1&limit=10000')).sort((a, b) => a.seq - b.seq);
  const journalTimes = pressJournal.map((l) => l.at);
  expect([...journalTimes].sort((a, b) => a - b)).toEqual(journalTimes);
  const healed = await eventually(
    async () => {
      const health = await get<Health>('health');
      return health.store.ok && health.store.pending.writes === 0 ? health : undefined;
    },
    { what: 'health to report the store ok again', timeoutMs: 20_000 },
  );
  expect(healed.store.dropped.writes).toBe(0);

  // the tablet retries the same entry: stored once
  const retried = await post('supplies', supplyEntry);
  expect(retried.status).toBe(201);

  // after a restart the alarm is still on the list, unacknowledged
  const dataDir = first.service.dataDir;
  socket.close();
  await first.service.stop();
  services = services.filter((s) => s !== first.service);
  const second = await start(dataDir, configFile);
  const listed = await second.get<AlarmView[]>('alarms');
  expect(listed).toContainEqual(expect.objectContaining({ id: alarm.id, pressId: 'press-1', acknowledged: false }));
  expect(await second.get<AlarmView[]>('alarms?unacknowledged=true')).toContainEqual(expect.objectContaining({ id: alarm.id }));
}

describe('a database that stops accepting writes', () => {
  it('busy (another process holds the write lock past the busy timeout): alarms delivered, operator write refused, changes replayed in order, alarm survives a restart', async () => {
    let holder: Database.Database | undefined;
    await troubleStory({
      begin: (dataDir) => {
        holder = new Database(path.join(dataDir, 'pressroom.db'));
        holder.exec('BEGIN IMMEDIATE');
        holder.exec('CREATE TABLE IF NOT EXISTS test_lock_holder (x)');
        holder.prepare('INSERT INTO test_lock_holder VALUES (1)').run();
      },
      end: () => {
        if (!holder) return;
        holder.exec('ROLLBACK');
        holder.close();
        holder = undefined;
      },
      refusal: /^nothing was saved: the database is busy/,
      // designed to wait the busy timeout for the lock first, then refuse
      supplyWaitsAtLeastMs: SERVICE_BUSY_TIMEOUT_MS - 50,
    });
  }, 150_000);

  it.skipIf(!immutableSupported)(
    'read-only (the file made immutable): alarms delivered, operator write refused, changes replayed in order, alarm survives a restart',
    async () => {
      let dir: string | undefined;
      /** The main file and its WAL; not the -shm index, which SQLite maps into memory (a write fault there is SIGBUS, not an error). */
      const setImmutable = (on: boolean) => {
        for (const name of readdirSync(dir!).filter((n) => !n.endsWith('-shm'))) execFileSync('chattr', [on ? '+i' : '-i', path.join(dir!, name)]);
      };
      await troubleStory({
        begin: (dataDir) => {
          dir = dataDir;
          setImmutable(true);
        },
        end: () => {
          if (dir) setImmutable(false);
          dir = undefined;
        },
        refusal: /^nothing was saved: the database (is read-only|cannot be written)/,
      });
    },
    150_000,
  );
});

describe('a simulator event while the database refuses writes', () => {
  it('is refused with 503 "nothing was saved" and has not happened; once the database takes writes, it is audited and applied', async () => {
    configFile = writeTestConfig();
    const { service, get, post } = await start(undefined, configFile);
    const adminGet = async <T>(route: string): Promise<T> => {
      const login = await fetch(`${service.url}api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
      });
      const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
      return (await (await fetch(`${service.url}api/${route}`, { headers: { cookie } })).json()) as T;
    };
    interface Press {
      state: string;
      stopReason: string | null;
      comm: { lastOkAt: number | null };
    }
    await eventually(async () => (await get<Press>('presses/press-1')).state === 'production' || undefined, { what: 'press-1 printing', timeoutMs: 20_000 });

    const holder = new Database(path.join(service.dataDir, 'pressroom.db'));
    holder.exec('BEGIN IMMEDIATE');
    holder.exec('CREATE TABLE IF NOT EXISTS test_lock_holder (x)');
    endTrouble = () => {
      holder.exec('ROLLBACK');
      holder.close();
    };
    const refused = await post('simulation/presses/press-1/events', { action: 'stop' });
    const answeredAt = Date.now();
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/^nothing was saved: the database is busy/);
    // four fast scans after the answer, the press is still printing: the stop never reached it
    const later = await eventually(
      async () => {
        const press = await get<Press>('presses/press-1');
        return (press.comm.lastOkAt ?? 0) > answeredAt + 1000 ? press : undefined;
      },
      { what: 'press-1 polled a second after the answer', timeoutMs: 20_000 },
    );
    expect(later).toMatchObject({ state: 'production' });

    endTrouble();
    endTrouble = undefined;
    const taken = await post('simulation/presses/press-1/events', { action: 'stop' });
    expect(taken.status).toBe(200);
    await eventually(
      async () => {
        const press = await get<Press>('presses/press-1');
        return press.state === 'stopped' && press.stopReason === 'operator' ? press : undefined;
      },
      { what: 'press-1 stopped by the operator', timeoutMs: 20_000 },
    );
    const audited = await adminGet<{ entries: { action: string }[] }>('audit?action=simulation.stop');
    expect(audited.entries).toHaveLength(1);
  }, 60_000);
});
