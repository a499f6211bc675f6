/**
 * Communication health of one press, and the off-scan decision.
 *
 * Off-scan: a unit that does not answer costs its whole timeout (times the attempts) of
 * line time on a shared RS-485 bus, delaying every other press on it. After
 * `timeoutsBeforeOffScan` consecutive timeouts the press is taken off-scan: its scan
 * cycles stop and a single probe read is tried when the back-off ends. The back-off
 * grows (2 s, 4 s, 8 s … 30 s by default) while probes fail; the first good read puts
 * the press back on scan. Only timeouts count: `offline` (link down) fails at once and
 * costs no line time, and an `exception` or `crc` proves the unit is there.
 *
 * Logging follows the Home Assistant habit: the first failure of an outage at warn, the
 * repeats at debug, the recovery at info, so a dead press cannot flood the log. A scan class
 * that starts overrunning is logged once at warn, and at info when it keeps up again.
 */
import type { Logger } from 'pino';
import type { Clock } from '../lib/clock.js';
import { defaultOverrunSettings, OverrunWindow, type OverrunChange, type OverrunSettings } from './overrun-window.js';
import type { PressHealth, ReadError } from './reading.js';

export interface OffScanSettings {
  /** Consecutive timeouts that take a press off-scan. */
  timeoutsBeforeOffScan: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** Each failed probe multiplies the back-off by this. */
  backoffFactor: number;
}

export const defaultOffScanSettings: OffScanSettings = { timeoutsBeforeOffScan: 3, initialBackoffMs: 2000, maxBackoffMs: 30_000, backoffFactor: 2 };

export interface CommHealthTrackerOptions {
  pressId: string;
  clock: Clock;
  /** Already bound to `pressId` (PressPoller binds it): log fields here never repeat it. */
  logger: Logger;
  offScan: OffScanSettings;
  overrun?: OverrunSettings;
}

export class CommHealthTracker {
  private readonly health: PressHealth;
  private consecutiveTimeouts = 0;
  /** Failures since the last good read; > 0 means an outage is being logged. */
  private failuresInOutage = 0;
  private outageStartedAt: number | null = null;
  private backoffMs: number;
  private readonly overrunWindows = new Map<string, OverrunWindow>();

  constructor(private readonly options: CommHealthTrackerOptions) {
    this.backoffMs = options.offScan.initialBackoffMs;
    this.health = {
      pressId: options.pressId,
      online: false,
      lastOkAt: null,
      lastErrorAt: null,
      lastError: null,
      latencyMs: null,
      errors: {},
      reads: 0,
      offScanUntil: null,
      overruns: {},
      overrunning: [],
    };
  }

  get offScan(): boolean {
    return this.health.offScanUntil !== null;
  }

  get offScanUntil(): number | null {
    return this.health.offScanUntil;
  }

  /** A copy: callers may keep it. */
  snapshot(): PressHealth {
    return { ...this.health, errors: { ...this.health.errors }, overruns: { ...this.health.overruns }, overrunning: [...this.health.overrunning] };
  }

  /** A good read (of a cycle or a probe). Returns true when this ended an outage or off-scan. */
  recordSuccess(latencyMs: number): boolean {
    const now = this.options.clock.now();
    this.health.reads++;
    this.health.lastOkAt = now;
    this.health.latencyMs = latencyMs;
    this.health.online = true;
    this.consecutiveTimeouts = 0;
    const wasOffScan = this.offScan;
    this.health.offScanUntil = null;
    this.backoffMs = this.options.offScan.initialBackoffMs;
    if (this.failuresInOutage === 0 && !wasOffScan) return false;
    this.options.logger.info(
      { failures: this.failuresInOutage, downMs: this.outageStartedAt === null ? null : now - this.outageStartedAt },
      `press ${this.options.pressId} answers again${wasOffScan ? ', back on scan' : ''}`,
    );
    this.failuresInOutage = 0;
    this.outageStartedAt = null;
    return true;
  }

