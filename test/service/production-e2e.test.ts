/**
 * Jobs, downtime and OEE end to end through the real service process and the built-in
 * simulator over real Modbus: a job from the MIS, a stop whose PLC code says only "fault"
 * while the jam bit follows a second later (the stop is a jam, from the alarm), an operator
 * coding it, a counter glitch that never reaches the totals, the reports with their CSV, and a
 * restart in the middle of a stop (the event goes on until the press is seen again).
 */
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlarmView } from '../../src/model/alarm-view.js';
import type { PressSnapshot } from '../../src/model/press-snapshot.js';
import type { DowntimeEvent, Job, OeeRow } from '../../src/production/index.js';
import { eventually, startService, type ServiceProcess } from '../helpers/service-process.js';
import { openSocket, recordEvents, removeTestConfig, ROUND_THE_CLOCK, signInCrew, writeTestConfig, type Crew } from '../e2e/e2e-kit.js';

const config = writeTestConfig({ shifts: ROUND_THE_CLOCK });
let service: ServiceProcess;
let crew: Crew;
let board: Socket;

const press1 = async () => (await crew.anonymous.get<PressSnapshot>('/api/presses/press-1')).body;
const downtime = async () => (await crew.anonymous.get<{ events: DowntimeEvent[] }>('/api/downtime?pressId=press-1')).body.events;
const simulate = async (event: Record<string, unknown>) => {
  const res = await crew.operator.post('/api/simulation/presses/press-1/events', event);
  expect(res.status, res.text).toBe(200);
};
const inProduction = () =>
  eventually(async () => ((await press1()).state === 'production' ? true : undefined), { what: 'press-1 in production', timeoutMs: 15000 });

beforeAll(async () => {
  service = await startService({ config });
  crew = await signInCrew(service.url);
  board = await openSocket(service.url, { cookie: crew.operator.cookie });
  await inProduction();
}, 30_000);
afterAll(async () => {
  board?.close();
  await service?.stop({ cleanup: true });
  removeTestConfig(config);
});

