/**
 * The supply-replacement log, assembled for the composition root (src/app.ts):
 *
 *   const supplies = createSupplies({ db, logger, clock, audit, presses, history, onLogged });
 *   app: createHttpApp({ apiRouters: [..., supplies.router] })
 *   press service, for every snapshot: snapshot.timeToEmpty = supplies.observeSnapshot(snapshot)
 *   alarm engine, after each snapshot: alarms.updateLevels(id, at, { …levels, emptySoon: supplies.emptySoon(id) })
 *   realtime: supplies.events.on('supply:logged', …) (or onLogged), 'supplies:pre-alarm', …
 *
 * The store's migrations must include `suppliesMigrations` (src/store/migrations/supplies.ts).
 */
import type { Router } from 'express';
import { pino, type Logger } from 'pino';
import type { AuditLog } from '../domain/audit.js';
import { systemClock, type Clock } from '../domain/clock.js';
import type { PressSnapshot } from '../domain/press-snapshot.js';
import { TypedEmitter } from '../domain/typed-emitter.js';
import { supplyRoutes } from '../http/routes/supplies.js';
import type { StoreDatabase } from '../store/database.js';
import { SupplyRepository } from '../store/supply-repository.js';
import type { LevelHistory } from './consumption.js';
import { Reconciler, type ReconcilerSettings } from './reconciler.js';
import { defaultShifts, type Shift } from './shifts.js';
import { SuppliesService, type SuppliesEvents } from './supplies-service.js';
import type { SupplyEntry } from './supply-types.js';
import { TimeToEmptyTracker, type EmptySoon, type TimeToEmptySettings } from './time-to-empty-tracker.js';
import type { TimeToEmpty } from './time-to-empty.js';

export { suppliesMigrations } from '../store/migrations/supplies.js';
export { levelHistoryFromSamples } from './level-history.js';
export type { ConsumptionReport, LevelHistory } from './consumption.js';
export type { EmptySoon, PreAlarm } from './time-to-empty-tracker.js';
export type { TimeToEmpty } from './time-to-empty.js';
export type { SuppliesEvents } from './supplies-service.js';
export type * from './supply-types.js';

export interface SuppliesSettings {
  reconciliation: Partial<ReconcilerSettings>;
  timeToEmpty: Partial<TimeToEmptySettings>;
  /** Units below this level (percent) are offered as low-level suggestions. */
  lowLevelPercent: { ink: number; paper: number };
  shifts: Shift[];
  /** Unlogged refills older than this are no longer offered (default 12 h). */
  suggestionMaxAgeMs: number;
}

export interface CreateSuppliesOptions {
  /** Migrated with `suppliesMigrations`. */
  db: StoreDatabase;
  audit: AuditLog;
  presses: { get(id: string): PressSnapshot | undefined; list(): PressSnapshot[] };
  logger?: Logger;
  clock?: Clock;
  /** Recorded samples, for consumption figures; e.g. `levelHistoryFromSamples(store.samples)`. */
  history?: LevelHistory;
  /** Reads without a session (wall screens): config `access.anonymousRead`. */
  anonymousRead?: boolean;
  settings?: Partial<SuppliesSettings>;
  /** The pre-alarm threshold of one press and kind (per-press configuration); default `settings.timeToEmpty.preAlarmMinutes`. */
  preAlarmMinutesFor?: (pressId: string, kind: 'ink' | 'paper') => number;
  /** Press time per wall-clock time of a press (a simulated bus's `simulationTimeScale`); default 1. Time to empty is in wall-clock minutes. */
  timeScaleFor?: (pressId: string) => number;
  /** Shorthand for `events.on('supply:logged', …)`, e.g. to emit socket.io `supply:logged`. */
  onLogged?: (entry: SupplyEntry) => void;
}

export interface Supplies {
  router: Router;
  service: SuppliesService;
  events: TypedEmitter<SuppliesEvents>;
  reconciler: Reconciler;
  timeToEmpty: TimeToEmptyTracker;
  repository: SupplyRepository;
  /** Feed a snapshot (levels, counters, speed, state); returns its time-to-empty figures. */
  observeSnapshot(snapshot: PressSnapshot): TimeToEmpty;
  /** Which channels of a press will run out within their pre-alarm threshold, as of the last snapshot (for the alarm engine). */
  emptySoon(pressId: string): EmptySoon;
  /** Stops the reconciliation timer. */
  stop(): void;
}

export function createSupplies(options: CreateSuppliesOptions): Supplies {
  const logger = options.logger ?? pino({ level: 'silent' });
  const clock = options.clock ?? systemClock;
  const settings = options.settings ?? {};
  const events = new TypedEmitter<SuppliesEvents>((error, event) => logger.error({ err: error, event }, 'supplies listener failed'));
  if (options.onLogged) events.on('supply:logged', options.onLogged);
  const repository = new SupplyRepository(options.db);
  const reconciler = new Reconciler({ clock, settings: settings.reconciliation ?? {} });
  const timeToEmpty = new TimeToEmptyTracker({
    settings: settings.timeToEmpty ?? {},
    preAlarmMinutesFor: options.preAlarmMinutesFor,
    timeScaleFor: options.timeScaleFor,
    onPreAlarm: (preAlarm) => events.emit('supplies:pre-alarm', preAlarm),
  });
  const service = new SuppliesService({
    db: options.db,
    repository,
    audit: options.audit,
    clock,
    logger,
    presses: options.presses,
    reconciler,
    timeToEmpty,
    events,
    history: options.history ?? null,
    shifts: settings.shifts ?? defaultShifts,
    jumpPoints: settings.reconciliation?.jumpPoints ?? 10,
    lowLevelPercent: settings.lowLevelPercent ?? { ink: 15, paper: 15 },
    suggestionMaxAgeMs: settings.suggestionMaxAgeMs ?? 12 * 3600_000,
  });
  service.start();
  const router = supplyRoutes({ supplies: service, presses: options.presses, anonymousRead: options.anonymousRead ?? true, now: () => clock.now() });
  return {
    router,
    service,
    events,
    reconciler,
    timeToEmpty,
    repository,
    observeSnapshot: (snapshot) => service.observeSnapshot(snapshot),
    emptySoon: (pressId) => timeToEmpty.emptySoon(pressId),
    stop: () => service.stop(),
  };
}
