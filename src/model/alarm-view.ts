/**
 * An alarm as the API and the dashboard see it (ISA-18.2 / IEC 62682 states). Part of the
 * public contract: `GET /api/alarms` items and the payload of `alarm:raised`,
 * `alarm:cleared`, `alarm:acked` and `alarm:updated` socket.io events.
 */
import type { PressSnapshot } from './press-snapshot.js';
import type { AlarmPriority } from './vocabulary.js';

export type { AlarmPriority };

/**
 * unack-active: raised, nobody has acknowledged it; acked-active: acknowledged, condition
 * still present; unack-cleared: condition gone but nobody acknowledged it (stays listed);
 * normal: cleared and acknowledged (leaves the active list).
 */
export type AlarmState = 'unack-active' | 'acked-active' | 'unack-cleared' | 'normal';

export interface AlarmView {
  /** Stable id of this alarm occurrence (raise → normal). */
  id: string;
  pressId: string;
  /** Condition code: profile alarm codes (`jam.feeder`, `e-stop`, …), `ink.low.<unit>`, `paper.low`, `ink.empty-soon.<unit>`, `paper.empty-soon`, `comm.lost`. */
  code: string;
  label: string;
  priority: AlarmPriority;
  state: AlarmState;
  active: boolean;
  acknowledged: boolean;
  raisedAt: number;
  clearedAt: number | null;
  ackedAt: number | null;
  ackedBy: string | null;
  ackNote: string | null;
  shelvedUntil: number | null;
  shelvedBy: string | null;
  shelveReason: string | null;
  /** Suppressed by design (e.g. door open during make-ready): kept in the journal, not announced. */
  suppressed: boolean;
  /** Raises of this condition in the last minute; 3 or more is chattering. */
  chatterCount: number;
  chattering: boolean;
  /** Stop reason this alarm gives a stop that follows it. */
  stopReason: string | null;
}

/** socket.io `snapshot`, sent on connect. */
export interface RealtimeSnapshot {
  serverTime: number;
  presses: PressSnapshot[];
  alarms: AlarmView[];
}

/** Chatter statistics of one condition, for reports ("which sensor chatters?"). */
export interface ChatterStat {
  pressId: string;
  code: string;
  /** Raises in the last chatter window (one minute by default). */
  raisesInWindow: number;
  chattering: boolean;
  /** How many times this condition started chattering since the engine started. */
  episodes: number;
  lastEpisodeAt: number | null;
}
