import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHttpApp } from '../../src/http/http-app.js';
import { HistoryRefused, type HistoryAnswer, type HistoryQuery } from '../../src/http/ports.js';
import { historyRoutes } from '../../src/recording/history-routes.js';
import { createHistoryReadGate } from '../../src/recording/history-read-gate.js';
import { createHistoryReadModel } from '../../src/recording/history-read-model.js';
import type { HistoryWorkerPool } from '../../src/recording/history-worker-pool.js';

const never = new AbortController().signal;

describe('per-client admission of trend reads', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('lets a client run two reads at once; the next waits its turn, in order, while other clients go ahead', async () => {
    const gate = createHistoryReadGate({ running: 2, waiting: 4 });
    const first = await gate.enter('10.0.0.5', never);
    const second = await gate.enter('10.0.0.5', never);
    const order: string[] = [];
    const third = gate.enter('10.0.0.5', never).then((leave) => (order.push('third'), leave));
    const fourth = gate.enter('10.0.0.5', never).then((leave) => (order.push('fourth'), leave));
    const otherClient = await gate.enter('10.0.0.9', never);
    expect(gate.load()).toEqual({ running: 3, waiting: 2, clients: 2 });

    first();
    first(); // a second call is harmless: the turn is freed once
    (await third)();
    expect(order).toEqual(['third']);
    second();
    (await fourth)();
    otherClient();
    expect(order).toEqual(['third', 'fourth']);
    expect(gate.load()).toEqual({ running: 0, waiting: 0, clients: 0 });
  });

  it('refuses a client past its short queue with client-limit and a Retry-After', async () => {
    const gate = createHistoryReadGate({ running: 2, waiting: 1, retryAfterS: 3 });
    await gate.enter('10.0.0.5', never);
    await gate.enter('10.0.0.5', never);
    void gate.enter('10.0.0.5', never);
    const refused = await gate.enter('10.0.0.5', never).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(HistoryRefused);
    expect(refused).toMatchObject({ reason: 'client-limit', retryAfterS: 3 });
    await expect(gate.enter('10.0.0.6', never)).resolves.toBeTypeOf('function');
  });

  it('gives up a place in the queue when the client goes away, or after the longest wait', async () => {
    vi.useFakeTimers();
    const gate = createHistoryReadGate({ running: 1, waiting: 4, maxWaitMs: 5_000 });
    const leave = await gate.enter('10.0.0.5', never);
    const gone = new AbortController();
    const abandoned = gate.enter('10.0.0.5', gone.signal).catch((error: unknown) => error);
    const patient = gate.enter('10.0.0.5', never).catch((error: unknown) => error);
    gone.abort(new Error('socket closed'));
    expect(await abandoned).toMatchObject({ message: 'socket closed' });
    expect(gate.load().waiting).toBe(1);
    vi.advanceTimersByTime(5_000);
    expect(await patient).toMatchObject({ reason: 'client-limit' });
    leave();
    expect(gate.load()).toEqual({ running: 0, waiting: 0, clients: 0 });
  });
});

describe('GET /api/presses/:id/history under per-client limits', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  /** A worker pool whose reads finish when the test says so. */
  function heldPool() {
    const held: { query: HistoryQuery; finish: () => void }[] = [];
    const pool: HistoryWorkerPool = {
      read: (query) =>
        new Promise<HistoryAnswer>((resolve) => {
          const json = Buffer.from(
            JSON.stringify({ pressId: query.pressId, signal: query.signal, from: query.from, to: query.to, downsampled: false, previous: null, points: [] }),
          );
          held.push({ query, finish: () => resolve({ json, encoding: 'identity', etag: 'W/"held"' }) });
        }),
      samplesStored: () => undefined,
      rollupsPurged: () => undefined,
      stats: () => ({ workers: 1, ready: 1, busy: 0, queued: 0, answered: 0, failed: 0, refused: 0, bySource: {} }),
      close: async () => undefined,
    };
    return { pool, held };
  }

  async function serve(pool: HistoryWorkerPool): Promise<string> {
    const history = createHistoryReadModel({ pool, gate: createHistoryReadGate({ running: 2, waiting: 2, retryAfterS: 1 }) });
    const presses = { list: () => [], get: (id: string) => (id === 'press-1' ? ({ id } as never) : undefined) };
    const app = createHttpApp({ logger: pino({ level: 'silent' }), apiRouters: [historyRoutes({ presses, history, now: () => Date.UTC(2026, 0, 1) })] });
    server = createServer(app);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
    return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
  }

  it('answers a fifth concurrent trend read from one address 429 with Retry-After; the four admitted are answered', async () => {
    const { pool, held } = heldPool();
    const base = await serve(pool);
    const url = (i: number) => `${base}/api/presses/press-1/history?signal=paper&from=${i}&to=${1_000_000 + i}`;
    const admitted = [0, 1, 2, 3].map((i) => fetch(url(i)));
    await vi.waitFor(() => expect(held).toHaveLength(2));

    const refused = await fetch(url(4));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toMatchObject({ error: { code: 'too_many_requests' } });

    held[0]!.finish();
    held[1]!.finish();
    await vi.waitFor(() => expect(held).toHaveLength(4));
    held[2]!.finish();
    held[3]!.finish();
    const answers = await Promise.all(admitted);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(answers[0]!.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answers[0]!.headers.get('etag')).toBe('W/"held"');
    expect(await answers[3]!.json()).toMatchObject({ pressId: 'press-1', signal: 'paper', from: 3, points: [] });
  });

  it('answers 503 with Retry-After when the readers cannot read the database', async () => {
    const { pool } = heldPool();
    pool.read = () => Promise.reject(new HistoryRefused('unavailable', 'the trend cannot be read now: disk I/O error', 5));
    const base = await serve(pool);
    const reply = await fetch(`${base}/api/presses/press-1/history?signal=paper`);
    expect(reply.status).toBe(503);
    expect(reply.headers.get('retry-after')).toBe('5');
    expect(await reply.json()).toMatchObject({ error: { code: 'history_unavailable' } });
  });
});
