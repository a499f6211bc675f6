/**
 * The production feature's wire types, written once: what /api/jobs, /api/downtime, /api/shifts
 * and /api/reports answer and socket.io `job:updated` / `downtime:updated` send. The service
 * (src/production) builds them; the dashboard imports them (type-only) to read them.
 */
import type { DowntimeCategory, DowntimeCauseSource, DowntimeState, JobSource, JobState, OeeGrouping } from './vocabulary.js';

/** One print order on one press, with its running figures. */
export interface Job {
  id: number;
  jobId: string;
  name: string;
  customer: string | null;
  pressId: string | null;
  state: JobState;
  source: JobSource;
  plannedGood: number | null;
  plannedMakeReadyMinutes: number | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  /** Start of the setup the job began with (or its start): make-ready runs from here to the first good sheet. */
  makeReadyFrom: number | null;
  firstGoodAt: number | null;
  /** Null until the first good sheet. */
  makeReadyMs: number | null;
  makeReadyWaste: number;
  runMs: number;
  downtimeMs: number;
  total: number;
  good: number;
  waste: number;
  /** Sheets per hour of run time, and the press's rated speed (null until known). */
  averageSpeed: number | null;
  ratedSpeed: number | null;
}

/** Ink and paper used over a job's time on its press: level drops and logged replacements. */
export interface SuppliesUsed {
  ink: { unit: number; color: string; levelUsed: number; logged: { uom: string; quantity: number }[] }[];
  paper: { pileUsed: number; pilesLoaded: number; logged: { uom: string; quantity: number }[] };
}

/** `GET /api/jobs/:id`: a job with the ink and paper used while it ran (null when not known). */
export type JobWithSupplies = Job & { supplies: SuppliesUsed | null };

/** A reason an operator may code a stop with (`downtime.reasons`, `GET /api/downtime/reasons`). */
export interface DowntimeReason {
  code: string;
  label: string;
  category: DowntimeCategory;
}

export interface DowntimeCause {
  code: string;
  label: string;
  category: DowntimeCategory;
  source: DowntimeCauseSource;
}

/** A stay of a press in a non-production state. */
export interface DowntimeEvent {
  id: number;
  pressId: string;
  from: number;
  /** Null while the event lasts. */
  to: number | null;
  /** Up to `to`, or up to now while it lasts. */
  durationMs: number;
  state: DowntimeState;
  /** The job's MIS number, and its id in /api/jobs. */
  jobId: string | null;
  jobRef: number | null;
  cause: DowntimeCause | null;
  note: string | null;
}

/** One row of `GET /api/reports/oee` (docs/production.md has the definitions). */
export interface OeeRow {
  pressId: string;
  group: { kind: OeeGrouping; label: string; from: number; to: number };
  plannedMs: number;
  runMs: number;
  downtimeMs: number;
  /** Of the downtime: time without data (offline). */
  offlineMs: number;
  availability: number | null;
  performance: number | null;
  quality: number | null;
  oee: number | null;
  total: number;
  good: number;
  waste: number;
  /**
   * The gap, in time, so the factors add up visibly: planned time = run time + downtime;
   * run time = fully productive time (good sheets at rated speed) + quality loss (waste at rated
   * speed) + speed loss (running below rated). `plannedDowntimeMs` is the planned downtime taken
   * out of the shift time before (make-ready, breaks coded as such).
   */
  losses: { plannedDowntimeMs: number; speedLossMs: number; qualityLossMs: number; fullyProductiveMs: number };
}

/** One cause of `GET /api/reports/downtime`, worst first. */
export interface DowntimeCauseTotal {
  code: string;
  label: string;
  category: string;
  count: number;
  durationMs: number;
}

/** One shift as the calendar has it (`GET /api/shifts`): planned breaks are not planned production time. */
export interface ShiftInstance {
  /** "early 2026-12-05": the shift's name and the local day it starts on. */
  label: string;
  name: string;
  day: string;
  from: number;
  to: number;
  breaks: { from: number; to: number }[];
}

/**
 * One row of `GET /api/reports/reliability` (docs/downtime.md): failures are downtime events
 * of the cause starting in the range; MTBF = run time / failures, MTTR = repair time / failures
 * (null without failures).
 */
export interface ReliabilityRow {
  pressId: string;
  cause: string;
  label: string;
  failures: number;
  runMs: number;
  downtimeMs: number;
  mtbfMs: number | null;
  mttrMs: number | null;
}

/**
 * One stretch of `GET /api/reports/timeline`: a press in one run state, cut to the range asked
 * for; a stop carries the cause of the downtime event that holds its start (null while
 * uncoded, and in production).
 */
export interface TimelineStretch {
  from: number;
  to: number;
  state: string;
  reason: string | null;
  cause: DowntimeCause | null;
}
