/**
 * A synthetic year of ten sheetfed presses for the reports benchmark, played through the
 * production feature's own code: createProductionModule on a real SQLite file, fed the run-state
 * transitions and counter snapshots the presses would announce (only the changes, not every
 * 250 ms scan), on a manual clock that walks the year in time order across all presses.
 * Operators and the MIS act through the ProductionService (jobs created, started, finished;
 * stops coded), so jobs, downtime events with causes and the rollups are what the service
 * itself would have stored.
 *
 * The shop: three shifts (06-14, 14-22, 22-06, each with a 30 min break), Monday to Friday,
 * Europe/Berlin (both DST changes fall in the year). Presses are offline over the weekend.
 * Each job: make-ready (setup, waste sheets), production runs cut by stops (jams from the
 * alarm, a generic PLC fault revised by the jam alarm 1.5 s later, uncoded stops, idle waits,
 * operator stops), wash-up. Six in ten jobs come from the MIS, the others are detected from the
 * counter reset. Four in ten uncoded stops are coded by an operator after they end.
 *
 * The seeded file is cached under the temp folder keyed by SEED_VERSION and the day the year
 * ends, so reruns the same day reuse it; bump SEED_VERSION when the shape of the year changes.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { addDays, dayStart, localDay, zonedEpoch } from '../../src/lib/zoned-time.js';
import type { PressSnapshot } from '../../src/model/press-snapshot.js';
import type { RunState, StopReason } from '../../src/model/vocabulary.js';
import { TypedEmitter } from '../../src/lib/typed-emitter.js';
import { createProductionModule } from '../../src/production/index.js';
import { shiftsConfigSchema, type ShiftsConfig } from '../../src/production/production-config.js';
import type { TransitionFact } from '../../src/production/production-tracker.js';
import { createDeferredWrites, openDatabase } from '../../src/store/index.js';
import { ManualClock } from '../../test/helpers/manual-clock.js';
import { mulberry32 } from '../../simulators/prng.js';

export const SEED_VERSION = 1;
const DAY_MS = 86_400_000;
const MIN = 60_000;
export const YEAR_TIME_ZONE = 'Europe/Berlin';

export const yearShifts: ShiftsConfig = shiftsConfigSchema.parse({
  timeZone: YEAR_TIME_ZONE,
  workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
  list: [
    { name: 'early', start: '06:00', end: '14:00', breaks: [{ start: '10:00', end: '10:30' }] },
    { name: 'late', start: '14:00', end: '22:00', breaks: [{ start: '18:00', end: '18:30' }] },
    { name: 'night', start: '22:00', end: '06:00', breaks: [{ start: '02:00', end: '02:30' }] },
  ],
});

/** The presses of the year; the bench service configures the same ids, profiles and so rated speeds. */
export const yearPresses = Array.from({ length: 10 }, (_, i) => ({
  id: `press-${i + 1}`,
  name: `Sheetfed ${i + 1}`,
  profile: i % 2 === 0 ? 'demo-sheetfed-4c' : 'demo-sheetfed-5c',
  ratedSpeed: i % 2 === 0 ? 15_000 : 18_000,
}));

export interface SeededYear {
  /** The cached database file (copy it before a service writes to it). */
  file: string;
  from: number;
  to: number;
  cached: boolean;
  seconds: number;
  counts: { transitions: number; snapshots: number; jobs: number; downtimeEvents: number; coded: number; productionRollups: number; causeRollups: number };
  dbMb: number;
}

type PortEvents = { 'press:update': (s: PressSnapshot) => void; 'state:transition': (t: TransitionFact) => void };

/** The working week of the presses: Monday 05:45 to Saturday 06:15, local. */
function workingWindow(t: number): { start: number; end: number } {
  const day = localDay(t, YEAR_TIME_ZONE);
  const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
  const monday = addDays(day, -((weekday + 6) % 7));
  const at = (d: string, hour: number, minute: number) => {
    const [year, month, dd] = d.split('-').map(Number) as [number, number, number];
    return zonedEpoch({ year, month, day: dd, hour, minute }, YEAR_TIME_ZONE);
  };
  const start = at(monday, 5, 45);
  const end = at(addDays(monday, 5), 6, 15);
  return t < end ? { start, end } : { start: at(addDays(monday, 7), 5, 45), end: at(addDays(monday, 12), 6, 15) };
}

