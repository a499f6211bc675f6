import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/store/index.js';
import { openTestStore as openStore } from '../helpers/test-store.js';
import { makeTempDir } from './temp-store.js';

let temp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  temp = makeTempDir();
});
afterEach(() => temp.cleanup());

const now = Date.UTC(2025, 5, 1);

describe('the database with the presses and recording tables', () => {
  it('opens a WAL database in the data folder with all repositories, and close() releases it', () => {
    const store = openStore({ dataDir: temp.dir });
    store.transitions.append({ pressId: 'sm52', at: now, state: 'production', reason: null, detail: null });
    expect(fs.existsSync(path.join(temp.dir, 'pressroom.db-wal'))).toBe(true);
    store.close();
    store.close(); // closing twice is harmless (shutdown paths may overlap)
    // A clean close checkpoints the WAL into the database file and removes it.
    expect(fs.existsSync(path.join(temp.dir, 'pressroom.db-wal'))).toBe(false);
  });

  it('closes the file again when a migration set fails, so the folder can be fixed and reopened', () => {
    const bad = [{ id: 'alarms-001', sql: 'CREATE TABLE alarms (' }];
    expect(() => openStore({ dataDir: temp.dir, migrations: bad })).toThrow(StoreError);
    const store = openStore({ dataDir: temp.dir });
    expect(store.transitions.latest('sm52')).toBeNull();
    store.close();
  });
});
