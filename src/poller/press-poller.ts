/**
 * Polls one press: each scan class of its profile on its own period, block by block
 * through the shared RegisterReader, one `reading` per cycle.
 *
 * Scheduling is fixed-rate on the injected clock: ticks fall at start + n × period, not
 * "period after the last cycle ended", so a slow bus shows up as overruns instead of a
 * silently stretched period. At most one cycle per scan class is in flight: a tick that
 * finds the previous cycle still running is skipped and counted in `overruns`; a class that
 * skips many of its recent ticks is listed in `overrunning` (overrun-window.ts).
 *
 * A cycle stops at the first `timeout` or `offline` (the press or link is not answering;
 * reading the remaining blocks would only add line time) but carries on past other
 * errors (an `exception` on one block says nothing about the others). Off-scan and probe
 * rules are in comm-health.ts.
 */
import { pino, type Logger } from 'pino';
import { isModbusError } from '../../drivers/errors.js';
import { isBitArea, type PollingSettings, type Profile } from '../model/profile-schema.js';
import type { SignalValue } from '../../drivers/codec/values.js';
import { systemClock, type Clock, type TimerHandle } from '../lib/clock.js';
import { TypedEmitter } from '../lib/typed-emitter.js';
import { CommHealthTracker, defaultOffScanSettings, type OffScanSettings } from './comm-health.js';
import type { OverrunSettings } from './overrun-window.js';
import { decodeBlock, planReads, type ReadBlock, type ReadPlan, type ScanClassPlan } from './read-plan.js';
import type { PollerEvents, PressHealth, ReadError, Reading } from './reading.js';
import type { ReadOptions, RegisterReader } from './register-reader.js';

export interface PressPollerOptions {
  pressId: string;
  unitId: number;
  profile: Profile;
  reader: RegisterReader;
  /** Per-press overrides of the profile's polling settings (timeouts, periods, gaps). */
  polling?: Partial<PollingSettings>;
  offScan?: Partial<OffScanSettings>;
  /** When a scan class counts as overrunning (default: 5 of its last 20 ticks skipped). */
  overrun?: OverrunSettings;
  clock?: Clock;
  logger?: Logger;
}

interface ScanClassRun {
  plan: ScanClassPlan;
  nextDueAt: number;
  timer: TimerHandle | undefined;
  /** A cycle of this class is running. */
  cycling: boolean;
  /** The cycle running, or the last one: what `stop` waits for. */
  inFlight: Promise<void> | undefined;
  /** The timer callback, made once rather than at every tick. */
  onTick: () => void;
}

export class PressPoller {
  readonly pressId: string;
  readonly plan: ReadPlan;
  private readonly options: PressPollerOptions;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly polling: PollingSettings;
  private readonly tracker: CommHealthTracker;
  private readonly events: TypedEmitter<PollerEvents>;
  private readonly runs: ScanClassRun[];
  private readonly readOptions: ReadOptions;
  private probeTimer: TimerHandle | undefined;
  private probing: Promise<void> | undefined;
  private running = false;

  constructor(options: PressPollerOptions) {
    this.options = options;
    this.pressId = options.pressId;
    this.clock = options.clock ?? systemClock;
    this.logger = (options.logger ?? pino({ level: 'silent' })).child({ pressId: options.pressId });
    this.polling = { ...options.profile.polling, ...options.polling };
    this.plan = planReads({ ...options.profile, polling: this.polling });
    this.readOptions = { timeoutMs: this.polling.timeoutMs, retries: this.polling.retries };
    this.tracker = new CommHealthTracker({
      pressId: options.pressId,
      clock: this.clock,
      logger: this.logger,
      offScan: { ...defaultOffScanSettings, ...options.offScan },
      overrun: options.overrun,
    });
    this.events = new TypedEmitter<PollerEvents>((error, event) => this.logger.error({ err: error, event }, 'a poller event listener threw'));
    this.runs = this.plan.scanClasses.map((plan) => {
      const run: ScanClassRun = { plan, nextDueAt: 0, timer: undefined, cycling: false, inFlight: undefined, onTick: () => this.tick(run) };
      return run;
    });
  }

  onReading(listener: PollerEvents['reading']): () => void {
    return this.events.on('reading', listener);
  }

  onHealth(listener: PollerEvents['health']): () => void {
    return this.events.on('health', listener);
  }

