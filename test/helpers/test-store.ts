/**
 * The database with the tables of the presses and recording features and their repositories,
 * as the service opens them: a real SQLite file in `dataDir`.
 */
import { CountersRepository } from '../../src/presses/counters-repository.js';
import { pressMigrations } from '../../src/presses/press-migrations.js';
import { TransitionsRepository } from '../../src/presses/transitions-repository.js';
import { recordingMigrations } from '../../src/recording/recording-migrations.js';
import { rollupMigrations } from '../../src/recording/rollup-migrations.js';
import { SamplesRepository } from '../../src/recording/samples-repository.js';
import { migrate, openDatabase, type Migration, type OpenDatabaseOptions, type StoreDatabase } from '../../src/store/index.js';

export interface TestStore {
  readonly database: StoreDatabase;
  readonly transitions: TransitionsRepository;
  readonly samples: SamplesRepository;
  readonly counters: CountersRepository;
  close(): void;
}

/** `rollups: false` leaves out the rollup tables (a database from before they existed). */
export function openTestStore(options: OpenDatabaseOptions & { migrations?: readonly Migration[]; rollups?: boolean }): TestStore {
  const database = openDatabase(options);
  try {
    const recording = options.rollups === false ? recordingMigrations.filter((m) => !rollupMigrations.includes(m)) : recordingMigrations;
    migrate(database, [...pressMigrations, ...recording, ...(options.migrations ?? [])]);
    return {
      database,
      transitions: new TransitionsRepository(database),
      samples: new SamplesRepository(database),
      counters: new CountersRepository(database),
      close: () => database.close(),
    };
  } catch (error) {
    database.close();
    throw error;
  }
}
