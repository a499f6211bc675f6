/**
 * Monotonic impression counters from the PLC's raw 32-bit counters.
 *
 * A PLC counter moves in three ways between two readings, and we tell them apart so:
 *
 * - it grew (cur ≥ prev): add cur − prev;
 * - it wrapped past 2^32 − 1: going forward from prev through 2^32 to cur is a short way
 *   (cur + 2^32 − prev < `wrapWindow`, by default 2^24 ≈ 16.7 M impressions, weeks of
 *   non-stop printing): add that distance;
 * - otherwise it fell because it was reset (job change): it counted from 0 to cur since,
 *   so add cur.
 *
 * The two cases cannot be confused in practice: a reset means prev was a job's count,
 * far below 2^32 − 2^24, so the forward distance is billions. What cannot be known is
 * what happened while we were not reading (a reset and a recount beyond prev looks like
 * growth): counts while offline are best effort.
 *
 * The first reading after start only records the baseline: the PLC's value counts the
 * press's past, not something we saw happen. A restored `lastRaw` (persisted with the
 * counters) lets counting resume across a restart instead.
 */

export const COUNTER_MODULUS = 2 ** 32;
export const DEFAULT_WRAP_WINDOW = 2 ** 24;

export type CounterKind = 'total' | 'good' | 'waste';
export const COUNTER_KINDS: readonly CounterKind[] = ['total', 'good', 'waste'];

export interface CounterTrack {
  /** The monotonic count. */
  value: number;
  /** The PLC value it was last advanced with; null until the baseline reading. */
  lastRaw: number | null;
}

export type CounterStep = 'baseline' | 'counted' | 'unchanged' | 'wrapped' | 'reset' | 'invalid' | 'implausible' | 'rebased';

export interface CounterOptions {
  modulus?: number;
  wrapWindow?: number;
  /**
   * The most a counter can plausibly move since its last reading (2× rated speed over the
   * elapsed time plus a little slack); a larger step is `implausible`: nothing is added and the
   * baseline stays, so one misread word (a wrong word order, a torn read) never reaches the
   * totals. Undefined: no limit (the first reading after a start).
   */
  maxStep?: number;
}

/** Sheets a counter may move beyond 2× rated speed between two readings (a scan's jitter). */
export const COUNTER_SLACK = 50;

/** `maxStep` for a press of `ratedSpeed` sheets/hour after `elapsedMs`. */
export function plausibleStep(ratedSpeed: number, elapsedMs: number): number {
  return (2 * ratedSpeed * Math.max(0, elapsedMs)) / 3_600_000 + COUNTER_SLACK;
}

export function advanceCounter(track: CounterTrack, raw: number, options: CounterOptions = {}): { track: CounterTrack; added: number; step: CounterStep } {
  const modulus = options.modulus ?? COUNTER_MODULUS;
  const wrapWindow = options.wrapWindow ?? DEFAULT_WRAP_WINDOW;
  // A negative or fractional count is a profile mistake (wrong type or scale), not a count.
  if (!Number.isFinite(raw) || raw < 0 || raw >= modulus) return { track, added: 0, step: 'invalid' };
  const prev = track.lastRaw;
  if (prev === null) return { track: { value: track.value, lastRaw: raw }, added: 0, step: 'baseline' };
  let added: number;
  let step: CounterStep;
  if (raw === prev) return { track, added: 0, step: 'unchanged' };
  if (raw > prev) {
    added = raw - prev;
    step = 'counted';
  } else if (raw + modulus - prev < wrapWindow) {
    added = raw + modulus - prev;
    step = 'wrapped';
  } else {
    added = raw;
    step = 'reset';
  }
  if (options.maxStep !== undefined && added > options.maxStep) return { track, added: 0, step: 'implausible' };
  return { track: { value: track.value + added, lastRaw: raw }, added, step };
}

/** The three counters of a press, as persisted. */
export interface PressCounters {
  counters: Record<CounterKind, number>;
  lastRaw: Record<CounterKind, number | null>;
}

export function emptyPressCounters(): PressCounters {
  return { counters: { total: 0, good: 0, waste: 0 }, lastRaw: { total: null, good: null, waste: null } };
}

/** A counter step refused as implausible: what the PLC said against what was counted. */
export interface CounterGlitch {
  counter: CounterKind;
  from: number;
  to: number;
}

/**
 * Advances each counter a reading carries; `changed` says whether anything worth persisting moved.
 *
 * `suspects` (owned by the caller, kept between readings) remembers an implausible raw value:
 * when the next reading moves on plausibly from it rather than from the baseline, the PLC's
 * counter really was set there (a preset, a replaced PLC) and it becomes the baseline
 * (`rebased`, nothing added); otherwise the baseline stays and the glitch is forgotten.
 */
export function advancePressCounters(
  current: PressCounters,
  raws: Partial<Record<CounterKind, number>>,
  options: CounterOptions = {},
  suspects: Partial<Record<CounterKind, number>> = {},
): { next: PressCounters; changed: boolean; steps: Partial<Record<CounterKind, CounterStep>>; glitches: CounterGlitch[] } {
  const glitches: CounterGlitch[] = [];
  const next: PressCounters = { counters: { ...current.counters }, lastRaw: { ...current.lastRaw } };
  const steps: Partial<Record<CounterKind, CounterStep>> = {};
  let changed = false;
  for (const kind of COUNTER_KINDS) {
    const raw = raws[kind];
    if (raw === undefined) continue;
    const result = advanceCounter({ value: next.counters[kind], lastRaw: next.lastRaw[kind] }, raw, options);
    steps[kind] = result.step;
    if (result.step === 'implausible') {
      const suspect = suspects[kind];
      if (suspect !== undefined && raw >= suspect && (options.maxStep === undefined || raw - suspect <= options.maxStep)) {
        steps[kind] = 'rebased';
        next.lastRaw[kind] = raw;
        changed = true;
        delete suspects[kind];
        continue;
      }
      suspects[kind] = raw;
      glitches.push({ counter: kind, from: next.lastRaw[kind] ?? 0, to: raw });
      continue;
    }
    delete suspects[kind];
    if (result.step === 'unchanged' || result.step === 'invalid') continue;
    next.counters[kind] = result.track.value;
    next.lastRaw[kind] = result.track.lastRaw;
    changed = true;
  }
  return { next, changed, steps, glitches };
}
