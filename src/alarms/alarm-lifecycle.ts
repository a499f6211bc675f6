/**
 * The ISA-18.2 state transitions of one condition: on/off delays, raise, clear, priority
 * change, suppression by design, shelving, re-notification. Every transition writes its
 * journal entry first, then its event, synchronously, so a listener that persists both sees
 * them in order. The public façade (inputs, commands, queries) is `AlarmEngine`.
 */
import type { Logger } from 'pino';
import type { AlarmPriority, AlarmView } from '../model/alarm-view.js';
import type { Clock } from '../lib/clock.js';
import type { TypedEmitter } from '../lib/typed-emitter.js';
import type { AlarmEngineEvents, AlarmEventType, JournalAction, JournalEntry } from './alarm-types.js';
import { priorityRank } from '../model/vocabulary.js';
import { conditionView, type Condition, type Occurrence } from './alarm-condition.js';

export interface LifecycleOptions {
  clock: Clock;
  logger: Logger;
  emitter: TypedEmitter<AlarmEngineEvents>;
  newId: () => string;
  renotifyMs: Partial<Record<AlarmPriority, number>>;
  /** Occurrences on the list, by id (kept in step with `condition.occurrence`). */
  listed: Map<string, Condition>;
}

export class AlarmLifecycle {
  constructor(private readonly o: LifecycleOptions) {}

  /** The inputs say the condition is (or is not) present, as read at `at`. */
  setPresent(condition: Condition, at: number, present: boolean): void {
    condition.present = present;
    const { onDelayMs, offDelayMs } = condition.spec;
    const occurrence = condition.occurrence;
    if (present) {
      this.cancel(condition, 'pendingClear');
      if (occurrence?.active) {
        const wanted = desiredPriority(condition);
        if (wanted !== occurrence.priority) this.reprioritize(condition, at, wanted);
        return;
      }
      if (condition.pendingRaise) return;
      const due = at + onDelayMs;
      if (onDelayMs > 0 && due > this.o.clock.now()) {
        condition.pendingRaise = this.o.clock.setTimeout(() => this.raise(condition, due), due - this.o.clock.now());
      } else {
        this.raise(condition, due);
      }
      return;
    }
    if (condition.pendingRaise) {
      // Gone before the on-delay ran out: a blip, not an alarm.
      this.cancel(condition, 'pendingRaise');
      this.o.logger.debug({ pressId: condition.pressId, code: condition.spec.code, onDelayMs }, 'alarm blip shorter than its on-delay ignored');
      return;
    }
    if (!occurrence?.active || condition.pendingClear) return;
    const due = at + offDelayMs;
    if (offDelayMs > 0 && due > this.o.clock.now()) {
      condition.pendingClear = this.o.clock.setTimeout(() => this.clear(condition, due), due - this.o.clock.now());
    } else {
      this.clear(condition, due);
    }
  }

  raise(condition: Condition, at: number): void {
    condition.pendingRaise = null;
    const priority = desiredPriority(condition);
    if (condition.chatter.recordRaise(at)) {
      this.o.logger.warn({ pressId: condition.pressId, code: condition.spec.code, raisesInWindow: condition.chatter.count(at) }, 'alarm is chattering');
    }
    let occurrence = condition.occurrence;
    if (occurrence) {
      // Back before anyone acknowledged the last one: the same line on the list goes active again.
      Object.assign(occurrence, { active: true, clearedAt: null, lastRaisedAt: at, priority });
    } else {
      occurrence = {
        id: this.o.newId(),
        priority,
        active: true,
        acknowledged: false,
        raisedAt: at,
        lastRaisedAt: at,
        clearedAt: null,
        ackedAt: null,
        ackedBy: null,
        ackNote: null,
        announced: false,
      };
      condition.occurrence = occurrence;
      this.o.listed.set(occurrence.id, condition);
    }
    const note = condition.suppressed ? 'suppressed by design in this run state' : condition.shelf ? `shelved until ${iso(condition.shelf.until)}` : null;
    this.journal(condition, occurrence, condition.suppressed ? 'suppress' : 'raise', at, null, note);
    this.announceOrUpdate(condition, occurrence, at);
  }

