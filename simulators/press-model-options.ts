/**
 * Options of the press model, with the defaults that make a believable demo: a job of a
 * few thousand sheets, a minute of make-ready, half a minute to reach rated speed, a jam
 * every twenty minutes of production, and a press assistant who refills and clears jams.
 * All durations are in press time (milliseconds); `timeScale` is applied by the caller.
 */
import type { Profile } from '../src/model/profile-schema.js';

export type PressPhase = 'idle' | 'setup' | 'production' | 'cleanup';

export interface JobOptions {
  /** Good sheets a job runs before wash-up; default: seeded, 2,000–6,000. */
  goodSheets?: number;
  /** Plate change and register before the first proof sheet. */
  plateChangeMs: number;
  /** Proof sheets printed in make-ready, all counted as waste. */
  makeReadyWasteSheets: number;
  /** Make-ready speed as a fraction of rated speed. */
  makeReadySpeedFraction: number;
  /** Time to go from standstill to rated speed (and back). */
  rampMs: number;
  /** Fraction of production sheets that are waste. */
  wasteRate: number;
  /** Wash-up after a job. */
  cleanupMs: number;
  /** Idle time between wash-up and the next job's make-ready. */
  idleMs: number;
}

/** The press assistant of a demo that keeps going; `false` turns it off. */
export interface AssistantOptions {
  /** Refill an ink, paper or other level when it falls to this % or below... */
  refillBelowPercent: number;
  /** ...this long after noticing. */
  refillAfterMs: number;
  /** Clear a jam this long after it happened. */
  clearJamAfterMs: number;
  /** Close an open guard door after this long (undefined: leave it to the operator). */
  closeDoorAfterMs?: number;
  /** Release an e-stop after this long (undefined: leave it to the operator). */
  releaseEStopAfterMs?: number;
}

export interface InitialState {
  /** Phase at time 0 (default: setup of the first job). */
  phase?: PressPhase;
  /** Ink level per printing unit in %, one number for all (default: seeded, 40–100). */
  ink?: number | Record<number, number>;
  paper?: number;
  /** Other `level` signals by signal name, or one number for all. */
  levels?: number | Record<string, number>;
  /** Counter values at time 0 (to test wrapping near 2^32). */
  counters?: { total?: number; good?: number; waste?: number };
}

export interface PressModelOptions {
  profile: Profile;
  seed: number;
  /** Mean production time between random jams (exponential); 0 or Infinity: never. */
  jamMeanIntervalMs?: number;
  /** The press runs jobs by itself (make-ready → production → wash-up → idle → next job) and restarts after a stop. */
  autoRun?: boolean;
  assistant?: Partial<AssistantOptions> | false;
  job?: Partial<JobOptions>;
  /** Sheets at 100 % coverage that empty a full ink fountain. */
  inkSheetsPerFill?: number;
  /** Sheets that empty other levels (fountain solution). */
  levelSheetsPerFill?: number;
  initial?: InitialState;
}

export interface ResolvedPressModelOptions {
  profile: Profile;
  seed: number;
  jamMeanIntervalMs: number;
  autoRun: boolean;
  assistant: AssistantOptions | false;
  job: JobOptions;
  inkSheetsPerFill: number;
  levelSheetsPerFill: number;
  sheetsPerFullPile: number;
  initial: InitialState;
}

export const DEFAULT_JOB: JobOptions = {
  plateChangeMs: 40_000,
  makeReadyWasteSheets: 150,
  makeReadySpeedFraction: 0.3,
  rampMs: 30_000,
  wasteRate: 0.01,
  cleanupMs: 45_000,
  idleMs: 20_000,
};

export const DEFAULT_ASSISTANT: AssistantOptions = {
  refillBelowPercent: 8,
  refillAfterMs: 60_000,
  clearJamAfterMs: 30_000,
  closeDoorAfterMs: 20_000,
  releaseEStopAfterMs: 60_000,
};

export function resolveOptions(options: PressModelOptions): ResolvedPressModelOptions {
  const jamMean = options.jamMeanIntervalMs ?? 20 * 60_000;
  if (!(jamMean >= 0)) throw new RangeError(`jamMeanIntervalMs must be >= 0, got ${jamMean}`);
  return {
    profile: options.profile,
    seed: options.seed,
    jamMeanIntervalMs: jamMean === 0 ? Infinity : jamMean,
    autoRun: options.autoRun ?? true,
    assistant: options.assistant === false ? false : { ...DEFAULT_ASSISTANT, ...options.assistant },
    job: { ...DEFAULT_JOB, ...options.job },
    inkSheetsPerFill: options.inkSheetsPerFill ?? 40_000,
    levelSheetsPerFill: options.levelSheetsPerFill ?? 60_000,
    sheetsPerFullPile: options.profile.paper.sheetsPerFullPile ?? 5_000,
    initial: options.initial ?? {},
  };
}
