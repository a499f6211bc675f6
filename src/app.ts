/**
 * The composition root: lists the feature modules, wires their ports, mounts their routes and
 * starts them in order. It is not on the data path: a register value goes bus → poller →
 * presses → (supplies annotate; alarms, recording observe) → realtime without passing here.
 * See docs/architecture.md.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Simulation } from '../simulators/simulation.js';
import { createAlarmsModule } from './alarms/index.js';
import type { ResolvedConfig } from './config/load.js';
import {
  preAlarmMinutesFromConfig,
  renotifyMsFromConfig,
  shiftCalendarFromConfig,
  suppliesSettingsFromConfig,
  timeScaleFromConfig,
} from './config/settings-from-config.js';
import type { FeatureModule } from './http/feature-module.js';
import type { AlarmView } from './model/alarm-view.js';
import { createHealthModule } from './health/index.js';
import { requireReader } from './http/auth-guard.js';
import { createHostCheck, guardHostHeader } from './http/host-guard.js';
import { answerParserErrors } from './http/client-error.js';
import { createHttpApp } from './http/http-app.js';
import { openApiRoutes } from './http/openapi-routes.js';
import { statusPage } from './http/status-page.js';
import { systemClock, type Clock } from './lib/clock.js';
import { installRoot } from './lib/install-root.js';
import { createMetricsModule } from './metrics/index.js';
import { createNotifications } from './notifications/index.js';
import { createPressesModule } from './presses/index.js';
import { createProductionModule } from './production/index.js';
import { createRealtimeServer } from './realtime/realtime-server.js';
import { createRecordingModule } from './recording/index.js';
import { createSimulationModule } from './simulation/index.js';
import { createDeferredWrites, openDatabase, type StoreDatabase } from './store/index.js';
import { createSupplies, levelHistoryFromSamples } from './supplies/index.js';
import { createAuth } from './users/index.js';
import { createXjmfModule } from './xjmf/index.js';

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
  readonly database: StoreDatabase;
  readonly simulations: ReadonlyMap<string, Simulation>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function createApp(options: CreateAppOptions): Promise<PressroomApp> {
  const { config, logger } = options;
  const clock = options.clock ?? systemClock;
  const now = () => clock.now();
  const log = (component: string) => logger.child({ component });
  const readGuard = requireReader(config.access.anonymousRead);

  const db = openDatabase({ dataDir: config.dataDir, logger: log('store') });
  // Machine writes the database refuses (busy, read-only, full) wait here and replay in order:
  // run-state transitions, counters and alarm changes share the one queue.
  const deferred = createDeferredWrites({ logger: log('store') });

  const users = createAuth({ db, logger: log('auth'), now, env: options.env, print: options.print });
  const simulation = createSimulationModule({ presses: config.presses, audit: users.audit, logger });
  // Hub mode: every site's presses, read from the broker; listed beside this box's own (if any).
  let localAlarms: () => AlarmView[] = () => [];
  // MQTT.js costs ~22 MB of memory when loaded: only a box that speaks Sparkplug loads it.
  const sparkplugFeature = config.hub || config.sparkplug ? await import('./sparkplug/index.js') : undefined;
  const hub = config.hub && sparkplugFeature?.createHubModule({ config: config.hub, localAlarms: () => localAlarms(), readGuard, clock, logger: log('hub') });
  const presses = await createPressesModule({
    buses: config.buses,
    presses: config.presses,
    linkFor: (bus, busPresses) => simulation.linkFor(bus, busPresses),
    db,
    deferred,
    clock,
    logger,
    readGuard,
    transitionsDays: config.retention.transitionsDays,
    stopSettleMs: Math.round(config.downtime.settleSeconds * 1000),
    remote: hub?.presses,
  });
  const shifts = shiftCalendarFromConfig(config);
  if (shifts.deprecated)
    log('config').warn(
      'supplies.shifts is read as the shift calendar; move it to the top-level `shifts:` (docs/production.md), where it also takes breaks, working days, holidays and a time zone',
    );
  const recording = createRecordingModule({
    db,
    presses: presses.readModel,
    ratedSpeedOf: (id) => presses.readModel.get(id)?.ratedSpeed ?? 10_000,
    clock,
    logger,
    readGuard,
    samplesDays: config.retention.samplesDays,
    hourRollupsDays: config.retention.hourRollupsDays,
  });
  const supplies = createSupplies({
    db,
    audit: users.audit,
    presses: presses.readModel,
    logger: log('supplies'),
    clock,
    history: levelHistoryFromSamples(recording.samples),
    anonymousRead: config.access.anonymousRead,
    settings: suppliesSettingsFromConfig(config.supplies, shifts.calendar),
    preAlarmMinutesFor: preAlarmMinutesFromConfig(config),
    timeScaleFor: timeScaleFromConfig(config),
  });
  const alarms = createAlarmsModule({
    db,
    presses: config.presses,
    renotifyMs: renotifyMsFromConfig(config.alarms),
    emptySoonPriority: config.supplies.preAlarm.priority,
    emptySoon: (pressId) => supplies.emptySoon(pressId),
    deferred,
    audit: users.audit,
    clock,
    logger: log('alarms'),
    readGuard,
  });
  const pressTimeScale = timeScaleFromConfig(config);
  const production = createProductionModule({
    db,
    deferred,
    audit: users.audit,
    presses: config.presses.map((p) => ({ id: p.id, name: p.name })),
    // a simulated press runs `simulationTimeScale` times faster than the wall clock that times its run
    ratedSpeedOf: (id) => (presses.readModel.get(id)?.ratedSpeed ?? 10_000) * pressTimeScale(id),
    restoreState: (pressId) => {
      const last = presses.transitions.latest(pressId);
      return last ? { state: last.state, since: last.at } : undefined;
    },
    transitions: presses.transitions,
    shifts: shifts.calendar,
    downtime: config.downtime,
    suppliesUsed: (pressId, from, to) => supplies.usedBetween(pressId, from, to),
    clock,
    logger: log('production'),
    readGuard,
  });
  const notifications = createNotifications({
    db,
    webhooks: config.notifications.webhooks,
    logger: log('notifications'),
    clock,
    pressInfo: (id) => presses.readModel.get(id),
  });

  const xjmf = createXjmfModule({
    db,
    config: config.xjmf,
    anonymousRead: config.access.anonymousRead,
    clock,
    logger: log('xjmf'),
    presses: presses.readModel,
    devices: config.presses.map((p) => ({ id: p.id, name: p.name, vendor: p.profile.vendor, model: p.profile.model, ratedSpeed: p.ratedSpeed })),
    // the MIS's jobs join the queue the tablet shows, through the production service (POST /api/jobs semantics)
    jobs: {
      list: (query) => production.service.listJobs(query),
      submit: (input, by) => production.service.createJob({ ...input, source: 'mis' }, { userId: null, username: `xjmf:${by.tokenName}`, ip: by.ip }),
    },
    audit: users.audit,
  });

  // The live path: each snapshot leaves the presses once, annotated with its time to empty.
  presses.addAnnotator(supplies.annotator);
  alarms.observe(presses);
  production.observe(presses);
  presses.on('press:update', (snapshot) => recording.record(snapshot));
  notifications.attach(alarms.service);
  xjmf.observe({
    onPressUpdate: (listener) => presses.on('press:update', listener),
    onStateTransition: (listener) => presses.on('state:transition', listener),
    onJobChanged: (listener) => production.events.on('job:updated', listener),
    onAlarm: (listener) => alarms.service.on('alarm', listener),
    onSupplyLogged: (listener) => supplies.events.on('supply:logged', listener),
  });
  localAlarms = () => alarms.service.list();

  // Sparkplug B edge node: each press update leaves by exception to the plant's broker (or its queue).
  const sparkplug =
    config.sparkplug &&
    sparkplugFeature?.createSparkplugModule({
      config: config.sparkplug,
      db,
      pressIds: config.presses.map((p) => p.id),
      snapshot: (id) => presses.readModel.get(id),
      listAlarms: (pressId) => alarms.service.list(pressId),
      runningJobs: () => production.service.listJobs({ state: 'running' }),
      clock,
      logger: log('sparkplug'),
    });
  sparkplug?.observe({
    onPressUpdate: (listener) => presses.on('press:update', listener),
    onAlarm: (listener) => alarms.service.on('alarm', listener),
    onJobChanged: (listener) => production.events.on('job:updated', listener),
  });

  let realtimeClients = () => 0;
  const health = createHealthModule({
    version: VERSION,
    now,
    parts: [
      () => presses.health(),
      () => ({ store: { error: deferred.trouble(), pending: { writes: deferred.pending() }, dropped: { writes: deferred.dropped() } } }),
      () => recording.health(),
      () => ({ fields: { realtimeClients: realtimeClients() } }),
      () => notifications.health(),
      () => xjmf.health(),
      () => sparkplug?.health() ?? {},
      () => hub?.health() ?? {},
    ],
  });

  // Started in this order, stopped in reverse: the presses poll last, once everything observes them.
  // The hub's routes come before the alarms' (it answers the live list and refuses remote acks); the
  // edge node starts before the presses poll, so their first updates find it.
  const features: FeatureModule[] = [
    health,
    users,
    simulation,
    recording,
    supplies,
    ...(hub ? [hub] : []),
    alarms,
    production,
    notifications,
    xjmf,
    ...(sparkplug ? [sparkplug] : []),
    presses,
  ];
  // each feature says what it counts; the metrics feature serves it at GET /metrics
  const metrics = await createMetricsModule({
    config: config.metrics,
    modules: features,
    db,
    extra: [{ kind: 'gauge', name: 'pressroom_realtime_clients', help: 'Dashboards connected over socket.io', read: () => [{ value: realtimeClients() }] }],
  });
  const modules: FeatureModule[] = [metrics, ...features];
  // GET /api/openapi.json: what each module says about its routes, rendered once when first asked
  const apiReference = openApiRoutes({
    document: async () => {
      const [{ createOpenApiDocument }, { openApiPaths }, paths] = await Promise.all([
        import('./http/openapi-document.js'),
        import('./http/openapi-reference-paths.js'),
        Promise.all(modules.map((module) => module.openapi?.())),
      ]);
      return createOpenApiDocument({ version: VERSION, paths: [...paths, openApiPaths] });
    },
  });
  const httpServer = createServer(
    createHttpApp({
      logger: log('http'),
      before: [users.sessionMiddleware],
      apiRouters: [...modules.flatMap((module) => module.routes), apiReference],
      rootRouters: modules.flatMap((module) => module.rootRoutes ?? []),
      staticDir: options.staticDir ?? path.join(installRoot, 'dashboard', 'dist'),
      fallbackPage: statusPage(),
    }),
  );
  answerParserErrors(httpServer);
  const realtime = createRealtimeServer({
    httpServer,
    presses: presses.readModel,
    activeAlarms: () => (hub ? [...alarms.service.list(), ...hub.alarms()] : alarms.service.list()),
    logger: log('realtime'),
    now,
    authorize: (req) => config.access.anonymousRead || users.userFromCookieHeader(req.headers.cookie) !== undefined,
    // a wall screen needs no session; any other socket lives only as long as its session
    stillAuthorized: config.access.anonymousRead ? undefined : (req) => users.userFromCookieHeader(req.headers.cookie) !== undefined,
    maxConnectionsPerAddress: config.server.maxSocketsPerAddress,
  });
  // last: it wraps the listeners socket.io has just put on the server (see host-guard.ts)
  guardHostHeader({ server: httpServer, allowed: createHostCheck({ allowedHosts: config.server.allowedHosts, now }), logger: log('http') });
  realtimeClients = () => realtime.connectedClients();
  presses.on('press:update', (snapshot) => realtime.pressUpdated(snapshot));
  alarms.service.on('alarm', (event) => realtime.alarmEvent(`alarm:${event.type}`, event.alarm));
  hub?.events.on('press:update', (snapshot) => realtime.pressUpdated(snapshot));
  hub?.events.on('alarm', (event) => realtime.alarmEvent(`alarm:${event.type}`, event.alarm));
  supplies.events.on('supply:logged', (entry) => realtime.emit('supply:logged', entry));
  supplies.events.on('supplies:pre-alarm', (preAlarm) => realtime.emit('supplies:pre-alarm', preAlarm));
  production.events.on('job:updated', (job) => realtime.emit('job:updated', job));
  production.events.on('downtime:updated', (event) => realtime.emit('downtime:updated', event));

  let port = 0;
  return {
    get url() {
      return `http://localhost:${port}/`;
    },
    get port() {
      return port;
    },
    database: db,
    simulations: simulation.simulations,
    async start() {
      for (const module of modules) await module.start?.();
      await new Promise<void>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(config.server.port, config.server.host, () => {
          httpServer.off('error', reject);
          resolve();
        });
      });
      port = (httpServer.address() as AddressInfo).port;
      logger.info({ port, presses: config.presses.length, buses: config.buses.length, dataDir: config.dataDir }, 'pressroom started');
    },
    async stop() {
      try {
        for (const module of [...modules].reverse()) {
          // the HTTP side closes once the presses stop polling and before the database goes
          if (module === recording) await closeHttp();
          try {
            await module.stop?.();
          } catch (error) {
            logger.error({ err: error, module: module.name }, 'a module failed to stop; stopping the others');
          }
        }
      } finally {
        // whatever failed above, the database is closed (its WAL checkpointed, the -shm removed)
        deferred.stop();
        db.close();
      }
    },
  };

  async function closeHttp(): Promise<void> {
    await realtime.close();
    httpServer.closeAllConnections();
    await new Promise<void>((resolve) => httpServer.close(() => resolve()));
  }
}
