/**
 * The live picture of every configured press, fed by the poller's readings and health,
 * announced as typed events:
 *
 * - `press:update`: the snapshot, throttled to one per fast scan period per press;
 * - `state:transition`: each change of run state or stop reason, at once;
 * - `alarm-bits`: the alarm conditions of every reading that carries them (for the alarm engine);
 * - `counters:changed`: monotonic counters and their raw baseline, for persistence.
 *
 * Counters persisted by the store are handed back through `restoreCounters`, so the
 * monotonic counts continue across restarts.
 */
import { pino, type Logger } from 'pino';
import { systemClock, type Clock } from '../lib/clock.js';
import type { PressCounters } from './counters.js';
import type { PressSnapshot } from '../model/press-snapshot.js';
import { TypedEmitter } from '../lib/typed-emitter.js';
import type { PollerEvents, PressHealth, Reading } from '../poller/reading.js';
import type { PressServiceEvents, RestoredRunState, StateTransition } from './events.js';
import { LivePress, type PressDefinition } from './live-press.js';
import { UpdateThrottle } from './update-throttle.js';

export interface PressServiceOptions {
  presses: PressDefinition[];
  /** Counters persisted earlier for a press, or undefined to start from zero. */
  restoreCounters?: (pressId: string) => PressCounters | undefined;
  /**
   * The run state stored last for a press (its latest transition), or undefined. When the first
   * state derived after the start is the same, it continues: `stateSince` is the stored time, and
   * the transition into it says `continued`.
   */
  restoreState?: (pressId: string) => RestoredRunState | undefined;
  clock?: Clock;
  logger?: Logger;
}

/** Fields of a snapshot that another feature derives from the snapshot itself. */
export type SnapshotAnnotations = Pick<PressSnapshot, 'timeToEmpty'>;

export interface SnapshotAnnotator {
  /** Sees a snapshot about to be announced; returns the fields it adds to it. */
  observe(snapshot: PressSnapshot): Partial<SnapshotAnnotations>;
  /** The fields as of the last snapshot observed, for reads between updates. */
  current(pressId: string): Partial<SnapshotAnnotations>;
}

/** What the service listens to: a Poller or a PressPoller. */
export interface ReadingSource {
  onReading(listener: PollerEvents['reading']): () => void;
  onHealth(listener: PollerEvents['health']): () => void;
}

/**
 * A press scanned every 25 ms still updates its listeners (board, supplies, production,
 * Sparkplug, the recorder) at most 10 times a second: no eye reads a tile faster, and at 100
 * presses scanned every 25 ms the snapshots were ~14 % of the main thread. Alarm bits and run-state
 * changes do not wait for it: they are events of every reading.
 */
export const MIN_UPDATE_INTERVAL_MS = 100;

export class PressService {
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly presses = new Map<string, LivePress>();
  /** Fastest scan period per press, at least MIN_UPDATE_INTERVAL_MS: the press:update rate. */
  private readonly updateIntervals = new Map<string, number>();
  private readonly emitter: TypedEmitter<PressServiceEvents>;
  private readonly throttle: UpdateThrottle;
  private readonly unknownPresses = new Set<string>();
  private readonly annotators: SnapshotAnnotator[] = [];

