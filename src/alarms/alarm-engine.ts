/**
 * The alarm engine (ISA-18.2 / IEC 62682), pure and synchronous: readings and operator
 * commands go in, journal entries and events come out. It knows no SQLite, HTTP or Modbus;
 * time and timers come from an injected `Clock`, so on/off delays, shelving expiry and
 * re-notification run deterministically under a manual clock in tests.
 *
 * Sources per press: alarm bits (by code, from the profile), level thresholds (`ink.low.<unit>`,
 * `paper.low`: one condition per source whose priority follows the level), time-to-empty
 * pre-alarms (`ink.empty-soon.<unit>`, `paper.empty-soon`: decided by the supplies module, fed
 * with the levels) and communication loss (`comm.lost`). See docs/alarms.md for the model in press-room words.
 */
import { randomUUID } from 'node:crypto';
import { pino, type Logger } from 'pino';
import type { AlarmPriority, AlarmView } from '../model/alarm-view.js';
import { systemClock, type Clock } from '../lib/clock.js';
import type { RunState, StopReason } from '../model/press-snapshot.js';
import { TypedEmitter } from '../lib/typed-emitter.js';
import {
  COMM_LOST_CODE,
  COUNTER_IMPLAUSIBLE_CODE,
  inkEmptySoonCode,
  inkLowCode,
  PAPER_EMPTY_SOON_CODE,
  PAPER_LOW_CODE,
  resolveAlarmSpec,
  type AlarmSpec,
  type LevelThresholds,
  type PressAlarmConfig,
} from './alarm-config.js';
import { priorityRank, stopReasons } from '../model/vocabulary.js';
import type { Condition, Occurrence } from './alarm-condition.js';
import { AlarmLifecycle } from './alarm-lifecycle.js';
import {
  AlarmEngineError,
  type AckCommand,
  type AlarmCommandErrorKind,
  type AlarmCommandResult,
  type AlarmEngineEvents,
  type ChatterStat,
  type ShelveCommand,
  type UnshelveCommand,
} from './alarm-types.js';
import { ChatterCounter, DEFAULT_CHATTER, type ChatterSettings } from './chatter-counter.js';
import { nextLevelSeverity } from './level-severity.js';
import { restoreOccurrence } from './alarm-restore.js';
import { compareIds } from '../lib/compare-ids.js';

export interface AlarmEngineOptions {
  clock?: Clock;
  logger?: Logger;
  /** Occurrence ids; default random UUIDs. */
  newId?: () => string;
  /** Announce an unacknowledged active alarm again after this long, by priority. Default: critical every 5 minutes. */
  renotifyMs?: Partial<Record<AlarmPriority, number>>;
  chatter?: Partial<ChatterSettings>;
  /** Longest shelving an operator may ask for. Default 8 hours (one shift). */
  maxShelveMinutes?: number;
}

export interface LevelUpdate {
  ink?: { unit: number; level: number | null }[];
  /** Null: no usable reading (keeps the current state). */
  paper?: number | null;
  /**
   * Time-to-empty pre-alarms (`Supplies.emptySoon`): true when the channel will run out within
   * its threshold. Channels left out keep their state.
   */
  emptySoon?: { ink?: { unit: number; emptySoon: boolean }[]; paper?: boolean };
}

interface PressAlarms {
  config: PressAlarmConfig | null;
  runState: RunState | null;
  conditions: Map<string, Condition>;
}

export const DEFAULT_RENOTIFY_MS: Partial<Record<AlarmPriority, number>> = { critical: 5 * 60_000 };
const STOP_REASONS = new Set<string>(stopReasons);

export class AlarmEngine {
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly emitter: TypedEmitter<AlarmEngineEvents>;
  private readonly presses = new Map<string, PressAlarms>();
  private readonly listed = new Map<string, Condition>();
  private readonly lifecycle: AlarmLifecycle;
  private readonly chatter: ChatterSettings;
  private readonly maxShelveMinutes: number;

