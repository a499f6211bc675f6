import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type StoreDatabase } from '../../src/store/database.js';
import { migrate } from '../../src/store/migrate.js';
import { alarmMigrations } from '../../src/alarms/alarm-migrations.js';

/** A real SQLite file in a fresh temp folder, with the alarm migrations applied. */
export function openAlarmDatabase(dir: string): StoreDatabase {
  const db = openDatabase({ dataDir: dir });
  migrate(db, alarmMigrations);
  return db;
}

export function makeTempDir(): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pressroom-alarms-'));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
