import { afterEach, describe, expect, it } from 'vitest';
import { at, openFloor, type Floor } from './harness.js';

const operator = { userId: 1, username: 'anna', ip: '127.0.0.1' };
const MIN = 60_000;
let floor: Floor;
afterEach(() => floor?.close());

/** Monday 7 Dec 2026, early shift 06:00-14:00 with a break 10:00-10:30 (UTC). */
function morning(): Floor {
  floor = openFloor({ start: '2026-12-07T05:55:00Z' });
  const service = floor.module.service;
  const { job } = service.createJob({ jobId: '24-1187', name: 'Brochure', plannedGood: 5000 }, operator);
  floor.counters('2026-12-07T05:58:00Z', { total: 1000, good: 900, waste: 100 });
  floor.transition('2026-12-07T06:00:00Z', 'setup');
  service.startJob(job.id, 'p1', operator);
  floor.counters('2026-12-07T06:20:00Z', { total: 1100, good: 900, waste: 200 });
  floor.transition('2026-12-07T06:30:00Z', 'production');
  floor.counters('2026-12-07T07:00:00Z', { total: 7100, good: 6700, waste: 400 });
  floor.transition('2026-12-07T07:00:00Z', 'stopped', { reason: 'operator' });
  floor.transition('2026-12-07T07:00:01.500Z', 'stopped', { reason: 'jam', detail: 'Paper jam at feeder', alarmCode: 'jam.feeder', revisesStop: true });
  floor.transition('2026-12-07T07:30:00Z', 'production');
  floor.transition('2026-12-07T08:00:00Z', 'idle');
  floor.transition('2026-12-07T08:30:00Z', 'production');
  floor.clock.advance(at('2026-12-07T12:00:00Z') - floor.clock.now());
  return floor;
}

