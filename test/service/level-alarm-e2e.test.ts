/**
 * A level-threshold alarm end to end through the real service process: the simulator's cyan
 * fountain (ink unit 2 of press-1) is set low over POST /api/simulation/presses/:id/events,
 * Pressroom reads the level over Modbus on its slow scan (500 ms here) and raises `ink.low.2` at medium
 * (≤ 15 %), escalates it to high (≤ 5 %) with the acknowledgement reset, lets go of high only
 * above 5 + 2 %, and clears it after a refill; the alarm stays listed until acknowledged.
 */
import { performance } from 'node:perf_hooks';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlarmView } from '../../src/model/alarm-view.js';
import type { PressSnapshot } from '../../src/model/press-snapshot.js';
import { eventually, startService, type ServiceProcess } from '../helpers/service-process.js';
import { OPERATOR, openSocket, recordEvents, removeTestConfig, signInCrew, writeTestConfig, type Crew } from '../e2e/e2e-kit.js';

const PRESS = 'press-1';
const UNIT = 2;
const CODE = `ink.low.${UNIT}`;
// levels on a 500 ms slow scan instead of the profile's 2 s: each step below waits for a level read
const config = writeTestConfig({ polling: { [PRESS]: { scanClasses: { slow: 500 } } } });
let service: ServiceProcess;
let crew: Crew;
let board: Socket;
let raised: ReturnType<typeof recordEvents<AlarmView>>;
let updated: ReturnType<typeof recordEvents<AlarmView>>;
let cleared: ReturnType<typeof recordEvents<AlarmView>>;
let alarm: AlarmView;

const isInkLow = (a: AlarmView) => a.pressId === PRESS && a.code === CODE;
const setInk = async (level: number) => {
  const res = await crew.operator.post(`/api/simulation/presses/${PRESS}/events`, { action: 'refill-ink', unit: UNIT, level });
  expect(res.status).toBe(200);
};
const listed = async () => (await crew.anonymous.get<AlarmView[]>(`/api/alarms?pressId=${PRESS}`)).body.filter(isInkLow);

beforeAll(async () => {
  service = await startService({ config });
  crew = await signInCrew(service.url);
  board = await openSocket(service.url);
  raised = recordEvents<AlarmView>(board, 'alarm:raised');
  updated = recordEvents<AlarmView>(board, 'alarm:updated');
  cleared = recordEvents<AlarmView>(board, 'alarm:cleared');
  await setInk(80); // whatever the seed left in the fountain
});
afterAll(async () => {
  board?.close();
  await service?.stop({ cleanup: true });
  removeTestConfig(config);
});

describe(`${CODE}: ink level alarm in the running service`, () => {
  it('is raised at medium when the level drops to 12 %', async () => {
    expect(await listed()).toEqual([]);
    const started = performance.now();
    await setInk(12);
    alarm = await raised.next(isInkLow, 10_000);
    console.log(`[figure] ${CODE} raise latency, simulation request → socket alarm:raised: ${(performance.now() - started).toFixed(0)} ms`);
    expect(alarm).toMatchObject({ priority: 'medium', state: 'unack-active', active: true, acknowledged: false });
    expect((await listed()).map((a) => [a.id, a.priority])).toEqual([[alarm.id, 'medium']]);
    expect((await crew.operator.post(`/api/alarms/${alarm.id}/ack`, { note: 'cyan ordered' })).status).toBe(200);
  });

  it('escalates to high at 3 %, the same alarm, and needs a new acknowledgement', async () => {
    await setInk(3);
    const high = await updated.next((a) => a.id === alarm.id && a.priority === 'high', 10_000);
    expect(high).toMatchObject({ state: 'unack-active', acknowledged: false, active: true });
    expect((await listed()).map((a) => [a.id, a.priority, a.acknowledged])).toEqual([[alarm.id, 'high', false]]);
  });

  it('stays high at 6 % (deadband: 5 + 2), goes back to medium at 12 %', async () => {
    await setInk(6);
    // once the service has read 6 % (levels are on the slow scan), the alarm is still high
    const read = await eventually(
      async () => {
        const press = (await crew.anonymous.get<PressSnapshot>(`/api/presses/${PRESS}`)).body;
        const level = press.ink.find((i) => i.unit === UNIT)?.level ?? null;
        return level !== null && level > 5 && level <= 6 ? level : undefined;
      },
      { what: `${PRESS} ink ${UNIT} read at 6 %`, timeoutMs: 10_000 },
    );
    // GET may show a reading one throttled press:update (250 ms) before the alarm engine has it
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(
      (await listed()).map((a) => a.priority),
      `at ${read} %`,
    ).toEqual(['high']);
    await setInk(12);
    await updated.next((a) => a.id === alarm.id && a.priority === 'medium', 10_000);
  });

  it('clears after a refill to 80 %, stays listed until acknowledged, then leaves the list', async () => {
    await setInk(80);
    const gone = await cleared.next((a) => a.id === alarm.id, 10_000);
    expect(gone).toMatchObject({ active: false, state: 'unack-cleared' });
    expect((await listed()).map((a) => a.id)).toEqual([alarm.id]);
    const ack = await crew.operator.post<AlarmView>(`/api/alarms/${alarm.id}/ack`, { note: 'refilled' });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ state: 'normal', ackedBy: OPERATOR.username });
    expect(await listed()).toEqual([]);
  });

  it('journals raise, ack, reprioritize with the acknowledgement reset, clear, ack', async () => {
    const journal = await crew.viewer.get<{ action: string; note: string | null; user: string | null }[]>(`/api/alarms/journal?alarmId=${alarm.id}`);
    const lines = journal.body.reverse().map((l) => `${l.action}${l.note ? ` (${l.note})` : ''}`);
    expect(lines).toEqual([
      'raise',
      'ack (cyan ordered)',
      'reprioritize (medium → high; acknowledgement reset)',
      'reprioritize (high → medium)',
      'clear',
      'ack (refilled)',
    ]);
  });
});
