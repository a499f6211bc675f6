/**
 * The simulated press: a pure, deterministic state machine driven by `advance(ms)` and a
 * seeded PRNG. It knows the print shop (jobs, make-ready, sheets, ink, paper, jams), not
 * Modbus: `PressRegisters` maps it onto a profile's register layout.
 *
 * A job runs make-ready (plate change, then proof sheets at low speed, all waste), then
 * production (ramping to rated speed, a small waste rate), then wash-up and idle; the next
 * job resets the counters. Stops come from alarms that carry a stop reason in the profile
 * (jams, guard door, e-stop, any other settable alarm), from the paper running out and
 * from the operator; the press resumes when every cause is gone.
 */
import type { AlarmDefinition, CounterKind, RunState, StopReason } from '../drivers/profile/schema.js';
import { between, exponential, mulberry32, type Random } from './prng.js';
import { resolveOptions, type PressModelOptions, type PressPhase, type ResolvedPressModelOptions } from './press-model-options.js';
import { Assistant } from './press-assistant.js';

export type { PressPhase } from './press-model-options.js';

/** Stop reason of alarm codes a profile may use without saying `stopReason`. */
const BUILT_IN_STOP_REASONS: Record<string, StopReason> = {
  'jam.feeder': 'jam',
  'jam.delivery': 'jam',
  'double-sheet': 'jam',
  'door-open': 'door-open',
  'e-stop': 'e-stop',
};
/** The reason shown when several causes hold the press: the most serious one. */
const REASON_RANK: StopReason[] = ['e-stop', 'jam', 'door-open', 'fault', 'other', 'operator'];
const STEP_MS = 100;

export interface InkUnitState {
  unit: number;
  color: string;
  /** % of a full fountain */
  level: number;
  /** Fraction of the sheet this unit inks, 0..1 */
  coverage: number;
}

export interface PressModelState {
  time: number;
  job: number;
  phase: PressPhase;
  runState: RunState;
  stopReason: StopReason | undefined;
  /** sheets/hour */
  speed: number;
  counters: Record<CounterKind, number>;
  ink: InkUnitState[];
  paper: number;
  levels: Record<string, number>;
  activeAlarms: string[];
}

const u32 = (n: number): number => n >>> 0;
const clampLevel = (level: number): number => Math.min(100, Math.max(0, level));

export class PressModel {
  readonly options: ResolvedPressModelOptions;
  private readonly random: Random;
  private readonly alarmDefinitions = new Map<string, AlarmDefinition>();
  private readonly assistant: Assistant | undefined;
  private time = 0;
  private changes = 0;
  private job = 1;
  private jobGoodSheets = 0;
  private phase: PressPhase = 'setup';
  private phaseTime = 0;
  private speed = 0;
  private sheetFraction = 0;
  private makeReadySheets = 0;
  /** Good sheets of this job, apart from the counters (which may start anywhere and wrap). */
  private jobGoodPrinted = 0;
  private productionRunMs = 0;
  private nextJamAt = Infinity;
  private readonly counters: Record<CounterKind, number> = { total: 0, good: 0, waste: 0 };
  private readonly ink: InkUnitState[] = [];
  private paper = 100;
  private readonly levels = new Map<string, number>();
  private readonly activeAlarms = new Set<string>();
  private paperOut = false;
  private operatorStop = false;

