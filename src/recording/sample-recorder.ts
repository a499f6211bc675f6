/**
 * Turns live press snapshots into stored samples: each signal is offered to the
 * change-based filter (deadband + heartbeat), and what it keeps is written in batches,
 * one transaction every `flushMs`, so recording costs a few commits a minute per press.
 * The same transaction brings the minute and hour rollups of those samples up to date
 * (SampleRollups; the store needs recordingMigrations).
 *
 * While the database refuses writes the samples wait in memory. They are measurements, so
 * unlike transitions and alarm changes (DeferredWrites) they may be thinned: past
 * `maxPending` the oldest go, logged at error once per outage and counted in `dropped()`
 * (shown in /api/health).
 */
import type { Logger } from 'pino';
import type { PressSnapshot } from '../model/press-snapshot.js';
import { createSampleFilter, defaultSignalPolicy, type FilterReading } from './sample-filter.js';
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

/** The signals of a snapshot under their stored names. */
export function readingsOf(snapshot: PressSnapshot): FilterReading[] {
  const at = snapshot.updatedAt;
  const commQuality = snapshot.online ? 'good' : 'bad';
  const readings: FilterReading[] = [
    { pressId: snapshot.id, signal: 'speed', at, value: snapshot.speed, quality: snapshot.speed === null ? 'bad' : commQuality },
  ];
  for (const kind of ['total', 'good', 'waste'] as const) {
    if (snapshot.jobCounters[kind] !== null) readings.push({ pressId: snapshot.id, signal: `counter.${kind}`, at, value: snapshot.counters[kind], quality: commQuality });
  }
  for (const ink of snapshot.ink) readings.push({ pressId: snapshot.id, signal: `ink.${ink.unit}`, at: ink.at ?? at, value: ink.level, quality: ink.quality });
  readings.push({ pressId: snapshot.id, signal: 'paper', at: snapshot.paper.at ?? at, value: snapshot.paper.level, quality: snapshot.paper.quality });
  for (const level of snapshot.levels) readings.push({ pressId: snapshot.id, signal: `level.${level.name}`, at: level.at ?? at, value: level.level, quality: level.quality });
  return readings;
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
  const timer = setInterval(flush, options.flushMs ?? 2000);
  timer.unref();

  return {
    record(snapshot) {
      for (const reading of readingsOf(snapshot)) {
        if (filter.offer(reading)) pending.push({ pressId: reading.pressId, signal: reading.signal, at: reading.at, value: reading.value, quality: reading.quality });
      }
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
