/** The typed events of the press service, for the store, the alarm engine and the realtime layer. */
import type { PressCounters } from './counters.js';
import type { PressSnapshot, RunState, StopReason } from '../model/press-snapshot.js';

export interface StateTransition {
  pressId: string;
  at: number;
  from: RunState;
  /** When the state left behind began: `at - fromSince` is how long it lasted. */
  fromSince: number;
  to: RunState;
  reason: StopReason | null;
  detail: string | null;
  /**
   * True when this first state after a start is the one stored last before it (see
   * `PressServiceOptions.restoreState`): the state goes on, `stateSince` is the stored time, and
   * there is nothing new to store.
   */
  continued?: boolean;
  /**
   * True when the stop that began at `fromSince` goes on and only its cause changed: a stop
   * alarm raised within the settle window after the stop names it (docs/downtime.md). The stop
   * keeps its start; the stored transition of the stop is revised, none is added.
   */
  revisesStop?: boolean;
  /** The stop alarm that names the cause, when one does. */
  alarmCode?: string;
}

/** The run state a press was last stored in, to continue it after a restart. */
export interface RestoredRunState {
  state: RunState;
  reason: StopReason | null;
  /** When the press entered it. */
  since: number;
}

export interface AlarmBits {
  pressId: string;
  at: number;
  /**
   * Alarm code → condition present, with the profile's `activeWhen` already applied: true
   * means "alarm". Only the alarms whose signal this reading carried are listed.
   */
  bits: Record<string, boolean>;
  /** The run state at that moment, for suppression by design (door open during make-ready). */
  state: RunState;
}

/** A counter step refused as implausible (faster than 2× rated speed): flagged, not counted. */
export interface CounterImplausible {
  pressId: string;
  at: number;
  counter: 'total' | 'good' | 'waste';
  from: number;
  to: number;
}

export interface CountersChanged extends PressCounters {
  pressId: string;
  at: number;
}

// a type, not an interface: the emitter needs its implicit index signature
export type PressServiceEvents = {
  /** The live snapshot, at most once per fast scan period per press. A copy: keep it if you like. */
  'press:update': (snapshot: PressSnapshot) => void;
  /** Run state (or stop reason) changed; never throttled. */
  'state:transition': (transition: StateTransition) => void;
  /** Every reading that carries alarm signals. */
  'alarm-bits': (event: AlarmBits) => void;
  /** Monotonic counters or their raw baseline moved: persist them to resume after a restart. */
  'counters:changed': (event: CountersChanged) => void;
  /** A counter jump refused as implausible (not added to the totals). */
  'counter:implausible': (event: CounterImplausible) => void;
};
