import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type StoreDatabase } from '../../src/store/database.js';
import { StoreError } from '../../src/store/errors.js';
import { openTestStore as openStore, type TestStore as Store } from '../helpers/test-store.js';
import { immutableSupported, makeTempDir, setImmutable } from './temp-store.js';

let temp: ReturnType<typeof makeTempDir>;
const opened: { close(): void }[] = [];
beforeEach(() => {
  temp = makeTempDir();
});
afterEach(() => {
  for (const handle of opened.splice(0)) handle.close();
  temp.cleanup();
});

function open(options: { busyTimeoutMs?: number } = {}): Store {
  const store = openStore({ dataDir: temp.dir, ...options });
  opened.push(store);
  return store;
}

function catchStoreError(work: () => unknown): StoreError {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(StoreError);
    return error as StoreError;
  }
  throw new Error('expected a StoreError, nothing was thrown');
}

const idle = { pressId: 'p1', state: 'idle' as const, reason: null, detail: null };

describe('openDatabase', () => {
  it('creates a missing data folder and opens the file in WAL mode with NORMAL sync and foreign keys', () => {
    const dataDir = path.join(temp.dir, 'nested', 'data');
    const db: StoreDatabase = openDatabase({ dataDir });
    opened.push(db);
    expect(db.path).toBe(path.join(dataDir, 'pressroom.db'));
    expect(fs.existsSync(db.path)).toBe(true);
    expect(db.connection.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.connection.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    expect(db.connection.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.connection.pragma('busy_timeout', { simple: true })).toBe(250);
  });

  it('honours fileName and busyTimeoutMs', () => {
    const db = openDatabase({ dataDir: temp.dir, fileName: 'other.db', busyTimeoutMs: 250 });
    opened.push(db);
    expect(path.basename(db.path)).toBe('other.db');
    expect(db.connection.pragma('busy_timeout', { simple: true })).toBe(250);
  });
});

describe('durableWrite', () => {
  it('commits at synchronous=FULL and puts NORMAL back, even when the work throws', () => {
    const db = openDatabase({ dataDir: temp.dir });
    opened.push(db);
    db.connection.exec('CREATE TABLE supply_log (id INTEGER PRIMARY KEY, note TEXT NOT NULL)');
    const during = db.durableWrite('log supply', () => {
      db.connection.prepare('INSERT INTO supply_log (note) VALUES (?)').run('ink K, lot 42');
      return db.connection.pragma('synchronous', { simple: true });
    });
    expect(during).toBe(2); // FULL
    expect(db.connection.pragma('synchronous', { simple: true })).toBe(1);

    expect(() =>
      db.durableWrite('log supply', () => {
        db.connection.prepare('INSERT INTO supply_log (note) VALUES (?)').run('rolled back');
        throw new Error('operator cancelled');
      }),
    ).toThrow('operator cancelled');
    expect(db.connection.pragma('synchronous', { simple: true })).toBe(1);
    expect(db.connection.prepare('SELECT note FROM supply_log').pluck().all()).toEqual(['ink K, lot 42']);
  });

  it('is on disk after close and reopen', () => {
    let db = openDatabase({ dataDir: temp.dir });
    db.connection.exec('CREATE TABLE acknowledgements (alarm TEXT, by TEXT)');
    db.durableWrite('acknowledge alarm', () => db.connection.prepare('INSERT INTO acknowledgements VALUES (?, ?)').run('p1.jam', 'anna'));
    db.close();
    db = openDatabase({ dataDir: temp.dir });
    opened.push(db);
    expect(db.connection.prepare('SELECT alarm, by FROM acknowledgements').all()).toEqual([{ alarm: 'p1.jam', by: 'anna' }]);
  });

  it('refuses to run inside another transaction, whose commit would not be durable', () => {
    const db = openDatabase({ dataDir: temp.dir });
    opened.push(db);
    const error = catchStoreError(() => db.write('outer', () => db.durableWrite('inner', () => 1)));
    expect(error.kind).toBe('sql');
    expect(error.operation).toBe('inner');
  });
});

describe('StoreError kinds', () => {
  it.skipIf(!immutableSupported)('read-only: writing an immutable database file fails with kind read-only', () => {
    let store = open();
    store.transitions.append({ ...idle, at: 1 });
    store.close();
    setImmutable(path.join(temp.dir, 'pressroom.db'));

    store = open();
    expect(store.transitions.latest('p1')?.at).toBe(1); // reading still works
    const error = catchStoreError(() => store.transitions.append({ ...idle, at: 2 }));
    expect(error.kind).toBe('read-only');
    expect(error.code).toMatch(/^SQLITE_READONLY/);
    expect(error.operation).toBe('append transition of p1');
    expect(error.path).toBe(path.join(temp.dir, 'pressroom.db'));
  });

  it.skipIf(!immutableSupported)('read-only: a data folder that cannot be written fails at open with kind read-only', () => {
    open().close();
    setImmutable(path.join(temp.dir, 'pressroom.db'));
    setImmutable(temp.dir);
    const error = catchStoreError(() => open());
    expect(error.kind).toBe('read-only');
    expect(error.message).toContain('cannot write the data folder');
  });

  it('busy: a write fails with kind busy when another connection holds the lock past the timeout', () => {
    const store = open({ busyTimeoutMs: 50 });
    const other = new Database(store.database.path);
    opened.push(other);
    other.exec('BEGIN IMMEDIATE');
    const started = Date.now();
    const error = catchStoreError(() => store.transitions.append({ ...idle, at: 1 }));
    expect(error.kind).toBe('busy');
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
    other.exec('ROLLBACK');
    store.transitions.append({ ...idle, at: 1 });
    expect(store.transitions.latest('p1')?.at).toBe(1);
  });

  it('corrupt: a file that is not a database fails at open with kind corrupt', () => {
    fs.writeFileSync(path.join(temp.dir, 'pressroom.db'), 'press log\n'.repeat(1000));
    const error = catchStoreError(() => open());
    expect(error.kind).toBe('corrupt');
    expect(error.code).toBe('SQLITE_NOTADB');
  });

  it('disk-full: SQLITE_FULL (here from a page limit, as SQLite reports a full disk) is kind disk-full', () => {
    const store = open();
    // SQLite reports ENOSPC and a reached max_page_count the same way (SQLITE_FULL).
    const pages = store.database.connection.pragma('page_count', { simple: true }) as number;
    store.database.connection.pragma(`max_page_count = ${pages}`);
    const many = Array.from({ length: 5000 }, (_, i) => ({ pressId: 'p1', signal: 'speed', at: i, value: i }));
    const error = catchStoreError(() => store.samples.insertMany(many));
    expect(error.kind).toBe('disk-full');
    expect(store.samples.history({ pressId: 'p1', signal: 'speed', from: 0, to: 10_000, maxPoints: 10 }).kind).toBe('raw');
  });

  it('constraint: a broken CHECK rule is kind constraint; a caller error passes through unwrapped', () => {
    const store = open();
    const negative = { pressId: 'p1', total: -1, good: 0, waste: 0, raw: { total: null, good: null, waste: null }, updatedAt: 1 };
    expect(catchStoreError(() => store.counters.save(negative)).kind).toBe('constraint');
    expect(() => store.samples.history({ pressId: 'p1', signal: 'speed', from: 10, to: 0, maxPoints: 5 })).toThrow(RangeError);
  });
});
