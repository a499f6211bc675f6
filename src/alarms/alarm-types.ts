/**
 * What the alarm engine says to the rest of Pressroom: events (for the dashboard and the
 * press service), journal entries (for the store) and the results of operator commands.
 */
import type { AlarmPriority, AlarmView } from '../model/alarm-view.js';

/**
 * Every journal line is one of these:
 * - raise: the condition became an alarm (after its on-delay), or came back out of
 *   suppression while still present;
 * - clear: the condition went away (after its off-delay);
 * - ack / shelve / unshelve: an operator command (unshelve by `system` at expiry);
 * - suppress: raised, or went on, while the press is in a run state that suppresses it by design;
 * - renotify: an unacknowledged critical alarm was announced again;
 * - reprioritize: a level alarm escalated (medium → high) or de-escalated; the note says which.
 */
export const journalActions = ['raise', 'clear', 'ack', 'shelve', 'unshelve', 'suppress', 'renotify', 'reprioritize'] as const;
export type JournalAction = (typeof journalActions)[number];

export interface JournalEntry {
  alarmId: string;
  pressId: string;
  code: string;
  action: JournalAction;
  /** ms since epoch. */
  at: number;
  /** Who did it; null when the engine did it on its own (a reading, a timer). */
  user: string | null;
  note: string | null;
  /** The alarm's priority after this action. */
  priority: AlarmPriority;
}

/**
 * `raised` is the announcement: the dashboard sounds or flashes it. Every other change a
 * list must show (a clear, an ack, a shelve, a priority change, an alarm that went on while
 * shelved or suppressed and so is not announced) comes as `cleared`, `acked` or `updated`.
 * A view whose `state` is `normal` leaves the alarm list.
 */
export type AlarmEventType = 'raised' | 'cleared' | 'acked' | 'updated' | 'renotify';

export interface AlarmEvent {
  type: AlarmEventType;
  at: number;
  alarm: AlarmView;
}

export type AlarmEngineEvents = {
  alarm: (event: AlarmEvent) => void;
  journal: (entry: JournalEntry) => void;
};

/**
 * Why a command was refused. `not-found`: no listed alarm has that id (wrong id, or it is
 * already normal and off the list); `already-acked`; `not-shelved` (unshelve);
 * `invalid`: the input breaks a rule (empty user, shelving minutes out of range…).
 */
export type AlarmCommandErrorKind = 'not-found' | 'already-acked' | 'not-shelved' | 'invalid';

export interface AlarmCommandError {
  kind: AlarmCommandErrorKind;
  message: string;
  alarmId: string;
}

export type AlarmCommandResult = { ok: true; alarm: AlarmView; journal: JournalEntry } | { ok: false; error: AlarmCommandError };

export interface AckCommand {
  user: string;
  note?: string | null;
}

export interface ShelveCommand {
  user: string;
  minutes: number;
  reason: string;
}

export interface UnshelveCommand {
  user: string;
  note?: string | null;
}

/** Chatter statistics of one condition; defined in the domain so the HTTP layer can name it. */
export type { ChatterStat } from '../model/alarm-view.js';

/** A programming or wiring error (input for a press that was never configured). */
export class AlarmEngineError extends Error {
  override name = 'AlarmEngineError';
  constructor(
    readonly kind: 'unknown-press',
    message: string,
    readonly pressId: string,
  ) {
    super(message);
  }
}
