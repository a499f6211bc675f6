/**
 * Turns live press snapshots into stored samples: each signal is offered to the
 * change-based filter (deadband + heartbeat), and what it keeps is written in batches,
 * one transaction every `flushMs`, so recording costs a few commits a minute per press.
 * The same transaction brings the minute and hour rollups of those samples up to date
 * (SampleRollups; src/recording/recording-migrations.ts).
 *
 * While the database refuses writes the samples wait in memory. They are measurements, so
 * unlike transitions and alarm changes (DeferredWrites) they may be thinned: past
 * `maxPending` the oldest go, logged at error once per outage and counted in `dropped()`
 * (shown in /api/health).
 */
import type { Logger } from 'pino';
import type { PressSnapshot, Quality } from '../model/press-snapshot.js';
import { createSampleFilter, defaultSignalPolicy } from './sample-filter.js';
import type { Sample } from './samples-repository.js';
import { SampleRollups, type RollupStore } from './sample-rollups.js';

export interface SampleRecorderOptions {
  /** The samples and the database they live in (the rollups are kept in the same transaction). */
  store: RollupStore;
  logger: Logger;
  ratedSpeedOf: (pressId: string) => number;
  flushMs?: number;
  /** Pending samples kept while the database refuses writes; the oldest go beyond it. */
  maxPending?: number;
  /** After each stored batch: per series id, the oldest sample time in it (the history workers' caches). */
  onStored?: (oldestBySeries: ReadonlyMap<number, number>) => void;
}

export interface SampleRecorder {
  record(snapshot: PressSnapshot): void;
  flush(): void;
  stop(): void;
  pending(): number;
  /** Samples lost since start because the backlog was full. */
  dropped(): number;
}

type ReadingVisitor = (pressId: string, signal: string, at: number, value: number | null, quality: Quality) => void;

/** Visits the signals of a snapshot under their stored names, in order, building no reading objects (it runs for every snapshot). */
function forEachReading(snapshot: PressSnapshot, visit: ReadingVisitor): void {
  const at = snapshot.updatedAt;
  const id = snapshot.id;
  const commQuality: Quality = snapshot.online ? 'good' : 'bad';
  visit(id, 'speed', at, snapshot.speed, snapshot.speed === null ? 'bad' : commQuality);
  if (snapshot.jobCounters.total !== null) visit(id, 'counter.total', at, snapshot.counters.total, commQuality);
  if (snapshot.jobCounters.good !== null) visit(id, 'counter.good', at, snapshot.counters.good, commQuality);
  if (snapshot.jobCounters.waste !== null) visit(id, 'counter.waste', at, snapshot.counters.waste, commQuality);
  for (const ink of snapshot.ink) visit(id, seriesName('ink.', ink.unit), ink.at ?? at, ink.level, ink.quality);
  visit(id, 'paper', snapshot.paper.at ?? at, snapshot.paper.level, snapshot.paper.quality);
  for (const level of snapshot.levels) visit(id, seriesName('level.', level.name), level.at ?? at, level.level, level.quality);
}

/** `ink.<unit>` and `level.<name>`, built once per name rather than with every snapshot. */
const seriesNames = new Map<string, Map<string | number, string>>();
function seriesName(prefix: string, key: string | number): string {
  let names = seriesNames.get(prefix);
  if (!names) seriesNames.set(prefix, (names = new Map()));
  let name = names.get(key);
  if (name === undefined) names.set(key, (name = `${prefix}${key}`));
  return name;
}

export function createSampleRecorder(options: SampleRecorderOptions): SampleRecorder {
  const filter = createSampleFilter({
    policyFor: ({ pressId, signal }) => defaultSignalPolicy({ signal, ratedSpeed: options.ratedSpeedOf(pressId) }),
  });
  const rollups = new SampleRollups(options.store, { onStored: options.onStored });
  const maxPending = options.maxPending ?? 100_000;
  let pending: Sample[] = [];
  let failing = false;
  let dropped = 0;
  let droppedThisOutage = 0;

  const flush = () => {
    if (pending.length === 0) return;
    const batch = pending;
    try {
      rollups.record(batch);
      pending = [];
      if (failing) options.logger.info({ rows: batch.length, dropped: droppedThisOutage }, 'sample recording recovered');
      failing = false;
      droppedThisOutage = 0;
    } catch (error) {
      // Keep them for the next flush; trends matter less than alarms, so cap the backlog.
      if (!failing) options.logger.error({ err: error, pending: batch.length }, 'cannot store samples; keeping them in memory');
      failing = true;
      if (pending.length > maxPending) {
        const excess = pending.length - maxPending;
        if (droppedThisOutage === 0) options.logger.error({ maxPending }, 'sample backlog full: dropping the oldest samples until the database accepts writes');
        dropped += excess;
        droppedThisOutage += excess;
        pending = pending.slice(excess);
      }
    }
  };
  const offer: ReadingVisitor = (pressId, signal, at, value, quality) => {
    if (filter.offer({ pressId, signal, at, value, quality })) pending.push({ pressId, signal, at, value, quality });
  };
  const timer = setInterval(flush, options.flushMs ?? 2000);
  timer.unref();

  return {
    record(snapshot) {
      forEachReading(snapshot, offer);
    },
    flush,
    stop() {
      clearInterval(timer);
      flush();
    },
    pending: () => pending.length,
    dropped: () => dropped,
  };
}
