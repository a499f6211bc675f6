/**
 * Reports over many weeks read whole days and weeks once and keep their sums (the reports
 * benchmark's year): these check that what a manager reads is still right when the past
 * changes after it was read (a stop coded a week later, a weekend stop closing on Monday),
 * and that a range cut mid-week or mid-shift counts only what lies inside it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { at, openFloor, type Floor } from './harness.js';

const operator = { userId: 1, username: 'anna', ip: '127.0.0.1' };
const MIN = 60_000;
let floor: Floor;
afterEach(() => floor?.close());

/** Early 06:00-14:00 (break 10:00-10:30) and late 14:00-22:00 every day, UTC; ISO week 50 is Mon 7 – Sun 13 Dec 2026. */
const weeks = { from: at('2026-11-30T00:00:00Z'), to: at('2026-12-21T00:00:00Z') };
const week50 = (f: Floor) => f.module.service.oee({ ...weeks, groupBy: 'week' }).find((r) => r.group.label === '2026-W50')!;

describe('reports over weeks, read once and kept', () => {
  it('a stop coded a week later moves the week it happened in, in OEE and in the Pareto', () => {
    floor = openFloor({ start: '2026-12-07T05:55:00Z' });
    floor.transition('2026-12-07T06:00:00Z', 'production');
    floor.transition('2026-12-07T07:00:00Z', 'stopped');
    floor.transition('2026-12-07T07:30:00Z', 'production');
    floor.transition('2026-12-07T22:00:00Z', 'offline');
    floor.clock.advance(at('2026-12-15T09:00:00Z') - floor.clock.now());
    // read (and kept) before the coding
    const before = week50(floor);
    // the 7th: 16 h less the 30 min break; the presses are offline ("no data") the other six days of the week
    expect([before.plannedMs / MIN, before.runMs / MIN]).toEqual([7 * 930, 900]);
    expect(floor.module.service.downtimeByCause(weeks).find((c) => c.code === 'uncoded')).toMatchObject({ durationMs: 30 * MIN, count: 1 });

    const stop = floor.module.service.listDowntime({ ...weeks, uncoded: true }).find((e) => e.state === 'stopped')!;
    floor.module.service.codeDowntime(stop.id, 'maintenance', 'planned service', operator);
    const after = week50(floor);
    expect([after.plannedMs / MIN, after.runMs / MIN]).toEqual([7 * 930 - 30, 900]);
    const causes = floor.module.service.downtimeByCause(weeks);
    expect(causes.find((c) => c.code === 'uncoded')).toBeUndefined();
    expect(causes.find((c) => c.code === 'maintenance')).toMatchObject({ durationMs: 30 * MIN, count: 1 });
  });

  it('a stop from Friday that closes on Tuesday is in the week read over the weekend and after it closed', () => {
    floor = openFloor({ start: '2026-12-11T05:55:00Z' });
    floor.transition('2026-12-11T06:00:00Z', 'production');
    floor.transition('2026-12-11T13:00:00Z', 'stopped', { reason: 'fault' });
    floor.clock.advance(at('2026-12-12T12:00:00Z') - floor.clock.now());
    // Saturday noon: the stop goes on (Friday 13:00-22:00 and Saturday 06:00-12:00, less the breaks)
    const open = week50(floor);
    expect([open.runMs / MIN, open.downtimeMs / MIN]).toEqual([390, 540 + 330]);
    floor.transition('2026-12-15T07:00:00Z', 'production');
    const closed = week50(floor);
    // the whole weekend's shifts are downtime now: Friday 540 + Saturday 930 + Sunday 930
    expect([closed.runMs / MIN, closed.downtimeMs / MIN]).toEqual([390, 540 + 930 + 930]);
    expect(floor.module.service.downtimeByCause(weeks).find((c) => c.code === 'fault')).toMatchObject({ count: 1 });
  });

  it('a range that begins mid-week counts only the periods inside it, whole weeks kept or not', () => {
    floor = openFloor({ start: '2026-12-07T05:55:00Z' });
    floor.transition('2026-12-07T06:00:00Z', 'production');
    floor.transition('2026-12-09T15:00:00Z', 'stopped', { reason: 'jam', alarmCode: 'jam.feeder', detail: 'Paper jam at feeder' });
    floor.transition('2026-12-09T16:00:00Z', 'production');
    floor.transition('2026-12-10T12:00:00Z', 'idle');
    floor.transition('2026-12-10T12:20:00Z', 'production');
    floor.transition('2026-12-10T14:00:00Z', 'offline');
    floor.clock.advance(at('2026-12-16T12:00:00Z') - floor.clock.now());
    week50(floor); // the whole weeks are read and kept first
    // from Wednesday after the break to the end of Thursday's early shift
    const range = { from: at('2026-12-09T10:30:00Z'), to: at('2026-12-10T14:00:00Z') };
    const [row] = floor.module.service.oee({ ...range, groupBy: 'week' });
    // Wednesday 10:30-22:00: 690 min; Thursday 06:00-14:00 less the break: 450 min
    expect([row!.group.label, row!.plannedMs / MIN, row!.runMs / MIN]).toEqual(['2026-W50', 690 + 450, 690 + 450 - 60 - 20]);
    expect(floor.module.service.downtimeByCause(range).map((c) => [c.code, c.durationMs / MIN, c.count])).toEqual([
      ['jam.feeder', 60, 1],
      ['uncoded', 20, 1],
    ]);
    const shifts = floor.module.service.oee({ ...range, groupBy: 'shift' });
    expect(shifts.map((r) => [r.group.label, r.plannedMs / MIN])).toEqual([
      ['early 2026-12-09', 210],
      ['late 2026-12-09', 480],
      ['early 2026-12-10', 450],
    ]);
    const days = floor.module.service.oee({ from: at('2026-12-09T00:00:00Z'), to: at('2026-12-11T00:00:00Z'), groupBy: 'day' });
    expect(days.map((r) => [r.group.label, r.plannedMs / MIN, r.runMs / MIN])).toEqual([
      ['2026-12-09', 930, 870],
      ['2026-12-10', 930, 430],
    ]);
  });

  it("a shift's downtime list and jobs hold what began before the shift and lasted into it, not what ended before", () => {
    floor = openFloor({ start: '2026-12-07T05:00:00Z' });
    const service = floor.module.service;
    const { job: before } = service.createJob({ jobId: '24-1', name: 'Ended before' }, operator);
    const { job: into } = service.createJob({ jobId: '24-2', name: 'Runs into the late shift' }, operator);
    floor.transition('2026-12-07T05:00:00Z', 'setup');
    service.startJob(before.id, 'p1', operator);
    floor.transition('2026-12-07T06:00:00Z', 'production');
    floor.transition('2026-12-07T09:00:00Z', 'stopped', { reason: 'fault' }); // ends before the late shift
    floor.transition('2026-12-07T09:10:00Z', 'production');
    service.finishJob(before.id, operator);
    service.startJob(into.id, 'p1', operator);
    floor.transition('2026-12-07T13:30:00Z', 'stopped', { reason: 'jam', alarmCode: 'jam.feeder', detail: 'Paper jam at feeder' });
    floor.transition('2026-12-07T14:20:00Z', 'production');
    floor.clock.advance(at('2026-12-08T09:00:00Z') - floor.clock.now());
    const late = { from: at('2026-12-07T14:00:00Z'), to: at('2026-12-07T22:00:00Z') };
    expect(service.listDowntime({ ...late, uncoded: false }).map((e) => [e.cause?.code, e.from])).toEqual([['jam.feeder', at('2026-12-07T13:30:00Z')]]);
    expect(service.listJobs(late).map((j) => j.jobId)).toEqual(['24-2']);
    expect(service.listJobs({ from: at('2026-12-07T06:00:00Z'), to: at('2026-12-07T14:00:00Z') }).map((j) => j.jobId)).toEqual(['24-2', '24-1']);
  });
});