  constructor(options: PressModelOptions) {
    this.options = resolveOptions(options);
    const { profile, initial } = this.options;
    this.random = mulberry32(this.options.seed);
    for (const signal of profile.signals) {
      if (signal.role === 'alarm') this.alarmDefinitions.set(signal.alarm.code, signal.alarm);
      if (signal.role === 'ink' && !this.ink.some((u) => u.unit === signal.unit)) {
        const seeded = between(this.random, 40, 100);
        const given = typeof initial.ink === 'number' ? initial.ink : initial.ink?.[signal.unit];
        this.ink.push({ unit: signal.unit, color: signal.color, level: clampLevel(given ?? seeded), coverage: between(this.random, 0.05, 0.6) });
      }
      if (signal.role === 'level') {
        const seeded = between(this.random, 60, 100);
        const given = typeof initial.levels === 'number' ? initial.levels : initial.levels?.[signal.name];
        this.levels.set(signal.name, clampLevel(given ?? seeded));
      }
    }
    this.ink.sort((a, b) => a.unit - b.unit);
    this.paper = clampLevel(initial.paper ?? between(this.random, 50, 100));
    this.counters.total = u32(initial.counters?.total ?? 0);
    this.counters.good = u32(initial.counters?.good ?? 0);
    this.counters.waste = u32(initial.counters?.waste ?? 0);
    this.jobGoodSheets = this.drawJobLength();
    this.phase = initial.phase ?? 'setup';
    this.scheduleNextJam();
    if (this.options.assistant) this.assistant = new Assistant(this, this.options.assistant);
  }

  /** Press time in ms since the model started. */
  get now(): number {
    return this.time;
  }

  /** Changes with every step or command: a cheap "has anything changed" for register caches. */
  get revision(): number {
    return this.changes;
  }

  /** Let `ms` of press time pass, in steps of at most 100 ms. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`advance(ms) needs ms >= 0, got ${ms}`);
    let left = ms;
    while (left > 0) {
      const dt = Math.min(STEP_MS, left);
      this.step(dt);
      left -= dt;
    }
    this.changes++;
  }

  get runState(): RunState {
    return this.stopReason === undefined ? this.phase : 'stopped';
  }

  get stopReason(): StopReason | undefined {
    const reasons = new Set<StopReason>();
    for (const code of this.activeAlarms) {
      const reason = this.stopReasonOf(code);
      if (reason) reasons.add(reason);
    }
    if (this.paperOut) reasons.add('other');
    if (this.operatorStop) reasons.add('operator');
    return REASON_RANK.find((reason) => reasons.has(reason));
  }

  get currentSpeed(): number {
    return this.speed;
  }

  counter(kind: CounterKind): number {
    return this.counters[kind];
  }

  inkLevel(unit: number): number {
    return this.inkUnit(unit).level;
  }

  get paperLevel(): number {
    return this.paper;
  }

  level(name: string): number {
    const level = this.levels.get(name);
    if (level === undefined) throw new RangeError(`no level "${name}"; known: ${[...this.levels.keys()].join(', ') || 'none'}`);
    return level;
  }

  get levelNames(): string[] {
    return [...this.levels.keys()];
  }

  get inkUnits(): readonly InkUnitState[] {
    return this.ink;
  }

  isAlarmActive(code: string): boolean {
    return this.activeAlarms.has(code);
  }

  /** Whether an active alarm holds the press for `reason`. */
  stopReasonActive(reason: StopReason): boolean {
    for (const code of this.activeAlarms) if (this.stopReasonOf(code) === reason) return true;
    return false;
  }

  /** Alarm codes of the profile whose stop reason is `jam`. */
  get jamCodes(): string[] {
    return [...this.alarmDefinitions.keys()].filter((code) => this.stopReasonOf(code) === 'jam');
  }

  snapshot(): PressModelState {
    return {
      time: this.time,
      job: this.job,
      phase: this.phase,
      runState: this.runState,
      stopReason: this.stopReason,
      speed: this.speed,
      counters: { ...this.counters },
      ink: this.ink.map((unit) => ({ ...unit })),
      paper: this.paper,
      levels: Object.fromEntries(this.levels),
      activeAlarms: [...this.activeAlarms].sort(),
    };
  }

  // ── commands (operator, assistant, CLI, register writes) ──────────────────────────────

  /** A jam (a random jam alarm of the profile unless `code` is given); returns the alarm code. */
  injectJam(code?: string): string {
    const codes = this.jamCodes;
    const chosen = code ?? codes[Math.floor(this.random() * codes.length)] ?? 'jam';
    if (code !== undefined && !codes.includes(code)) throw new RangeError(`"${code}" is not a jam alarm of profile ${this.options.profile.model}; jam alarms: ${codes.join(', ') || 'none'}`);
    this.setAlarm(chosen, true);
    return chosen;
  }

