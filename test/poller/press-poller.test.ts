import { afterEach, describe, expect, it } from 'vitest';
import { loadProfileFile } from '../../src/model/profile-load.js';
import { profileSchema } from '../../src/model/profile-schema.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { PressPoller, type PressPollerOptions } from '../../src/poller/press-poller.js';
import type { PressHealth, Reading } from '../../src/poller/reading.js';
import { FakeRegisterReader } from '../helpers/fake-register-reader.js';

const demo4c = loadProfileFile('config/profiles/demo-sheetfed-4c.yaml');
// Two blocks in the fast class (holding 0 and input 0), one slow block.
const small = profileSchema.parse({
  model: 'small',
  name: 'Small',
  ratedSpeed: 10000,
  polling: { scanClasses: { fast: 250, slow: 2000 }, timeoutMs: 100, retries: 1 },
  signals: [
    { name: 'state', role: 'runState', area: 'holding', address: 0, type: 'u16', states: { '2': 'production' } },
    { name: 'speed', role: 'speed', area: 'input', address: 0, type: 'u16' },
    { name: 'ink.1', role: 'ink', unit: 1, color: 'cyan', area: 'holding', address: 10, type: 'u16', scale: 0.1, scan: 'slow' },
  ],
});

const pollers: PressPoller[] = [];
let clock: ManualClock;
afterEach(async () => {
  const stopping = Promise.all(pollers.splice(0).map((p) => p.stop()));
  await clock.advanceAsync(10_000); // lets reads in flight finish
  await stopping;
});

function setup(overrides: Partial<PressPollerOptions> = {}, latencyMs = 5) {
  clock = new ManualClock();
  const reader = new FakeRegisterReader({ clock, latencyMs });
  return { reader, ...makePoller(reader, overrides) };
}

function makePoller(reader: FakeRegisterReader, overrides: Partial<PressPollerOptions> = {}) {
  const poller = new PressPoller({ pressId: 'p1', unitId: 1, profile: small, reader, clock, ...overrides });
  pollers.push(poller);
  const readings: Reading[] = [];
  const healths: PressHealth[] = [];
  poller.onReading((r) => readings.push(r));
  poller.onHealth((h) => healths.push(h));
  return { poller, readings, healths };
}

const of = (readings: Reading[], scanClass: string) => readings.filter((r) => r.scanClass === scanClass);

describe('PressPoller: scan classes', () => {
  it('runs each scan class on its own period, starting at once', async () => {
    const { poller, readings } = setup({ profile: demo4c });
    poller.start();
    await clock.advanceAsync(1999);
    expect(of(readings, 'fast')).toHaveLength(8); // 0, 250 … 1750
    expect(of(readings, 'counters')).toHaveLength(2); // 0, 1000
    expect(of(readings, 'slow')).toHaveLength(1); // 0
  });

  it('delivers one reading per cycle with every signal of the class decoded', async () => {
    const { reader, poller, readings } = setup({ profile: demo4c });
    reader.setSignal(1, demo4c, 'state', 2);
    reader.setSignal(1, demo4c, 'speed', 12_000);
    reader.setSignal(1, demo4c, 'door-open', true);
    reader.setSignal(1, demo4c, 'e-stop', false);
    reader.setSignal(1, demo4c, 'impressions', 4_000_000_123);
    reader.setSignal(1, demo4c, 'ink.2', 55.5);
    poller.start();
    await clock.advanceAsync(100);
    const fast = of(readings, 'fast')[0]!;
    expect(fast).toMatchObject({ pressId: 'p1', ok: true, values: { state: 2, speed: 12_000, 'jam.feeder': false, 'door-open': true, 'e-stop': false } });
    expect(fast.error).toBeUndefined();
    expect(fast.latencyMs).toBeGreaterThan(0);
    expect(of(readings, 'counters')[0]!.values.impressions).toBe(4_000_000_123);
    expect(of(readings, 'slow')[0]!.values['ink.2']).toBeCloseTo(55.5, 6);
  });

  it('reads each cycle in as few transactions as the plan says, with the profile timeout and retries', async () => {
    const { reader, poller } = setup();
    poller.start();
    await clock.advanceAsync(100);
    // both classes start at once; their blocks queue on the bus side by side
    expect(reader.requests.map((r) => `${r.area} ${r.address}+${r.count}`).sort()).toEqual(['holding 0+1', 'holding 10+1', 'input 0+1']);
    expect(reader.requests[0]!.opts).toEqual({ timeoutMs: 100, retries: 1 });
  });

  it('per-press polling overrides change the periods', async () => {
    const { poller, readings } = setup({ polling: { scanClasses: { fast: 500, slow: 2000 } } });
    poller.start();
    await clock.advanceAsync(1999);
    expect(of(readings, 'fast')).toHaveLength(4);
  });

  it('skips a tick while the previous cycle of its class still runs, and counts the overrun', async () => {
    // 2 fast blocks × 200 ms = 400 ms per fast cycle, for a 250 ms period
    const { reader, poller, readings } = setup({}, 200);
    poller.start();
    await clock.advanceAsync(4000);
    const fastRequests = reader.requests.filter((r) => r.address === 0);
    // never two fast cycles in flight: the fast blocks alternate holding, input, holding …
    fastRequests.forEach((r, i) => expect(r.area).toBe(i % 2 === 0 ? 'holding' : 'input'));
    expect(poller.health().overruns.fast).toBeGreaterThan(0);
    // every tick either ran a cycle or was counted
    const ticks = 4000 / 250 + 1;
    expect(of(readings, 'fast').length + poller.health().overruns.fast! + 1).toBeGreaterThanOrEqual(ticks);
    expect(poller.health().overruns.slow).toBeUndefined();
  });

  it('stop() ends the ticks and resolves once the cycle in flight has finished', async () => {
    const { poller, readings } = setup({}, 50);
    poller.start();
    await clock.advanceAsync(10);
    const stopping = poller.stop();
    await clock.advanceAsync(5000);
    await stopping;
    expect(readings).toHaveLength(0); // the interrupted cycle's result is dropped
    expect(clock.pendingCount).toBe(0);
    pollers.length = 0;
  });
});