  clear(condition: Condition, at: number): void {
    condition.pendingClear = null;
    const occurrence = condition.occurrence;
    if (!occurrence?.active) return;
    occurrence.active = false;
    occurrence.clearedAt = at;
    let note: string | null = null;
    if (!occurrence.announced && !occurrence.acknowledged) {
      // Nobody was ever shown it (suppressed or shelved throughout): nothing to acknowledge.
      occurrence.acknowledged = true;
      note = 'never announced; closed without acknowledgement';
    }
    this.journal(condition, occurrence, 'clear', at, null, note);
    this.emit('cleared', condition, occurrence, at);
    this.closeIfNormal(condition);
    this.syncRenotify(condition);
  }

  reprioritize(condition: Condition, at: number, priority: AlarmPriority): void {
    const occurrence = condition.occurrence;
    if (!occurrence) return;
    const from = occurrence.priority;
    occurrence.priority = priority;
    const escalated = priorityRank(priority) < priorityRank(from);
    let note = `${from} → ${priority}`;
    if (escalated && occurrence.acknowledged) {
      // An operator acknowledged "ink at 14 %", not "ink at 4 %": the worse alarm needs its own ack.
      Object.assign(occurrence, { acknowledged: false, ackedAt: null, ackedBy: null, ackNote: null });
      note += '; acknowledgement reset';
    }
    this.journal(condition, occurrence, 'reprioritize', at, null, note);
    this.emit('updated', condition, occurrence, at);
    this.syncRenotify(condition);
  }

  setSuppressed(condition: Condition, at: number, suppressed: boolean, runState: string): void {
    if (condition.suppressed === suppressed) return;
    condition.suppressed = suppressed;
    const occurrence = condition.occurrence;
    if (!occurrence) return;
    if (suppressed && occurrence.active) {
      this.journal(condition, occurrence, 'suppress', at, null, `suppressed by design in run state ${runState}`);
    } else if (!suppressed && occurrence.active) {
      this.journal(condition, occurrence, 'raise', at, null, `suppression ended (run state ${runState})`);
      this.announceOrUpdate(condition, occurrence, at);
      return;
    }
    this.emit('updated', condition, occurrence, at);
    this.syncRenotify(condition);
  }

  shelve(condition: Condition, occurrence: Occurrence, options: { user: string; reason: string; until: number }): JournalEntry {
    const now = this.o.clock.now();
    if (condition.shelf?.timer) this.o.clock.clearTimeout(condition.shelf.timer);
    const timer = this.o.clock.setTimeout(() => this.endShelf(condition, options.until, null, 'shelving expired'), options.until - now);
    condition.shelf = { until: options.until, by: options.user, reason: options.reason, alarmId: occurrence.id, timer };
    const entry = this.journal(condition, occurrence, 'shelve', now, options.user, `${options.reason} (until ${iso(options.until)})`);
    this.emit('updated', condition, occurrence, now);
    this.syncRenotify(condition);
    return entry;
  }

  /** Ends shelving (by a person, or `user` null at expiry); a still-active alarm is announced again. */
  endShelf(condition: Condition, at: number, user: string | null, note: string | null): JournalEntry | null {
    const shelf = condition.shelf;
    if (!shelf) return null;
    if (shelf.timer) this.o.clock.clearTimeout(shelf.timer);
    condition.shelf = null;
    const occurrence = condition.occurrence;
    const entry = this.journalLine({
      alarmId: occurrence?.id ?? shelf.alarmId,
      condition,
      priority: occurrence?.priority ?? condition.spec.priority,
      action: 'unshelve',
      at,
      user,
      note,
    });
    if (occurrence) {
      if (occurrence.active) this.announceOrUpdate(condition, occurrence, at);
      else this.emit('updated', condition, occurrence, at);
    }
    return entry;
  }