  clearJam(): void {
    for (const code of [...this.activeAlarms]) if (this.stopReasonOf(code) === 'jam') this.setAlarm(code, false);
  }

  openDoor(): void {
    this.setAlarm(this.codeFor('door-open'), true);
  }

  closeDoor(): void {
    this.setAlarm(this.codeFor('door-open'), false);
  }

  pressEStop(): void {
    this.setAlarm(this.codeFor('e-stop'), true);
  }

  releaseEStop(): void {
    this.setAlarm(this.codeFor('e-stop'), false);
  }

  /** Any alarm of the profile (or a built-in code); one with a stop reason stops the press. */
  setAlarm(code: string, active: boolean): void {
    if (!this.alarmDefinitions.has(code) && !(code in BUILT_IN_STOP_REASONS) && code !== 'jam') {
      throw new RangeError(`unknown alarm "${code}"; profile ${this.options.profile.model} has: ${[...this.alarmDefinitions.keys()].join(', ')}`);
    }
    const wasStopped = this.stopReason !== undefined;
    if (active) this.activeAlarms.add(code);
    else this.activeAlarms.delete(code);
    this.afterCauseChange(wasStopped);
  }

  /** Operator stop. */
  stop(): void {
    this.operatorStop = true;
    this.speed = 0;
    this.changes++;
  }

  /** Operator start: clears an operator stop; from idle, starts the next job. */
  start(): void {
    this.operatorStop = false;
    if (this.phase === 'idle') this.beginJob();
    this.changes++;
  }

  /** Ends the current job: wash-up, then idle. */
  finishJob(): void {
    this.enterPhase('cleanup');
  }

  refillInk(unit: number, level = 100): void {
    this.inkUnit(unit).level = clampLevel(level);
    this.changes++;
  }

  refillPaper(level = 100): void {
    const wasStopped = this.stopReason !== undefined;
    this.paper = clampLevel(level);
    if (this.paper > 0) this.paperOut = false;
    this.afterCauseChange(wasStopped);
  }

  refillLevel(name: string, level = 100): void {
    this.level(name);
    this.levels.set(name, clampLevel(level));
    this.changes++;
  }

  /** Set counters directly (e.g. near 2^32 to watch them wrap). */
  setCounters(values: Partial<Record<CounterKind, number>>): void {
    for (const kind of ['total', 'good', 'waste'] as const) {
      const value = values[kind];
      if (value !== undefined) this.counters[kind] = u32(value);
    }
    this.changes++;
  }

  // ── internals ─────────────────────────────────────────────────────────────────────────

  private step(dt: number): void {
    this.time += dt;
    this.assistant?.tick(this.time);
    const stopped = this.stopReason !== undefined;
    if (stopped) {
      this.speed = 0;
      return;
    }
    this.phaseTime += dt;
    const rated = this.options.profile.ratedSpeed;
    const target = this.targetSpeed(rated);
    const rampPerMs = rated / Math.max(1, this.options.job.rampMs);
    this.speed = this.speed < target ? Math.min(target, this.speed + rampPerMs * dt) : Math.max(target, this.speed - rampPerMs * dt);
    this.printSheets((this.speed * dt) / 3_600_000);
    if (this.phase === 'production' && this.speed > 0 && this.stopReason === undefined) {
      this.productionRunMs += dt;
      if (this.productionRunMs >= this.nextJamAt) {
        this.injectJam();
        this.scheduleNextJam();
      }
    }
    this.advancePhase();
  }

  private targetSpeed(rated: number): number {
    const job = this.options.job;
    if (this.phase === 'production') return rated;
    if (this.phase === 'setup' && this.phaseTime >= job.plateChangeMs) return rated * job.makeReadySpeedFraction;
    return 0;
  }