  constructor(options: AlarmEngineOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? pino({ level: 'silent' });
    this.emitter = new TypedEmitter<AlarmEngineEvents>((error, event) => this.logger.error({ err: error, event }, 'alarm listener failed'));
    this.chatter = { ...DEFAULT_CHATTER, ...options.chatter };
    this.maxShelveMinutes = options.maxShelveMinutes ?? 8 * 60;
    this.lifecycle = new AlarmLifecycle({
      clock: this.clock,
      logger: this.logger,
      emitter: this.emitter,
      newId: options.newId ?? randomUUID,
      renotifyMs: options.renotifyMs ?? DEFAULT_RENOTIFY_MS,
      listed: this.listed,
    });
  }

  /** `alarm`: an AlarmEvent (raised, cleared, acked, updated, renotify); `journal`: a JournalEntry. */
  on<E extends keyof AlarmEngineEvents>(event: E, listener: AlarmEngineEvents[E]): () => void {
    return this.emitter.on(event, listener);
  }

  /** Sets (or replaces) a press's alarm settings. Conditions already running keep theirs. */
  configurePress(pressId: string, config: PressAlarmConfig): void {
    const press = this.presses.get(pressId);
    if (press) press.config = config;
    else this.presses.set(pressId, { config, runState: null, conditions: new Map() });
  }

  /**
   * Alarm conditions by code: true means the alarm condition is present. The press service
   * has already applied the profile's `activeWhen` (a normally-closed switch reads false
   * when in alarm), so it is applied in one place only. Codes left out keep their state;
   * unknown codes are ignored.
   */
  updateBits(pressId: string, at: number, bits: Record<string, boolean>): void {
    const press = this.press(pressId);
    for (const [code, value] of Object.entries(bits)) {
      const bitSpec = press.config?.bitAlarms.get(code);
      const condition = bitSpec && this.condition(pressId, press, code);
      if (!bitSpec || !condition) continue;
      this.lifecycle.setPresent(condition, at, value);
    }
  }

  /** Levels in %. Units left out, and null levels (no usable reading), keep their state. */
  updateLevels(pressId: string, at: number, levels: LevelUpdate): void {
    const press = this.press(pressId);
    for (const { unit, level } of levels.ink ?? []) {
      this.updateLevel(pressId, press, inkLowCode(unit), press.config?.ink ?? null, at, level);
    }
    if (levels.paper !== undefined) this.updateLevel(pressId, press, PAPER_LOW_CODE, press.config?.paper ?? null, at, levels.paper);
    for (const { unit, emptySoon } of levels.emptySoon?.ink ?? []) this.setPresent(pressId, press, inkEmptySoonCode(unit), at, emptySoon);
    if (levels.emptySoon?.paper !== undefined) this.setPresent(pressId, press, PAPER_EMPTY_SOON_CODE, at, levels.emptySoon.paper);
  }

  updateComm(pressId: string, at: number, online: boolean): void {
    this.setPresent(pressId, this.press(pressId), COMM_LOST_CODE, at, !online);
  }

  /** A counter jump refused as implausible: an alarm raised and cleared at once, in the journal and listed until acknowledged. */
  counterImplausible(pressId: string, at: number): void {
    const press = this.press(pressId);
    this.setPresent(pressId, press, COUNTER_IMPLAUSIBLE_CODE, at, true);
    this.setPresent(pressId, press, COUNTER_IMPLAUSIBLE_CODE, at, false);
  }

  /** Run state changes switch suppression by design (`suppressIn`) on and off. */
  updateRunState(pressId: string, at: number, state: RunState): void {
    const press = this.press(pressId);
    press.runState = state;
    for (const condition of press.conditions.values()) {
      this.lifecycle.setSuppressed(condition, at, condition.spec.suppressIn.includes(state), state);
    }
  }

  acknowledge(alarmId: string, command: AckCommand): AlarmCommandResult {
    const found = this.find(alarmId);
    if (!found) return refuse('not-found', alarmId, `no alarm ${alarmId} on the list (unknown, or already normal)`);
    if (!command.user.trim()) return refuse('invalid', alarmId, 'acknowledging needs a user');
    const [condition, occurrence] = found;
    if (occurrence.acknowledged) return refuse('already-acked', alarmId, `alarm ${alarmId} was acknowledged by ${occurrence.ackedBy ?? 'someone'}`);
    const { entry, view } = this.lifecycle.acknowledge(condition, occurrence, { user: command.user, note: command.note?.trim() || null });
    return { ok: true, alarm: view, journal: entry };
  }

