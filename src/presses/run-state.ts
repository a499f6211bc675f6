/**
 * The run state of a press (CIP4 XJMF `DeviceInfo/@Status` and `@StatusDetails`) from the
 * PLC's state code, the profile's map of codes, comm status and the stop alarms.
 *
 * Rules:
 * - no communication → `offline`;
 * - a code the profile does not map → `stopped`, reason `other`, detail "unknown state
 *   code N" (a PLC firmware with new codes must not make the press look productive);
 * - `stopped` without a PLC reason, or with the generic `operator`: the stop is
 *   attributed to the first alarm with a `stopReason` that was active at the instant of
 *   the stop (raised before or at it, not cleared before it). First-out, like an
 *   annunciator panel: the first fault is the cause, the rest are consequences. An alarm
 *   raised after the stop never rewrites why the press stopped.
 */
import type { RunState, StopReason } from '../model/press-snapshot.js';

/** A code's meaning, as in a profile's `states` map. */
export type StateCodeMeaning = RunState | { state: RunState; reason?: StopReason; detail?: string };
export type StateMap = Record<string, StateCodeMeaning>;

export interface DerivedRunState {
  state: RunState;
  reason: StopReason | null;
  detail: string | null;
}

/** One raise of an alarm that explains a stop. */
export interface StopAlarm {
  code: string;
  label: string;
  stopReason: StopReason;
  raisedAt: number;
  /** null while still active. */
  clearedAt: number | null;
}

/** What a state code says by itself. */
export function stateFromCode(code: number, states: StateMap): DerivedRunState {
  const meaning = states[String(code)];
  if (meaning === undefined) return { state: 'stopped', reason: 'other', detail: `unknown state code ${code}` };
  if (typeof meaning === 'string') return { state: meaning, reason: null, detail: null };
  return { state: meaning.state, reason: meaning.reason ?? null, detail: meaning.detail ?? null };
}

export interface RunStateInput {
  /** The press answers (comm health). */
  online: boolean;
  /** The runState signal's value; null before it was first read. */
  code: number | null;
  states: StateMap;
  /**
   * When the press stopped: the time of this reading if it was not stopped before, or
   * the start of the stop it is already in.
   */
  stoppedSince: number;
  /** Recent raises of alarms that carry a stop reason (active or cleared). */
  stopAlarms: readonly StopAlarm[];
}

export function deriveRunState(input: RunStateInput): DerivedRunState {
  if (!input.online) return { state: 'offline', reason: null, detail: 'no communication' };
  if (input.code === null) return { state: 'offline', reason: null, detail: 'run state not read yet' };
  const fromCode = stateFromCode(input.code, input.states);
  if (fromCode.state !== 'stopped' || (fromCode.reason !== null && fromCode.reason !== 'operator')) return fromCode;
  const cause = firstOutAlarm(input.stopAlarms, input.stoppedSince);
  if (!cause) return fromCode;
  return { state: 'stopped', reason: cause.stopReason, detail: cause.label };
}

/** The earliest-raised alarm that was active at `instant`. */
export function firstOutAlarm(alarms: readonly StopAlarm[], instant: number): StopAlarm | undefined {
  let first: StopAlarm | undefined;
  for (const alarm of alarms) {
    const activeThen = alarm.raisedAt <= instant && (alarm.clearedAt === null || alarm.clearedAt >= instant);
    if (activeThen && (!first || alarm.raisedAt < first.raisedAt)) first = alarm;
  }
  return first;
}
