/**
 * The database file turns read-only under a running service (an SD card gone read-only, a
 * full disk): alarms still reach the dashboard, operator writes are refused with a clear
 * 503 (the tablet keeps them), and the run-state history queued meanwhile is replayed in
 * order once the file is writable again.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlarmView } from '../../src/domain/alarm-view.js';
import { createApp, type PressroomApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/load.js';
import { immutableSupported, makeTempDir } from '../store/temp-store.js';
import { eventually } from '../helpers/service-process.js';

const temp = makeTempDir();
let app: PressroomApp;
let base: string;
let cookie = '';

/** The main file and its WAL; not the -shm index, which SQLite maps into memory (a write fault there is SIGBUS, not an error). */
function setImmutable(on: boolean): void {
  for (const name of readdirSync(temp.dir).filter((n) => !n.endsWith('-shm'))) execFileSync('chattr', [on ? '+i' : '-i', path.join(temp.dir, name)]);
}

async function post(route: string, body: unknown): Promise<Response> {
  return fetch(`${base}api/${route}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(body) });
}

beforeAll(async () => {
  const config = loadConfig({ file: path.resolve('config/default.yaml'), env: { PORT: '0', PRESSROOM_DATA_DIR: temp.dir } });
  config.server.host = '127.0.0.1';
  app = await createApp({ config, logger: pino({ level: 'silent' }), env: { PRESSROOM_ADMIN_PASSWORD: 'trouble-admin-pw' }, print: () => undefined });
  await app.start();
  base = `http://127.0.0.1:${app.port}/`;
  const login = await post('auth/login', { username: 'admin', password: 'trouble-admin-pw' });
  cookie = login.headers.get('set-cookie')!.split(';')[0]!;
});

afterAll(async () => {
  if (immutableSupported) setImmutable(false);
  await app?.stop();
  temp.cleanup();
});

describe.skipIf(!immutableSupported)('a database that stops accepting writes', () => {
  it('still delivers alarms, refuses operator writes clearly, and replays queued history afterwards', async () => {
    await eventually(async () => ((await (await fetch(`${base}api/presses/press-1`)).json()) as { state: string }).state === 'production' || undefined, { what: 'press-1 printing' });
    const socket: Socket = connect(base, { transports: ['websocket'], reconnection: false });
    await new Promise((resolve) => socket.once('snapshot', resolve));
    try {
      setImmutable(true);
      const raised = new Promise<AlarmView>((resolve) => socket.on('alarm:raised', (a: AlarmView) => a.code.startsWith('jam') && resolve(a)));
      expect((await post('simulation/presses/press-1/events', { action: 'jam' })).status).toBe(200);
      const alarm = await raised;
      expect(alarm.pressId).toBe('press-1');
      // the stop caused by the jam is a transition the store cannot take now
      await eventually(async () => ((await (await fetch(`${base}api/presses/press-1`)).json()) as { state: string }).state === 'stopped' || undefined, { what: 'press-1 stopped' });

      const refused = await post('supplies', { clientId: '6f1c1f9e-2f7a-4d3b-9a57-0d6c1c9d5a11', pressId: 'press-1', kind: 'paper', quantity: 1000, uom: 'sheets' });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('10');
      const body = (await refused.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('storage_unavailable');
      expect(body.error.message).toMatch(/^nothing was saved: the database (is read-only|cannot be written)/);
      const health = (await (await fetch(`${base}api/health`)).json()) as { status: string; store: { ok: boolean } };
      expect(health.store.ok).toBe(false);
      expect(health.status).toBe('degraded');

      setImmutable(false);
      // the tablet retries the same entry: stored once
      const retried = await eventually(async () => {
        const res = await post('supplies', { clientId: '6f1c1f9e-2f7a-4d3b-9a57-0d6c1c9d5a11', pressId: 'press-1', kind: 'paper', quantity: 1000, uom: 'sheets' });
        return res.status === 201 ? res : undefined;
      }, { what: 'the entry to be accepted' });
      expect(retried.status).toBe(201);
      const transitions = await eventually(async () => {
        const res = (await (await fetch(`${base}api/presses/press-1/transitions`)).json()) as { transitions: { state: string; reason: string | null }[] };
        return res.transitions.some((t) => t.state === 'stopped' && t.reason === 'jam') ? res.transitions : undefined;
      }, { what: 'the queued stop to be replayed', timeoutMs: 8000 });
      const times = transitions.map((t) => (t as unknown as { at: number }).at);
      expect([...times].sort((a, b) => a - b)).toEqual(times);
    } finally {
      socket.close();
    }
  });
});
