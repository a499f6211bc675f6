/**
 * The chatter report over HTTP, through the real service process: a feeder jam that comes and
 * goes three times within a minute is a chattering alarm (ISA-18.2), and GET /api/alarms/chatter
 * names it with its raises in the window and its episode count, the list to give the
 * maintenance technician. Any reader may fetch it, like GET /api/alarms.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatterStat as ChatterLine } from '../../src/model/alarm-view.js';
import type { AlarmView } from '../../src/model/alarm-view.js';
import { removeTestConfig, signInCrew, writeTestConfig, type Crew } from '../e2e/e2e-kit.js';
import { eventually, startService, type ServiceProcess } from '../helpers/service-process.js';

const config = writeTestConfig();
let service: ServiceProcess;
let crew: Crew;

const feederJam = async () => (await crew.anonymous.get<AlarmView[]>('/api/alarms?pressId=press-1')).body.find((a) => a.code === 'jam.feeder');

beforeAll(async () => {
  service = await startService({ config });
  crew = await signInCrew(service.url);
});
afterAll(async () => {
  await service?.stop({ cleanup: true });
  removeTestConfig(config);
});

describe('GET /api/alarms/chatter', () => {
  it('is empty while nothing has raised', async () => {
    const report = await crew.anonymous.get<ChatterLine[]>('/api/alarms/chatter');
    expect(report.status).toBe(200);
    expect(report.body.filter((line) => line.code === 'jam.feeder')).toEqual([]);
  });

  it('reports a jam raised three times within a minute as chattering, with one episode', async () => {
    for (let round = 1; round <= 3; round += 1) {
      expect((await crew.operator.post('/api/simulation/presses/press-1/events', { action: 'jam', code: 'jam.feeder' })).status).toBe(200);
      await eventually(async () => ((await feederJam())?.active ? true : undefined), { what: `jam.feeder active (round ${round})` });
      expect((await crew.operator.post('/api/simulation/presses/press-1/events', { action: 'clear-jam' })).status).toBe(200);
      await eventually(async () => ((await feederJam())?.active === false ? true : undefined), { what: `jam.feeder cleared (round ${round})` });
    }

    const report = await crew.viewer.get<ChatterLine[]>('/api/alarms/chatter');
    expect(report.status).toBe(200);
    expect(report.body[0]).toEqual({
      pressId: 'press-1',
      code: 'jam.feeder',
      raisesInWindow: 3,
      chattering: true,
      episodes: 1,
      lastEpisodeAt: expect.any(Number),
    });
    // the list entry says so too
    expect((await feederJam())!.chattering).toBe(true);
  });

  it('filters by press and limits, and refuses an unknown or bad query parameter', async () => {
    expect((await crew.anonymous.get<ChatterLine[]>('/api/alarms/chatter?pressId=press-1')).body.map((l) => l.code)).toContain('jam.feeder');
    expect((await crew.anonymous.get<ChatterLine[]>('/api/alarms/chatter?press=press-2')).body.some((l) => l.code === 'jam.feeder')).toBe(false);
    expect((await crew.anonymous.get<ChatterLine[]>('/api/alarms/chatter?limit=1')).body).toHaveLength(1);
    const bad = await crew.anonymous.get<{ error: { code: string; message: string } }>('/api/alarms/chatter?limit=0');
    expect(bad.status).toBe(400);
    const unknown = await crew.anonymous.get<{ error: { code: string; message: string } }>('/api/alarms/chatter?window=5');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/window/);
  });
});
