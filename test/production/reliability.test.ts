/**
 * MTBF and MTTR of jams per press, from the downtime events and the OEE's run time, on a real
 * SQLite store with a manual clock; and the shift calendar's shifts, over HTTP as the reports
 * page asks for them.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/http/http-app.js';
import { at, openFloor, type Floor } from './harness.js';

const MIN = 60_000;
let floor: Floor;
let server: Server | undefined;
afterEach(async () => {
  floor?.close();
  if (server) await new Promise((resolve) => server!.close(resolve));
  server = undefined;
});

/**
 * Monday 7 Dec 2026, early shift 06:00-14:00 with a break 10:00-10:30 (UTC): three jams (the
 * PLC's generic jam 10 min, a feeder jam alarm 20 min, a delivery jam still going for 30 min
 * at 12:30) and a fault of 30 min that is no jam. Run time in planned time: 60 + 50 + 40 +
 * (150 − 30 break) = 270 min.
 */
function jammedMorning(): Floor {
  floor = openFloor({ start: '2026-12-07T05:55:00Z' });
  floor.transition('2026-12-07T06:00:00Z', 'production');
  floor.transition('2026-12-07T07:00:00Z', 'stopped', { reason: 'jam' });
  floor.transition('2026-12-07T07:10:00Z', 'production');
  floor.transition('2026-12-07T08:00:00Z', 'stopped', { reason: 'operator' });
  floor.transition('2026-12-07T08:00:01.500Z', 'stopped', { reason: 'jam', detail: 'Paper jam at feeder', alarmCode: 'jam.feeder', revisesStop: true });
  floor.transition('2026-12-07T08:20:00Z', 'production');
  floor.transition('2026-12-07T09:00:00Z', 'stopped', { reason: 'fault' });
  floor.transition('2026-12-07T09:30:00Z', 'production');
  floor.transition('2026-12-07T12:00:00Z', 'stopped', { reason: 'jam', detail: 'Paper jam at delivery', alarmCode: 'jam.delivery' });
  floor.clock.advance(at('2026-12-07T12:30:00Z') - floor.clock.now());
  return floor;
}

const day = { from: at('2026-12-07T00:00:00Z'), to: at('2026-12-08T00:00:00Z') };

async function serve(f: Floor): Promise<string> {
  const app = createHttpApp({ logger: pino({ level: 'silent' }), apiRouters: [...f.module.routes] });
  server = createServer(app);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
}

