/**
 * The engine's bookkeeping for one condition of one press (one alarm code), and for the
 * occurrence it currently has on the alarm list.
 *
 * A condition lives as long as the engine; an occurrence lives from its first raise until it
 * is normal (cleared and acknowledged). If the condition comes back while its occurrence is
 * still listed (cleared but not yet acknowledged), the same occurrence goes active again:
 * one line on the list, one id, and every raise in the journal.
 */
import type { AlarmPriority, AlarmState, AlarmView } from '../model/alarm-view.js';
import type { TimerHandle } from '../lib/clock.js';
import type { AlarmSpec } from './alarm-config.js';
import type { ChatterCounter } from './chatter-counter.js';
import type { LevelSeverity } from './level-severity.js';

export interface Occurrence {
  id: string;
  priority: AlarmPriority;
  active: boolean;
  acknowledged: boolean;
  /** First raise of this occurrence. */
  raisedAt: number;
  /** Latest raise, to find the most recent cause of a stop. */
  lastRaisedAt: number;
  clearedAt: number | null;
  ackedAt: number | null;
  ackedBy: string | null;
  ackNote: string | null;
  /**
   * Whether an operator was ever shown it. An occurrence that went on and off while
   * suppressed (or shelved) was never announced and needs no acknowledgement.
   */
  announced: boolean;
}

export interface Shelf {
  until: number;
  by: string;
  reason: string;
  /** The occurrence that was shelved, for the journal line at expiry if it is gone by then. */
  alarmId: string;
  /** Null only while an expired shelving restored from the store is being ended. */
  timer: TimerHandle | null;
}

export interface Condition {
  pressId: string;
  spec: AlarmSpec;
  /** The condition as the inputs show it now (before on/off delays). */
  present: boolean;
  /** Level conditions: the severity the level currently calls for, with hysteresis. */
  severity: LevelSeverity;
  pendingRaise: TimerHandle | null;
  pendingClear: TimerHandle | null;
  renotifyTimer: TimerHandle | null;
  occurrence: Occurrence | null;
  /** Shelving belongs to the condition: a new occurrence while shelved is shelved too. */
  shelf: Shelf | null;
  suppressed: boolean;
  chatter: ChatterCounter;
}

export function alarmState(occurrence: Pick<Occurrence, 'active' | 'acknowledged'>): AlarmState {
  if (occurrence.active) return occurrence.acknowledged ? 'acked-active' : 'unack-active';
  return occurrence.acknowledged ? 'normal' : 'unack-cleared';
}

export function conditionView(condition: Condition, occurrence: Occurrence, now: number): AlarmView {
  return {
    id: occurrence.id,
    pressId: condition.pressId,
    code: condition.spec.code,
    label: condition.spec.label,
    priority: occurrence.priority,
    state: alarmState(occurrence),
    active: occurrence.active,
    acknowledged: occurrence.acknowledged,
    raisedAt: occurrence.raisedAt,
    clearedAt: occurrence.clearedAt,
    ackedAt: occurrence.ackedAt,
    ackedBy: occurrence.ackedBy,
    ackNote: occurrence.ackNote,
    shelvedUntil: condition.shelf?.until ?? null,
    shelvedBy: condition.shelf?.by ?? null,
    shelveReason: condition.shelf?.reason ?? null,
    suppressed: condition.suppressed,
    chatterCount: condition.chatter.count(now),
    chattering: condition.chatter.isChattering(now),
    stopReason: condition.spec.stopReason,
  };
}