describe('downtime events', () => {
  it('records each non-production stay with its cause: make-ready from the PLC, the jam alarm that came 1.5 s after the stop, idle uncoded', () => {
    const { module } = morning();
    const events = module.service.listDowntime({ from: at('2026-12-07T00:00:00Z'), to: at('2026-12-08T00:00:00Z'), uncoded: false });
    expect(events.map((e) => [e.state, e.durationMs / MIN, e.cause?.code ?? null, e.cause?.source ?? null, e.jobId])).toEqual([
      ['idle', 30, null, null, '24-1187'],
      ['stopped', 30, 'jam.feeder', 'alarm', '24-1187'],
      ['setup', 30, 'make-ready', 'plc', null],
    ]);
    expect(module.service.listDowntime({ from: 0, to: at('2026-12-08T00:00:00Z'), uncoded: true }).map((e) => e.state)).toEqual(['idle']);
  });

  it('an operator codes a stop (audited); the machine never changes that cause again', () => {
    const { module, audit } = morning();
    const idle = module.service.listDowntime({ from: 0, to: at('2026-12-08T00:00:00Z'), uncoded: true })[0]!;
    const coded = module.service.codeDowntime(idle.id, 'waiting-paper', 'pallet late', operator);
    expect(coded.cause).toEqual({ code: 'waiting-paper', label: 'Waiting for paper', category: 'unplanned', source: 'operator' });
    expect(audit.at(-1)).toMatchObject({
      action: 'downtime.code',
      target: `downtime:${idle.id}`,
      username: 'anna',
      details: { code: 'waiting-paper', previous: null },
    });
    expect(() => module.service.codeDowntime(idle.id, 'coffee', null, operator)).toThrow(/not in the reason catalogue/);

    floor.transition('2026-12-07T12:10:00Z', 'stopped', { reason: 'fault' });
    const stop = module.service.listDowntime({ from: 0, to: at('2026-12-08T00:00:00Z'), uncoded: true })[0]!;
    module.service.codeDowntime(stop.id, 'breakdown', null, operator);
    floor.transition('2026-12-07T12:10:02Z', 'stopped', { reason: 'jam', detail: 'Paper jam at feeder', alarmCode: 'jam.feeder', revisesStop: true });
    expect(module.service.listDowntime({ from: 0, to: at('2026-12-08T00:00:00Z'), uncoded: false })[0]!.cause).toMatchObject({
      code: 'breakdown',
      source: 'operator',
    });
  });

  it('a stay whose event could not be stored still reaches the downtime Pareto under the cause it began with', () => {
    floor = openFloor({ start: '2026-12-07T06:55:00Z' });
    floor.transition('2026-12-07T07:00:00Z', 'production');
    floor.db.connection.exec('ALTER TABLE downtime_events RENAME TO downtime_events_away'); // every insert fails now
    floor.transition('2026-12-07T07:10:00Z', 'stopped', { reason: 'jam', alarmCode: 'jam.feeder', detail: 'Paper jam at feeder' });
    floor.transition('2026-12-07T07:25:00Z', 'production');
    const causes = floor.module.service.downtimeByCause({ from: at('2026-12-07T00:00:00Z'), to: at('2026-12-08T00:00:00Z') });
    expect(causes.map((c) => [c.code, c.durationMs / MIN, c.count])).toEqual([['jam.feeder', 15, 1]]);
  });

  it('a stop continues across a restart of the service: one event, from the stop to the end', () => {
    floor = openFloor({ start: '2026-12-07T06:55:00Z' });
    floor.transition('2026-12-07T07:00:00Z', 'stopped', { reason: 'jam' });
    floor.restart({ state: 'stopped', since: at('2026-12-07T07:00:00Z') });
    floor.transition('2026-12-07T07:20:00Z', 'stopped', { continued: true, reason: 'jam' });
    floor.transition('2026-12-07T07:45:00Z', 'production');
    const events = floor.module.service.listDowntime({ from: 0, to: at('2026-12-08T00:00:00Z'), uncoded: false });
    expect(events.map((e) => [e.from, e.to, e.durationMs / MIN])).toEqual([[at('2026-12-07T07:00:00Z'), at('2026-12-07T07:45:00Z'), 45]]);
  });

  it('a stop open at a restart without a stored press state still ends with the next transition, its time under its cause', () => {
    floor = openFloor({ start: '2026-12-07T06:55:00Z' });
    floor.transition('2026-12-07T07:00:00Z', 'stopped', { reason: 'jam' });
    floor.clock.advance(10 * MIN);
    floor.restart(undefined); // the presses' last transition was not stored
    floor.transition('2026-12-07T07:30:00Z', 'production');
    const events = floor.module.service.listDowntime({ from: 0, to: at('2026-12-08T00:00:00Z'), uncoded: false });
    expect(events.map((e) => [e.from, e.to, e.durationMs / MIN])).toEqual([[at('2026-12-07T07:00:00Z'), at('2026-12-07T07:30:00Z'), 30]]);
    const day = { from: at('2026-12-07T00:00:00Z'), to: at('2026-12-08T00:00:00Z') };
    expect(floor.module.service.downtimeByCause(day).map((c) => [c.code, c.durationMs / MIN, c.count])).toEqual([['jam', 30, 1]]);
  });
});

