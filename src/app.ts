/**
 * The composition root: the one place that knows every part. It builds the buses (and
 * the simulators behind `simulate: true` buses), the poller, the press service, the store,
 * auth, and the HTTP and realtime layers, and wires their events together.
 */
import { Router, type RequestHandler } from 'express';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { ModbusBus } from '../drivers/master/modbus-bus.js';
import type { Simulation } from '../simulators/simulation.js';
import { linkForBus } from './app/simulated-buses.js';
import { createSimulationControl } from './app/simulation-control.js';
import { statusPage } from './app/status-page.js';
import type { ResolvedConfig } from './config/load.js';
import { systemClock, type Clock } from './domain/clock.js';
import { requireReader } from './http/auth-guard.js';
import { createHttpApp } from './http/http-app.js';
import { answerParserErrors } from './http/client-error.js';
import type { HealthReport } from './http/ports.js';
import { healthRoutes } from './http/routes/health.js';
import { pressRoutes } from './http/routes/presses.js';
import { simulationRoutes } from './http/routes/simulation.js';
import { Poller } from './poller/poller.js';
import { PressService } from './presses/press-service.js';
import { createRealtimeServer, type RealtimeServer } from './realtime/realtime-server.js';
import { createHistoryReadModel } from './recording/history-read-model.js';
import { createSampleRecorder } from './recording/sample-recorder.js';
import { createDeferredWrites } from './recording/deferred-writes.js';
import { openStore, type Store } from './store/index.js';
import { createAuth } from './users/create-auth.js';
import { AlarmEngine } from './alarms/alarm-engine.js';
import { AlarmService } from './alarms/alarm-service.js';
import { alarmConfigFromProfile } from './alarms/alarm-config.js';
import { AlarmRepository } from './store/alarm-repository.js';
import { alarmMigrations } from './store/migrations/alarms.js';
import { createSupplies, levelHistoryFromSamples, suppliesMigrations, type TimeToEmpty } from './supplies/index.js';
import { alarmRoutes, type AlarmPort } from './http/routes/alarms.js';
import { createEventLoopMonitor } from './app/event-loop-monitor.js';
import { pressHealthFindings } from './app/health-findings.js';
import { createNotifications, notificationsMigrations } from './notifications/index.js';
import { preAlarmMinutesFromConfig, renotifyMsFromConfig, suppliesSettingsFromConfig, timeScaleFromConfig } from './app/settings-from-config.js';
import type { PressSnapshot } from './domain/press-snapshot.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const VERSION = '0.1.0';

export interface CreateAppOptions {
  config: ResolvedConfig;
  logger: Logger;
  env?: Record<string, string | undefined>;
  clock?: Clock;
  /** Where one-time messages (a generated admin password) go; default stdout. */
  print?: (line: string) => void;
  staticDir?: string;
}

