/**
 * The database with the tables of the presses and recording features and their repositories,
 * as the service opens them: a real SQLite file in `dataDir`.
 */
import { CountersRepository } from '../../src/presses/counters-repository.js';
import { pressMigrations } from '../../src/presses/press-migrations.js';
import { TransitionsRepository } from '../../src/presses/transitions-repository.js';
import { recordingMigrations } from '../../src/recording/recording-migrations.js';
import { SamplesRepository } from '../../src/recording/samples-repository.js';
import { migrate, openDatabase, type Migration, type OpenDatabaseOptions, type StoreDatabase } from '../../src/store/index.js';

export interface TestStore {
  readonly database: StoreDatabase;
  readonly transitions: TransitionsRepository;
  readonly samples: SamplesRepository;
  readonly counters: CountersRepository;
  close(): void;
}

export function openTestStore(options: OpenDatabaseOptions & { migrations?: readonly Migration[] }): TestStore {
  const database = openDatabase(options);
  try {
    migrate(database, [...pressMigrations, ...recordingMigrations, ...(options.migrations ?? [])]);
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
