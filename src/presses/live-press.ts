/**
 * One press's live state, advanced by readings and comm health. No timers and no events:
 * each `apply…` returns what happened (a transition, alarm bits, counters moved) and the
 * service turns that into events.
 *
 * The run state is derived again only when its inputs change (the PLC's state code, or
 * comm coming back): an alarm that clears while the press stays stopped does not rewrite
 * the stop reason, and `stateSince` moves only on a real transition: of the state, or of
 * the stop reason while stopped (CIP4 `@StatusDetails`).
 */
import type { Profile, Signal } from '../model/profile-schema.js';
import { scanClassOf } from '../model/profile-schema.js';
import { advancePressCounters, emptyPressCounters, plausibleStep, type CounterGlitch, type CounterKind, type PressCounters } from './counters.js';
import type { CommHealth, LevelReading, PressLink, PressSnapshot } from '../model/press-snapshot.js';
import { levelQuality, speedQuality } from './quality.js';
import { DEFAULT_STOP_SETTLE_MS, deriveRunState, type DerivedRunState, type StateMap, type StopAlarm } from './run-state.js';
import type { PressHealth, Reading } from '../poller/reading.js';
import type { AlarmBits, RestoredRunState, StateTransition } from './events.js';

export interface PressDefinition {
  id: string;
  name: string;
  link: PressLink;
  profile: Profile;
  /** Overrides the profile's rated speed (sheets/hour). */
  ratedSpeed?: number;
  /** Stop alarms raised up to this long after a stop still name its cause; default 3 s. */
  stopSettleMs?: number;
  /**
   * Press time per real second: 1 for a real press; a simulated bus's `simulationTimeScale`
   * (the demo prints 20× faster), so the counters' plausibility limit scales with it.
   */
  timeScale?: number;
}

type AlarmSignal = Extract<Signal, { role: 'alarm' }>;
/** Raises kept per alarm: enough to explain a stop, bounded against a chattering bit. */
const RAISES_KEPT = 4;

interface LevelTrack {
  periodMs: number;
  level: number | null;
  at: number | null;
  lastReadOk: boolean;
}

/** Where a level signal's reading goes in a snapshot: `ink[index]`, `levels[index]` or the paper. */
interface LevelTarget {
  list: 'ink' | 'levels' | 'paper';
  index: number;
  track: LevelTrack;
}

export interface ReadingEffects {
  transition?: StateTransition;
  alarmBits?: AlarmBits;
  countersChanged?: PressCounters;
  /** Counter steps refused as implausible in this reading. */
  counterGlitches?: CounterGlitch[];
}

export class LivePress {
  private readonly snap: PressSnapshot;
  private counters: PressCounters;
  private stateCode: number | null = null;
  private readonly raises = new Map<string, StopAlarm[]>();
  private readonly activeBits = new Map<string, boolean>();
  private readonly levels = new Map<string, LevelTrack>();
  /** In profile order, as the snapshot applies them (a later signal of the same ink unit wins). */
  private readonly levelTargets: LevelTarget[] = [];
  /** The signals of each scan class, in profile order, with their level track if any: a reading only visits its own. */
  private readonly signalsByClass = new Map<string, { signal: Signal; level: LevelTrack | undefined }[]>();
  private readonly runStates: StateMap;
  private alarmCountFromEngine = false;
  /** The comm health last applied; the snapshot's `comm` is taken from it. */
  private health: PressHealth | undefined;
  /** When the counters were last read (for their plausibility); null until the first reading. */
  private lastCounterAt: number | null = null;
  private readonly counterSuspects: Partial<Record<CounterKind, number>> = {};
  private readonly settleMs: number;
  /** The state stored before a restart, until the first state is derived. */
  private restoredState: RestoredRunState | undefined;

