/**
 * GET /api/alarms filters on the live alarm list, over HTTP against the real service process.
 * Three alarms in three different states, made through the simulator:
 *
 * | alarm | press | priority | state |
 * |---|---|---|---|
 * | jam   | press-1 | critical | unack-active (jam.feeder) |
 * | ink   | press-3 | medium   | acked-active (ink.low.2 at 12 %) |
 * | door  | press-1 | high     | unack-cleared (door opened and closed) |
 *
 * Each filter must return exactly the right ones. The presses are stopped first and their
 * fountains and piles filled, so nothing else (a low level, a paper-out) joins the list.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlarmView } from '../../src/model/alarm-view.js';
import type { PressSnapshot } from '../../src/model/press-snapshot.js';
import { eventually, startService, type ServiceProcess } from '../helpers/service-process.js';
import { openSocket, recordEvents, removeTestConfig, signInCrew, writeTestConfig, type Crew } from '../e2e/e2e-kit.js';
import type { Socket } from 'socket.io-client';

const config = writeTestConfig();
let service: ServiceProcess;
let crew: Crew;
let board: Socket;
const made = {} as Record<'jam' | 'ink' | 'door', AlarmView>;

const simulate = async (pressId: string, event: Record<string, unknown>) => {
  const res = await crew.operator.post(`/api/simulation/presses/${pressId}/events`, event);
  expect(res.status, `${pressId} ${JSON.stringify(event)}: ${res.text}`).toBe(200);
};
const list = async (query: string) => {
  const res = await crew.anonymous.get<AlarmView[]>(`/api/alarms${query}`);
  expect(res.status, `${query}: ${res.text}`).toBe(200);
  return res.body;
};
/** The names of the alarms a query returns, sorted; an alarm this test did not make shows as its code. */
const names = async (query: string) => {
  const byId = new Map(Object.entries(made).map(([name, alarm]) => [alarm.id, name]));
  return (await list(query)).map((a) => byId.get(a.id) ?? `${a.pressId}/${a.code}`).sort();
};

beforeAll(async () => {
  service = await startService({ config });
  crew = await signInCrew(service.url);
  board = await openSocket(service.url);

  // A quiet floor: stopped presses with full fountains and piles, nothing left on the list.
  const presses = (await crew.anonymous.get<PressSnapshot[]>('/api/presses')).body;
  for (const press of presses) {
    await simulate(press.id, { action: 'stop' });
    await simulate(press.id, { action: 'refill-paper', level: 100 });
    for (const unit of press.ink) await simulate(press.id, { action: 'refill-ink', unit: unit.unit, level: 80 });
  }
  await eventually(
    async () => {
      const listed = await list('');
      for (const alarm of listed.filter((a) => !a.active && !a.acknowledged)) await crew.operator.post(`/api/alarms/${alarm.id}/ack`, {});
      return listed.length === 0 ? true : undefined;
    },
    { what: 'an empty alarm list', timeoutMs: 15_000, intervalMs: 500 },
  );

  const raised = recordEvents<AlarmView>(board, 'alarm:raised');
  const cleared = recordEvents<AlarmView>(board, 'alarm:cleared');
  await simulate('press-1', { action: 'jam', code: 'jam.feeder' });
  made.jam = await raised.next((a) => a.pressId === 'press-1' && a.code === 'jam.feeder', 10_000);
  await new Promise((resolve) => setTimeout(resolve, 20)); // distinct raise times for from/to

  await simulate('press-3', { action: 'refill-ink', unit: 2, level: 12 });
  const ink = await raised.next((a) => a.pressId === 'press-3' && a.code === 'ink.low.2', 10_000);
  const acked = await crew.operator.post<AlarmView>(`/api/alarms/${ink.id}/ack`, { note: 'magenta ordered' });
  expect(acked.status).toBe(200);
  made.ink = acked.body;
  await new Promise((resolve) => setTimeout(resolve, 20));

  await simulate('press-1', { action: 'open-door' });
  const door = await raised.next((a) => a.pressId === 'press-1' && a.code === 'door-open', 10_000);
  await simulate('press-1', { action: 'close-door' });
  made.door = await cleared.next((a) => a.id === door.id, 10_000);

  expect(made.jam).toMatchObject({ priority: 'critical', state: 'unack-active' });
  expect(made.ink).toMatchObject({ priority: 'medium', state: 'acked-active' });
  expect(made.door).toMatchObject({ priority: 'high', state: 'unack-cleared' });
  expect(made.jam.raisedAt).toBeLessThan(made.ink.raisedAt);
  expect(made.ink.raisedAt).toBeLessThan(made.door.raisedAt);
}, 60_000);
afterAll(async () => {
  board?.close();
  await service?.stop({ cleanup: true });
  removeTestConfig(config);
});

describe('GET /api/alarms filters on the live list', () => {
  it('no filter: all three', async () => {
    expect(await names('')).toEqual(['door', 'ink', 'jam']);
  });

  it('active', async () => {
    expect(await names('?active=true')).toEqual(['ink', 'jam']);
    expect(await names('?active=false')).toEqual(['door']);
    expect(await names('?active=1')).toEqual(['ink', 'jam']);
  });

  it('unacknowledged', async () => {
    expect(await names('?unacknowledged=true')).toEqual(['door', 'jam']);
    expect(await names('?unacknowledged=false')).toEqual(['ink']);
    expect(await names('?unacknowledged=0')).toEqual(['ink']);
  });

  it('pressId, and press as its alias', async () => {
    expect(await names('?pressId=press-1')).toEqual(['door', 'jam']);
    expect(await names('?press=press-3')).toEqual(['ink']);
    expect(await names('?pressId=press-2')).toEqual([]);
  });

  it('priority, one or several', async () => {
    expect(await names('?priority=critical')).toEqual(['jam']);
    expect(await names('?priority=medium')).toEqual(['ink']);
    expect(await names('?priority=high,medium')).toEqual(['door', 'ink']);
    expect(await names('?priority=low')).toEqual([]);
  });

  it('combined filters narrow each other', async () => {
    expect(await names('?active=true&unacknowledged=true')).toEqual(['jam']);
    expect(await names('?pressId=press-1&active=false')).toEqual(['door']);
    expect(await names('?pressId=press-1&priority=critical,medium')).toEqual(['jam']);
  });

  it('from and to (raisedAt, from inclusive, to exclusive), as epoch ms and ISO 8601', async () => {
    expect(await names(`?from=${made.ink.raisedAt}`)).toEqual(['door', 'ink']);
    expect(await names(`?from=${made.jam.raisedAt}&to=${made.ink.raisedAt}`)).toEqual(['jam']);
    expect(await names(`?from=${new Date(made.ink.raisedAt).toISOString()}&to=${new Date(made.door.raisedAt).toISOString()}`)).toEqual(['ink']);
    expect(await names(`?from=${made.jam.raisedAt}&pressId=press-1&active=true`)).toEqual(['jam']);
    expect(await names(`?from=${made.door.raisedAt + 1}`)).toEqual([]);
  });

  it('refuses a bad filter with 400 naming it', async () => {
    for (const query of ['?priority=urgent', '?active=maybe', '?from=yesterday']) {
      const res = await crew.anonymous.get<{ error: { code: string; message: string } }>(`/api/alarms${query}`);
      expect(res.status, query).toBe(400);
    }
  });
});