  acknowledge(condition: Condition, occurrence: Occurrence, options: { user: string; note: string | null }): { entry: JournalEntry; view: AlarmView } {
    const now = this.o.clock.now();
    Object.assign(occurrence, { acknowledged: true, ackedAt: now, ackedBy: options.user, ackNote: options.note });
    const entry = this.journal(condition, occurrence, 'ack', now, options.user, options.note);
    const view = this.emit('acked', condition, occurrence, now);
    this.closeIfNormal(condition);
    this.syncRenotify(condition);
    return { entry, view };
  }

  /** Keeps the re-notify timer in step: armed only for an unacknowledged, visible, active alarm. */
  syncRenotify(condition: Condition): void {
    const occurrence = condition.occurrence;
    const interval = occurrence ? this.o.renotifyMs[occurrence.priority] : undefined;
    const eligible =
      occurrence !== null &&
      occurrence.active &&
      !occurrence.acknowledged &&
      !condition.suppressed &&
      !condition.shelf &&
      interval !== undefined &&
      interval > 0;
    if (eligible && !condition.renotifyTimer) {
      condition.renotifyTimer = this.o.clock.setTimeout(() => {
        condition.renotifyTimer = null;
        const current = condition.occurrence;
        if (!current) return;
        this.journal(condition, current, 'renotify', this.o.clock.now(), null, null);
        this.emit('renotify', condition, current, this.o.clock.now());
        this.syncRenotify(condition);
      }, interval);
    } else if (!eligible) {
      this.cancel(condition, 'renotifyTimer');
    }
  }

  cancel(condition: Condition, timer: 'pendingRaise' | 'pendingClear' | 'renotifyTimer'): void {
    const handle = condition[timer];
    if (handle) this.o.clock.clearTimeout(handle);
    condition[timer] = null;
  }

  view(condition: Condition, occurrence: Occurrence): AlarmView {
    return conditionView(condition, occurrence, this.o.clock.now());
  }

  private announceOrUpdate(condition: Condition, occurrence: Occurrence, at: number): void {
    const hidden = condition.suppressed || condition.shelf !== null;
    if (!hidden) occurrence.announced = true;
    this.emit(hidden ? 'updated' : 'raised', condition, occurrence, at);
    this.syncRenotify(condition);
  }

  private closeIfNormal(condition: Condition): void {
    const occurrence = condition.occurrence;
    if (occurrence && !occurrence.active && occurrence.acknowledged) {
      condition.occurrence = null;
      this.o.listed.delete(occurrence.id);
    }
  }

  private journal(condition: Condition, occurrence: Occurrence, action: JournalAction, at: number, user: string | null, note: string | null): JournalEntry {
    return this.journalLine({ alarmId: occurrence.id, condition, priority: occurrence.priority, action, at, user, note });
  }

  private journalLine(line: {
    alarmId: string;
    condition: Condition;
    priority: AlarmPriority;
    action: JournalAction;
    at: number;
    user: string | null;
    note: string | null;
  }): JournalEntry {
    const entry: JournalEntry = {
      alarmId: line.alarmId,
      pressId: line.condition.pressId,
      code: line.condition.spec.code,
      action: line.action,
      at: line.at,
      user: line.user,
      note: line.note,
      priority: line.priority,
    };
    this.o.emitter.emit('journal', entry);
    return entry;
  }

  private emit(type: AlarmEventType, condition: Condition, occurrence: Occurrence, at: number): AlarmView {
    const alarm = this.view(condition, occurrence);
    this.o.emitter.emit('alarm', { type, at, alarm });
    return alarm;
  }
}

/** Level conditions take the priority their level calls for; others their configured one. */
export function desiredPriority(condition: Condition): AlarmPriority {
  return condition.severity ?? condition.spec.priority;
}

function iso(at: number): string {
  return new Date(at).toISOString();
}