  /** A failed read. Returns true when this failure took the press off-scan. */
  recordFailure(error: ReadError): boolean {
    const now = this.options.clock.now();
    this.health.reads++;
    this.health.errors[error.kind] = (this.health.errors[error.kind] ?? 0) + 1;
    this.health.lastErrorAt = now;
    this.health.lastError = `${error.kind}: ${error.message}`;
    this.logFailure(error);
    if (error.kind === 'offline') this.health.online = false;
    if (error.kind !== 'timeout') return false;
    this.consecutiveTimeouts++;
    if (this.offScan || this.consecutiveTimeouts < this.options.offScan.timeoutsBeforeOffScan) return false;
    this.health.online = false;
    this.health.offScanUntil = now + this.backoffMs;
    this.forgetOverruns('off-scan');
    this.options.logger.warn(
      { timeouts: this.consecutiveTimeouts, backoffMs: this.backoffMs },
      `press ${this.options.pressId} taken off-scan after ${this.consecutiveTimeouts} consecutive timeouts; probing every ${this.backoffMs} ms or more`,
    );
    return true;
  }

  /** The probe at the end of a back-off failed: a longer back-off follows. */
  recordProbeFailure(error: ReadError): void {
    this.recordFailure(error);
    const { backoffFactor, maxBackoffMs } = this.options.offScan;
    this.backoffMs = Math.min(maxBackoffMs, this.backoffMs * backoffFactor);
    this.health.offScanUntil = this.options.clock.now() + this.backoffMs;
    this.health.online = false;
  }

  recordOverrun(scanClass: string, missed = 1): void {
    this.health.overruns[scanClass] = (this.health.overruns[scanClass] ?? 0) + missed;
  }

  /**
   * Ticks of a scan class: `due` fell due since its last tick, `skipped` of them were not run
   * (counted in `overruns`). Returns a change of `overrunning` for that class, if any.
   */
  recordTicks(scanClass: string, due: number, skipped: number, periodMs: number): OverrunChange | undefined {
    if (skipped > 0) this.recordOverrun(scanClass, skipped);
    let window = this.overrunWindows.get(scanClass);
    if (!window) {
      window = new OverrunWindow(this.overrunSettings);
      this.overrunWindows.set(scanClass, window);
    }
    const change = window.record(due, skipped);
    if (change === undefined) return undefined;
    const { windowTicks } = this.overrunSettings;
    const fields = { scanClass, periodMs, skipped: window.skipped, windowTicks };
    if (change === 'started') {
      this.health.overrunning = [...this.health.overrunning, scanClass];
      this.options.logger.warn(
        fields,
        `press ${this.options.pressId}: scan class ${scanClass} is overrunning: ${window.skipped} of its last ${windowTicks} ticks (${periodMs} ms) skipped; the bus cannot carry the reads asked of it`,
      );
    } else {
      this.health.overrunning = this.health.overrunning.filter((name) => name !== scanClass);
      this.options.logger.info(fields, `press ${this.options.pressId}: scan class ${scanClass} keeps its period again`);
    }
    return change;
  }

  private get overrunSettings(): OverrunSettings {
    return this.options.overrun ?? defaultOverrunSettings;
  }

  /** Off-scan: the classes' ticks are not run, so they are not judged either. */
  private forgetOverruns(why: string): void {
    for (const window of this.overrunWindows.values()) window.reset();
    if (this.health.overrunning.length === 0) return;
    this.options.logger.info({ scanClasses: this.health.overrunning }, `press ${this.options.pressId}: overrun watch reset (${why})`);
    this.health.overrunning = [];
  }

  private logFailure(error: ReadError): void {
    const fields = { kind: error.kind, err: error.message };
    if (this.failuresInOutage === 0) {
      this.outageStartedAt = this.options.clock.now();
      this.options.logger.warn(fields, `press ${this.options.pressId}: read failed (${error.kind}); repeats are logged at debug until it answers`);
    } else {
      this.options.logger.debug(fields, `press ${this.options.pressId}: read failed again (${error.kind})`);
    }
    this.failuresInOutage++;
  }
}