  health(): PressHealth {
    return this.tracker.snapshot();
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Starts every scan class now, then on its period. */
  start(): void {
    if (this.running) return;
    this.running = true;
    const now = this.clock.now();
    for (const run of this.runs) {
      run.nextDueAt = now;
      this.schedule(run);
    }
    if (this.tracker.offScan) this.scheduleProbe();
  }

  /** Stops the timers; resolves when the cycles in flight have finished (their results are dropped). */
  async stop(): Promise<void> {
    this.running = false;
    for (const run of this.runs) {
      if (run.timer) this.clock.clearTimeout(run.timer);
      run.timer = undefined;
    }
    if (this.probeTimer) this.clock.clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
    await Promise.all([...this.runs.map((run) => run.inFlight), this.probing]);
  }

  private schedule(run: ScanClassRun): void {
    run.timer = this.clock.setTimeout(run.onTick, run.nextDueAt - this.clock.now());
  }

  private tick(run: ScanClassRun): void {
    run.timer = undefined;
    if (!this.running) return;
    const period = run.plan.periodMs;
    const now = this.clock.now();
    run.nextDueAt += period;
    // Timers that fire late (a blocked event loop) lose the ticks they slept through.
    let missed = 0;
    while (run.nextDueAt <= now) {
      run.nextDueAt += period;
      missed++;
    }
    this.schedule(run);
    if (this.tracker.offScan) return; // the probe speaks for the press
    const due = missed + 1;
    if (run.cycling) missed++;
    if (missed > 0) this.logger.debug({ scanClass: run.plan.name, missed }, 'scan cycle overrun: tick skipped');
    // a change of the class's overrunning flag goes out at once, not with the next reading
    if (this.tracker.recordTicks(run.plan.name, due, missed, period)) this.events.emit('health', this.tracker.snapshot());
    if (!run.cycling) this.startCycle(run);
  }

  private startCycle(run: ScanClassRun): void {
    run.cycling = true;
    run.inFlight = this.cycle(run);
  }

  private async cycle(run: ScanClassRun): Promise<void> {
    const { plan } = run;
    try {
      const startedAt = this.clock.now();
      const values: Record<string, SignalValue> = {};
      let firstError: ReadError | undefined;
      let complete = true;
      for (const block of plan.blocks) {
        if (!this.running || this.tracker.offScan) {
          complete = false;
          break;
        }
        const error = await this.readBlock(block, this.readOptions, values);
        if (error === undefined) continue;
        firstError ??= error;
        if (error.kind === 'timeout' || error.kind === 'offline') break;
      }
      // Taken off-scan by another class's timeouts mid-way: an empty "ok" reading would pass
      // the untouched signals off as fresh, so this cycle says nothing; the probe speaks.
      if (!this.running || (!complete && firstError === undefined)) return;
      const at = this.clock.now();
      const reading: Reading = { pressId: this.pressId, scanClass: plan.name, at, values, ok: firstError === undefined, latencyMs: at - startedAt };
      if (firstError) reading.error = firstError;
      // health first, so a listener sees the press online before its first reading
      this.events.emit('health', this.tracker.snapshot());
      this.events.emit('reading', reading);
    } finally {
      run.cycling = false;
    }
  }

  /** One block read, decoded into `values`, with its outcome recorded in the comm health; the error if it failed. */
  private async readBlock(block: ReadBlock, opts: ReadOptions, values: Record<string, SignalValue>): Promise<ReadError | undefined> {
    const started = this.clock.now();
    try {
      const words = await this.read(block, opts);
      decodeBlock(block, words, this.plan.order, values);
      this.tracker.recordSuccess(this.clock.now() - started);
      return undefined;
    } catch (error) {
      const readError = this.classify(error, block);
      if (this.tracker.recordFailure(readError)) this.scheduleProbe();
      return readError;
    }
  }

  private read(block: ReadBlock, opts: ReadOptions): Promise<number[] | boolean[]> {
    const { reader, unitId } = this.options;
    if (isBitArea(block.area)) return reader.readBits(unitId, block.area as 'coil' | 'discrete', block.address, block.count, opts);
    return reader.readRegisters(unitId, block.area as 'holding' | 'input', block.address, block.count, opts);
  }

  private classify(error: unknown, block: ReadBlock): ReadError {
    if (isModbusError(error)) return { kind: error.kind, message: error.message };
    if (error instanceof RangeError) return { kind: 'protocol', message: error.message };
    // Not a failure the reader contract allows: a bug somewhere. Keep the stack.
    this.logger.error({ err: error, area: block.area, address: block.address, count: block.count }, 'unexpected error reading a block');
    return { kind: 'internal', message: error instanceof Error ? error.message : String(error) };
  }

  private scheduleProbe(): void {
    const until = this.tracker.offScanUntil;
    if (!this.running || until === null) return;
    if (this.probeTimer) this.clock.clearTimeout(this.probeTimer);
    this.probeTimer = this.clock.setTimeout(() => {
      this.probeTimer = undefined;
      this.probing = this.probe().finally(() => {
        this.probing = undefined;
      });
    }, until - this.clock.now());
    this.events.emit('health', this.tracker.snapshot());
  }

  /** One read of the fastest class's first block, no retries, in the background: is the press back? */
  private async probe(): Promise<void> {
    const block = this.plan.scanClasses[0]?.blocks[0];
    if (!block || !this.running) return;
    const started = this.clock.now();
    try {
      // In the line's idle time: a dead press's probe costs its whole timeout, which must not fall on the others' scan.
      const words = await this.read(block, { timeoutMs: this.polling.timeoutMs, retries: 0, background: true });
      decodeBlock(block, words, this.plan.order);
      if (!this.running) return;
      this.tracker.recordSuccess(this.clock.now() - started);
      this.events.emit('health', this.tracker.snapshot());
      // back on scan: refresh every class now rather than wait for its next tick
      for (const run of this.runs) if (!run.cycling) this.startCycle(run);
    } catch (error) {
      if (!this.running) return;
      this.tracker.recordProbeFailure(this.classify(error, block));
      this.scheduleProbe();
    }
  }
}
