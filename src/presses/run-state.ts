/**
 * The run state of a press (CIP4 XJMF `DeviceInfo/@Status` and `@StatusDetails`) from the
 * PLC's state code, the profile's map of codes, comm status and the stop alarms.
 *
 * Rules:
 * - no communication → `offline`;
 * - a code the profile does not map → `stopped`, reason `other`, detail "unknown state
 *   code N" (a PLC firmware with new codes must not make the press look productive);
 * - `stopped` without a PLC reason, or with a generic one (`operator`, `fault`, `other`): the
 *   stop is attributed to the first alarm with a `stopReason` that was active at the instant
 *   of the stop (raised before or at it, not cleared before it) or raised within the settle
 *   window after it (default 3 s: the jam bit and the state code are separate Modbus reads,
 *   often in different scan classes). First-out, like an annunciator panel: the first fault
 *   is the cause, the rest are consequences. An alarm raised after the settle window never
 *   rewrites why the press stopped. A specific PLC reason (`jam`, `door-open`, `e-stop`) wins.
 */
import type { RunState, StopReason } from '../model/press-snapshot.js';
import { genericStopReasons } from '../model/vocabulary.js';

/** How long after a stop an alarm raise still counts as its cause. */
export const DEFAULT_STOP_SETTLE_MS = 3000;

/** A code's meaning, as in a profile's `states` map. */
export type StateCodeMeaning = RunState | { state: RunState; reason?: StopReason; detail?: string };
export type StateMap = Record<string, StateCodeMeaning>;

export interface DerivedRunState {
  state: RunState;
  reason: StopReason | null;
  detail: string | null;
  /** The stop alarm that names the cause, when one does. */
  alarmCode?: string;
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
  /** Alarms raised up to this long after the stop still name its cause; default 3 s. */
  settleMs?: number;
}

export function deriveRunState(input: RunStateInput): DerivedRunState {
  if (!input.online) return { state: 'offline', reason: null, detail: 'no communication' };
  if (input.code === null) return { state: 'offline', reason: null, detail: 'run state not read yet' };
  const fromCode = stateFromCode(input.code, input.states);
  if (fromCode.state !== 'stopped' || !isGenericReason(fromCode.reason)) return fromCode;
  const cause = firstOutAlarm(input.stopAlarms, input.stoppedSince, input.settleMs ?? DEFAULT_STOP_SETTLE_MS);
  if (!cause) return fromCode;
  return { state: 'stopped', reason: cause.stopReason, detail: cause.label, alarmCode: cause.code };
}

/** No reason, or one a stop alarm may make specific. */
export function isGenericReason(reason: StopReason | null): boolean {
  return reason === null || (genericStopReasons as readonly StopReason[]).includes(reason);
}

/**
 * The earliest-raised alarm that was active at `instant` or raised within `settleMs` after it.
 * An alarm active at the instant always precedes one raised after it, so first-out holds.
 */
export function firstOutAlarm(alarms: readonly StopAlarm[], instant: number, settleMs = 0): StopAlarm | undefined {
  let first: StopAlarm | undefined;
  for (const alarm of alarms) {
    const activeThen = alarm.raisedAt <= instant && (alarm.clearedAt === null || alarm.clearedAt >= instant);
    const settling = alarm.raisedAt > instant && alarm.raisedAt <= instant + settleMs;
    if ((activeThen || settling) && (!first || alarm.raisedAt < first.raisedAt)) first = alarm;
  }
  return first;
}