describe('PressPoller: failed reads', () => {
  it('an exception on one block still delivers the other blocks, marked not ok', async () => {
    const { reader, poller, readings } = setup();
    reader.setRegisters(1, 'input', 0, [9000]);
    reader.failNext(1, 'exception');
    poller.start();
    await clock.advanceAsync(100);
    const fast = of(readings, 'fast')[0]!;
    expect(fast.ok).toBe(false);
    expect(fast.error).toMatchObject({ kind: 'exception' });
    expect(fast.values).toEqual({ speed: 9000 });
    // toEqual passes over undefined properties: the block that failed must leave no key at all
    expect(Object.keys(fast.values)).toEqual(['speed']);
  });

  it('a timeout ends the cycle: the remaining blocks are not read', async () => {
    const { reader, poller, readings } = setup();
    reader.failNext(1, 'timeout');
    poller.start();
    await clock.advanceAsync(240);
    const fast = of(readings, 'fast')[0]!;
    expect(fast).toMatchObject({ ok: false, values: {}, error: { kind: 'timeout' } });
    expect(Object.keys(fast.values)).toEqual([]);
    expect(reader.requests.filter((r) => r.area === 'input')).toHaveLength(0);
  });

  it('keeps comm health: reads, errors by kind, latency and the last good read', async () => {
    const { reader, poller } = setup();
    const t0 = clock.now();
    reader.failNext(1, 'crc');
    poller.start();
    await clock.advanceAsync(300);
    const health = poller.health();
    expect(health.online).toBe(true);
    expect(health.errors).toEqual({ crc: 1 });
    expect(health.reads).toBe(5); // fast ×2 cycles × 2 blocks + slow ×1
    expect(health.lastError).toMatch(/^crc: simulated crc/);
    expect(health.latencyMs).toBe(5);
    expect(health.lastOkAt).toBe(t0 + 260); // the second fast cycle's input read: 250 + 5 + 5 ms
  });

  it('is offline at once when the link is down, without being taken off-scan', async () => {
    const { reader, poller, readings } = setup();
    poller.start();
    await clock.advanceAsync(100);
    expect(poller.health().online).toBe(true);
    reader.setDown(1, 'offline');
    await clock.advanceAsync(1000);
    expect(poller.health()).toMatchObject({ online: false, offScanUntil: null });
    expect(of(readings, 'fast').at(-1)!.error!.kind).toBe('offline');
    reader.setDown(1, null);
    await clock.advanceAsync(250);
    expect(poller.health().online).toBe(true);
  });
});