/** Seeds (or reuses) the year ending at today's local midnight. */
export function seededYear(options: { log: (line: string) => void; days?: number }): SeededYear {
  const days = options.days ?? 365;
  const to = dayStart(localDay(Date.now(), YEAR_TIME_ZONE), YEAR_TIME_ZONE);
  const from = to - days * DAY_MS;
  const root = path.join(tmpdir(), 'pressroom-bench-reports-cache');
  const key = `v${SEED_VERSION}-${localDay(to, YEAR_TIME_ZONE)}-${days}d`;
  const dir = path.join(root, key);
  const file = path.join(dir, 'pressroom.db');
  const meta = path.join(dir, 'seed.json');
  if (existsSync(meta)) {
    const seeded = JSON.parse(readFileSync(meta, 'utf8')) as SeededYear;
    return { ...seeded, file, cached: true, seconds: 0 };
  }
  // seeds of other versions or days go (a year is some 30 MB); other lengths of the same day stay
  const today = `v${SEED_VERSION}-${localDay(to, YEAR_TIME_ZONE)}-`;
  if (existsSync(root)) for (const old of readdirSync(root)) if (!old.startsWith(today)) rmSync(path.join(root, old), { recursive: true, force: true });
  // Played in memory-backed /dev/shm where there is one: the operators' durable writes (jobs
  // started and finished, stops coded: some 40,000 in the year) fsync, which costs minutes on disk
  // and nothing there. The finished file is copied to the cache on disk.
  const scratch = existsSync('/dev/shm') ? '/dev/shm' : root;
  const work = path.join(scratch, `pressroom-bench-reports-${key}.seeding-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const started = performance.now();
  let counts: SeededYear['counts'];
  try {
    counts = playYear({ dataDir: work, from, to, log: options.log });
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    copyFileSync(path.join(work, 'pressroom.db'), file);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const seconds = (performance.now() - started) / 1000;
  const result: SeededYear = { file, from, to, cached: false, seconds, counts, dbMb: statSync(file).size / 1048576 };
  writeFileSync(meta, JSON.stringify(result));
  return result;
}

/** Copies the seeded file into a fresh data folder for a service to open and write to. */
export function copySeededYear(seeded: SeededYear, dataDir: string): void {
  mkdirSync(dataDir, { recursive: true });
  copyFileSync(seeded.file, path.join(dataDir, 'pressroom.db'));
}

function playYear(options: { dataDir: string; from: number; to: number; log: (line: string) => void }): SeededYear['counts'] {
  const { from, to, log } = options;
  const logger = pino({ level: 'silent' });
  const clock = new ManualClock(from);
  const db = openDatabase({ dataDir: options.dataDir, logger });
  const deferred = createDeferredWrites({ logger, retryMs: 3_600_000 });
  const port = new TypedEmitter<PortEvents>((error) => {
    throw error;
  });
  const module = createProductionModule({
    db,
    deferred,
    audit: { record: () => undefined },
    presses: yearPresses.map((p) => ({ id: p.id, name: p.name })),
    ratedSpeedOf: (id) => yearPresses.find((p) => p.id === id)?.ratedSpeed ?? 10_000,
    restoreState: () => undefined,
    shifts: yearShifts,
    clock,
    logger,
    readGuard: (_req, _res, next) => next(),
  });
  module.observe({ on: (event, listener) => port.on(event, listener as never) });
  const service = module.service;
  const operator = { userId: 1, username: 'bench', ip: null };
  const lastOpened = new Map<string, number>();
  module.events.on('downtime:updated', (event) => {
    if (event.to === null) lastOpened.set(event.pressId, event.id);
  });
  const counts = { transitions: 0, snapshots: 0, jobs: 0, downtimeEvents: 0, coded: 0, productionRollups: 0, causeRollups: 0 };
  const codes = service.reasons.map((r) => r.code);

  function* pressLife(index: number): Generator<number, void> {
    const press = yearPresses[index]!;
    const rnd = mulberry32(1000 + index * 7919);
    const between = (lo: number, hi: number) => lo + rnd() * (hi - lo);
    const counters = { total: 0, good: 0, waste: 0 };
    let resetAt: number | null = null;
    let state: RunState | null = null;
    let misJob: number | null = null;
    let jobSeq = 0;
    let remaining = 0;
    const transition = (to: RunState, extra: Partial<TransitionFact> = {}) => {
      const reason: StopReason | null = extra.reason ?? null;
      port.emit('state:transition', { pressId: press.id, at: clock.now(), to, reason, detail: extra.detail ?? null, ...extra });
      counts.transitions += 1;
      if (!extra.revisesStop) state = to;
    };
    const snapshot = () => {
      port.emit('press:update', { id: press.id, updatedAt: clock.now(), counters: { ...counters }, counterResetAt: resetAt } as unknown as PressSnapshot);
      counts.snapshots += 1;
    };
    const count = (good: number, waste: number) => {
      counters.good += Math.round(good);
      counters.waste += Math.round(waste);
      counters.total = counters.good + counters.waste;
    };
    /** A step of `ms`, cut at the end of the working week and of the year. */
    let weekEnd = 0;
    const endOfStep = (ms: number) => Math.min(clock.now() + ms, weekEnd, to);

    yield from;
    snapshot();
    transition('offline');
    while (clock.now() < to) {
      const week = workingWindow(clock.now());
      if (week.start > clock.now()) {
        if (state !== 'offline') transition('offline');
        yield Math.min(week.start, to);
        continue;
      }
      weekEnd = week.end;
      transition('idle');
      yield endOfStep(between(2, 15) * MIN);
      while (clock.now() < weekEnd && clock.now() < to) {
        if (remaining <= 0) {
          // a new job: make-ready, the PLC's counter falls back
          transition('setup');
          jobSeq += 1;
          remaining = Math.round(between(3_000, 40_000));
          if (rnd() < 0.6) {
            const { job } = service.createJob(
              {
                jobId: `${26 + Math.floor(jobSeq / 10_000)}-${index + 1}${String(jobSeq).padStart(4, '0')}`,
                pressId: press.id,
                name: `Job ${jobSeq} on ${press.name}`,
                customer: `Customer ${1 + Math.floor(rnd() * 40)}`,
                plannedGood: remaining,
                plannedMakeReadyMinutes: 30,
                source: 'mis',
              },
              operator,
            );
            service.startJob(job.id, press.id, operator);
            misJob = job.id;
          } else misJob = null;
          counts.jobs += 1;
          counters.total = counters.good = counters.waste = 0;
          resetAt = clock.now();
          snapshot();
          yield endOfStep(between(15, 50) * MIN);
          count(0, between(50, 400));
          snapshot();
        }
        if (clock.now() >= weekEnd) break;
        // a production run until the next stop or the job's end
        transition('production');
        const speed = press.ratedSpeed * between(0.72, 0.95);
        const wasteShare = between(0.005, 0.03);
        const goodPerMs = (speed * (1 - wasteShare)) / 3_600_000;
        const runEnd = endOfStep(Math.min(between(8, 70) * MIN, Math.ceil(remaining / goodPerMs) + 1000));
        for (let at = clock.now(); at < runEnd;) {
          const next = Math.min(runEnd, at + 15 * MIN);
          yield next;
          const sheets = (speed * (next - at)) / 3_600_000;
          count(sheets * (1 - wasteShare), sheets * wasteShare);
          remaining -= sheets * (1 - wasteShare);
          snapshot();
          at = next;
        }
        if (clock.now() >= weekEnd) break;
        if (remaining <= 0) {
          transition('cleanup');
          yield endOfStep(between(8, 20) * MIN);
          if (misJob !== null) {
            service.finishJob(misJob, operator);
            misJob = null;
          }
          if (rnd() < 0.25) {
            transition('idle'); // no job yet
            yield endOfStep(between(5, 60) * MIN);
          }
          continue;
        }
        const kind = rnd();
        let uncoded = false;
        if (kind < 0.4) transition('stopped', { reason: 'jam', detail: 'Paper jam at feeder', alarmCode: 'jam.feeder' });
        else if (kind < 0.5) {
          transition('stopped', { reason: 'fault' });
          yield clock.now() + 1500;
          transition('stopped', { reason: 'jam', detail: 'Double sheet at feeder', alarmCode: 'jam.double-sheet', revisesStop: true });
        } else if (kind < 0.7) {
          transition('stopped');
          uncoded = true;
        } else if (kind < 0.85) {
          transition('idle');
          uncoded = true;
        } else transition('stopped', { reason: 'operator' });
        const stopId = lastOpened.get(press.id);
        yield endOfStep((kind < 0.5 ? between(1, 12) : between(3, 40)) * MIN);
        if (clock.now() >= weekEnd) break;
        if (uncoded && stopId !== undefined && rnd() < 0.4) {
          // the operator codes the stop a little after it ended (the next run has begun)
          transition('production');
          service.codeDowntime(stopId, codes[Math.floor(rnd() * codes.length)]!, null, operator);
          counts.coded += 1;
        }
      }
      if (clock.now() >= to) break;
      transition('offline'); // the weekend
    }
  }

  const presses = yearPresses.map((_, i) => {
    const life = pressLife(i);
    const first = life.next();
    return { life, at: first.done ? Infinity : first.value };
  });
  let lastLog = performance.now();
  for (;;) {
    let soonest = presses[0]!;
    for (const p of presses) if (p.at < soonest.at) soonest = p;
    if (soonest.at === Infinity) break;
    clock.advance(Math.max(0, soonest.at - clock.now()));
    const next = soonest.life.next();
    soonest.at = next.done ? Infinity : next.value;
    if (performance.now() - lastLog > 10_000) {
      lastLog = performance.now();
      log(`seeding: ${localDay(clock.now(), YEAR_TIME_ZONE)}, ${counts.transitions.toLocaleString('en-US')} transitions so far`);
    }
  }
  // close the year: running jobs finish, every press is producing at the end (no open event)
  clock.advance(Math.max(0, to - clock.now()));
  for (const press of yearPresses) {
    port.emit('state:transition', { pressId: press.id, at: to, to: 'production', reason: null, detail: null });
    const running = module.service.listJobs({ pressId: press.id, state: 'running' });
    for (const job of running) service.finishJob(job.id, operator);
  }
  deferred.flush();
  deferred.stop();
  const c = db.connection;
  counts.downtimeEvents = c.prepare('SELECT COUNT(*) FROM downtime_events').pluck().get() as number;
  counts.productionRollups = c.prepare('SELECT COUNT(*) FROM production_rollups').pluck().get() as number;
  counts.causeRollups = c.prepare('SELECT COUNT(*) FROM downtime_cause_rollups').pluck().get() as number;
  counts.jobs = c.prepare('SELECT COUNT(*) FROM jobs').pluck().get() as number;
  c.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return counts;
}
