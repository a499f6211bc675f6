import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, StoreError } from '../../src/store/index.js';
import { makeTempDir } from './temp-store.js';

let temp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  temp = makeTempDir();
});
afterEach(() => temp.cleanup());

const DAY = 86_400_000;
const now = Date.UTC(2025, 5, 1);

describe('openStore', () => {
  it('opens a WAL database in the data folder with all repositories, and close() releases it', () => {
    const store = openStore({ dataDir: temp.dir });
    store.transitions.append({ pressId: 'sm52', at: now, state: 'production', reason: null, detail: null });
    expect(fs.existsSync(path.join(temp.dir, 'pressroom.db-wal'))).toBe(true);
    store.close();
    store.close(); // closing twice is harmless (shutdown paths may overlap)
    // A clean close checkpoints the WAL into the database file and removes it.
    expect(fs.existsSync(path.join(temp.dir, 'pressroom.db-wal'))).toBe(false);
  });

  it('purgeOlderThan applies retention to samples and transitions together', () => {
    const store = openStore({ dataDir: temp.dir });
    for (let day = 0; day < 10; day += 1) {
      const at = now - day * DAY;
      store.samples.insert({ pressId: 'sm52', signal: 'speed', at, value: 12_000 + day });
      store.transitions.append({ pressId: 'sm52', at, state: day % 2 ? 'idle' : 'production', reason: null, detail: null });
    }
    // Keep 7 days: rows of days 8 and 9 go; day 7 (at the cutoff) and the newest one before it stay.
    expect(store.purgeOlderThan(now - 7 * DAY)).toEqual({ samples: 1, transitions: 1 });
    expect(store.transitions.list({ pressId: 'sm52', from: 0, to: now })).toHaveLength(9);
    store.close();
  });

  it('closes the file again when a migration set fails, so the folder can be fixed and reopened', () => {
    const bad = [{ id: 'alarms-001', sql: 'CREATE TABLE alarms (' }];
    expect(() => openStore({ dataDir: temp.dir, migrations: [bad] })).toThrow(StoreError);
    const store = openStore({ dataDir: temp.dir });
    expect(store.transitions.latest('sm52')).toBeNull();
    store.close();
  });
});
