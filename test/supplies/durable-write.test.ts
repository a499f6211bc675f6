/**
 * A supply entry, its void and correction, and their audit lines are committed with
 * synchronous=FULL (StoreDatabase.durableWrite) before the HTTP answer: a tablet that was told
 * "saved" must not lose the entry in a power cut. Watched from inside SQLite: temp triggers on
 * the tables call back into the test, which knows whether a durable write is running.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { inkEntry, startHarness, type Harness } from './harness.js';

const WATCHED = ['supply_entries', 'supply_voids', 'audit_log'] as const;
const FULL = 2; // PRAGMA synchronous: 0 OFF, 1 NORMAL, 2 FULL

interface RowWrite {
  table: string;
  /** The durable write it ran in, or null when outside one. */
  durableOperation: string | null;
}

let h: Harness;
let rowWrites: RowWrite[];
let commits: { operation: string; synchronous: number }[];

beforeEach(async () => {
  h = await startHarness();
  rowWrites = [];
  commits = [];
  let running: string | null = null;
  const connection = h.db.connection;
  connection.function('durable_probe', (table: unknown) => {
    rowWrites.push({ table: String(table), durableOperation: running });
    return null;
  });
  for (const table of WATCHED) {
    connection.exec(`CREATE TEMP TRIGGER probe_${table} AFTER INSERT ON main.${table} BEGIN SELECT durable_probe('${table}'); END`);
  }
  const durableWrite = h.db.durableWrite.bind(h.db);
  vi.spyOn(h.db, 'durableWrite').mockImplementation((operation, work) =>
    durableWrite(operation, () => {
      running = operation;
      try {
        const result = work();
        // read at the end of the transaction: the setting its commit uses
        commits.push({ operation, synchronous: connection.pragma('synchronous', { simple: true }) as number });
        return result;
      } finally {
        running = null;
      }
    }),
  );
});
afterEach(async () => {
  vi.restoreAllMocks();
  await h.dispose();
});

describe('supply writes are durable before the answer', () => {
  it('POST /api/supplies: the entry and its audit line in one synchronous=FULL transaction', async () => {
    const entry = inkEntry();
    const res = await h.request('POST', '/api/supplies', { body: entry });
    expect(res.status).toBe(201);
    const operation = `log supply ${entry.clientId}`;
    expect(commits).toEqual([{ operation, synchronous: FULL }]);
    expect(rowWrites).toEqual([
      { table: 'supply_entries', durableOperation: operation },
      { table: 'audit_log', durableOperation: operation },
    ]);
    // back to NORMAL for the machine writes that follow
    expect(h.db.connection.pragma('synchronous', { simple: true })).toBe(1);
  });

  it('a retry with the same clientId writes nothing', async () => {
    const entry = inkEntry();
    expect((await h.request('POST', '/api/supplies', { body: entry })).status).toBe(201);
    rowWrites = [];
    commits = [];
    expect((await h.request('POST', '/api/supplies', { body: entry })).status).toBe(200);
    expect(rowWrites).toEqual([]);
  });

  it('POST /api/supplies/:id/void with a correction: void, correction and both audit lines in one synchronous=FULL transaction', async () => {
    const wrong = await h.request('POST', '/api/supplies', { body: inkEntry({ unit: 2 }) });
    rowWrites = [];
    commits = [];
    const res = await h.request('POST', `/api/supplies/${wrong.body.id}/void`, {
      body: { reason: 'went into unit 3', replacement: inkEntry({ unit: 3, color: 'yellow' }) },
    });
    expect(res.status).toBe(201);
    const operation = `void supply ${wrong.body.id}`;
    expect(commits).toEqual([{ operation, synchronous: FULL }]);
    expect(rowWrites.map((w) => w.table).sort()).toEqual(['audit_log', 'audit_log', 'supply_entries', 'supply_voids']);
    expect(rowWrites.every((w) => w.durableOperation === operation)).toBe(true);
  });
});
