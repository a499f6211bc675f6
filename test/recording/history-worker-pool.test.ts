import path from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { HistoryBody } from '../../src/http/ports.js';
import { HistoryRefused } from '../../src/http/ports.js';
import { createHistoryWorkerPool, type HistoryWorkerPool } from '../../src/recording/history-worker-pool.js';
import { SampleRollups } from '../../src/recording/sample-rollups.js';
import { openTestStore as openStore } from '../helpers/test-store.js';
import { gunzipSync } from 'node:zlib';
import { makeTempDir } from '../store/temp-store.js';

const logger = pino({ level: 'silent' });
const never = new AbortController().signal;
let pool: HistoryWorkerPool | undefined;
let temp: ReturnType<typeof makeTempDir> | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
  temp?.cleanup();
  temp = undefined;
});

describe('the history worker pool (real worker threads)', () => {
  it("reads a trend in a worker with its own read-only connection while the service's connection writes", async () => {
    temp = makeTempDir();
    const store = openStore({ dataDir: temp.dir });
    const rollups = new SampleRollups(store);
    const t0 = Date.UTC(2026, 5, 1);
    rollups.record(Array.from({ length: 2_000 }, (_, i) => ({ pressId: 'press-1', signal: 'paper', at: t0 + i * 2_000, value: 100 - i / 40 })));
    pool = createHistoryWorkerPool({ databasePath: store.database.path, logger, size: 1 });
    const query = { pressId: 'press-1', signal: 'paper', from: t0, to: t0 + 4_000_000, maxPoints: 100 };
    const answer = await pool.read(query, { abort: never, gzip: true });
    expect(answer.encoding).toBe('gzip');
    const body = JSON.parse(gunzipSync(answer.json).toString()) as HistoryBody;
    expect(body).toMatchObject({ pressId: 'press-1', signal: 'paper', downsampled: true });
    expect(body.points.reduce((n, p) => n + (p.count ?? 0), 0)).toBe(2_000);

    // written after the first read, told to the pool: the next answer has it
    rollups.record([{ pressId: 'press-1', signal: 'paper', at: t0 + 3_000_000, value: 0.5 }]);
    pool.samplesStored(new Map([[1, t0 + 3_000_000]]));
    const again = JSON.parse(Buffer.from((await pool.read(query, { abort: never, gzip: false })).json).toString()) as HistoryBody;
    expect(again.points.some((p) => p.min === 0.5)).toBe(true);
    expect(pool.stats()).toMatchObject({ workers: 1, ready: 1, answered: 2, failed: 0 });
    store.close();
  });

  it('answers unavailable (503, Retry-After) when its worker cannot open the database, and keeps trying', async () => {
    temp = makeTempDir();
    pool = createHistoryWorkerPool({ databasePath: path.join(temp.dir, 'missing', 'pressroom.db'), logger, size: 1, restartDelayMs: 50 });
    const first = await pool
      .read({ pressId: 'press-1', signal: 'paper', from: 0, to: 1, maxPoints: 10 }, { abort: never, gzip: false })
      .catch((error: unknown) => error);
    expect(first).toBeInstanceOf(HistoryRefused);
    expect(first).toMatchObject({ reason: 'unavailable', retryAfterS: 5 });
    const later = await pool
      .read({ pressId: 'press-1', signal: 'paper', from: 0, to: 1, maxPoints: 10 }, { abort: never, gzip: false })
      .catch((error: unknown) => error);
    expect(later).toMatchObject({ reason: 'unavailable' });
  });
});
