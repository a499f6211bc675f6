/**
 * The simulated press: a pure, deterministic state machine driven by `advance(ms)` and a
 * seeded PRNG. It knows the print shop (jobs, make-ready, sheets, ink, paper, jams), not
 * Modbus: `PressRegisters` maps it onto a profile's register layout.
 *
 * A job runs make-ready (plate change, then proof sheets at low speed, all waste), then
 * production (ramping to rated speed, a small waste rate), then wash-up and idle; the next
 * job resets the counters. Stops (see `StopCauses`) hold the press at speed 0; it resumes
 * when every cause is gone.
 */
import type { CounterKind, RunState, StopReason } from '../src/model/profile-schema.js';
import { Assistant } from './press-assistant.js';
import { resolveOptions, type PressModelOptions, type PressPhase, type ResolvedPressModelOptions } from './press-model-options.js';
import { StopCauses } from './press-stops.js';
import { PressSupplies, type InkUnitState } from './press-supplies.js';
import { between, exponential, mulberry32, type Random } from './prng.js';

export type { PressPhase } from './press-model-options.js';
export type { InkUnitState } from './press-supplies.js';

const STEP_MS = 100;

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

export class PressModel {
  readonly options: ResolvedPressModelOptions;
  private readonly random: Random;
  private readonly stops: StopCauses;
  private readonly supplies: PressSupplies;
  private readonly assistant: Assistant | undefined;
  private time = 0;
  private changes = 0;
  private job = 1;
  private jobGoodSheets: number;
  /** Good sheets of this job, apart from the counters (which may start anywhere and wrap). */
  private jobGoodPrinted = 0;
  private phase: PressPhase;
  private phaseTime = 0;
  private speed = 0;
  private sheetFraction = 0;
  private makeReadySheets = 0;
  private productionRunMs = 0;
  private nextJamAt = Infinity;
  private readonly counters: Record<CounterKind, number>;
  /**
   * The reason the PLC's state code shows for the stop in progress, when it differs from the
   * causes (a generic `fault`, or 'none'): held until the press runs again.
   */
  private stopCodeReason: StopReason | 'none' | undefined;
  /** A jam whose alarm bit comes after the stop code (separate reads in a real PLC). */
  private pendingJam: { code: string; at: number } | undefined;
  /** A misread total counter (wrong word order, a torn read) until `until`. */
  private glitch: { value: number; until: number } | undefined;

  constructor(options: PressModelOptions) {
    this.options = resolveOptions(options);
    const { profile, initial } = this.options;
    this.random = mulberry32(this.options.seed);
    this.stops = new StopCauses(profile);
    this.supplies = new PressSupplies(profile, this.random, initial, this.options);
    const counters = initial.counters ?? {};
    this.counters = { total: u32(counters.total ?? 0), good: u32(counters.good ?? 0), waste: u32(counters.waste ?? 0) };
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
    for (let left = ms; left > 0; left -= STEP_MS) this.step(Math.min(STEP_MS, left));
    this.changes++;
  }

  get runState(): RunState {
    return this.stops.reason === undefined ? this.phase : 'stopped';
  }

  get stopReason(): StopReason | undefined {
    return this.stops.reason;
  }

  /** The reason in the PLC's state code: the stop's own code reason when one was given, else the causes' (undefined: a plain stop). */
  get plcStopReason(): StopReason | undefined {
    if (this.stops.reason !== undefined && this.stopCodeReason !== undefined) return this.stopCodeReason === 'none' ? undefined : this.stopCodeReason;
    return this.stops.reason;
  }

  /** Whether an active alarm holds the press for `reason`. */
  stopReasonActive(reason: StopReason): boolean {
    return this.stops.reasonActive(reason);
  }

  get currentSpeed(): number {
    return this.speed;
  }

  counter(kind: CounterKind): number {
    if (kind === 'total' && this.glitch && this.time < this.glitch.until) return this.glitch.value;
    return this.counters[kind];
  }

  inkLevel(unit: number): number {
    return this.supplies.inkUnit(unit).level;
  }

  get inkUnits(): readonly InkUnitState[] {
    return this.supplies.ink;
  }

  get paperLevel(): number {
    return this.supplies.paper;
  }

  level(name: string): number {
    return this.supplies.level(name);
  }

  get levelNames(): string[] {
    return [...this.supplies.levels.keys()];
  }

  isAlarmActive(code: string): boolean {
    return this.stops.isActive(code);
  }

