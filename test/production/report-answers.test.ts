/**
 * Report answers are kept as sent, with their ETag, until what they cover changes: served over
 * a real socket from the production module on a real SQLite file, on a manual clock. A stop
 * coded inside the range, or a transition inside a range that reaches now, gives the manager
 * the new figures at once; one outside it leaves the kept answer (304 to its ETag, not worked
 * out again).
 */
import express from 'express';
import type { AddressInfo } from 'node:net';
import http, { type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { errorMiddleware } from '../../src/http/http-error.js';
import { at, openFloor, type Floor } from './harness.js';

const operator = { userId: 1, username: 'anna', ip: '127.0.0.1' };
const MIN = 60_000;
let floor: Floor;
let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
  floor?.close();
});

type Get = (path: string, etag?: string, gzip?: boolean) => Promise<{ status: number; etag: string | null; body: string; encoding?: string }>;

async function serve(f: Floor): Promise<Get> {
  const app = express();
  for (const router of f.module.routes) app.use('/api', router);
  app.use(errorMiddleware(pino({ level: 'silent' })));
  const listening = app.listen(0, '127.0.0.1');
  server = listening;
  await new Promise((resolve) => listening.once('listening', resolve));
  const base = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
  // node:http, not fetch: fetch adds Cache-Control: no-cache to a request with If-None-Match
  return (path, etag, gzip = false) =>
    new Promise((resolve, reject) => {
      const headers = { ...(etag ? { 'if-none-match': etag } : {}), ...(gzip ? { 'accept-encoding': 'gzip' } : {}) };
      http
        .get(base + path, { headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const raw = Buffer.concat(chunks);
            const encoding = res.headers['content-encoding'];
            const body = (encoding === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
            resolve({ status: res.statusCode ?? 0, etag: (res.headers.etag as string | undefined) ?? null, body, ...(encoding ? { encoding } : {}) });
          });
        })
        .on('error', reject);
    });
}

/** Monday 7 Dec: a 30 min uncoded stop in the early shift; Tuesday 8 Dec: a 10 min one; now Tuesday 09:00. */
function twoDays(): { monday: number; tuesday: number } {
  floor = openFloor({ start: '2026-12-07T05:55:00Z' });
  floor.transition('2026-12-07T06:00:00Z', 'production');
  floor.transition('2026-12-07T07:00:00Z', 'stopped');
  floor.transition('2026-12-07T07:30:00Z', 'production');
  floor.transition('2026-12-07T22:00:00Z', 'offline');
  floor.transition('2026-12-08T06:00:00Z', 'production');
  floor.transition('2026-12-08T08:00:00Z', 'stopped');
  floor.transition('2026-12-08T08:10:00Z', 'production');
  floor.clock.advance(at('2026-12-08T09:00:00Z') - floor.clock.now());
  const stops = floor.module.service.listDowntime({ from: 0, to: at('2026-12-09T00:00:00Z'), uncoded: true }).filter((e) => e.state === 'stopped');
  const byDay = (day: string) => stops.find((e) => new Date(e.from).toISOString().startsWith(day))!.id;
  return { monday: byDay('2026-12-07'), tuesday: byDay('2026-12-08') };
}

describe('report answers kept as sent', () => {
  it('a closed range: 304 to its ETag until a stop inside it is coded; a stop coded outside it changes nothing', async () => {
    const stops = twoDays();
    const get = await serve(floor);
    const worked = vi.spyOn(floor.module.service, 'downtimeByCause');
    const monday = `/api/reports/downtime?from=${at('2026-12-07T00:00:00Z')}&to=${at('2026-12-08T00:00:00Z')}`;

    const first = await get(monday);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.body).causes).toEqual([{ code: 'uncoded', label: 'Not coded', category: 'unplanned', count: 1, durationMs: 30 * MIN }]);
    expect(first.etag).toMatch(/^W\/"/);
    expect((await get(monday, first.etag!)).status).toBe(304);
    expect((await get(`${monday.replace('downtime?', 'downtime.csv?')}`)).body).toContain('uncoded');

    floor.module.service.codeDowntime(stops.tuesday, 'maintenance', null, operator);
    expect(await get(monday, first.etag!)).toMatchObject({ status: 304 });
    expect(await get(monday)).toEqual(first);
    expect(worked).toHaveBeenCalledTimes(2); // JSON and CSV once each: the coding on Tuesday forgot neither

    floor.module.service.codeDowntime(stops.monday, 'maintenance', 'planned service', operator);
    const coded = await get(monday, first.etag!);
    expect(coded.status).toBe(200);
    expect(coded.etag).not.toBe(first.etag);
    expect(JSON.parse(coded.body).causes).toMatchObject([{ code: 'maintenance', count: 1, durationMs: 30 * MIN }]);
    expect((await get(`${monday.replace('downtime?', 'downtime.csv?')}`)).body).toContain('maintenance');
  });

  it('a range up to now: kept a second while the press counts; a transition inside it, not one outside, gives new figures at once', async () => {
    const stops = twoDays();
    const get = await serve(floor);
    const worked = vi.spyOn(floor.module.service, 'oee');
    const today = `/api/reports/oee?groupBy=day&from=${at('2026-12-08T00:00:00Z')}`;

    const first = await get(today);
    const row = () => JSON.parse(first.body).rows[0];
    expect(row()).toMatchObject({ runMs: 170 * MIN, downtimeMs: 10 * MIN });
    floor.counters('2026-12-08T09:00:00.200Z', { total: 100, good: 100, waste: 0 });
    floor.counters('2026-12-08T09:00:00.400Z', { total: 200, good: 190, waste: 10 });
    floor.module.service.codeDowntime(stops.monday, 'maintenance', null, operator); // Monday: outside the range
    expect((await get(today, first.etag!)).status).toBe(304);
    expect(worked).toHaveBeenCalledTimes(1);

    floor.transition('2026-12-08T09:00:00.600Z', 'stopped', { reason: 'jam' });
    const stopped = await get(today, first.etag!);
    expect(stopped.status).toBe(200);
    expect(JSON.parse(stopped.body).rows[0]).toMatchObject({ total: 100, good: 90, runMs: 170 * MIN + 600 }); // the sheets since the first reading;
    expect(worked).toHaveBeenCalledTimes(2);

    // kept a second at most: the stop going on grows
    floor.clock.advance(1000);
    const later = await get(today, stopped.etag!);
    expect(later.status).toBe(200);
    expect(JSON.parse(later.body).rows[0].downtimeMs).toBe(10 * MIN + 1000);
  });

  it('a large answer goes gzipped to a client that takes gzip, the same figures and ETag', async () => {
    twoDays();
    floor.transition('2026-12-12T06:00:00Z', 'offline'); // printing on to Saturday: a row per shift
    const get = await serve(floor);
    const weeks = `/api/reports/oee?groupBy=shift&from=${at('2026-11-30T00:00:00Z')}&to=${at('2026-12-21T00:00:00Z')}`;
    const plain = await get(weeks);
    expect(plain.body.length).toBeGreaterThan(2048);
    const gzipped = await get(weeks, undefined, true);
    expect(gzipped).toEqual({ ...plain, encoding: 'gzip' });
    expect((await get(weeks, plain.etag!, true)).status).toBe(304);
  });
});
