/**
 * The alarm engine with its memory: every journal line and alarm change is stored before
 * the event goes out to listeners (dashboard, press service), and the alarm list is put
 * back after a restart. No HTTP here; the REST and socket.io layers call these methods and
 * subscribe to `alarm`.
 *
 * Writes: each input call (`updateBits` …) is one NORMAL transaction; each operator command
 * is one durable transaction (synchronous=FULL, via StoreDatabase.durableWrite) committed
 * before the command returns; changes made by timers (on/off delays, shelving expiry,
 * re-notify) are written as they happen.
 *
 * When the database refuses a write (busy, read-only, full): changes that come from the
 * machine (inputs and timers) go through the shared DeferredWrites queue, in order with the
 * run-state transitions, and are replayed when it accepts again; the events still go out at
 * once. Operator commands are refused (the StoreError, which the HTTP layer answers with 503
 * storage_unavailable) before the engine applies them while machine writes are still queued:
 * a durable write may not overtake older queued changes, or their replay would overwrite it.
 */
import { pino, type Logger } from 'pino';
import type { AlarmView } from '../model/alarm-view.js';
import type { RunState, StopReason } from '../model/press-snapshot.js';
import { TypedEmitter } from '../lib/typed-emitter.js';
import { createDeferredWrites, type DeferredWrites } from '../store/deferred-writes.js';
import type { AlarmRepository } from './alarm-repository.js';
import type { AlarmEngine, LevelUpdate } from './alarm-engine.js';
import type { AckCommand, AlarmCommandResult, AlarmEvent, JournalEntry, ShelveCommand, UnshelveCommand } from './alarm-types.js';

export interface AlarmServiceOptions {
  engine: AlarmEngine;
  repository: AlarmRepository;
  logger?: Logger;
  /** Timestamp for `updated_at` of stored rows; default Date.now. */
  now?: () => number;
  /**
   * The queue machine writes wait in while the database refuses them: pass the one the
   * run-state transitions use, so both replay in one order. Default: a queue of its own.
   */
  deferredWrites?: DeferredWrites;
}

type ServiceEvents = { alarm: (event: AlarmEvent) => void };

/**
 * A caller's own write for a successful operator command (its audit line), run inside the
 * command's durable transaction: the two commit together or not at all.
 */
export type CommandCommit = (alarm: AlarmView) => void;

interface Batch {
  journal: JournalEntry[];
  alarms: Map<string, AlarmView>;
  events: AlarmEvent[];
}

export class AlarmService {
  readonly engine: AlarmEngine;
  private readonly repository: AlarmRepository;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly emitter: TypedEmitter<ServiceEvents>;
  private readonly deferredWrites: DeferredWrites;
  private readonly ownsDeferredWrites: boolean;
  private batch: Batch | null = null;
  private unsubscribe: (() => void)[] = [];

  constructor(options: AlarmServiceOptions) {
    this.engine = options.engine;
    this.repository = options.repository;
    this.logger = options.logger ?? pino({ level: 'silent' });
    this.now = options.now ?? Date.now;
    this.ownsDeferredWrites = options.deferredWrites === undefined;
    this.deferredWrites = options.deferredWrites ?? createDeferredWrites({ logger: this.logger });
    this.emitter = new TypedEmitter<ServiceEvents>((error, event) => this.logger.error({ err: error, event }, 'alarm service listener failed'));
  }

  /** Subscribes to the engine and restores the stored alarm list. Configure the presses on the engine first. */
  start(): { restored: number } {
    if (this.unsubscribe.length > 0) throw new Error('alarm service already started');
    this.unsubscribe = [this.engine.on('journal', (entry) => this.onJournal(entry)), this.engine.on('alarm', (event) => this.onAlarm(event))];
    const listed = this.repository.listedAlarms();
    // Restoring may end shelvings that expired while we were down: store those in one go.
    this.inBatch(false, () => this.engine.restore(listed));
    this.logger.info({ restored: listed.length }, 'alarm list restored');
    return { restored: listed.length };
  }

  stop(): void {
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
    this.engine.dispose();
    if (this.ownsDeferredWrites) this.deferredWrites.stop();
  }

  /** Events after they are stored: raised, cleared, acked, updated, renotify. */
  on(event: 'alarm', listener: (event: AlarmEvent) => void): () => void {
    return this.emitter.on(event, listener);
  }

  updateBits(pressId: string, at: number, bits: Record<string, boolean>): void {
    this.inBatch(false, () => this.engine.updateBits(pressId, at, bits));
  }

  updateLevels(pressId: string, at: number, levels: LevelUpdate): void {
    this.inBatch(false, () => this.engine.updateLevels(pressId, at, levels));
  }