describe('MTBF and MTTR of jams', () => {
  it('counts every jam (the PLC’s and the jam.* alarms, one still going) against the run time in planned time', () => {
    const { module } = jammedMorning();
    const [row] = module.reliability({ ...day, causes: ['jam'] });
    expect(row).toEqual({
      pressId: 'p1',
      cause: 'jam',
      label: 'Paper jams',
      failures: 3,
      runMs: 270 * MIN,
      downtimeMs: (10 + 20 + 30) * MIN,
      mtbfMs: 90 * MIN,
      mttrMs: 20 * MIN,
    });
  });

  it('a stop coded by an operator as something else is no longer a jam; without a cause each unplanned cause is a row', () => {
    const { module } = jammedMorning();
    const jam = module.service.listDowntime({ ...day, uncoded: false }).find((e) => e.cause?.code === 'jam')!;
    module.service.codeDowntime(jam.id, 'breakdown', null, { userId: 1, username: 'anna', ip: null });
    expect(module.reliability({ ...day, causes: ['jam'] })[0]).toMatchObject({ failures: 2, downtimeMs: 50 * MIN, mtbfMs: 135 * MIN, mttrMs: 25 * MIN });
    const all = module.reliability({ ...day, causes: [] });
    expect(all.map((r) => [r.cause, r.failures, r.downtimeMs / MIN])).toEqual([
      ['breakdown', 1, 10],
      ['fault', 1, 30],
      ['jam.delivery', 1, 30],
      ['jam.feeder', 1, 20],
    ]);
  });

  it('a press without jams has no MTBF (null), not an infinite or zero one; its production going on counts as run time', () => {
    floor = openFloor({ start: '2026-12-07T05:55:00Z' });
    floor.transition('2026-12-07T06:00:00Z', 'production');
    floor.clock.advance(at('2026-12-07T08:00:00Z') - floor.clock.now());
    expect(floor.module.reliability({ ...day, causes: ['jam'] })).toEqual([
      { pressId: 'p1', cause: 'jam', label: 'Paper jams', failures: 0, runMs: 120 * MIN, downtimeMs: 0, mtbfMs: null, mttrMs: null },
    ]);
  });

  it('answers over HTTP as JSON and as CSV in minutes; a bad cause is a 400', async () => {
    const base = await serve(jammedMorning());
    const query = `pressId=p1&from=2026-12-07&to=2026-12-08&cause=jam`;
    const json = (await (await fetch(`${base}/reports/reliability?${query}`)).json()) as { rows: { mtbfMs: number; mttrMs: number }[] };
    expect(json.rows.map((r) => [r.mtbfMs / MIN, r.mttrMs / MIN])).toEqual([[90, 20]]);
    const csv = await fetch(`${base}/reports/reliability.csv?${query}`);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect((await csv.text()).trim().split(/\r?\n/)).toEqual([
      'pressId,cause,label,from,to,failures,runMinutes,downtimeMinutes,mtbfMinutes,mttrMinutes',
      'p1,jam,Paper jams,2026-12-07T00:00:00.000Z,2026-12-08T00:00:00.000Z,3,270,60,90,20',
    ]);
    const bad = await fetch(`${base}/reports/reliability?cause=Jam;drop`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('invalid_request');
  });
});

describe('the report tables as CSV', () => {
  it('writes the jobs with make-ready minutes and the downtime events with their causes, for the same query as the JSON', async () => {
    const f = jammedMorning();
    const operator = { userId: 1, username: 'anna', ip: null };
    f.module.service.createJob({ jobId: '24-2001', pressId: 'p1', name: 'Queued only' }, operator);
    const base = await serve(f);
    const lines = async (route: string) => (await (await fetch(`${base}/${route}`)).text()).trim().split(/\r?\n/);
    const downtime = await lines('downtime.csv?pressId=p1&from=2026-12-07&to=2026-12-08');
    expect(downtime[0]).toBe('id,pressId,from,to,minutes,state,jobId,causeCode,causeLabel,category,source,note');
    expect(downtime.slice(1).map((l) => l.split(',').slice(4, 10).join(' '))).toEqual([
      '30 stopped  jam.delivery Paper jam at delivery unplanned',
      '30 stopped  fault Fault unplanned',
      '20 stopped  jam.feeder Paper jam at feeder unplanned',
      '10 stopped  jam Paper jam unplanned',
    ]);
    expect(await lines('jobs.csv?pressId=p1')).toHaveLength(2);
    expect(await lines('jobs.csv?pressId=p1&started=true')).toHaveLength(1);
  });

  it('writes the timeline of run states with each stop’s cause, the same stretches as the JSON, up to now', async () => {
    const base = await serve(jammedMorning());
    const range = `pressId=p1&from=${at('2026-12-07T06:00:00Z')}&to=${at('2026-12-07T14:00:00Z')}`;
    const json = (await (await fetch(`${base}/reports/timeline?${range}`)).json()) as { to: number; stretches: { from: number; to: number }[] };
    expect(json.to).toBe(at('2026-12-07T12:30:00Z')); // the clock: the rest of the shift has not happened
    const csv = (await (await fetch(`${base}/reports/timeline.csv?${range}`)).text()).trim().split(/\r?\n/);
    expect(csv[0]).toBe('pressId,from,to,minutes,state,reason,causeCode,causeLabel,category,source');
    const rows = csv.slice(1).map((l) => l.split(','));
    expect(rows).toHaveLength(json.stretches.length);
    // the operator's stop revised 1.5 s later by the feeder jam alarm is one event: both stretches carry its cause
    expect(rows.map((r) => `${r[1]!.slice(11, 19)} ${r[3]} ${r[4]} ${r[6]}`)).toEqual([
      '06:00:00 60 production ',
      '07:00:00 10 stopped jam',
      '07:10:00 50 production ',
      '08:00:00 0.03 stopped jam.feeder',
      '08:00:01 19.98 stopped jam.feeder',
      '08:20:00 40 production ',
      '09:00:00 30 stopped fault',
      '09:30:00 150 production ',
      '12:00:00 30 stopped jam.delivery',
    ]);
    expect((await fetch(`${base}/reports/timeline?pressId=nope`)).status).toBe(404);
  });

  it('writes the job report’s ink and paper table: measured use over the job’s time and what was logged', async () => {
    const asked: [string, number, number][] = [];
    floor = openFloor({
      start: '2026-12-07T05:55:00Z',
      suppliesUsed: (pressId, from, to) => {
        asked.push([pressId, from, to]);
        return {
          ink: [
            { unit: 1, color: 'cyan', levelUsed: 12.5, logged: [{ uom: 'kg', quantity: 2.5 }] },
            { unit: 2, color: 'magenta', levelUsed: 0, logged: [] },
          ],
          paper: { pileUsed: 140, pilesLoaded: 1, logged: [{ uom: 'sheets', quantity: 6000 }] },
        };
      },
    });
    const operator = { userId: 1, username: 'anna', ip: null };
    floor.module.service.createJob({ jobId: '24-1187', pressId: 'p1', name: 'Brochure' }, operator);
    floor.module.service.startJob('24-1187', 'p1', operator);
    floor.clock.advance(2 * 3_600_000);
    floor.module.service.finishJob('24-1187', operator);
    const base = await serve(floor);
    const csv = (await (await fetch(`${base}/jobs/24-1187/supplies.csv`)).text()).trim().split(/\r?\n/);
    expect(csv).toEqual([
      'jobId,pressId,from,to,supply,unit,color,usedPercentPoints,pilesLoaded,logged',
      '24-1187,p1,2026-12-07T05:55:00.000Z,2026-12-07T07:55:00.000Z,ink,1,cyan,12.5,,2.5 kg',
      '24-1187,p1,2026-12-07T05:55:00.000Z,2026-12-07T07:55:00.000Z,ink,2,magenta,0,,',
      '24-1187,p1,2026-12-07T05:55:00.000Z,2026-12-07T07:55:00.000Z,paper,,,140,1,6000 sheets',
    ]);
    expect(asked.at(-1)).toEqual(['p1', at('2026-12-07T05:55:00Z'), at('2026-12-07T07:55:00Z')]);
    expect((await fetch(`${base}/jobs/24-9999/supplies.csv`)).status).toBe(404);
  });
});

describe('the shifts of the calendar', () => {
  it('lists the shifts overlapping a range with their breaks, labelled like the OEE rows', async () => {
    const base = await serve(jammedMorning());
    const reply = (await (await fetch(`${base}/shifts?from=2026-12-07T00:00:00Z&to=2026-12-07T15:00:00Z`)).json()) as {
      shifts: { label: string; from: number; to: number; breaks: { from: number; to: number }[] }[];
    };
    expect(reply.shifts).toEqual([
      {
        label: 'early 2026-12-07',
        name: 'early',
        day: '2026-12-07',
        from: at('2026-12-07T06:00:00Z'),
        to: at('2026-12-07T14:00:00Z'),
        breaks: [{ from: at('2026-12-07T10:00:00Z'), to: at('2026-12-07T10:30:00Z') }],
      },
      { label: 'late 2026-12-07', name: 'late', day: '2026-12-07', from: at('2026-12-07T14:00:00Z'), to: at('2026-12-07T22:00:00Z'), breaks: [] },
    ]);
    const oee = (await (await fetch(`${base}/reports/oee?from=${reply.shifts[0]!.from}&to=${reply.shifts[0]!.to}&groupBy=shift`)).json()) as {
      rows: { group: { label: string } }[];
    };
    expect(oee.rows.map((r) => r.group.label)).toEqual(['early 2026-12-07']);
  });
});
