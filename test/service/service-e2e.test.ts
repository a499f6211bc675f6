/**
 * The service as a user runs it: a real process with the embedded default config, on a
 * free port with a temp data folder, its simulated presses reached over real Modbus.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import type { PressSnapshot } from '../../src/model/press-snapshot.js';
import { eventually, startService, type ServiceProcess } from '../helpers/service-process.js';

let service: ServiceProcess;

async function presses(): Promise<PressSnapshot[]> {
  const res = await fetch(`${service.url}api/presses`);
  expect(res.status).toBe(200);
  return (await res.json()) as PressSnapshot[];
}

beforeAll(async () => {
  service = await startService();
});
afterAll(async () => {
  await service?.stop({ cleanup: true });
});

describe('the service with its embedded default', () => {
  it('lists three presses, one on an RTU link, all online with live readings', async () => {
    const list = await eventually(
      async () => {
        const all = await presses();
        return all.length >= 3 && all.every((p) => p.online && p.speed !== null && p.paper.level !== null && p.ink.every((i) => i.level !== null))
          ? all
          : undefined;
      },
      { what: 'three presses online with readings' },
    );
    expect(list.some((p) => p.link.kind === 'rtu' || p.link.kind === 'rtu-over-tcp')).toBe(true);
    expect(list.some((p) => p.link.kind === 'tcp')).toBe(true);
    for (const press of list) {
      expect(press.state).not.toBe('offline');
      expect(press.ink.length).toBeGreaterThanOrEqual(4);
      expect(press.comm.lastOkAt).not.toBeNull();
    }
  });

  it('shows counters and levels changing over time', async () => {
    const before = await presses();
    const changed = await eventually(
      async () => {
        const now = await presses();
        const moved = now.filter((p) => {
          const old = before.find((b) => b.id === p.id)!;
          return p.counters.total > old.counters.total || p.paper.level !== old.paper.level || p.ink.some((i, k) => i.level !== old.ink[k]!.level);
        });
        return moved.length >= 2 ? moved : undefined;
      },
      { timeoutMs: 15000, what: 'counters or levels to change' },
    );
    expect(changed.length).toBeGreaterThanOrEqual(2);
  });

  it('answers one press, a 404 for an unknown one, and a clear 400 for a bad history query', async () => {
    const [first] = await presses();
    const one = await fetch(`${service.url}api/presses/${first!.id}`);
    expect(((await one.json()) as PressSnapshot).id).toBe(first!.id);
    const missing = await fetch(`${service.url}api/presses/no-such-press`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found');
    const bad = await fetch(`${service.url}api/presses/${first!.id}/history?signal=speed&from=yesterday`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/from/);
  });

  it('records history that the history route returns', async () => {
    const [first] = await presses();
    const history = await eventually(
      async () => {
        const res = await fetch(`${service.url}api/presses/${first!.id}/history?signal=speed`);
        const body = (await res.json()) as { points: { at: number; value: number | null; quality: string }[] };
        return body.points.some((p) => p.value !== null && p.value > 0) ? body : undefined;
      },
      { what: 'speed samples' },
    );
    const live = history.points.filter((p) => p.value !== null);
    expect(live.every((p) => p.quality === 'good')).toBe(true);
    // before the first read the speed is unknown: stored as a gap, not as zero
    expect(history.points.filter((p) => p.value === null).every((p) => p.quality === 'bad')).toBe(true);
  });

  it('reports health', async () => {
    const res = await fetch(`${service.url}api/health`);
    const health = (await res.json()) as { status: string; presses: { total: number; online: number } };
    expect(health.presses.total).toBe(3);
  });

  it('sends a snapshot on connect and live press updates over socket.io', async () => {
    const socket: Socket = connect(service.url, { transports: ['websocket'], reconnection: false });
    try {
      const snapshot = await new Promise<{ presses: PressSnapshot[] }>((resolve, reject) => {
        socket.once('snapshot', resolve);
        socket.once('connect_error', reject);
      });
      expect(snapshot.presses.length).toBe(3);
      const update = await new Promise<PressSnapshot>((resolve) => socket.once('press:update', resolve));
      expect(snapshot.presses.map((p) => p.id)).toContain(update.id);
    } finally {
      socket.close();
    }
  });
});