  constructor(
    readonly definition: PressDefinition,
    now: number,
    restoredCounters?: PressCounters,
    restoredState?: RestoredRunState,
  ) {
    this.restoredState = restoredState;
    this.settleMs = definition.stopSettleMs ?? DEFAULT_STOP_SETTLE_MS;
    const { profile } = definition;
    this.counters = restoredCounters ?? emptyPressCounters();
    const track = (signal: Signal) => {
      const level: LevelTrack = { periodMs: profile.polling.scanClasses[scanClassOf(signal, profile.polling)]!, level: null, at: null, lastReadOk: true };
      this.levels.set(signal.name, level);
      return level;
    };
    const empty: LevelReading = { level: null, quality: 'stale', at: null };
    const ink: PressSnapshot['ink'] = [];
    const levels: PressSnapshot['levels'] = [];
    const tracked: { signal: Signal; track: LevelTrack }[] = [];
    const byClass = new Map<string, Signal[]>();
    let runStates: StateMap | undefined;
    for (const signal of profile.signals) {
      const scanClass = scanClassOf(signal, profile.polling);
      const ofClass = byClass.get(scanClass);
      if (ofClass) ofClass.push(signal);
      else byClass.set(scanClass, [signal]);
      if (signal.role === 'runState') runStates ??= signal.states;
      if (signal.role === 'ink') ink.push({ unit: signal.unit, color: signal.color, ...empty });
      if (signal.role === 'level') levels.push({ name: signal.name, label: signal.label, ...empty });
      if (signal.role === 'ink' || signal.role === 'level' || signal.role === 'paper') tracked.push({ signal, track: track(signal) });
    }
    this.runStates = runStates ?? {};
    for (const [scanClass, signals] of byClass)
      this.signalsByClass.set(
        scanClass,
        signals.map((signal) => ({ signal, level: this.levels.get(signal.name) })),
      );
    ink.sort((a, b) => a.unit - b.unit);
    for (const { signal, track: levelTrack } of tracked) {
      if (signal.role === 'ink') this.levelTargets.push({ list: 'ink', index: ink.findIndex((i) => i.unit === signal.unit), track: levelTrack });
      else if (signal.role === 'level') this.levelTargets.push({ list: 'levels', index: levels.findIndex((l) => l.name === signal.name), track: levelTrack });
      else this.levelTargets.push({ list: 'paper', index: 0, track: levelTrack });
    }
    this.snap = {
      id: definition.id,
      name: definition.name,
      model: profile.model,
      link: { ...definition.link },
      online: false,
      state: 'offline',
      stopReason: null,
      stateDetail: 'waiting for the first reading',
      stateSince: now,
      speed: null,
      speedQuality: 'stale',
      counterGlitch: null,
      counterResetAt: null,
      ratedSpeed: definition.ratedSpeed ?? profile.ratedSpeed,
      timeScale: definition.timeScale ?? 1,
      counters: { ...this.counters.counters },
      jobCounters: { total: null, good: null, waste: null },
      ink,
      paper: { ...empty, kind: profile.paper.kind },
      levels,
      activeAlarms: 0,
      comm: { lastOkAt: null, lastErrorAt: null, lastError: null, latencyMs: null, errors: {}, reads: 0, offScanUntil: null, overruns: {}, overrunning: [] },
      updatedAt: now,
    };
  }

  /**
   * The snapshot as of `now` (level qualities age with time). A copy, built field by field:
   * it is taken for every update of every press, and structuredClone cost more than the rest
   * of the update.
   */
  snapshot(now: number): PressSnapshot {
    const s = this.snap;
    const copy: PressSnapshot = {
      id: s.id,
      name: s.name,
      model: s.model,
      link: { ...s.link },
      online: s.online,
      state: s.state,
      stopReason: s.stopReason,
      stateDetail: s.stateDetail,
      stateSince: s.stateSince,
      speed: s.speed,
      speedQuality: s.speedQuality,
      counterGlitch: s.counterGlitch ? { ...s.counterGlitch } : null,
      counterResetAt: s.counterResetAt ?? null,
      ratedSpeed: s.ratedSpeed,
      timeScale: s.timeScale ?? 1,
      counters: { total: s.counters.total, good: s.counters.good, waste: s.counters.waste },
      jobCounters: { total: s.jobCounters.total, good: s.jobCounters.good, waste: s.jobCounters.waste },
      ink: s.ink.map((i) => ({ unit: i.unit, color: i.color, level: i.level, quality: i.quality, at: i.at })),
      paper: { level: s.paper.level, quality: s.paper.quality, at: s.paper.at, kind: s.paper.kind },
      levels: s.levels.map((l) => ({ name: l.name, label: l.label, level: l.level, quality: l.quality, at: l.at })),
      activeAlarms: s.activeAlarms,
      comm: commOf(this.health ?? s.comm),
      updatedAt: s.updatedAt,
    };
    for (const { list, index, track } of this.levelTargets) {
      const target = list === 'paper' ? copy.paper : copy[list][index]!;
      target.level = track.level;
      target.at = track.at;
      target.quality = levelQuality({ at: track.at, now, periodMs: track.periodMs, lastReadOk: track.lastReadOk, level: track.level });
    }
    return copy;
  }