  shelve(alarmId: string, command: ShelveCommand): AlarmCommandResult {
    const found = this.find(alarmId);
    if (!found) return refuse('not-found', alarmId, `no alarm ${alarmId} on the list (unknown, or already normal)`);
    if (!command.user.trim()) return refuse('invalid', alarmId, 'shelving needs a user');
    if (!command.reason.trim()) return refuse('invalid', alarmId, 'shelving needs a reason');
    if (!Number.isFinite(command.minutes) || command.minutes <= 0 || command.minutes > this.maxShelveMinutes) {
      return refuse('invalid', alarmId, `shelving minutes must be above 0 and at most ${this.maxShelveMinutes}`);
    }
    const [condition, occurrence] = found;
    const until = this.clock.now() + Math.round(command.minutes * 60_000);
    const entry = this.lifecycle.shelve(condition, occurrence, { user: command.user, reason: command.reason.trim(), until });
    return { ok: true, alarm: this.lifecycle.view(condition, occurrence), journal: entry };
  }

  unshelve(alarmId: string, command: UnshelveCommand): AlarmCommandResult {
    const found = this.find(alarmId);
    if (!found) return refuse('not-found', alarmId, `no alarm ${alarmId} on the list (unknown, or already normal)`);
    if (!command.user.trim()) return refuse('invalid', alarmId, 'unshelving needs a user');
    const [condition, occurrence] = found;
    const entry = this.lifecycle.endShelf(condition, this.clock.now(), command.user, command.note?.trim() || null);
    if (!entry) return refuse('not-shelved', alarmId, `alarm ${alarmId} is not shelved`);
    return { ok: true, alarm: this.lifecycle.view(condition, occurrence), journal: entry };
  }

  /**
   * Puts listed alarms (from the store, after a restart) back on the list, so a restart never
   * drops an unacknowledged jam. Emits nothing, except the journal line and event of a
   * shelving that expired while the service was down. Call after `configurePress`.
   */
  restore(alarms: readonly AlarmView[]): void {
    for (const view of alarms) {
      if (view.state === 'normal' || this.listed.has(view.id)) continue;
      const press = this.presses.get(view.pressId) ?? this.addPress(view.pressId);
      const condition = this.condition(view.pressId, press, view.code) ?? this.orphanCondition(view, press);
      if (condition.occurrence) {
        this.logger.warn({ alarmId: view.id, kept: condition.occurrence.id, code: view.code }, 'two listed alarms for one condition; keeping the first');
        continue;
      }
      restoreOccurrence({ condition, view, lifecycle: this.lifecycle, clock: this.clock, listed: this.listed });
    }
  }

  /** The alarm list (everything not normal), most urgent first, newest first within a priority, then by press and code; one press's with `pressId`. */
  list(pressId?: string): AlarmView[] {
    const views: AlarmView[] = [];
    for (const condition of this.listed.values()) {
      if (condition.occurrence && (pressId === undefined || condition.pressId === pressId)) views.push(this.lifecycle.view(condition, condition.occurrence));
    }
    return views.sort(
      (a, b) =>
        priorityRank(a.priority) - priorityRank(b.priority) || b.raisedAt - a.raisedAt || compareIds(a.pressId, b.pressId) || compareIds(a.code, b.code),
    );
  }

  get(alarmId: string): AlarmView | undefined {
    const found = this.find(alarmId);
    return found && this.lifecycle.view(found[0], found[1]);
  }

  /** Active, not suppressed alarms of a press (PressSnapshot.activeAlarms). */
  activeCount(pressId: string): number {
    let count = 0;
    for (const condition of this.presses.get(pressId)?.conditions.values() ?? []) {
      if (condition.occurrence?.active && !condition.suppressed) count += 1;
    }
    return count;
  }

  /** The stop reason of the most recently raised active alarm that has one (suppressed ones count: the door is open). */
  activeStopReason(pressId: string): StopReason | null {
    let best: { at: number; reason: StopReason } | null = null;
    for (const condition of this.presses.get(pressId)?.conditions.values() ?? []) {
      const reason = condition.spec.stopReason;
      const occurrence = condition.occurrence;
      if (!reason || !occurrence?.active) continue;
      if (!best || occurrence.lastRaisedAt > best.at) best = { at: occurrence.lastRaisedAt, reason };
    }
    return best?.reason ?? null;
  }