export interface PressroomApp {
  readonly url: string;
  readonly port: number;
  readonly store: Store;
  readonly simulations: ReadonlyMap<string, Simulation>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function createApp(options: CreateAppOptions): Promise<PressroomApp> {
  const { config, logger } = options;
  const clock = options.clock ?? systemClock;
  const now = () => clock.now();
  const startedAt = now();

  const store = openStore({ dataDir: config.dataDir, logger: logger.child({ component: 'store' }), migrations: [alarmMigrations, suppliesMigrations, notificationsMigrations] });
  const auth = createAuth({ db: store.database, logger: logger.child({ component: 'auth' }), now, env: options.env });
  await auth.bootstrapAdmin({ env: options.env, print: options.print ?? ((line) => console.log(line)) });

  const simulations = new Map<string, Simulation>();
  const buses = new Map<string, ModbusBus>();
  const addresses = new Map<string, string>();
  for (const busConfig of config.buses) {
    const presses = config.presses.filter((p) => p.bus === busConfig.id);
    const { link, address, simulation } = await linkForBus(busConfig, presses, logger);
    if (simulation) simulations.set(busConfig.id, simulation);
    addresses.set(busConfig.id, address);
    const timeoutMs = busConfig.timeoutMs ?? Math.max(...presses.map((p) => p.polling.timeoutMs), 10);
    buses.set(
      busConfig.id,
      new ModbusBus({ id: busConfig.id, link, timeoutMs, retries: busConfig.retries ?? 1, connectTimeoutMs: busConfig.kind === 'rtu' ? undefined : busConfig.connectTimeoutMs, logger: logger.child({ component: 'bus' }) }),
    );
  }

  const savedCounters = new Map(store.counters.all().map((c) => [c.pressId, c]));
  const pressService = new PressService({
    presses: config.presses.map((p) => ({
      id: p.id,
      name: p.name,
      profile: p.profile,
      ratedSpeed: p.ratedSpeed,
      link: { kind: config.buses.find((b) => b.id === p.bus)!.kind, bus: p.bus, unitId: p.unitId, address: addresses.get(p.bus)! },
    })),
    restoreCounters: (pressId) => {
      const saved = savedCounters.get(pressId);
      return saved ? { counters: { total: saved.total, good: saved.good, waste: saved.waste }, lastRaw: saved.raw } : undefined;
    },
    // "time in state" goes on across a restart when the press is found in the state stored last
    restoreState: (pressId) => {
      const last = store.transitions.latest(pressId);
      return last ? { state: last.state, reason: last.reason, since: last.at } : undefined;
    },
    clock,
    logger: logger.child({ component: 'presses' }),
  });
  const poller = new Poller({
    presses: config.presses.map((p) => ({ pressId: p.id, unitId: p.unitId, profile: p.profile, reader: buses.get(p.bus)!, polling: p.polling })),
    clock,
    logger: logger.child({ component: 'poller' }),
  });
  pressService.attach(poller);

  const alarmEngine = new AlarmEngine({ clock, logger: logger.child({ component: 'alarms' }), renotifyMs: renotifyMsFromConfig(config.alarms) });
  for (const press of config.presses) {
    alarmEngine.configurePress(press.id, alarmConfigFromProfile(press.profile, { alarms: press.alarms, levelAlarms: press.levelAlarms }, { emptySoonPriority: config.supplies.preAlarm.priority }));
  }
  // Machine writes the database refuses (busy, read-only, full) wait here and replay in order:
  // run-state transitions, counters and alarm changes share the one queue.
  const deferred = createDeferredWrites({ logger: logger.child({ component: 'store' }) });
  const alarmRepository = new AlarmRepository(store.database);
  const alarms = new AlarmService({ engine: alarmEngine, repository: alarmRepository, logger: logger.child({ component: 'alarms' }), now, deferredWrites: deferred });
  const notifications = createNotifications({
    db: store.database,
    webhooks: config.notifications.webhooks,
    logger: logger.child({ component: 'notifications' }),
    clock,
    pressInfo: (id) => pressService.snapshot(id),
  });
  notifications.attach(alarms);

  // Time-to-empty is computed from each update and served with the snapshot.
  const timeToEmpty = new Map<string, TimeToEmpty>();
  const decorate = (snapshot: PressSnapshot): PressSnapshot & { timeToEmpty?: TimeToEmpty } => ({ ...snapshot, timeToEmpty: timeToEmpty.get(snapshot.id) });
  const pressReadModel = {
    list: () => pressService.snapshots().map(decorate),
    get: (id: string) => {
      const snapshot = pressService.snapshot(id);
      return snapshot && decorate(snapshot);
    },
  };
  let realtimeRef: RealtimeServer | undefined;
  const supplies = createSupplies({
    db: store.database,
    audit: auth.audit,
    presses: pressReadModel,
    logger: logger.child({ component: 'supplies' }),
    clock,
    history: levelHistoryFromSamples(store.samples),
    anonymousRead: config.access.anonymousRead,
    settings: suppliesSettingsFromConfig(config.supplies),
    preAlarmMinutesFor: preAlarmMinutesFromConfig(config),
    timeScaleFor: timeScaleFromConfig(config),
    onLogged: (entry) => realtimeRef?.emit('supply:logged', entry),
  });
  supplies.events.on('supplies:pre-alarm', (preAlarm) => realtimeRef?.emit('supplies:pre-alarm', preAlarm));

  const ratedSpeeds = new Map(config.presses.map((p) => [p.id, p.ratedSpeed]));
  const recorder = createSampleRecorder({ store, logger: logger.child({ component: 'recorder' }), ratedSpeedOf: (id) => ratedSpeeds.get(id) ?? 10_000 });

  const eventLoop = createEventLoopMonitor();
  const health = (): HealthReport => {
    const snapshots = pressService.snapshots();
    const online = snapshots.filter((s) => s.online).length;
    const findings = pressHealthFindings(snapshots);
    const busList = [...buses.values()].map((bus) => ({
      id: bus.id,
      kind: config.buses.find((b) => b.id === bus.id)!.kind,
      connected: bus.connected,
      overrunning: findings.overrunningByBus.get(bus.id) ?? [],
    }));
    const storeError = deferred.trouble() ?? (recorder.pending() > 10_000 ? 'sample recording is behind' : undefined);
    const reasons = storeError === undefined ? findings.reasons : [...findings.reasons, `store: ${storeError}`];
    const ok = reasons.length === 0;
    const storeQueues = {
      pending: { writes: deferred.pending(), samples: recorder.pending() },
      dropped: { writes: deferred.dropped(), samples: recorder.dropped() },
    };
    return {
      status: ok ? 'ok' : 'degraded',
      version: VERSION,
      startedAt,
      uptimeS: Math.round((now() - startedAt) / 1000),
      presses: { total: snapshots.length, online },
      buses: busList,
      reasons,
      store: storeError ? { ok: false, error: storeError, ...storeQueues } : { ok: true, ...storeQueues },
      eventLoop: eventLoop.read(),
      realtimeClients: realtimeRef?.connectedClients() ?? 0,
      notifications: notifications.status(),
    };
  };

  const readers = requireReader(config.access.anonymousRead);
  const httpApp = createHttpApp({
    logger: logger.child({ component: 'http' }),
    before: [auth.sessionMiddleware],
    apiRouters: [
      healthRoutes({ health }),
      ...auth.routers,
      simulationRoutes({ control: createSimulationControl(config, simulations), audit: auth.audit }),
      guarded('/presses', readers, pressRoutes({ presses: pressReadModel, history: createHistoryReadModel(store), now })),
      guarded('/alarms', readers, alarmRoutes({ alarms: alarmPort(alarms, alarmRepository, alarmEngine), audit: auth.audit })),
      supplies.router,
    ],
    staticDir: options.staticDir ?? path.join(repoRoot, 'dashboard', 'dist'),
    fallbackPage: statusPage(),
  });
  const httpServer: Server = createServer(httpApp);
  answerParserErrors(httpServer);
  const realtime: RealtimeServer = createRealtimeServer({
    httpServer,
    presses: pressReadModel,
    activeAlarms: () => alarms.list(),
    logger: logger.child({ component: 'realtime' }),
    now,
    authorize: (req) => config.access.anonymousRead || auth.userFromCookieHeader(req.headers.cookie) !== undefined,
    // a wall screen needs no session; any other socket lives only as long as its session
    stillAuthorized: config.access.anonymousRead ? undefined : (req) => auth.userFromCookieHeader(req.headers.cookie) !== undefined,
  });

  realtimeRef = realtime;

  pressService.on('press:update', (snapshot) => {
    timeToEmpty.set(snapshot.id, supplies.observeSnapshot(snapshot));
    // Level alarms and the time-to-empty pre-alarms (decided by the supplies module just now) in one batch.
    alarms.updateLevels(snapshot.id, snapshot.updatedAt, {
      ink: snapshot.ink.map((i) => ({ unit: i.unit, level: i.quality === 'bad' ? null : i.level })),
      paper: snapshot.paper.quality === 'bad' ? null : snapshot.paper.level,
      emptySoon: supplies.emptySoon(snapshot.id),
    });
    realtime.pressUpdated(decorate(snapshot));
    recorder.record(snapshot);
  });
  pressService.on('alarm-bits', (event) => alarms.updateBits(event.pressId, event.at, event.bits));
  poller.onHealth((h) => alarms.updateComm(h.pressId, now(), h.online));
  alarms.on('alarm', (event) => {
    realtime.alarmEvent(`alarm:${event.type}`, event.alarm);
    pressService.setActiveAlarms(event.alarm.pressId, alarms.activeCount(event.alarm.pressId));
  });
  pressService.on('state:transition', (t) => alarms.updateRunState(t.pressId, t.at, t.to));
  pressService.on('state:transition', (t) => {
    // a continued state is stored already (its transition from before the restart)
    if (t.continued) return;
    deferred.run('append transition', () => store.transitions.append({ pressId: t.pressId, at: t.at, state: t.to, reason: t.reason, detail: t.detail }));
  });
  pressService.on('counters:changed', (c) =>
    deferred.run(
      'save counters',
      () => store.counters.save({ pressId: c.pressId, total: c.counters.total, good: c.counters.good, waste: c.counters.waste, raw: c.lastRaw, updatedAt: c.at }),
      `counters:${c.pressId}`,
    ),
  );

  const retention = setInterval(() => {
    try {
      const samples = store.samples.purgeOlderThan(now() - config.retention.samplesDays * 86_400_000);
      const transitions = store.transitions.purgeOlderThan(now() - config.retention.transitionsDays * 86_400_000);
      logger.info({ samples, transitions }, 'retention purge');
    } catch (error) {
      logger.error({ err: error }, 'retention purge failed; will try again in an hour');
    }
  }, 3600_000);
  retention.unref();

  let port = 0;
  return {
    get url() {
      return `http://localhost:${port}/`;
    },
    get port() {
      return port;
    },
    store,
    simulations,
    async start() {
      await new Promise<void>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(config.server.port, config.server.host, () => {
          httpServer.off('error', reject);
          resolve();
        });
      });
      port = (httpServer.address() as AddressInfo).port;
      const { restored } = alarms.start();
      if (restored > 0) logger.info({ restored }, 'alarm list restored');
      notifications.start();
      for (const bus of buses.values()) bus.start();
      // Give the links a moment to come up so the first poll does not start with "offline".
      await Promise.all([...buses.values()].map((bus) => waitConnected(bus, 1000)));
      poller.start();
      logger.info({ port, presses: config.presses.length, buses: buses.size, dataDir: config.dataDir }, 'pressroom started');
    },
    async stop() {
      clearInterval(retention);
      eventLoop.stop();
      await poller.stop();
      supplies.stop();
      alarms.stop();
      await notifications.stop();
      pressService.stop();
      await Promise.all([...buses.values()].map((bus) => bus.stop()));
      await Promise.all([...simulations.values()].map((sim) => sim.close()));
      await realtime.close();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      recorder.stop();
      deferred.stop();
      store.close();
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

function alarmPort(service: AlarmService, repository: AlarmRepository, engine: AlarmEngine): AlarmPort {
  return {
    list: () => service.list(),
    chatter: () => engine.chatterReport(),
    history: (filters) => repository.listAlarms(filters),
    journal: (filters) => repository.journal(filters),
    journalCsv: (filters) => repository.exportJournalCsv(filters),
    acknowledge: (id, command, alsoCommit) => service.acknowledge(id, command, alsoCommit),
    shelve: (id, command, alsoCommit) => service.shelve(id, command, alsoCommit),
    unshelve: (id, command, alsoCommit) => service.unshelve(id, command, alsoCommit),
  };
}

/**
 * Guards the read routes under `prefix` (anonymous read for wall screens, or any session).
 * Express matches a mount path by whole segments, so `use('/alarms')` alone leaves the
 * sibling `/alarms.csv` unguarded: the export is listed explicitly.
 */
function guarded(prefix: string, guard: RequestHandler, router: Router): Router {
  return Router().use([prefix, `${prefix}.csv`], guard).use(router);
}
