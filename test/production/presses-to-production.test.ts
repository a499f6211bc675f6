/**
 * The real press service feeding the production module (real SQLite): counts through a 32-bit
 * wrap and a job reset reach the OEE rollups exactly once, a counter glitch never does, and the
 * reset begins a detected job.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadProfileFile } from '../../src/model/profile-load.js';
import type { Reading } from '../../src/poller/reading.js';
import { PressService } from '../../src/presses/press-service.js';
import { createProductionModule } from '../../src/production/index.js';
import { shiftsConfigSchema } from '../../src/production/production-config.js';
import { createDeferredWrites, openDatabase, type StoreDatabase } from '../../src/store/index.js';
import { ManualClock } from '../helpers/manual-clock.js';

const profile = loadProfileFile('config/profiles/demo-sheetfed-4c.yaml');
const start = Date.parse('2026-12-07T08:00:00Z');
let db: StoreDatabase | undefined;
let stopAll = () => {};
afterEach(() => {
  stopAll();
  db?.close();
});

describe('presses → production', () => {
  it('counts through a wrap and a reset once, leaves a glitch out, and detects the job the reset began', async () => {
    const clock = new ManualClock(start);
    const logger = pino({ level: 'silent' });
    db = openDatabase({ dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'pressroom-p2p-')), logger });
    const deferred = createDeferredWrites({ logger, retryMs: 3_600_000 });
    const presses = new PressService({ presses: [{ id: 'p1', name: 'press 1', link: { kind: 'tcp', bus: 'b', unitId: 1, address: 'x' }, profile }], clock });
    const production = createProductionModule({
      db,
      deferred,
      audit: { record: () => {} },
      presses: [{ id: 'p1', name: 'press 1' }],
      ratedSpeedOf: () => 15_000,
      restoreState: () => undefined,
      shifts: shiftsConfigSchema.parse({ timeZone: 'UTC', list: [{ name: 'day', start: '00:00', end: '00:00' }] }),
      clock,
      logger,
      readGuard: (_req, _res, next) => next(),
    });
    const off = production.observe(presses);
    stopAll = () => {
      off();
      presses.stop();
      deferred.stop();
    };
    const read = (scanClass: string, values: Reading['values'], afterMs: number) => {
      clock.advance(afterMs);
      presses.applyReading({ pressId: 'p1', scanClass, at: clock.now(), values, ok: true, latencyMs: 3 });
    };
    read('fast', { state: 2, speed: 14_000 }, 0);
    read('counters', { impressions: 2 ** 32 - 10, good: 1000, waste: 10 }, 0);
    read('counters', { impressions: 5, good: 1014, waste: 11 }, 1000); // wrap: 15 sheets
    read('counters', { impressions: 4_294_967_290, good: 1014, waste: 11 }, 1000); // glitch: refused
    read('counters', { impressions: 8, good: 1017, waste: 11 }, 1000); // 3 more
    read('counters', { impressions: 2, good: 2, waste: 0 }, 1000); // job reset: 2 sheets of the next job
    clock.advance(60_000);
    const [row] = production.service.oee({ from: Date.parse('2026-12-07T00:00:00Z'), to: Date.parse('2026-12-08T00:00:00Z'), groupBy: 'day' });
    expect({ total: row!.total, good: row!.good, waste: row!.waste }).toEqual({ total: 20, good: 19, waste: 1 });
    const jobs = production.service.listJobs({ pressId: 'p1' });
    expect(jobs.map((j) => [j.source, j.state, j.total, j.name])).toEqual([['detected', 'running', 2, 'Job at 08:00, press 1']]);
  });
});