  chatterReport(): ChatterStat[] {
    const now = this.clock.now();
    const stats: ChatterStat[] = [];
    for (const [pressId, press] of this.presses) {
      for (const condition of press.conditions.values()) {
        const { chatter } = condition;
        if (chatter.episodes === 0 && chatter.count(now) === 0) continue;
        stats.push({
          pressId,
          code: condition.spec.code,
          raisesInWindow: chatter.count(now),
          chattering: chatter.isChattering(now),
          episodes: chatter.episodes,
          lastEpisodeAt: chatter.lastEpisodeAt,
        });
      }
    }
    return stats.sort((a, b) => b.episodes - a.episodes || b.raisesInWindow - a.raisesInWindow);
  }

  /** Cancels every timer (delays, shelving, re-notify); the engine must not be fed afterwards. */
  dispose(): void {
    for (const press of this.presses.values()) {
      for (const condition of press.conditions.values()) {
        for (const timer of ['pendingRaise', 'pendingClear', 'renotifyTimer'] as const) this.lifecycle.cancel(condition, timer);
        if (condition.shelf?.timer) this.clock.clearTimeout(condition.shelf.timer);
      }
    }
  }

  private updateLevel(pressId: string, press: PressAlarms, code: string, thresholds: LevelThresholds | null, at: number, level: number | null): void {
    if (!thresholds || level === null || !Number.isFinite(level)) return;
    const condition = this.condition(pressId, press, code);
    if (!condition) return;
    condition.severity = nextLevelSeverity({ level, current: condition.severity, thresholds });
    this.lifecycle.setPresent(condition, at, condition.severity !== null);
  }

  private setPresent(pressId: string, press: PressAlarms, code: string, at: number, present: boolean): void {
    const condition = this.condition(pressId, press, code);
    if (condition) this.lifecycle.setPresent(condition, at, present);
  }

  private press(pressId: string): PressAlarms {
    const press = this.presses.get(pressId);
    if (!press?.config) throw new AlarmEngineError('unknown-press', `alarm input for press "${pressId}", which has no alarm configuration`, pressId);
    return press;
  }

  private addPress(pressId: string): PressAlarms {
    const press: PressAlarms = { config: null, runState: null, conditions: new Map() };
    this.presses.set(pressId, press);
    return press;
  }

  /** The condition of a code, created on first use; null when the press does not know the code. */
  private condition(pressId: string, press: PressAlarms, code: string): Condition | null {
    const existing = press.conditions.get(code);
    if (existing) return existing;
    const spec = press.config && resolveAlarmSpec(press.config, code);
    return spec ? this.newCondition(pressId, press, spec) : null;
  }

  /** A restored alarm whose code the configuration no longer has: kept so it can still be acknowledged. */
  private orphanCondition(view: AlarmView, press: PressAlarms): Condition {
    this.logger.warn({ pressId: view.pressId, code: view.code }, 'restored alarm has no configured condition; keeping it until acknowledged');
    const stopReason = view.stopReason !== null && STOP_REASONS.has(view.stopReason) ? (view.stopReason as StopReason) : null;
    return this.newCondition(view.pressId, press, {
      code: view.code,
      label: view.label,
      priority: view.priority,
      stopReason,
      onDelayMs: 0,
      offDelayMs: 0,
      suppressIn: [],
    });
  }

  private newCondition(pressId: string, press: PressAlarms, spec: AlarmSpec): Condition {
    const condition: Condition = {
      pressId,
      spec,
      present: false,
      severity: null,
      pendingRaise: null,
      pendingClear: null,
      renotifyTimer: null,
      occurrence: null,
      shelf: null,
      suppressed: press.runState !== null && spec.suppressIn.includes(press.runState),
      chatter: new ChatterCounter(this.chatter),
    };
    press.conditions.set(spec.code, condition);
    return condition;
  }

  private find(alarmId: string): [Condition, Occurrence] | undefined {
    const condition = this.listed.get(alarmId);
    return condition?.occurrence?.id === alarmId ? [condition, condition.occurrence] : undefined;
  }
}

function refuse(kind: AlarmCommandErrorKind, alarmId: string, message: string): AlarmCommandResult {
  return { ok: false, error: { kind, alarmId, message } };
}