  /** Alarm codes of the profile whose stop reason is `jam`. */
  get jamCodes(): readonly string[] {
    return this.stops.jamCodes;
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
      ink: this.supplies.ink.map((unit) => ({ ...unit })),
      paper: this.supplies.paper,
      levels: Object.fromEntries(this.supplies.levels),
      activeAlarms: this.stops.activeCodes,
    };
  }

  // ── commands (operator, assistant, CLI, register writes) ──────────────────────────────

  /**
   * A jam (a random jam alarm of the profile unless `code` is given); returns the alarm code.
   * With `lagMs`, the press stops at once with the generic state code `stopCode` (default
   * `fault`) and the jam's alarm bit follows `lagMs` later, as two separate PLC reads do.
   */
  injectJam(code?: string, options: { lagMs?: number; stopCode?: StopReason | 'none' } = {}): string {
    const chosen = this.chooseJam(code);
    if (options.lagMs !== undefined && options.lagMs > 0) {
      this.pendingJam = { code: chosen, at: this.time + options.lagMs };
      this.stop(options.stopCode ?? 'fault');
    } else this.setAlarm(chosen, true);
    return chosen;
  }

  /** Ends the job in progress and begins the next (counters reset), of `goodSheets` good sheets if given. */
  newJob(goodSheets?: number): void {
    this.stops.operatorStop = false;
    this.stopCodeReason = undefined;
    this.beginJob();
    if (goodSheets !== undefined) this.jobGoodSheets = goodSheets;
  }

  /** The total counter reads `value` (default 4,294,967,290: a wrong word order) for `durationMs` of press time. */
  counterGlitch(options: { value?: number; durationMs?: number } = {}): void {
    this.glitch = { value: u32(options.value ?? 4_294_967_290), until: this.time + (options.durationMs ?? 1500) };
    this.changes++;
  }

  /**
   * The jam `injectJam(code)` would raise, without raising it (a RangeError for a code that is
   * not a jam of the profile), so a caller can record the event before it happens.
   */
  chooseJam(code?: string): string {
    const codes = this.jamCodes;
    if (code !== undefined && !codes.includes(code)) {
      throw new RangeError(`"${code}" is not a jam alarm of profile ${this.options.profile.model}; jam alarms: ${codes.join(', ') || 'none'}`);
    }
    return code ?? codes[Math.floor(this.random() * codes.length)] ?? 'jam';
  }

  clearJam(): void {
    this.changeCauses(() => {
      for (const code of this.stops.activeCodes) if (this.stops.reasonOf(code) === 'jam') this.stops.setAlarm(code, false);
    });
  }

  openDoor(): void {
    this.setAlarm(this.stops.codeFor('door-open'), true);
  }

  closeDoor(): void {
    this.setAlarm(this.stops.codeFor('door-open'), false);
  }

  pressEStop(): void {
    this.setAlarm(this.stops.codeFor('e-stop'), true);
  }

  releaseEStop(): void {
    this.setAlarm(this.stops.codeFor('e-stop'), false);
  }

  /** Any alarm of the profile; one with a stop reason stops the press. */
  setAlarm(code: string, active: boolean): void {
    this.changeCauses(() => this.stops.setAlarm(code, active));
  }

  /** Operator stop; `codeReason` is the reason the PLC's state code shows for it ('none': a plain stop code). */
  stop(codeReason?: StopReason | 'none'): void {
    this.changeCauses(() => {
      this.stops.operatorStop = true;
      this.stopCodeReason = codeReason;
    });
  }

  /** Operator start: clears an operator stop; from idle, starts the next job. */
  start(): void {
    this.stops.operatorStop = false;
    if (this.phase === 'idle') this.beginJob();
    this.changes++;
  }

  /** Ends the current job: wash-up, then idle. */
  finishJob(): void {
    this.enterPhase('cleanup');
  }

  refillInk(unit: number, level = 100): void {
    this.supplies.refillInk(unit, level);
    this.changes++;
  }

  refillPaper(level = 100): void {
    this.changeCauses(() => {
      this.supplies.refillPaper(level);
      if (this.supplies.paper > 0) this.stops.paperOut = false;
    });
  }

  refillLevel(name: string, level = 100): void {
    this.supplies.refillLevel(name, level);
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
    const jam = this.pendingJam;
    if (jam && this.time >= jam.at) {
      this.pendingJam = undefined;
      // the jam holds the press now; the state code keeps the generic reason it stopped with
      this.changeCauses(() => {
        this.stops.setAlarm(jam.code, true);
        this.stops.operatorStop = false;
      });
    }
    if (this.stops.reason === undefined) this.stopCodeReason = undefined;
    if (this.stops.reason !== undefined) {
      this.speed = 0;
      return;
    }
    this.phaseTime += dt;
    const rated = this.options.profile.ratedSpeed;
    const target = this.targetSpeed(rated);
    const rampPerMs = rated / Math.max(1, this.options.job.rampMs);
    this.speed = this.speed < target ? Math.min(target, this.speed + rampPerMs * dt) : Math.max(target, this.speed - rampPerMs * dt);
    this.printSheets((this.speed * dt) / 3_600_000);
    if (this.phase === 'production' && this.speed > 0 && this.stops.reason === undefined) {
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
    while (this.sheetFraction >= 1) {
      if (this.supplies.paper <= 0) {
        this.stops.paperOut = true;
        this.speed = 0;
        this.sheetFraction = 0;
        return;
      }
      this.sheetFraction -= 1;
      this.counters.total = u32(this.counters.total + 1);
      if (this.phase === 'setup' || this.random() < this.options.job.wasteRate) {
        this.counters.waste = u32(this.counters.waste + 1);
      } else {
        this.counters.good = u32(this.counters.good + 1);
        this.jobGoodPrinted++;
      }
      if (this.phase === 'setup') this.makeReadySheets++;
      this.supplies.consumeSheet();
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

  /** Applies a change to the stop causes; a stop takes the speed to 0 at once. */
  private changeCauses(change: () => void): void {
    const wasStopped = this.stops.reason !== undefined;
    change();
    const stopped = this.stops.reason !== undefined;
    if (stopped) this.speed = 0;
    // Without autoRun a press that stopped for a fault waits for the operator to restart it.
    if (wasStopped && !stopped && !this.options.autoRun) this.stops.operatorStop = true;
    this.changes++;
  }

  private drawJobLength(): number {
    return this.options.job.goodSheets ?? Math.round(between(this.random, 2_000, 6_000));
  }

  private scheduleNextJam(): void {
    const mean = this.options.jamMeanIntervalMs;
    this.nextJamAt = Number.isFinite(mean) ? this.productionRunMs + exponential(this.random, mean) : Infinity;
  }
}
