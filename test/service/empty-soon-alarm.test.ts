/**
 * The time-to-empty pre-alarm as a real alarm, through the real service process: with a
 * configured threshold (service-wide `supplies.preAlarm`, per press `levelAlarms.paper.preAlarmMinutes`),
 * a press whose pile will run out within it gets `paper.empty-soon` in GET /api/alarms (and the
 * socket's `alarm:raised`, and the journal) at the configured priority, the `supplies:pre-alarm`
 * socket event still comes, and a new pile clears it.
 *
 * The service keeps time-to-empty readings 30 s of press time apart (1.5 s at the demo's 20×)
 * and needs 3 of them: the alarm comes a few seconds after production starts. Minutes are real
 * minutes: ink lasts several real minutes (above the 1-minute service-wide threshold).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { AlarmView } from '../../src/model/alarm-view.js';
import type { PreAlarm } from '../../src/supplies/index.js';
import { openSocket, recordEvents, removeTestConfig, signInCrew, writeTestConfig, type Crew } from '../e2e/e2e-kit.js';
import { eventually, startService, type ServiceProcess } from '../helpers/service-process.js';

const PRESS = 'press-1';
const config = writeTestConfig();
{
  // Service-wide: 1 real minute (ink lasts several), announced at high; press-1's paper: 600 minutes (any estimate).
  const yaml = parse(readFileSync(config, 'utf8')) as { supplies?: Record<string, unknown>; presses: { id: string; levelAlarms?: unknown }[] };
  yaml.supplies = { ...yaml.supplies, preAlarm: { minutes: 1, priority: 'high' } };
  yaml.presses.find((p) => p.id === PRESS)!.levelAlarms = { paper: { preAlarmMinutes: 600 } };
  writeFileSync(config, stringify(yaml));
}
let service: ServiceProcess;
let crew: Crew;
let board: Socket;

const emptySoon = async () => (await crew.anonymous.get<AlarmView[]>(`/api/alarms?pressId=${PRESS}`)).body.filter((a) => a.code.includes('.empty-soon'));

beforeAll(async () => {
  service = await startService({ config });
  crew = await signInCrew(service.url);
  board = await openSocket(service.url);
});
afterAll(async () => {
  board?.close();
  await service?.stop({ cleanup: true });
  removeTestConfig(config);
});

describe('the time-to-empty pre-alarm in the running service', () => {
  it('is an alarm in GET /api/alarms at the configured threshold and priority, and a new pile clears it', { timeout: 60_000 }, async () => {
    const raised = recordEvents<AlarmView>(board, 'alarm:raised');
    const preAlarms = recordEvents<PreAlarm>(board, 'supplies:pre-alarm');
    await eventually(async () => ((await crew.anonymous.get<{ state: string }>(`/api/presses/${PRESS}`)).body.state === 'production' ? true : undefined), {
      what: `${PRESS} in production`,
      timeoutMs: 15_000,
    });
    // A full pile so the press keeps printing (the simulated assistant is off).
    expect((await crew.operator.post(`/api/simulation/presses/${PRESS}/events`, { action: 'refill-paper', level: 100 })).status).toBe(200);

    const [alarm] = await eventually(
      async () => {
        const found = await emptySoon();
        return found.length > 0 ? found : undefined;
      },
      { what: 'paper.empty-soon on press-1', timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(alarm).toMatchObject({
      pressId: PRESS,
      code: 'paper.empty-soon',
      label: 'Paper running out',
      priority: 'high',
      active: true,
      state: 'unack-active',
    });
    // only paper: ink lasts longer than the service-wide 1 minute
    expect((await emptySoon()).map((a) => a.code)).toEqual(['paper.empty-soon']);
    expect(await raised.next((a) => a.id === alarm!.id)).toMatchObject({ code: 'paper.empty-soon', priority: 'high' });
    // the socket event is still sent, with the estimate
    expect(await preAlarms.next((p) => p.pressId === PRESS && p.kind === 'paper')).toEqual({ pressId: PRESS, kind: 'paper', minutes: expect.any(Number) });

    // A new pile: cleared, listed until acknowledged.
    expect((await crew.operator.post(`/api/simulation/presses/${PRESS}/events`, { action: 'refill-paper', level: 100 })).status).toBe(200);
    const cleared = await eventually(
      async () => {
        const found = (await emptySoon()).find((a) => a.id === alarm!.id);
        return found && !found.active ? found : undefined;
      },
      { what: 'paper.empty-soon cleared after the refill', timeoutMs: 10_000 },
    );
    expect(cleared.state).toBe('unack-cleared');
    expect((await crew.operator.post(`/api/alarms/${alarm!.id}/ack`, { note: 'new pile loaded' })).status).toBe(200);

    const journal = (await crew.anonymous.get<{ action: string; code: string }[]>(`/api/alarms/journal?alarmId=${alarm!.id}`)).body;
    expect(journal.map((line) => line.action).sort()).toEqual(['ack', 'clear', 'raise']);
  });
});