describe('jobs', () => {
  it('keeps make-ready time (setup start to first good sheet), make-ready waste, run time, downtime and sheets', () => {
    const { module } = morning();
    const [job] = module.service.listJobs({ pressId: 'p1' });
    expect(job).toMatchObject({
      jobId: '24-1187',
      state: 'running',
      source: 'operator',
      plannedGood: 5000,
      good: 5800,
      waste: 300,
      total: 6100,
      makeReadyWaste: 100,
    });
    expect(job!.makeReadyMs! / MIN).toBe(60);
    expect(job!.runMs / MIN).toBe(30 + 30 + 210);
    expect(job!.downtimeMs / MIN).toBe(30 + 30 + 30); // make-ready, the jam, idle
    expect([job!.averageSpeed, job!.ratedSpeed]).toEqual([Math.round(6100 / 4.5), 12_000]);
    const done = module.service.finishJob(job!.id, operator);
    expect(done).toMatchObject({ state: 'done', finishedAt: at('2026-12-07T12:00:00Z') });
  });

  it('is created idempotently by jobId and press', () => {
    floor = openFloor({ start: '2026-12-07T05:55:00Z' });
    const first = floor.module.service.createJob({ jobId: 'A-1', pressId: 'p1', plannedGood: 100 }, operator);
    const again = floor.module.service.createJob({ jobId: 'A-1', pressId: 'p1', plannedGood: 999 }, operator);
    expect([first.created, again.created, again.job.id, again.job.plannedGood]).toEqual([true, false, first.job.id, 100]);
    // the same number queued without a press cannot become a second A-1 on p1
    const unassigned = floor.module.service.createJob({ jobId: 'A-1' }, operator);
    expect(unassigned.created).toBe(true);
    expect(() => floor.module.service.startJob(unassigned.job.id, 'p1', operator)).toThrow(/already has a job A-1/);
  });

  it('detects a job from a counter reset when nobody started one, and the next reset finishes it', () => {
    floor = openFloor({ start: '2026-12-07T13:55:00Z' });
    floor.counters('2026-12-07T14:00:00Z', { total: 500, good: 480, waste: 20 });
    floor.counters('2026-12-07T14:02:00Z', { total: 510, good: 488, waste: 22, reset: true });
    floor.counters('2026-12-07T14:30:00Z', { total: 2510, good: 2400, waste: 110 });
    floor.counters('2026-12-07T15:10:00Z', { total: 2515, good: 2403, waste: 112, reset: true });
    const jobs = floor.module.service.listJobs({ pressId: 'p1' });
    expect(jobs.map((j) => [j.name, j.source, j.state, j.good])).toEqual([
      ['Job at 15:10, press 1', 'detected', 'running', 3],
      ['Job at 14:02, press 1', 'detected', 'done', 8 + 1912],
    ]);
  });
});

