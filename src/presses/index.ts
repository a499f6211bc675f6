/**
 * The presses feature: one Modbus bus per physical link, the poller, the live press state
 * (run state and stop cause, counters, levels, comm health), its stored transitions and
 * counters, and the /api/presses routes. Other features observe it through `events` and
 * `onHealth`, and read it through `readModel`; nothing reaches into it.
 */
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { ModbusBus } from '../../drivers/master/modbus-bus.js';
import type { LinkOptions } from '../../drivers/master/bus-options.js';
import type { ResolvedPress } from '../model/plant.js';
import type { BusConfig } from '../model/plant.js';
import type { FeatureModule } from '../http/feature-module.js';
import type { HealthPart } from '../model/health.js';
import { guardedReads } from '../http/auth-guard.js';
import type { PressReadModel } from '../http/ports.js';
import type { Clock } from '../lib/clock.js';
import { Poller } from '../poller/poller.js';
import type { PollerEvents } from '../poller/reading.js';
import type { DeferredWrites } from '../store/deferred-writes.js';
import type { StoreDatabase } from '../store/database.js';
import { migrate } from '../store/migrate.js';
import { CountersRepository } from './counters-repository.js';
import { pressHealthFindings } from './health-findings.js';
import { pressMetrics } from './press-metrics.js';
import { pressMigrations } from './press-migrations.js';
import { pressRoutes } from './press-routes.js';
import { PressService, type SnapshotAnnotator } from './press-service.js';
import { TransitionsRepository } from './transitions-repository.js';
import type { PressServiceEvents } from './events.js';

export type { PressServiceEvents, StateTransition, AlarmBits, CounterImplausible } from './events.js';
export type { SnapshotAnnotator } from './press-service.js';

export interface BusLink {
  link: LinkOptions;
  /** For display: host:port or serial path. */
  address: string;
}

export interface PressesModuleOptions {
  buses: readonly BusConfig[];
  presses: readonly ResolvedPress[];
  /** How a bus reaches its devices: the real link, or the built-in simulator's. */
  linkFor(bus: BusConfig, presses: ResolvedPress[]): Promise<BusLink>;
  db: StoreDatabase;
  /** Transitions and counters wait here while the database refuses writes. */
  deferred: DeferredWrites;
  clock: Clock;
  logger: Logger;
  /** Guard of the read routes (anonymous read or any session). */
  readGuard: RequestHandler;
  /** Days of run-state transitions kept. */
  transitionsDays: number;
  /** Stop alarms raised up to this long after a stop still name its cause (config `downtime.settleSeconds`); default 3 s. */
  stopSettleMs?: number;
  /**
   * Presses shown here but read elsewhere (a hub's remote presses): listed after the local ones
   * in `readModel` and GET /api/presses; their updates reach the dashboards from their own source.
   */
  remote?: PressReadModel;
}

export interface PressesModule extends FeatureModule {
  readonly readModel: PressReadModel;
  readonly transitions: TransitionsRepository;
  on<E extends keyof PressServiceEvents>(event: E, listener: PressServiceEvents[E]): () => void;
  onHealth(listener: PollerEvents['health']): () => void;
  /** See `SnapshotAnnotator`: adds derived fields (time to empty) to each snapshot before it is announced. */
  addAnnotator(annotator: SnapshotAnnotator): void;
  setActiveAlarms(pressId: string, count: number): void;
  health(): HealthPart;
}

const DAY_MS = 86_400_000;

