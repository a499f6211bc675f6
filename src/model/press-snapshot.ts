/**
 * The live picture of one press, as the API and the dashboard see it. This shape is part of
 * the contract in DESIGN.md ("Interfaces others rely on"): extend it, do not rename fields.
 */
import type { LinkKind, Quality, RunState, StopReason } from './vocabulary.js';

export type { LinkKind, Quality, RunState, StopReason };

export interface LevelReading {
  /** Percent full, 0-100, or null before the first good read. */
  level: number | null;
  quality: Quality;
  /** When the value was read from the press (ms since epoch). */
  at: number | null;
}

export interface InkLevel extends LevelReading {
  unit: number;
  color: string;
}

export interface CommHealth {
  lastOkAt: number | null;
  lastErrorAt: number | null;
  lastError: string | null;
  latencyMs: number | null;
  /** Error counts by kind: timeout, offline, exception, crc, protocol. */
  errors: Record<string, number>;
  reads: number;
  /** Taken off-scan after repeated timeouts, until this time. */
  offScanUntil: number | null;
  /** Scan classes that could not keep their period, with the number of missed cycles. */
  overruns: Record<string, number>;
  /**
   * Scan classes overrunning now: the bus cannot carry the reads asked of it, so many of the
   * class's recent ticks were skipped (see src/poller/overrun-window.ts). Empty when all keep up.
   */
  overrunning: string[];
}

export interface PressLink {
  kind: LinkKind;
  bus: string;
  unitId: number;
  /** host:port or serial path, for display. */
  address: string;
}

export interface PressSnapshot {
  /** The press id; on a hub, a remote press's is `group/edgeNode/pressId`. */
  id: string;
  /** On a hub: the Sparkplug site (`group/edgeNode`) the press belongs to; absent for this box's own presses. */
  site?: string;
  name: string;
  model: string;
  link: PressLink;
  online: boolean;
  state: RunState;
  stopReason: StopReason | null;
  stateDetail: string | null;
  stateSince: number;
  /** Sheets per hour, or null when unknown. */
  speed: number | null;
  /** `bad` for a negative speed (a misread), `stale` before the first read. */
  speedQuality?: Quality;
  ratedSpeed: number;
  /**
   * Press time per wall-clock time: a simulated bus's `simulationTimeScale` (the demo runs 20×),
   * 1 for a real press; left out: 1. `speed` and `ratedSpeed` are in press time, so a clock time
   * shown to people (a job's expected finish) divides by it.
   */
  timeScale?: number;
  /** Monotonic counters: they survive the PLC's 32-bit wrap and job resets. */
  counters: { total: number; good: number; waste: number };
  /**
   * The last counter step refused as implausible (faster than 2× rated speed): not added to the
   * totals. Null when none was seen since the start.
   */
  counterGlitch?: { at: number; counter: 'total' | 'good' | 'waste'; from: number; to: number } | null;
  /** When the PLC's total counter last fell back (a job change), as told from a 32-bit wrap; null when not seen since the start. */
  counterResetAt?: number | null;
  /** The counters as the PLC shows them now (reset at job change). */
  jobCounters: { total: number | null; good: number | null; waste: number | null };
  ink: InkLevel[];
  paper: LevelReading & { kind: 'pile' | 'roll' };
  levels: (LevelReading & { name: string; label: string })[];
  activeAlarms: number;
  comm: CommHealth;
  updatedAt: number;
  /** Minutes until paper and each ink unit run out at the current use (the supplies feature adds it). */
  timeToEmpty?: TimeToEmpty;
}

/** Minutes until empty at the current use; null where there is no estimate (stopped, no trend yet). */
export interface TimeToEmpty {
  paper: number | null;
  ink: { unit: number; minutes: number | null }[];
}