describe('OEE from the rollups', () => {
  it('per shift: planned time without the break and the make-ready, run time, A, P, Q', () => {
    const { module } = morning();
    const [row] = module.service.oee({ from: at('2026-12-07T00:00:00Z'), to: at('2026-12-08T00:00:00Z'), groupBy: 'shift' });
    // shift time so far 06:00-12:00 = 360 min − break 30 − make-ready (planned) 30 = 300 min
    expect(row).toMatchObject({
      pressId: 'p1',
      group: { kind: 'shift', label: 'early 2026-12-07', from: at('2026-12-07T06:00:00Z'), to: at('2026-12-07T14:00:00Z') },
      total: 6100,
      good: 5800,
      waste: 300,
    });
    expect([row!.plannedMs / MIN, row!.runMs / MIN, row!.downtimeMs / MIN]).toEqual([300, 240, 60]);
    expect(row!.availability).toBeCloseTo(0.8);
    expect(row!.performance).toBeCloseTo(6100 / (12_000 * 4));
    expect(row!.quality).toBeCloseTo(5800 / 6100);
    expect(row!.oee).toBeCloseTo(0.8 * (6100 / 48_000) * (5800 / 6100));
    // the gap in time: 5800 good sheets at 12,000/h are 29 min, 300 waste 1.5 min, the rest of the run is speed loss
    expect(row!.losses).toEqual({ plannedDowntimeMs: 30 * MIN, fullyProductiveMs: 29 * MIN, qualityLossMs: 1.5 * MIN, speedLossMs: (240 - 29 - 1.5) * MIN });
  });

  it('a stop coded with a planned cause leaves the planned time; the Pareto moves with the coding', () => {
    const { module } = morning();
    const range = { from: at('2026-12-07T00:00:00Z'), to: at('2026-12-08T00:00:00Z') };
    expect(module.service.downtimeByCause(range).map((c) => [c.code, c.durationMs / MIN, c.count])).toEqual([
      ['jam.feeder', 30, 1],
      ['make-ready', 30, 1],
      ['uncoded', 30, 1],
    ]);
    const idle = module.service.listDowntime({ ...range, uncoded: true })[0]!;
    module.service.codeDowntime(idle.id, 'no-job', null, operator);
    expect(module.service.oee({ ...range, groupBy: 'day' })[0]!.plannedMs / MIN).toBe(270);
    expect(module.service.downtimeByCause(range).map((c) => c.code)).toEqual(['jam.feeder', 'make-ready', 'no-job']);
  });

  it('counts a night shift across midnight as one shift, and the days apart', () => {
    floor = openFloor({
      start: '2026-12-07T21:00:00Z',
      shifts: {
        timeZone: 'UTC',
        workingDays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
        holidays: [],
        list: [{ name: 'night', start: '22:00', end: '06:00', breaks: [] }],
      },
    });
    floor.transition('2026-12-07T21:00:00Z', 'production');
    floor.transition('2026-12-08T02:00:00Z', 'stopped', { reason: 'jam' });
    floor.transition('2026-12-08T03:00:00Z', 'production');
    floor.clock.advance(at('2026-12-08T07:00:00Z') - floor.clock.now());
    const range = { from: at('2026-12-07T00:00:00Z'), to: at('2026-12-09T00:00:00Z') };
    const shifts = floor.module.service.oee({ ...range, groupBy: 'shift' });
    expect(shifts.map((r) => [r.group.label, r.plannedMs / MIN, r.runMs / MIN])).toEqual([['night 2026-12-07', 480, 420]]);
    const days = floor.module.service.oee({ ...range, groupBy: 'day' });
    expect(days.map((r) => [r.group.label, r.plannedMs / MIN, r.runMs / MIN])).toEqual([
      ['2026-12-07', 120, 120],
      ['2026-12-08', 360, 300],
    ]);
    // the whole range in one row per press: the days summed, as the range view and its CSV show it
    const whole = floor.module.service.oee({ ...range, groupBy: 'range' });
    expect(whole.map((r) => [r.group.kind, r.group.from, r.group.to, r.plannedMs / MIN, r.runMs / MIN])).toEqual([['range', range.from, range.to, 480, 420]]);
    expect(whole[0]!.availability).toBeCloseTo(420 / 480, 6);
  });

  it('a shift on the night DST begins is 7 hours long; a holiday has no planned time', () => {
    const shifts = {
      timeZone: 'Europe/Berlin',
      workingDays: ['sat' as const, 'sun' as const],
      holidays: ['2026-03-29'],
      list: [{ name: 'night', start: '22:00', end: '06:00', breaks: [] }],
    };
    floor = openFloor({ start: '2026-03-28T19:00:00Z', shifts });
    floor.transition('2026-03-28T19:00:00Z', 'production');
    floor.clock.advance(at('2026-03-30T08:00:00Z') - floor.clock.now());
    const rows = floor.module.service.oee({ from: at('2026-03-28T00:00:00Z'), to: at('2026-03-31T00:00:00Z'), groupBy: 'shift' });
    expect(rows.map((r) => [r.group.label, r.plannedMs / MIN])).toEqual([['night 2026-03-28', 420]]); // the 29th is a holiday
  });

  it('a shift on the night DST ends is 9 hours long in local time (Europe/Berlin)', () => {
    const shifts = {
      timeZone: 'Europe/Berlin',
      workingDays: ['sat' as const],
      holidays: [],
      list: [{ name: 'night', start: '22:00', end: '06:00', breaks: [] }],
    };
    floor = openFloor({ start: '2026-10-24T19:00:00Z', shifts });
    floor.transition('2026-10-24T19:00:00Z', 'production');
    floor.clock.advance(at('2026-10-25T08:00:00Z') - floor.clock.now());
    const rows = floor.module.service.oee({ from: at('2026-10-24T00:00:00Z'), to: at('2026-10-26T00:00:00Z'), groupBy: 'shift' });
    expect(rows.map((r) => [r.group.label, r.plannedMs / MIN])).toEqual([['night 2026-10-24', 540]]);
  });
});
