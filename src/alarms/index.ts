/**
 * The alarms feature (ISA-18.2): conditions from alarm bits, levels, time-to-empty and comm
 * health; raise, clear, acknowledge, shelve, suppress by design; the persisted list and
 * journal; the /api/alarms routes. It observes the presses through a small port and tells
 * them how many alarms each has active.
 */
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { ResolvedPress } from '../model/plant.js';
import type { FeatureModule } from '../http/feature-module.js';
import { guardedReads } from '../http/auth-guard.js';
import type { Clock } from '../lib/clock.js';
import type { AlarmPriority } from '../model/alarm-view.js';
import type { AuditLog } from '../model/audit.js';
import type { PressSnapshot } from '../model/press-snapshot.js';
import type { RunState } from '../model/vocabulary.js';
import type { DeferredWrites } from '../store/deferred-writes.js';
import type { StoreDatabase } from '../store/database.js';
import { migrate } from '../store/migrate.js';
import { alarmConfigFromProfile } from './alarm-config.js';
import { AlarmEngine, type LevelUpdate } from './alarm-engine.js';
import { alarmMigrations } from './alarm-migrations.js';
import { AlarmRepository } from './alarm-repository.js';
import { alarmMetrics } from './alarm-metrics.js';
import { alarmRoutes, type AlarmPort } from './alarm-routes.js';
import { AlarmService } from './alarm-service.js';
import { ChangedInputs } from './changed-inputs.js';

export type { AlarmEvent } from './alarm-types.js';

/** What the alarms need of the presses: their events, and a place to put the active count. */
export interface PressEventsPort {
  on(event: 'press:update', listener: (snapshot: PressSnapshot) => void): () => void;
  on(event: 'alarm-bits', listener: (event: { pressId: string; at: number; bits: Record<string, boolean> }) => void): () => void;
  on(event: 'state:transition', listener: (transition: { pressId: string; at: number; to: RunState }) => void): () => void;
  on(event: 'counter:implausible', listener: (event: { pressId: string; at: number }) => void): () => void;
  onHealth(listener: (health: { pressId: string; online: boolean }) => void): () => void;
  setActiveAlarms(pressId: string, count: number): void;
}

export interface AlarmsModuleOptions {
  db: StoreDatabase;
  presses: readonly Pick<ResolvedPress, 'id' | 'profile' | 'alarms' | 'levelAlarms'>[];
  /** Repeat-notification interval per priority (config `alarms.renotifyMinutes`). */
  renotifyMs: Partial<Record<AlarmPriority, number>>;
  emptySoonPriority: AlarmPriority;
  /** Which channels of a press will run out within their pre-alarm threshold (the supplies feature decides). */
  emptySoon(pressId: string): LevelUpdate['emptySoon'];
  deferred: DeferredWrites;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  readGuard: RequestHandler;
}

export interface AlarmsModule extends FeatureModule {
  readonly service: AlarmService;
  /** Starts observing the presses; returns the function that stops it. */
  observe(presses: PressEventsPort): () => void;
}

export function createAlarmsModule(options: AlarmsModuleOptions): AlarmsModule {
  const { db, clock, logger } = options;
  const now = () => clock.now();
  migrate(db, alarmMigrations);
  const engine = new AlarmEngine({ clock, logger, renotifyMs: options.renotifyMs });
  for (const press of options.presses) {
    engine.configurePress(
      press.id,
      alarmConfigFromProfile(press.profile, { alarms: press.alarms, levelAlarms: press.levelAlarms }, { emptySoonPriority: options.emptySoonPriority }),
    );
  }
  const repository = new AlarmRepository(db);
  // Machine writes the database refuses wait in the queue the run-state transitions use, so both replay in one order.
  const service = new AlarmService({ engine, repository, logger, now, deferredWrites: options.deferred });
  const port: AlarmPort = {
    list: () => service.list(),
    chatter: () => engine.chatterReport(),
    history: (filters) => repository.listAlarms(filters),
    journal: (filters) => repository.journal(filters),
    journalCsv: (filters) => repository.exportJournalCsv(filters),
    acknowledge: (id, command, alsoCommit) => service.acknowledge(id, command, alsoCommit),
    shelve: (id, command, alsoCommit) => service.shelve(id, command, alsoCommit),
    unshelve: (id, command, alsoCommit) => service.unshelve(id, command, alsoCommit),
  };

  return {
    name: 'alarms',
    migrations: alarmMigrations,
    routes: [guardedReads('/alarms', options.readGuard, alarmRoutes({ alarms: port, audit: options.audit }))],
    metrics: () => alarmMetrics(() => service.list()),
    openapi: async () => (await import('./alarm-openapi.js')).alarmPaths,
    service,
    observe(presses) {
      // Repeats of an input change nothing in the engine: only changes go in (see changed-inputs.ts).
      const inputs = new ChangedInputs();
      const offs = [
        presses.on('press:update', (snapshot) => {
          // level alarms and the time-to-empty pre-alarms (decided by the supplies feature for this same snapshot) in one batch
          const levels = inputs.changedLevels(snapshot, options.emptySoon(snapshot.id));
          if (levels) service.updateLevels(snapshot.id, snapshot.updatedAt, levels);
        }),
        presses.on('alarm-bits', (event) => {
          const bits = inputs.changedBits(event.pressId, event.bits);
          if (bits) service.updateBits(event.pressId, event.at, bits);
        }),
        presses.on('state:transition', (t) => service.updateRunState(t.pressId, t.at, t.to)),
        presses.on('counter:implausible', (event) => service.counterImplausible(event.pressId, event.at)),
        presses.onHealth((h) => {
          if (inputs.onlineChanged(h.pressId, h.online)) service.updateComm(h.pressId, now(), h.online);
        }),
        service.on('alarm', (event) => presses.setActiveAlarms(event.alarm.pressId, service.activeCount(event.alarm.pressId))),
      ];
      return () => offs.forEach((off) => off());
    },
    start() {
      const { restored } = service.start();
      if (restored > 0) logger.info({ restored }, 'alarm list restored');
    },
    stop: () => service.stop(),
  };
}