  get pressCounters(): PressCounters {
    return structuredClone(this.counters);
  }

  setActiveAlarms(count: number, now: number): void {
    this.alarmCountFromEngine = true;
    this.snap.activeAlarms = count;
    this.snap.updatedAt = now;
  }

  applyHealth(health: PressHealth, now: number): StateTransition | undefined {
    const { online } = health;
    // Kept as given (the poller hands each listener a fresh copy); each snapshot copies it.
    this.health = health;
    this.snap.updatedAt = now;
    this.snap.online = online;
    if (!online) {
      this.snap.speed = null;
      this.snap.speedQuality = 'stale';
      return this.moveTo(deriveRunState({ online: false, code: this.stateCode, states: {}, stoppedSince: now, stopAlarms: [] }), now);
    }
    // Back online: the state is derived again from the next reading of the state code.
    return undefined;
  }

  applyReading(reading: Reading): ReadingEffects {
    const effects: ReadingEffects = {};
    const { values, at } = reading;
    this.snap.updatedAt = at;
    // Values prove the press answers, even if its health event is still on the way.
    if (hasAny(values)) this.snap.online = true;

    let bits: Record<string, boolean> | undefined;
    let raws: Partial<Record<CounterKind, number>> | undefined;
    let code: number | undefined;
    let stopAlarmRaised = false;
    for (const { signal, level } of this.signalsByClass.get(reading.scanClass) ?? []) {
      const value = values[signal.name];
      if (level) {
        if (value === undefined) level.lastReadOk = false;
        else {
          level.level = Number(value);
          level.at = at;
          level.lastReadOk = true;
        }
      }
      if (value === undefined) continue;
      switch (signal.role) {
        case 'runState':
          code = Number(value);
          break;
        case 'speed':
          this.snap.speed = Number(value);
          this.snap.speedQuality = speedQuality(this.snap.speed);
          break;
        case 'counter':
          (raws ??= {})[signal.counter] = Number(value);
          break;
        case 'alarm': {
          const wasActive = this.activeBits.get(signal.alarm.code) ?? false;
          const active = this.trackAlarm(signal, value === signal.alarm.activeWhen, at);
          (bits ??= {})[signal.alarm.code] = active;
          if (active && !wasActive && signal.alarm.stopReason !== undefined) stopAlarmRaised = true;
          break;
        }
      }
    }

    if (raws && hasAny(raws)) {
      const ratedSpeed = this.snap.ratedSpeed * (this.definition.timeScale ?? 1);
      const maxStep = this.lastCounterAt === null ? undefined : plausibleStep(ratedSpeed, at - this.lastCounterAt);
      this.lastCounterAt = at;
      const result = advancePressCounters(this.counters, raws, { maxStep }, this.counterSuspects);
      // the PLC's job counters as shown, except a value refused as implausible (it would look like a job reset next)
      for (const kind in raws) if (result.steps[kind as CounterKind] !== 'implausible') this.snap.jobCounters[kind as CounterKind] = raws[kind as CounterKind]!;
      if (result.steps.total === 'reset') this.snap.counterResetAt = at;
      if (result.glitches.length > 0) {
        effects.counterGlitches = result.glitches;
        const last = result.glitches.at(-1)!;
        this.snap.counterGlitch = { at, ...last };
      }
      if (result.changed) {
        this.counters = result.next;
        this.snap.counters = { ...result.next.counters };
        effects.countersChanged = this.pressCounters;
      }
    }
    if (!this.alarmCountFromEngine) {
      let active = 0;
      for (const on of this.activeBits.values()) if (on) active++;
      this.snap.activeAlarms = active;
    }

    // offline is left on the first state code read, even if the code did not change meanwhile
    if (code !== undefined && (code !== this.stateCode || this.snap.state === 'offline')) {
      this.stateCode = code;
      const stoppedSince = this.snap.state === 'stopped' ? this.snap.stateSince : at;
      const derived = deriveRunState({
        online: true,
        code,
        states: this.runStates,
        stoppedSince,
        stopAlarms: [...this.raises.values()].flat(),
        settleMs: this.settleMs,
      });
      effects.transition = this.moveTo(derived, at);
    } else if (stopAlarmRaised && this.snap.state === 'stopped' && this.stateCode !== null && at - this.snap.stateSince <= this.settleMs) {
      // the jam bit came after the stop code (another read, another scan class): it names the stop's cause
      const derived = deriveRunState({
        online: true,
        code: this.stateCode,
        states: this.runStates,
        stoppedSince: this.snap.stateSince,
        stopAlarms: [...this.raises.values()].flat(),
        settleMs: this.settleMs,
      });
      effects.transition = this.reviseStopCause(derived, at);
    }
    if (bits && hasAny(bits)) effects.alarmBits = { pressId: this.definition.id, at, bits, state: this.snap.state };
    return effects;
  }