export async function createPressesModule(options: PressesModuleOptions): Promise<PressesModule> {
  const { db, deferred, clock, logger } = options;
  migrate(db, pressMigrations);
  const transitions = new TransitionsRepository(db);
  const counters = new CountersRepository(db);

  const buses = new Map<string, ModbusBus>();
  const addresses = new Map<string, string>();
  for (const busConfig of options.buses) {
    const presses = options.presses.filter((p) => p.bus === busConfig.id);
    const { link, address } = await options.linkFor(busConfig, presses);
    addresses.set(busConfig.id, address);
    const timeoutMs = busConfig.timeoutMs ?? Math.max(...presses.map((p) => p.polling.timeoutMs), 10);
    buses.set(
      busConfig.id,
      new ModbusBus({
        id: busConfig.id,
        link,
        timeoutMs,
        retries: busConfig.retries ?? 1,
        connectTimeoutMs: busConfig.kind === 'rtu' ? undefined : busConfig.connectTimeoutMs,
        logger: logger.child({ component: 'bus' }),
      }),
    );
  }
  const busKinds = new Map(options.buses.map((b) => [b.id, b.kind]));
  const timeScales = new Map(options.buses.map((b) => [b.id, b.simulate ? b.simulationTimeScale : 1]));

  const savedCounters = new Map(counters.all().map((c) => [c.pressId, c]));
  const service = new PressService({
    presses: options.presses.map((p) => ({
      id: p.id,
      name: p.name,
      // the press's own scan periods (profile defaults + its overrides): level ageing and the update rate follow them
      profile: { ...p.profile, polling: p.polling },
      ratedSpeed: p.ratedSpeed,
      stopSettleMs: options.stopSettleMs,
      timeScale: timeScales.get(p.bus) ?? 1,
      link: { kind: busKinds.get(p.bus)!, bus: p.bus, unitId: p.unitId, address: addresses.get(p.bus)! },
    })),
    restoreCounters: (pressId) => {
      const saved = savedCounters.get(pressId);
      return saved ? { counters: { total: saved.total, good: saved.good, waste: saved.waste }, lastRaw: saved.raw } : undefined;
    },
    // "time in state" goes on across a restart when the press is found in the state stored last
    restoreState: (pressId) => {
      const last = transitions.latest(pressId);
      return last ? { state: last.state, reason: last.reason, since: last.at } : undefined;
    },
    clock,
    logger: logger.child({ component: 'presses' }),
  });
  const poller = new Poller({
    presses: options.presses.map((p) => ({ pressId: p.id, unitId: p.unitId, profile: p.profile, reader: buses.get(p.bus)!, polling: p.polling })),
    clock,
    logger: logger.child({ component: 'poller' }),
  });
  service.attach(poller);

  // Machine writes go through the deferred queue: a refused write waits and is replayed in order.
  service.on('state:transition', (t) => {
    // a continued state is stored already (its transition from before the restart)
    if (t.continued) return;
    if (t.revisesStop) {
      deferred.run('revise stop cause', () => transitions.reviseStopCause({ pressId: t.pressId, at: t.fromSince, reason: t.reason, detail: t.detail }));
      return;
    }
    deferred.run('append transition', () => transitions.append({ pressId: t.pressId, at: t.at, state: t.to, reason: t.reason, detail: t.detail }));
  });
  service.on('counters:changed', (c) =>
    deferred.run(
      'save counters',
      () => counters.save({ pressId: c.pressId, total: c.counters.total, good: c.counters.good, waste: c.counters.waste, raw: c.lastRaw, updatedAt: c.at }),
      `counters:${c.pressId}`,
    ),
  );

  const remote = options.remote;
  const readModel: PressReadModel = remote
    ? { list: () => [...service.snapshots(), ...remote.list()], get: (id) => service.snapshot(id) ?? remote.get(id) }
    : { list: () => service.snapshots(), get: (id) => service.snapshot(id) };
  const retention = setInterval(() => {
    try {
      const purged = transitions.purgeOlderThan(clock.now() - options.transitionsDays * DAY_MS);
      logger.info({ transitions: purged }, 'retention purge');
    } catch (error) {
      logger.error({ err: error }, 'retention purge of transitions failed; will try again in an hour');
    }
  }, 3600_000);
  retention.unref();

  return {
    name: 'presses',
    migrations: pressMigrations,
    routes: [guardedReads('/presses', options.readGuard, pressRoutes({ presses: readModel, transitions, now: () => clock.now() }))],
    openapi: async () => (await import('./press-openapi.js')).pressPaths,
    readModel,
    transitions,
    on: (event, listener) => service.on(event, listener),
    onHealth: (listener) => poller.onHealth(listener),
    addAnnotator: (annotator) => service.addAnnotator(annotator),
    setActiveAlarms: (pressId, count) => service.setActiveAlarms(pressId, count),
    metrics: () => pressMetrics({ buses: [...buses.values()], snapshots: () => service.snapshots() }),
    health() {
      const snapshots = service.snapshots();
      const findings = pressHealthFindings(snapshots);
      return {
        reasons: findings.reasons,
        fields: {
          presses: { total: snapshots.length, online: snapshots.filter((s) => s.online).length },
          buses: [...buses.values()].map((bus) => ({
            id: bus.id,
            kind: busKinds.get(bus.id)!,
            connected: bus.connected,
            overrunning: findings.overrunningByBus.get(bus.id) ?? [],
          })),
        },
      };
    },
    async start() {
      for (const bus of buses.values()) bus.start();
      // Give the links a moment to come up so the first poll does not start with "offline".
      await Promise.all([...buses.values()].map((bus) => waitConnected(bus, 1000)));
      poller.start();
    },
    async stop() {
      clearInterval(retention);
      await poller.stop();
      service.stop();
      await Promise.all([...buses.values()].map((bus) => bus.stop()));
    },
  };
}

function waitConnected(bus: ModbusBus, timeoutMs: number): Promise<void> {
  if (bus.connected) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    const off = bus.once('connected', done);
    function done() {
      clearTimeout(timer);
      off();
      resolve();
    }
  });
}
