/**
 * The supplies feature: the supply-replacement log (idempotent by clientId, void and replace,
 * audited), reconciliation with the level sensors, suggestions, consumption, time to empty and
 * its pre-alarm, and the /api/supplies routes. It annotates each press snapshot with its time
 * to empty (`annotator`), and announces `supply:logged` and `supplies:pre-alarm` on `events`.
 */
import type { Router } from 'express';
import { pino, type Logger } from 'pino';
import type { AuditLog } from '../model/audit.js';
import { systemClock, type Clock } from '../lib/clock.js';
import type { PressSnapshot } from '../model/press-snapshot.js';
import { TypedEmitter } from '../lib/typed-emitter.js';
import { supplyRoutes } from './supply-routes.js';
import type { FeatureModule } from '../http/feature-module.js';
import type { SnapshotAnnotator } from '../presses/press-service.js';
import type { StoreDatabase } from '../store/database.js';
import { migrate } from '../store/migrate.js';
import { suppliesMigrations } from './supply-migrations.js';
import { SupplyRepository } from './supply-repository.js';
import type { LevelHistory, LoggedQuantity } from './consumption.js';
import { Reconciler, type ReconcilerSettings } from './reconciler.js';
import { defaultShifts, type Shift } from './shifts.js';
import { SuppliesService, type SuppliesEvents } from './supplies-service.js';
import type { SupplyEntry } from '../model/supply.js';
import { TimeToEmptyTracker, type EmptySoon, type TimeToEmptySettings } from './time-to-empty-tracker.js';
import type { TimeToEmpty } from './time-to-empty.js';

export { suppliesMigrations };
export { levelHistoryFromSamples } from './level-history.js';
export type { ConsumptionReport, LevelHistory } from './consumption.js';
export type { EmptySoon, PreAlarm } from './time-to-empty-tracker.js';
export type { TimeToEmpty } from './time-to-empty.js';
export type { SuppliesEvents } from './supplies-service.js';
export type * from '../model/supply.js';

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

export interface Supplies extends FeatureModule {
  router: Router;
  /** Adds `timeToEmpty` to each press snapshot, observing its levels on the way (reconciliation, pre-alarms). */
  annotator: SnapshotAnnotator;
  service: SuppliesService;
  events: TypedEmitter<SuppliesEvents>;
  reconciler: Reconciler;
  timeToEmpty: TimeToEmptyTracker;
  repository: SupplyRepository;
  /** Feed a snapshot (levels, counters, speed, state); returns its time-to-empty figures. */
  observeSnapshot(snapshot: PressSnapshot): TimeToEmpty;
  /** Which channels of a press will run out within their pre-alarm threshold, as of the last snapshot (for the alarm engine). */
  emptySoon(pressId: string): EmptySoon;
  /**
   * Ink and paper a press used over [from, to] (a job's time): level drops and logged quantities
   * summed per unit of measure; null when this service records no levels.
   */
  usedBetween(pressId: string, from: number, to: number): SuppliesUsedBetween | null;
  /** Stops the reconciliation timer. */
  stop(): void;
}

export interface SuppliesUsedBetween {
  ink: { unit: number; color: string; levelUsed: number; logged: LoggedQuantity[] }[];
  paper: { pileUsed: number; pilesLoaded: number; logged: LoggedQuantity[] };
}

export type SuppliesModule = Supplies;

export function createSupplies(options: CreateSuppliesOptions): Supplies {
  migrate(options.db, suppliesMigrations);
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
  const lastTimeToEmpty = new Map<string, TimeToEmpty>();
  return {
    name: 'supplies',
    migrations: suppliesMigrations,
    routes: [router],
    openapi: async () => (await import('./supply-openapi.js')).supplyPaths,
    annotator: {
      observe(snapshot) {
        const timeToEmpty = service.observeSnapshot(snapshot);
        lastTimeToEmpty.set(snapshot.id, timeToEmpty);
        return { timeToEmpty };
      },
      current: (pressId) => ({ timeToEmpty: lastTimeToEmpty.get(pressId) }),
    },
    router,
    service,
    events,
    reconciler,
    timeToEmpty,
    repository,
    observeSnapshot: (snapshot) => service.observeSnapshot(snapshot),
    emptySoon: (pressId) => timeToEmpty.emptySoon(pressId),
    usedBetween(pressId, from, to) {
      if (!options.history) return null;
      const report = service.consumption(pressId, from, to);
      const logged = new Map<string, number>();
      let pileUsed = 0;
      let pilesLoaded = 0;
      for (const shift of report.paper.shifts) {
        pileUsed += shift.pileUsed;
        pilesLoaded += shift.pilesLoaded;
        for (const q of shift.logged) logged.set(q.uom, (logged.get(q.uom) ?? 0) + q.quantity);
      }
      return {
        ink: report.ink.map((i) => ({ unit: i.unit, color: i.color, levelUsed: i.levelUsed, logged: i.logged })),
        paper: { pileUsed, pilesLoaded, logged: [...logged].map(([uom, quantity]) => ({ uom, quantity })) },
      };
    },
    stop: () => service.stop(),
  };
}