  constructor(options: PressServiceOptions) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? pino({ level: 'silent' });
    this.emitter = new TypedEmitter<PressServiceEvents>((error, event) => this.logger.error({ err: error, event }, 'a press service event listener threw'));
    this.throttle = new UpdateThrottle(this.clock, (pressId) => this.publish(pressId));
    const now = this.clock.now();
    for (const definition of options.presses) {
      if (this.presses.has(definition.id)) throw new Error(`press "${definition.id}" is defined twice`);
      this.presses.set(definition.id, new LivePress(definition, now, options.restoreCounters?.(definition.id), options.restoreState?.(definition.id)));
      this.updateIntervals.set(definition.id, Math.max(MIN_UPDATE_INTERVAL_MS, Math.min(...Object.values(definition.profile.polling.scanClasses))));
    }
  }

  /** Subscribe to an event; returns the function that unsubscribes. */
  on<E extends keyof PressServiceEvents>(event: E, listener: PressServiceEvents[E]): () => void {
    return this.emitter.on(event, listener);
  }

  /** Feeds this service from a poller; returns the function that detaches it. */
  attach(source: ReadingSource): () => void {
    const offReading = source.onReading((reading) => this.applyReading(reading));
    const offHealth = source.onHealth((health) => this.applyHealth(health));
    return () => {
      offReading();
      offHealth();
    };
  }

  /**
   * Adds an annotator: it sees every snapshot before `press:update` announces it and adds what
   * it derives (time to empty), so each update leaves this service once, complete.
   */
  addAnnotator(annotator: SnapshotAnnotator): void {
    this.annotators.push(annotator);
  }

  snapshot(pressId: string): PressSnapshot | undefined {
    const snapshot = this.presses.get(pressId)?.snapshot(this.clock.now());
    return snapshot && this.withAnnotations(snapshot);
  }

  snapshots(): PressSnapshot[] {
    const now = this.clock.now();
    return [...this.presses.values()].map((press) => this.withAnnotations(press.snapshot(now)));
  }

  /**
   * The alarm engine's count of active alarms replaces the count of active alarm bits. It rides
   * on the press's next update (within one fast scan period): the alarm event itself reaches
   * the dashboards at once, so no extra `press:update` is sent for it.
   */
  setActiveAlarms(pressId: string, count: number): void {
    this.press(pressId)?.setActiveAlarms(count, this.clock.now());
  }

  applyReading(reading: Reading): void {
    const press = this.press(reading.pressId);
    if (!press) return;
    const effects = press.applyReading(reading);
    if (effects.countersChanged) this.emitter.emit('counters:changed', { pressId: reading.pressId, at: reading.at, ...effects.countersChanged });
    for (const glitch of effects.counterGlitches ?? []) {
      this.logger.warn(
        { pressId: reading.pressId, ...glitch },
        `press ${reading.pressId}: implausible ${glitch.counter} counter jump ${glitch.from} → ${glitch.to} not counted`,
      );
      this.emitter.emit('counter:implausible', { pressId: reading.pressId, at: reading.at, ...glitch });
    }
    if (effects.transition) this.announceTransition(effects.transition);
    if (effects.alarmBits) this.emitter.emit('alarm-bits', effects.alarmBits);
    this.requestUpdate(reading.pressId);
  }

  applyHealth(health: PressHealth): void {
    const press = this.press(health.pressId);
    if (!press) return;
    const transition = press.applyHealth(health, this.clock.now());
    if (transition) this.announceTransition(transition);
    this.requestUpdate(health.pressId);
  }

  /** Cancels the pending trailing updates. */
  stop(): void {
    this.throttle.cancelAll();
  }

  private announceTransition(transition: StateTransition): void {
    this.logger.info(
      { pressId: transition.pressId, from: transition.from, to: transition.to, reason: transition.reason, detail: transition.detail },
      `press ${transition.pressId}: ${transition.from} → ${transition.to}${transition.reason ? ` (${transition.reason})` : ''}`,
    );
    this.emitter.emit('state:transition', transition);
  }

  private publish(pressId: string): void {
    const snapshot = this.presses.get(pressId)!.snapshot(this.clock.now());
    for (const annotator of this.annotators) Object.assign(snapshot, annotator.observe(snapshot));
    this.emitter.emit('press:update', snapshot);
  }

  private withAnnotations(snapshot: PressSnapshot): PressSnapshot {
    for (const annotator of this.annotators) Object.assign(snapshot, annotator.current(snapshot.id));
    return snapshot;
  }

  private requestUpdate(pressId: string): void {
    this.throttle.request(pressId, this.updateIntervals.get(pressId)!);
  }

  private press(pressId: string): LivePress | undefined {
    const press = this.presses.get(pressId);
    if (!press && !this.unknownPresses.has(pressId)) {
      this.unknownPresses.add(pressId);
      this.logger.warn({ pressId }, `data for press "${pressId}", which is not configured, is ignored`);
    }
    return press;
  }
}
