import type { Logger } from 'pino';
import { openDatabase, type StoreDatabase } from './database.js';
import { migrate, type Migration } from './migrate.js';
import { coreMigrations } from './migrations/core.js';
import { CountersRepository } from './counters-repository.js';
import { SamplesRepository } from './samples-repository.js';
import { TransitionsRepository } from './transitions-repository.js';

export { StoreError, isStoreError, type StoreErrorKind } from './errors.js';
export { openDatabase, type OpenDatabaseOptions, type StoreDatabase } from './database.js';
export { migrate, appliedMigrations, type Migration } from './migrate.js';
export { coreMigrations } from './migrations/core.js';
export { CountersRepository, type PressCounterState } from './counters-repository.js';
export {
  SamplesRepository,
  type Sample,
  type StoredSampleKey,
  type InsertSamplesOptions,
  type HistoryQuery,
  type SampleHistory,
  type SampleBucket,
  type SamplePoint,
} from './samples-repository.js';
export { TransitionsRepository, type RunStateTransition, type StoredRunStateTransition } from './transitions-repository.js';
export {
  createSampleFilter,
  defaultSignalPolicy,
  type SampleFilter,
  type SampleFilterOptions,
  type SignalPolicy,
  type FilterReading,
} from './sample-filter.js';

export interface OpenStoreOptions {
  dataDir: string;
  /** Defaults to 'pressroom.db'. */
  fileName?: string;
  logger?: Logger;
  busyTimeoutMs?: number;
  /** More migration sets (alarms, supplies, users …), applied after the core set, in order. */
  migrations?: readonly (readonly Migration[])[];
}

export interface PurgeResult {
  samples: number;
  transitions: number;
}

/** The database and its repositories, opened and migrated. One per process. */
export interface Store {
  readonly database: StoreDatabase;
  readonly transitions: TransitionsRepository;
  readonly samples: SamplesRepository;
  readonly counters: CountersRepository;
  /**
   * Retention: delete samples and transitions older than `cutoff` (ms since epoch), keeping per
   * series and per press the last row before it. The caller runs this periodically, e.g. hourly
   * with `cutoff = now - retentionDays * 86_400_000`.
   */
  purgeOlderThan(cutoff: number): PurgeResult;
  close(): void;
}

export function openStore(options: OpenStoreOptions): Store {
  const database = openDatabase(options);
  try {
    migrate(database, [...coreMigrations, ...(options.migrations ?? []).flat()]);
    const transitions = new TransitionsRepository(database);
    const samples = new SamplesRepository(database);
    const counters = new CountersRepository(database);
    return {
      database,
      transitions,
      samples,
      counters,
      purgeOlderThan(cutoff) {
        const result = { samples: samples.purgeOlderThan(cutoff), transitions: transitions.purgeOlderThan(cutoff) };
        database.logger.info({ cutoff, ...result }, 'retention purge');
        return result;
      },
      close() {
        database.close();
      },
    };
  } catch (error) {
    database.close();
    throw error;
  }
}