  updateComm(pressId: string, at: number, online: boolean): void {
    this.inBatch(false, () => this.engine.updateComm(pressId, at, online));
  }

  counterImplausible(pressId: string, at: number): void {
    this.inBatch(false, () => this.engine.counterImplausible(pressId, at));
  }

  updateRunState(pressId: string, at: number, state: RunState): void {
    this.inBatch(false, () => this.engine.updateRunState(pressId, at, state));
  }

  /**
   * Throws StoreError, without applying the command, while machine writes wait for the
   * database; and if the durable commit itself fails (the engine has applied the command by
   * then: it stays in memory and is stored with the alarm's next change).
   */
  acknowledge(alarmId: string, command: AckCommand, alsoCommit?: CommandCommit): AlarmCommandResult {
    return this.command(() => this.engine.acknowledge(alarmId, command), alsoCommit);
  }

  shelve(alarmId: string, command: ShelveCommand, alsoCommit?: CommandCommit): AlarmCommandResult {
    return this.command(() => this.engine.shelve(alarmId, command), alsoCommit);
  }

  unshelve(alarmId: string, command: UnshelveCommand, alsoCommit?: CommandCommit): AlarmCommandResult {
    return this.command(() => this.engine.unshelve(alarmId, command), alsoCommit);
  }

  /** `alsoCommit` runs in the command's durable transaction, only when the command succeeded. */
  private command(work: () => AlarmCommandResult, alsoCommit: CommandCommit | undefined): AlarmCommandResult {
    return this.inBatch(true, work, (result) => {
      if (result.ok) alsoCommit?.(result.alarm);
    });
  }

  /** The live alarm list (the engine's, not the store's); one press's with `pressId`. */
  list(pressId?: string): AlarmView[] {
    return this.engine.list(pressId);
  }

  activeStopReason(pressId: string): StopReason | null {
    return this.engine.activeStopReason(pressId);
  }

  activeCount(pressId: string): number {
    return this.engine.activeCount(pressId);
  }

  private inBatch<T>(durable: boolean, work: () => T, inCommit?: (result: T) => void): T {
    if (this.batch) {
      // nested (a listener fed an input): the outer batch stores it
      const result = work();
      inCommit?.(result);
      return result;
    }
    if (durable) this.refuseWhileWritesQueued();
    const batch: Batch = { journal: [], alarms: new Map(), events: [] };
    this.batch = batch;
    let result: T;
    try {
      result = work();
    } finally {
      this.batch = null;
    }
    try {
      this.store(batch, durable, inCommit && (() => inCommit(result)));
    } finally {
      // Even if storing failed the alarms are real: the dashboard must still see them.
      for (const event of batch.events) this.emitter.emit('alarm', event);
    }
    return result;
  }

  private onJournal(entry: JournalEntry): void {
    if (this.batch) this.batch.journal.push(entry);
    else this.storeQuietly({ journal: [entry], alarms: new Map(), events: [] });
  }

  private onAlarm(event: AlarmEvent): void {
    if (this.batch) {
      this.batch.alarms.set(event.alarm.id, event.alarm); // the last view of an alarm wins
      this.batch.events.push(event);
      return;
    }
    this.storeQuietly({ journal: [], alarms: new Map([[event.alarm.id, event.alarm]]), events: [] });
    this.emitter.emit('alarm', event);
  }

  private store(batch: Batch, durable: boolean, alsoInTransaction?: () => void): void {
    if (durable) {
      this.repository.record({ journal: batch.journal, alarms: [...batch.alarms.values()] }, { durable: true, at: this.now(), alsoInTransaction });
    } else {
      this.storeQuietly(batch);
    }
  }

  /**
   * An operator command may only be stored after every queued machine change: try them now,
   * and refuse the command (before it is applied) if the database still refuses.
   */
  private refuseWhileWritesQueued(): void {
    if (this.deferredWrites.pending() === 0) return;
    this.deferredWrites.flush();
    const trouble = this.deferredWrites.troubleError();
    if (trouble !== undefined) throw trouble;
  }

  /** Machine-driven changes: stored now, or queued in order and replayed when the database accepts writes again. */
  private storeQuietly(batch: Batch): void {
    const journal = batch.journal;
    const alarms = [...batch.alarms.values()];
    if (journal.length === 0 && alarms.length === 0) return;
    const at = this.now();
    const label = `record alarm changes (${[...new Set([...journal.map((j) => `${j.alarmId} ${j.action}`), ...alarms.map((a) => a.id)])].join(', ')})`;
    this.deferredWrites.run(label, () => this.repository.record({ journal, alarms }, { durable: false, at }));
  }
}
