/**
 * A past early shift (06:00-14:00 UTC, break 10:00-10:30) written into a service's data folder
 * before it starts, through the code the service runs: the presses' transitions repository
 * (the run-state timeline) and the production module fed the presses' events on a manual
 * clock (downtime events and causes, rollups, jobs, an operator's coding). The service then
 * opens the same SQLite file and reports on it.
 *
 * press-1: two jobs (24-1187: make-ready 06:00-06:26 with 150 waste sheets; 24-1188: make-ready
 * 12:15-12:36 with 80), three jams (a feeder jam alarm 20 min, the PLC's jam 10 min, a delivery
 * jam alarm 15 min), waiting for paper 60 min (coded by an operator: the worst cause), wash-up
 * 15 min, idle in the break. Run time in planned time: 285 min. press-2: a guard-door stop of
 * 20 min. press-3: nothing recorded.
 */
import { pino } from 'pino';
import type { PressSnapshot } from '../../src/model/press-snapshot.js';
import type { RunState, StopReason } from '../../src/model/vocabulary.js';
import { TypedEmitter } from '../../src/lib/typed-emitter.js';
import { pressMigrations } from '../../src/presses/press-migrations.js';
import { recordingMigrations } from '../../src/recording/recording-migrations.js';
import { SamplesRepository, type Sample } from '../../src/recording/samples-repository.js';
import { TransitionsRepository } from '../../src/presses/transitions-repository.js';
import { createProductionModule } from '../../src/production/index.js';
import { shiftsConfigSchema } from '../../src/production/production-config.js';
import type { TransitionFact } from '../../src/production/production-tracker.js';
import { createDeferredWrites, migrate, openDatabase } from '../../src/store/index.js';
import { ManualClock } from '../helpers/manual-clock.js';

/** The calendar the seed and the service share (the service's config gets it as `shifts:`). */
export const seedShifts = {
  timeZone: 'UTC',
  list: [
    { name: 'early', start: '06:00', end: '14:00', breaks: [{ start: '10:00', end: '10:30' }] },
    { name: 'late', start: '14:00', end: '22:00', breaks: [] },
    { name: 'night', start: '22:00', end: '06:00', breaks: [] },
  ],
};

type PortEvents = { 'press:update': (s: PressSnapshot) => void; 'state:transition': (t: TransitionFact) => void };

export interface SeededShift {
  /** The UTC day, YYYY-MM-DD. */
  day: string;
  from: number;
  to: number;
  jobIds: { first: number; second: number };
}

