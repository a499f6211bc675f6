/**
 * The recording feature: turns live snapshots into stored samples (change, deadband and
 * heartbeat filtered, batched), serves their trends (GET /api/presses/:id/history), and keeps
 * them for `retention.samplesDays`.
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
import { createHistoryReadModel } from './history-read-model.js';
import { historyRoutes } from './history-routes.js';
import { recordingMigrations } from './recording-migrations.js';
import { createSampleRecorder } from './sample-recorder.js';
import { SamplesRepository } from './samples-repository.js';

export interface RecordingModuleOptions {
  db: StoreDatabase;
  presses: Pick<PressReadModel, 'get'>;
  ratedSpeedOf(pressId: string): number;
  clock: Clock;
  logger: Logger;
  readGuard: RequestHandler;
  samplesDays: number;
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
  const recorder = createSampleRecorder({ samples, logger: logger.child({ component: 'recorder' }), ratedSpeedOf: options.ratedSpeedOf });
  const retention = setInterval(() => {
    try {
      const purged = samples.purgeOlderThan(clock.now() - options.samplesDays * DAY_MS);
      logger.info({ samples: purged }, 'retention purge');
    } catch (error) {
      logger.error({ err: error }, 'retention purge of samples failed; will try again in an hour');
    }
  }, 3600_000);
  retention.unref();

  return {
    name: 'recording',
    migrations: recordingMigrations,
    routes: [guardedReads('/presses', options.readGuard, historyRoutes({ presses: options.presses, history: createHistoryReadModel(samples), now: () => clock.now() }))],
    samples,
    record: (snapshot) => recorder.record(snapshot),
    health: () => ({
      store: {
        ...(recorder.pending() > BEHIND_AFTER ? { error: 'sample recording is behind' } : {}),
        pending: { samples: recorder.pending() },
        dropped: { samples: recorder.dropped() },
      },
    }),
    stop() {
      clearInterval(retention);
      recorder.stop();
    },
  };
}
