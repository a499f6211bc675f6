/**
 * The recording feature: turns live snapshots into stored samples (change, deadband and
 * heartbeat filtered, batched) with minute and hour rollups kept in the same transaction,
 * serves their trends (GET /api/presses/:id/history) from worker threads with their own
 * read-only connection, a few reads per client at a time, and keeps samples and minute
 * rollups for `retention.samplesDays`, hour rollups for `retention.hourRollupsDays`.
 */
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { FeatureModule } from '../http/feature-module.js';
import type { HealthPart } from '../model/health.js';
import { guardedReads } from '../http/auth-guard.js';
import type { PressReadModel } from '../http/ports.js';
import type { Clock } from '../lib/clock.js';
import type { PressSnapshot } from '../model/press-snapshot.js';
import type { StoreDatabase } from '../store/database.js';
import { migrate } from '../store/migrate.js';
import { createHistoryReadGate } from './history-read-gate.js';
import { createHistoryReadModel } from './history-read-model.js';
import { createHistoryWorkerPool } from './history-worker-pool.js';
import { historyRoutes } from './history-routes.js';
import { recordingMigrations } from './recording-migrations.js';
import { createSampleRecorder } from './sample-recorder.js';
import { SampleRollups } from './sample-rollups.js';
import { SamplesRepository } from './samples-repository.js';

export interface RecordingModuleOptions {
  db: StoreDatabase;
  presses: Pick<PressReadModel, 'get'>;
  ratedSpeedOf(pressId: string): number;
  clock: Clock;
  logger: Logger;
  readGuard: RequestHandler;
  samplesDays: number;
  /** Days hour rollups are kept (at least as long as the samples): a year's trend outlives its samples. */
  hourRollupsDays: number;
}

export interface RecordingModule extends FeatureModule {
  /** Offers every signal of a snapshot to the sample filter (wire it to `press:update`). */
  record(snapshot: PressSnapshot): void;
  readonly samples: SamplesRepository;
  health(): HealthPart;
}

/** Samples waiting past this many make the health status degraded. */
const BEHIND_AFTER = 10_000;
const DAY_MS = 86_400_000;

export function createRecordingModule(options: RecordingModuleOptions): RecordingModule {
  const { db, clock, logger } = options;
  migrate(db, recordingMigrations);
  const samples = new SamplesRepository(db);
  const historyPool = createHistoryWorkerPool({ databasePath: db.path, logger: logger.child({ component: 'history' }) });
  const historyGate = createHistoryReadGate();
  const recorder = createSampleRecorder({
    store: { database: db, samples },
    logger: logger.child({ component: 'recorder' }),
    ratedSpeedOf: options.ratedSpeedOf,
    onStored: (oldestBySeries) => historyPool.samplesStored(oldestBySeries),
  });
  const rollups = new SampleRollups({ database: db, samples });
  const retention = setInterval(() => {
    try {
      const samplesCutoff = clock.now() - options.samplesDays * DAY_MS;
      const purged = samples.purgeOlderThan(samplesCutoff);
      let purgedRollups;
      try {
        purgedRollups = rollups.purge({
          minutesBefore: samplesCutoff,
          hoursBefore: clock.now() - Math.max(options.samplesDays, options.hourRollupsDays) * DAY_MS,
        });
      } finally {
        historyPool.rollupsPurged(); // the workers' cached buckets may hold purged rollups
      }
      logger.info({ samples: purged, rollups: purgedRollups }, 'retention purge');
    } catch (error) {
      logger.error({ err: error }, 'retention purge of samples failed; will try again in an hour');
    }
  }, 3600_000);
  retention.unref();

  return {
    name: 'recording',
    migrations: recordingMigrations,
    openapi: async () => (await import('./history-openapi.js')).historyPaths,
    routes: [
      guardedReads(
        '/presses',
        options.readGuard,
        historyRoutes({ presses: options.presses, history: createHistoryReadModel({ pool: historyPool, gate: historyGate }), now: () => clock.now() }),
      ),
    ],
    samples,
    record: (snapshot) => recorder.record(snapshot),
    health: () => {
      const pool = historyPool.stats();
      const gate = historyGate.load();
      return {
        // Trend reads: worker threads (ready, busy), reads queued for a worker, per-client turns, and since start answered, failed, refused (429/503).
        fields: {
          history: {
            workers: pool.workers,
            ready: pool.ready,
            busy: pool.busy,
            queued: pool.queued,
            running: gate.running,
            waiting: gate.waiting,
            answered: pool.answered,
            failed: pool.failed,
            refused: pool.refused,
          },
        },
        store: {
          ...(recorder.pending() > BEHIND_AFTER ? { error: 'sample recording is behind' } : {}),
          pending: { samples: recorder.pending() },
          dropped: { samples: recorder.dropped() },
        },
      };
    },
    async stop() {
      clearInterval(retention);
      await historyPool.close();
      recorder.stop();
    },
  };
}