describe('production end to end', () => {
  it('takes a job from the MIS idempotently and starts it on the press', async () => {
    const jobs = recordEvents<Job>(board, 'job:updated');
    const body = { jobId: '24-1187', pressId: 'press-1', name: 'Brochure A4', customer: 'Müller GmbH', plannedGood: 40_000, source: 'mis' };
    const created = await crew.operator.post<Job>('/api/jobs', body);
    expect(created.status).toBe(201);
    const again = await crew.operator.post<Job>('/api/jobs', body);
    expect([again.status, again.body.id]).toEqual([200, created.body.id]);
    expect((await crew.viewer.post('/api/jobs', { jobId: 'X-1' })).status).toBe(403);
    expect((await crew.operator.post('/api/jobs', { jobId: 'bad job number!' })).status).toBe(400);
    const started = await crew.operator.post<Job>('/api/jobs/24-1187/start', { pressId: 'press-1' });
    expect(started.body).toMatchObject({ state: 'running', pressId: 'press-1', source: 'mis' });
    await jobs.next((j) => j.jobId === '24-1187' && j.state === 'running');
  });

  it('a stop whose code says "fault" and whose jam bit comes 1 s later is a jam stop, from the alarm; the operator codes it', async () => {
    const updates = recordEvents<DowntimeEvent>(board, 'downtime:updated');
    await simulate({ action: 'jam', code: 'jam.feeder', lagMs: 20_000, stopCode: 'fault' }); // 1 s real at time scale 20
    const jam = await updates.next((e) => e.pressId === 'press-1' && e.state === 'stopped' && e.cause?.source === 'alarm', 8000);
    expect(jam.cause).toEqual({ code: 'jam.feeder', label: 'Paper jam at feeder', category: 'unplanned', source: 'alarm' });
    expect(jam.jobId).toBe('24-1187');
    expect((await press1()).stopReason).toBe('jam');
    await simulate({ action: 'clear-jam' });
    await simulate({ action: 'start' });
    await inProduction();
    const closed = (await downtime()).find((e) => e.id === jam.id)!;
    expect(closed.to).not.toBeNull();
    const coded = await crew.operator.post<DowntimeEvent>(`/api/downtime/${jam.id}/cause`, { code: 'breakdown', note: 'feeder sucker worn' });
    expect([coded.status, coded.body.cause]).toEqual([200, { code: 'breakdown', label: 'Breakdown', category: 'unplanned', source: 'operator' }]);
    expect((await crew.operator.post(`/api/downtime/${jam.id}/cause`, { code: 'coffee' })).status).toBe(400);
    expect((await crew.viewer.post(`/api/downtime/${jam.id}/cause`, { code: 'breakdown' })).status).toBe(403);
    const audit = await crew.admin.get<{ entries: { action: string; target: string }[] }>('/api/audit?action=downtime.code');
    expect(audit.body.entries.some((e) => e.target === `downtime:${jam.id}`)).toBe(true);
  });

  it('a counter glitch to 4,294,967,290 is flagged (snapshot, info alarm) and not added to the totals', async () => {
    const alarms = recordEvents<AlarmView>(board, 'alarm:raised');
    const before = (await press1()).counters.total;
    await simulate({ action: 'counter-glitch', durationMs: 40_000 }); // 2 s real: at least one counters read
    const flagged = await eventually(async () => (await press1()).counterGlitch ?? undefined, { what: 'the glitch flagged', timeoutMs: 8000 });
    expect(flagged).toMatchObject({ counter: 'total', to: 4_294_967_290 });
    await alarms.next((a) => a.pressId === 'press-1' && a.code === 'counter.implausible');
    await eventually(async () => ((await press1()).jobCounters.total! < 4_000_000_000 ? true : undefined), {
      what: 'the counter read right again',
      timeoutMs: 8000,
    });
    const after = (await press1()).counters.total;
    expect(after - before).toBeLessThan(100_000);
  });

  it('answers OEE per day and the downtime Pareto, in JSON and CSV', async () => {
    const oee = await crew.anonymous.get<{ rows: OeeRow[] }>('/api/reports/oee?pressId=press-1&groupBy=day');
    expect(oee.status).toBe(200);
    const [today] = oee.body.rows;
    expect(today).toMatchObject({ pressId: 'press-1', group: { kind: 'day' } });
    expect(today!.runMs).toBeGreaterThan(0);
    expect(today!.plannedMs).toBeGreaterThanOrEqual(today!.runMs);
    const causes = await crew.anonymous.get<{ causes: { code: string; count: number }[] }>('/api/reports/downtime?pressId=press-1');
    expect(causes.body.causes.find((c) => c.code === 'breakdown')).toMatchObject({ count: 1 });
    const csv = await crew.anonymous.get('/api/reports/oee.csv?groupBy=shift');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.text.split('\r\n')[0]).toBe(
      'pressId,group,label,from,to,plannedMinutes,runMinutes,downtimeMinutes,availability,performance,quality,oee,total,good,waste',
    );
    expect((await crew.anonymous.get('/api/reports/oee?groupBy=month')).status).toBe(400);
    const jobs = await crew.anonymous.get<{ jobs: Job[] }>('/api/jobs?pressId=press-1&state=running');
    expect(jobs.body.jobs[0]).toMatchObject({ jobId: '24-1187' });
    expect(jobs.body.jobs[0]!.good).toBeGreaterThan(0);
    expect(jobs.body.jobs[0]!.downtimeMs).toBeGreaterThan(0);
    const one = await crew.anonymous.get<Job & { supplies: { ink: { unit: number; levelUsed: number }[]; paper: { pileUsed: number } } | null }>(
      '/api/jobs/24-1187',
    );
    expect(one.body).toMatchObject({ jobId: '24-1187', state: 'running' });
    expect(one.body.supplies!.ink.map((i) => i.unit)).toEqual([1, 2, 3, 4]);
    expect((await crew.anonymous.get('/api/jobs/no-such-job')).status).toBe(404);
  });

  it('a stop goes on across a restart of the service: one event, from the stop to its end', async () => {
    await simulate({ action: 'stop', reason: 'none' });
    const stop = await eventually(async () => (await downtime()).find((e) => e.state === 'stopped' && e.to === null), {
      what: 'the open stop',
      timeoutMs: 8000,
    });
    await service.stop();
    const restartedAt = Date.now();
    service = await startService({ config, dataDir: service.dataDir });
    crew = await signInCrew(service.url, { createUsers: false });
    // the in-process simulator starts afresh (not stopped): the stop ends when the press is first seen again
    const ended = await eventually(async () => (await downtime()).find((e) => e.id === stop.id && e.to !== null), {
      what: 'the stop ended after the restart',
      timeoutMs: 15000,
    });
    expect(ended.from).toBe(stop.from);
    expect(ended.to!).toBeGreaterThanOrEqual(restartedAt);
    expect((await downtime()).filter((e) => e.state === 'stopped' && e.from >= stop.from).map((e) => e.id)).toEqual([stop.id]);
  }, 40_000);
});