  /** Records a raise or clear of an alarm bit; returns whether it is active. */
  private trackAlarm(signal: AlarmSignal, active: boolean, at: number): boolean {
    const { code, stopReason, label } = signal.alarm;
    const was = this.activeBits.get(code) ?? false;
    this.activeBits.set(code, active);
    if (stopReason === undefined || active === was) return active;
    const list = this.raises.get(code) ?? [];
    if (active) {
      list.push({ code, label, stopReason, raisedAt: at, clearedAt: null });
      if (list.length > RAISES_KEPT) list.shift();
    } else {
      const last = list.at(-1);
      if (last && last.clearedAt === null) last.clearedAt = at;
    }
    this.raises.set(code, list);
    return active;
  }

  /** The stop goes on from `stateSince`; only its cause becomes more specific. */
  private reviseStopCause(next: DerivedRunState, at: number): StateTransition | undefined {
    const s = this.snap;
    if (next.state !== 'stopped' || (next.reason === s.stopReason && next.detail === s.stateDetail)) return undefined;
    const transition: StateTransition = {
      pressId: s.id,
      at,
      from: 'stopped',
      fromSince: s.stateSince,
      to: 'stopped',
      reason: next.reason,
      detail: next.detail,
      revisesStop: true,
    };
    if (next.alarmCode !== undefined) transition.alarmCode = next.alarmCode;
    s.stopReason = next.reason;
    s.stateDetail = next.detail;
    return transition;
  }

  private moveTo(next: DerivedRunState, at: number): StateTransition | undefined {
    const s = this.snap;
    // the first state derived after a start: the one stored before it goes on, since its stored time
    const restored = this.restoredState;
    this.restoredState = undefined;
    const continued = restored !== undefined && restored.state === next.state && restored.reason === next.reason && restored.since <= at;
    // the press was stored in another state and is found offline (the state it starts in): that is
    // a change from the stored state, to be stored, not a stay in the starting state
    const leavesRestored = restored !== undefined && !continued && restored.since <= at;
    if (next.state === s.state && next.reason === s.stopReason && !leavesRestored) {
      // a new detail alone (another unknown code, the cause of the same offline) is no transition
      s.stateDetail = next.detail;
      if (continued) s.stateSince = restored.since;
      return undefined;
    }
    const from = leavesRestored ? { from: restored.state, fromSince: restored.since } : { from: s.state, fromSince: s.stateSince };
    const transition: StateTransition = { pressId: s.id, at, ...from, to: next.state, reason: next.reason, detail: next.detail };
    if (continued) transition.continued = true;
    if (next.alarmCode !== undefined) transition.alarmCode = next.alarmCode;
    s.state = next.state;
    s.stopReason = next.reason;
    s.stateDetail = next.detail;
    s.stateSince = continued ? restored.since : at;
    return transition;
  }
}

/** Whether an object has an own enumerable key, without building the list of keys. */
function hasAny(record: object): boolean {
  for (const key in record) if (Object.hasOwn(record, key)) return true;
  return false;
}

/** A copy of the comm health, without the press id and online flag it may carry. */
function commOf(health: CommHealth | PressHealth): CommHealth {
  const { pressId: _pressId, online: _online, ...comm } = health as Partial<PressHealth> & CommHealth;
  comm.errors = { ...health.errors };
  comm.overruns = { ...health.overruns };
  comm.overrunning = [...health.overrunning];
  return comm;
}