export function seedShift(options: { dataDir: string; day: string }): SeededShift {
  const { day } = options;
  const at = (time: string) => Date.parse(`${day}T${time}Z`);
  const clock = new ManualClock(at('05:50:00'));
  const logger = pino({ level: 'silent' });
  const db = openDatabase({ dataDir: options.dataDir, logger });
  migrate(db, pressMigrations);
  migrate(db, recordingMigrations);
  const transitions = new TransitionsRepository(db);
  const deferred = createDeferredWrites({ logger, retryMs: 3_600_000 });
  const port = new TypedEmitter<PortEvents>((error) => {
    throw error;
  });
  const production = createProductionModule({
    db,
    deferred,
    audit: { record: () => undefined },
    presses: [
      { id: 'press-1', name: 'Sheetfed 1 (CMYK)' },
      { id: 'press-2', name: 'Sheetfed 2 (CMYK + spot)' },
      { id: 'press-3', name: 'Sheetfed 3 (RS-485 line)' },
    ],
    ratedSpeedOf: (id) => (id === 'press-2' ? 18_000 : 15_000),
    restoreState: () => undefined,
    shifts: shiftsConfigSchema.parse(seedShifts),
    clock,
    logger,
    readGuard: (_req, _res, next) => next(),
  });
  const off = production.observe({ on: (event, listener) => port.on(event, listener as never) });
  const moveTo = (time: string) => clock.advance(at(time) - clock.now());
  const lastAt = new Map<string, number>();
  const state = (
    pressId: string,
    time: string,
    to: RunState,
    extra: { reason?: StopReason; detail?: string; alarmCode?: string; revisesStop?: boolean } = {},
  ) => {
    moveTo(time);
    const fact = { pressId, at: clock.now(), to, reason: extra.reason ?? null, detail: extra.detail ?? null };
    // a revision names the cause of the stop stored at its start, as the presses do
    if (extra.revisesStop) transitions.reviseStopCause({ pressId, at: lastAt.get(pressId)!, reason: fact.reason, detail: fact.detail });
    else {
      transitions.append({ ...fact, state: to });
      lastAt.set(pressId, fact.at);
    }
    port.emit('state:transition', { ...fact, ...(extra.alarmCode ? { alarmCode: extra.alarmCode } : {}), ...(extra.revisesStop ? { revisesStop: true } : {}) });
  };
  const samples: Sample[] = [];
  const counters = (pressId: string, time: string, total: number, good: number, waste: number) => {
    moveTo(time);
    samples.push({ pressId, signal: 'counter.total', at: clock.now(), value: total }, { pressId, signal: 'counter.good', at: clock.now(), value: good });
    port.emit('press:update', { id: pressId, updatedAt: clock.now(), counters: { total, good, waste }, counterResetAt: null } as unknown as PressSnapshot);
  };
  const operator = { userId: 1, username: 'admin', ip: null };
  const service = production.service;

  state('press-1', '05:50:00', 'idle');
  state('press-2', '05:50:00', 'idle');
  counters('press-1', '05:55:00', 1000, 900, 100);
  counters('press-2', '05:55:00', 0, 0, 0);
  const first = service.createJob(
    { jobId: '24-1187', pressId: 'press-1', name: 'Brochure A4', plannedGood: 40_000, plannedMakeReadyMinutes: 20 },
    operator,
  ).job;
  state('press-1', '06:00:00', 'setup');
  state('press-2', '06:00:00', 'production');
  service.startJob(first.id, 'press-1', operator);
  counters('press-1', '06:15:00', 1150, 900, 250);
  state('press-1', '06:25:00', 'production');
  counters('press-1', '06:26:00', 1400, 1100, 300);
  counters('press-1', '07:30:00', 13_400, 12_800, 600);
  state('press-1', '07:30:00', 'stopped', { reason: 'operator' });
  state('press-1', '07:30:01.500', 'stopped', { reason: 'jam', detail: 'Paper jam at feeder', alarmCode: 'jam.feeder', revisesStop: true });
  state('press-1', '07:50:00', 'production');
  state('press-2', '08:00:00', 'stopped', { reason: 'door-open', detail: 'Guard door open', alarmCode: 'door-open' });
  state('press-2', '08:20:00', 'production');
  counters('press-1', '09:00:00', 27_400, 26_500, 900);
  state('press-1', '09:00:00', 'stopped');
  state('press-1', '10:00:00', 'idle');
  const paperWait = service.listDowntime({ pressId: 'press-1', from: at('08:59:00'), to: at('09:01:00'), uncoded: true })[0]!;
  service.codeDowntime(paperWait.id, 'waiting-paper', 'pallet came late', operator);
  state('press-1', '10:30:00', 'production');
  counters('press-1', '11:00:00', 33_400, 32_400, 1000);
  state('press-1', '11:00:00', 'stopped', { reason: 'jam' });
  state('press-1', '11:10:00', 'production');
  counters('press-1', '12:00:00', 43_400, 42_200, 1200);
  state('press-1', '12:00:00', 'cleanup');
  service.finishJob(first.id, operator);
  const second = service.createJob({ jobId: '24-1188', pressId: 'press-1', name: 'Flyer A5', plannedGood: 15_000 }, operator).job;
  state('press-1', '12:15:00', 'setup');
  service.startJob(second.id, 'press-1', operator);
  counters('press-1', '12:25:00', 43_480, 42_200, 1280);
  state('press-1', '12:35:00', 'production');
  counters('press-1', '12:36:00', 43_700, 42_400, 1300);
  counters('press-1', '13:30:00', 54_700, 53_200, 1500);
  state('press-1', '13:30:00', 'stopped', { reason: 'jam', detail: 'Paper jam at delivery', alarmCode: 'jam.delivery' });
  state('press-1', '13:45:00', 'production');
  counters('press-1', '13:59:00', 58_000, 56_400, 1600);
  counters('press-2', '13:59:00', 90_000, 88_000, 2000);
  service.finishJob(second.id, operator);
  state('press-1', '14:00:00', 'idle');
  state('press-2', '14:00:00', 'idle');

  // the levels the recorder would have kept: press-1's four fountains fall, its pile is
  // loaded once at 10:00 (the supplies feature's consumption reads these)
  for (let t = at('05:50:00'); t <= at('14:00:00'); t += 10 * 60_000) {
    const hours = (t - at('05:50:00')) / 3_600_000;
    [20, 15, 12, 16].forEach((perShift, i) => samples.push({ pressId: 'press-1', signal: `ink.${i + 1}`, at: t, value: 85 - (perShift * hours) / 8 }));
    const paper = t < at('10:00:00') ? 95 - 15 * hours : 95 - 15 * (hours - (at('10:00:00') - at('05:50:00')) / 3_600_000);
    samples.push({ pressId: 'press-1', signal: 'paper', at: t, value: Math.round(paper * 10) / 10 });
  }
  new SamplesRepository(db).insertMany(samples.sort((a, b) => a.at - b.at));

  off();
  deferred.stop();
  db.close();
  return { day, from: at('06:00:00'), to: at('14:00:00'), jobIds: { first: first.id, second: second.id } };
}
