/**
 * The production feature: jobs (operator, MIS, detected from the counters), downtime events
 * with their causes, the shift calendar, OEE and downtime reports from rollups kept as events
 * happen, and the /api/jobs, /api/downtime and /api/reports routes. It observes the presses
 * through a small port and announces `job:updated` and `downtime:updated` on `events`, which
 * the composition root hands to socket.io.
 */
import { Router, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { FeatureModule } from '../http/feature-module.js';
import type { Clock } from '../lib/clock.js';
import { TypedEmitter } from '../lib/typed-emitter.js';
import type { AuditLog } from '../model/audit.js';
import type { PressSnapshot } from '../model/press-snapshot.js';
import type { ReliabilityRow } from '../model/production.js';
import type { RunState } from '../model/vocabulary.js';
import type { DeferredWrites } from '../store/deferred-writes.js';
import type { StoreDatabase } from '../store/database.js';
import { migrate } from '../store/migrate.js';
import { DowntimeRepository } from './downtime-repository.js';
import { JobRepository } from './job-repository.js';
import { createOeeReports } from './oee-report.js';
import { defaultDowntimeConfig, defaultShiftsConfig, type DowntimeConfig, type ShiftsConfig } from './production-config.js';
import { productionMigrations } from './production-migrations.js';
import { productionRoutes } from './production-routes.js';
import { createReliabilityReport, type ReliabilityQuery } from './reliability-report.js';
import { reportRoutes } from './report-routes.js';
import { ProductionService, type SuppliesUsedPort } from './production-service.js';
import { ProductionTracker, type ProductionEvents, type TransitionFact } from './production-tracker.js';
import { createReportAnswers } from './report-answers.js';
import { createReportTurns } from './report-turns.js';
import { RollupRepository } from './rollup-repository.js';
import { ShiftCalendar } from './shift-calendar.js';
import type { TransitionsPort } from './timeline-report.js';

export type { ProductionEvents } from './production-tracker.js';
export type { SuppliesUsed, SuppliesUsedPort } from './production-service.js';
export type { Job } from './job-repository.js';
export type { DowntimeEvent } from './downtime-repository.js';
export type { OeeRow } from './oee-report.js';
export type { ReliabilityQuery } from './reliability-report.js';
export { productionMigrations };

/** What production needs of the presses: their events and who they are. */
export interface ProductionPressPort {
  on(event: 'press:update', listener: (snapshot: PressSnapshot) => void): () => void;
  on(event: 'state:transition', listener: (transition: TransitionFact) => void): () => void;
}

export interface ProductionModuleOptions {
  db: StoreDatabase;
  deferred: DeferredWrites;
  audit: AuditLog;
  presses: readonly { id: string; name: string }[];
  ratedSpeedOf(pressId: string): number;
  /** The state each press was stored in last (the presses' transitions), to continue it. */
  restoreState(pressId: string): { state: RunState; since: number } | undefined;
  /** The presses' stored transitions, for the timeline report; absent: no timeline. */
  transitions?: TransitionsPort;
  shifts?: ShiftsConfig;
  downtime?: DowntimeConfig;
  /** Ink and paper a press used over a time (the supplies feature's consumption), for a job's figures; absent: not reported. */
  suppliesUsed?: SuppliesUsedPort;
  clock: Clock;
  logger: Logger;
  readGuard: RequestHandler;
}

export interface ProductionModule extends FeatureModule {
  readonly events: TypedEmitter<ProductionEvents>;
  readonly service: ProductionService;
  readonly calendar: ShiftCalendar;
  /** MTBF and MTTR per press and stop cause (docs/downtime.md). */
  reliability(query: ReliabilityQuery): ReliabilityRow[];
  /** Starts following the presses; returns the function that stops it. */
  observe(presses: ProductionPressPort): () => void;
}

/** The reads that take their turn (report-turns.ts), under /api. */
const REPORT_READS = new Set([
  '/reports/oee',
  '/reports/oee.csv',
  '/reports/downtime',
  '/reports/downtime.csv',
  '/reports/reliability',
  '/reports/reliability.csv',
  '/reports/timeline',
  '/reports/timeline.csv',
  '/jobs',
  '/jobs.csv',
  '/downtime',
  '/downtime.csv',
]);

export function createProductionModule(options: ProductionModuleOptions): ProductionModule {
  const { db, clock, logger } = options;
  migrate(db, productionMigrations);
  const now = () => clock.now();
  const calendar = new ShiftCalendar(options.shifts ?? defaultShiftsConfig);
  const downtimeConfig = options.downtime ?? defaultDowntimeConfig;
  const events = new TypedEmitter<ProductionEvents>((error, event) => logger.error({ err: error, event }, 'a production event listener threw'));
  const jobs = new JobRepository(db);
  const downtime = new DowntimeRepository(db);
  const rollups = new RollupRepository(db, calendar);
  const tracker = new ProductionTracker({
    presses: options.presses,
    jobs,
    downtime,
    rollups,
    calendar,
    reasons: downtimeConfig.reasons,
    deferred: options.deferred,
    events,
    logger,
    now,
    ratedSpeedOf: options.ratedSpeedOf,
    restoreState: options.restoreState,
  });
  const reports = createOeeReports({
    rollups,
    calendar,
    ratedSpeedOf: options.ratedSpeedOf,
    openStays: () => tracker.openStays(),
    jobs: (q) => jobs.list({ ...q, limit: 1000 }).map((job) => tracker.live(job)),
    now,
  });
  const service = new ProductionService({
    db,
    jobs,
    downtime,
    rollups,
    tracker,
    reports,
    audit: options.audit,
    reasons: downtimeConfig.reasons,
    uncodedAfterMinutes: downtimeConfig.uncodedAfterMinutes,
    pressIds: new Set(options.presses.map((p) => p.id)),
    now,
    onDowntimeCoded: (event) => events.emit('downtime:updated', event),
    onJobChanged: (job) => events.emit('job:updated', job),
    suppliesUsed: options.suppliesUsed,
    timeZone: calendar.timeZone,
  });
  // report answers are kept as sent until the rollups they read change (report-answers.ts); an
  // open event's cause (revised, coded) is read live, not from the rollups: announced changes too
  const answers = createReportAnswers({ now });
  rollups.onChanged = (from, to, growth) => answers.changed(from, to, growth);
  events.on('downtime:updated', (event) => answers.changed(event.from, event.to ?? Number.POSITIVE_INFINITY));
  // the report reads wait their turn on the event loop (report-turns.ts), after the read guard;
  // a middleware, not routes: the routes themselves stay in production-routes.ts
  const turns = createReportTurns();
  const reportTurns = Router();
  reportTurns.use((req, res, next) => {
    if (req.method !== 'GET' || !REPORT_READS.has(req.path)) return next();
    options.readGuard(req, res, (error?: unknown) => {
      if (error !== undefined) return next(error);
      try {
        turns.middleware(req, res, next);
      } catch (refused) {
        next(refused);
      }
    });
  });
  const reliability = createReliabilityReport({
    db,
    presses: options.presses,
    runMsByPress: (q) => {
      const runMs = new Map<string, number>();
      for (const row of service.oee({ ...q, groupBy: 'day' })) runMs.set(row.pressId, (runMs.get(row.pressId) ?? 0) + row.runMs);
      return runMs;
    },
    now,
  });
  return {
    name: 'production',
    migrations: productionMigrations,
    routes: [
      reportTurns,
      productionRoutes({ service, readGuard: options.readGuard, now, answers }),
      reportRoutes({
        calendar,
        reliability,
        listJobs: (q) => service.listJobs(q),
        listDowntime: (q) => service.listDowntime(q),
        jobWithSupplies: (ref) => service.jobWithSupplies(ref),
        transitions: options.transitions,
        pressIds: options.presses.map((p) => p.id),
        startOfDay: (t) => service.startOfDay(t),
        readGuard: options.readGuard,
        now,
      }),
    ],
    openapi: async () => ({ ...(await import('./production-openapi.js')).productionPaths, ...(await import('./report-openapi.js')).reportPaths }),
    events,
    service,
    calendar,
    reliability,
    observe(presses) {
      const offs = [presses.on('state:transition', (t) => tracker.onTransition(t)), presses.on('press:update', (s) => tracker.onSnapshot(s))];
      return () => offs.forEach((off) => off());
    },
  };
}
