import type { Quality } from '../model/press-snapshot.js';

/**
 * Change-based recording: decides, reading by reading, which ones are worth a row in `samples`.
 * Pure and clock-injected: the only clock is the reading's own `at`, so the same readings always
 * give the same decisions, in tests and in a replay.
 *
 * A reading is recorded when, compared with the last *recorded* reading of its (press, signal):
 * - it is the first one, or its quality changed (good / stale / bad), or its value appeared or
 *   vanished (null), or time went backwards (the clock was set back: start afresh);
 * - |value - last| > deadband and at least minIntervalMs passed (comparing with the last
 *   recorded value, not the last seen, so a slow drift is still recorded every `deadband`);
 * - heartbeatMs passed, whatever the value: proof of life, and a flat line has points to draw.
 */
export interface SignalPolicy {
  /** Absolute, in the signal's unit: sheets/h for speed, percentage points for levels, counts. */
  deadband: number;
  /** Least time between two recordings caused by a change (0: every change beyond deadband). */
  minIntervalMs: number;
  heartbeatMs: number;
}

export interface FilterReading {
  pressId: string;
  signal: string;
  /** When the value was read (ms since epoch): the filter's clock. */
  at: number;
  value: number | null;
  quality: Quality;
}

export interface SampleFilter {
  /** True when the reading should be stored; the filter then remembers it as the last recorded. */
  offer(reading: FilterReading): boolean;
  /** Drop what is remembered of a press (removed from config, or reconnected after a restart). */
  forget(pressId: string): void;
}

export interface SampleFilterOptions {
  /** The policy of one signal of one press; called once per (press, signal), then cached. */
  policyFor: (series: { pressId: string; signal: string }) => SignalPolicy;
}

interface LastRecorded {
  at: number;
  value: number | null;
  quality: Quality;
  policy: SignalPolicy;
}

export function createSampleFilter(options: SampleFilterOptions): SampleFilter {
  const lastBySeries = new Map<string, Map<string, LastRecorded>>();
  // A snapshot offers all its signals in a row: its press's series are looked up once.
  let recentPressId: string | undefined;
  let recentSeries: Map<string, LastRecorded> | undefined;

  return {
    offer(reading) {
      let ofPress = recentPressId === reading.pressId ? recentSeries : lastBySeries.get(reading.pressId);
      if (!ofPress) lastBySeries.set(reading.pressId, (ofPress = new Map()));
      recentPressId = reading.pressId;
      recentSeries = ofPress;
      const last = ofPress.get(reading.signal);
      const policy = last?.policy ?? options.policyFor({ pressId: reading.pressId, signal: reading.signal });
      if (last && !shouldRecord(last, reading, policy)) return false;
      if (last) {
        // the series' record, updated in place: this runs for every signal of every snapshot
        last.at = reading.at;
        last.value = reading.value;
        last.quality = reading.quality;
      } else ofPress.set(reading.signal, { at: reading.at, value: reading.value, quality: reading.quality, policy });
      return true;
    },
    forget(pressId) {
      lastBySeries.delete(pressId);
      if (recentPressId === pressId) recentPressId = recentSeries = undefined;
    },
  };
}

function shouldRecord(last: LastRecorded, reading: FilterReading, policy: SignalPolicy): boolean {
  const elapsed = reading.at - last.at;
  if (elapsed < 0) return true;
  if (reading.quality !== last.quality) return true;
  if ((reading.value === null) !== (last.value === null)) return true;
  if (elapsed >= policy.heartbeatMs) return true;
  if (reading.value === null || last.value === null) return false;
  return Math.abs(reading.value - last.value) > policy.deadband && elapsed >= policy.minIntervalMs;
}

/** Defaults for the press room's signals; callers may override per press or per signal. */
export const DEFAULT_HEARTBEAT_MS = 60_000;
/** Counters change every sheet in production; one row per this many ms is enough for a trend. */
export const DEFAULT_COUNTER_INTERVAL_MS = 10_000;

/**
 * The standard policy of a signal, by name:
 * - `speed`: 1 % of the press's rated speed;
 * - `counter.*`: any change, at most every 10 s;
 * - levels (`ink.*`, `paper`, `level.*`) and anything else in percent: 0.5 percentage points.
 * All with a 60 s heartbeat.
 */
export function defaultSignalPolicy(options: { signal: string; ratedSpeed: number; heartbeatMs?: number }): SignalPolicy {
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  if (options.signal === 'speed') return { deadband: options.ratedSpeed * 0.01, minIntervalMs: 0, heartbeatMs };
  if (options.signal.startsWith('counter.')) return { deadband: 0, minIntervalMs: DEFAULT_COUNTER_INTERVAL_MS, heartbeatMs };
  return { deadband: 0.5, minIntervalMs: 0, heartbeatMs };
}