  private printSheets(sheets: number): void {
    if (this.phase !== 'setup' && this.phase !== 'production') return;
    this.sheetFraction += sheets;
    const { inkSheetsPerFill, levelSheetsPerFill, sheetsPerFullPile, job } = this.options;
    while (this.sheetFraction >= 1) {
      if (this.paper <= 0) {
        this.paperOut = true;
        this.speed = 0;
        this.sheetFraction = 0;
        return;
      }
      this.sheetFraction -= 1;
      this.counters.total = u32(this.counters.total + 1);
      const waste = this.phase === 'setup' || this.random() < job.wasteRate;
      if (waste) this.counters.waste = u32(this.counters.waste + 1);
      else {
        this.counters.good = u32(this.counters.good + 1);
        this.jobGoodPrinted++;
      }
      if (this.phase === 'setup') this.makeReadySheets++;
      for (const unit of this.ink) unit.level = clampLevel(unit.level - (unit.coverage * 100) / inkSheetsPerFill);
      for (const [name, level] of this.levels) this.levels.set(name, clampLevel(level - 100 / levelSheetsPerFill));
      this.paper = clampLevel(this.paper - 100 / sheetsPerFullPile);
      if (this.paper < 1e-9) this.paper = 0;
    }
  }

  private advancePhase(): void {
    const job = this.options.job;
    if (this.phase === 'setup' && this.makeReadySheets >= job.makeReadyWasteSheets) this.enterPhase('production');
    else if (this.phase === 'production' && this.jobGoodPrinted >= this.jobGoodSheets) this.enterPhase('cleanup');
    else if (this.phase === 'cleanup' && this.phaseTime >= job.cleanupMs) this.enterPhase('idle');
    else if (this.phase === 'idle' && this.phaseTime >= job.idleMs && this.options.autoRun) this.beginJob();
  }

  private beginJob(): void {
    this.job++;
    this.counters.total = 0;
    this.counters.good = 0;
    this.counters.waste = 0;
    this.makeReadySheets = 0;
    this.jobGoodPrinted = 0;
    this.jobGoodSheets = this.drawJobLength();
    this.enterPhase('setup');
  }

  private enterPhase(phase: PressPhase): void {
    this.phase = phase;
    this.phaseTime = 0;
    this.sheetFraction = 0;
    if (phase === 'cleanup' || phase === 'idle') this.speed = 0;
    this.changes++;
  }

  private afterCauseChange(wasStopped: boolean): void {
    const stopped = this.stopReason !== undefined;
    if (stopped) this.speed = 0;
    // Without autoRun a press that stopped for a fault waits for the operator to restart it.
    if (wasStopped && !stopped && !this.options.autoRun) this.operatorStop = true;
    this.changes++;
  }

  private drawJobLength(): number {
    return this.options.job.goodSheets ?? Math.round(between(this.random, 2_000, 6_000));
  }

  private scheduleNextJam(): void {
    const mean = this.options.jamMeanIntervalMs;
    this.nextJamAt = Number.isFinite(mean) ? this.productionRunMs + exponential(this.random, mean) : Infinity;
  }

  private stopReasonOf(code: string): StopReason | undefined {
    const definition = this.alarmDefinitions.get(code);
    return definition?.stopReason ?? BUILT_IN_STOP_REASONS[code] ?? (code === 'jam' ? 'jam' : undefined);
  }

  /** The profile's alarm code for a stop reason (a door switch, an e-stop), or the built-in code. */
  private codeFor(reason: 'door-open' | 'e-stop'): string {
    if (this.alarmDefinitions.has(reason)) return reason;
    for (const [code, definition] of this.alarmDefinitions) if (definition.stopReason === reason) return code;
    return reason;
  }

  private inkUnit(unit: number): InkUnitState {
    const found = this.ink.find((u) => u.unit === unit);
    if (!found) throw new RangeError(`no printing unit ${unit}; units: ${this.ink.map((u) => u.unit).join(', ')}`);
    return found;
  }
}
