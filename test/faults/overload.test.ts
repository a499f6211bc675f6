/**
 * Overload: more reads asked than the line can carry (9600 baud with real line timing).
 *
 * - The bus: beyond `maxQueue` waiting requests, a request fails at once with `overload`
 *   instead of growing an unbounded queue; the accepted ones are answered correctly.
 * - The poller: six presses asking every 100 ms need about twice the line's capacity. Each
 *   scan class keeps at most one cycle in flight, so the bus queue stays bounded; ticks that
 *   find their cycle still running are skipped (polls coalesce) and counted as overruns in
 *   the press's health; nothing turns into a false timeout (a timeout counts from sending,
 *   not from queueing), and nothing is left queued once polling stops.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { characterTimeMs } from '../../drivers/codec/rtu.js';
import { compactPressProfile, Floor } from './floor.js';
import { expectedBlock, fillRegisterMap, MAP_START, registerMapProfile, settled, waitUntil } from './kit.js';

const floor = new Floor();
afterEach(() => floor.teardown());

describe('overload', () => {
  it('the bus refuses requests beyond maxQueue at once with overload, and answers the accepted ones correctly', async () => {
    const { bus, simulation } = await floor.rtuLine({
      id: 'slow-line',
      presses: [{ unitId: 1, profile: registerMapProfile() }],
      baudRate: 9600,
      lineTiming: { baudRate: 9600, turnaroundMs: 2 },
      bus: { maxQueue: 8, retries: 0 },
    });
    fillRegisterMap(simulation);
    const askedAt = performance.now();
    const reads = Array.from({ length: 50 }, (_, i) => ({ address: MAP_START + i, result: settled(bus.readRegisters(1, 'holding', MAP_START + i, 2)) }));
    expect(bus.stats().queued).toBe(8);
    const outcomes = await Promise.all(reads.map(async (read) => ({ ...read, outcome: await read.result })));
    const refused = outcomes.filter((o) => !o.outcome.ok);
    // One on the line, eight waiting: 41 refused, at once (before the first reply could come).
    expect(refused).toHaveLength(41);
    for (const { outcome } of refused) {
      expect(outcome.error).toMatchObject({ kind: 'overload', bus: 'slow-line' });
      expect(outcome.at - askedAt).toBeLessThan(characterTimeMs(9600) * 19);
    }
    for (const { address, outcome } of outcomes.filter((o) => o.outcome.ok)) expect(outcome.value).toEqual(expectedBlock(1, address, 2));
    expect(bus.stats()).toMatchObject({ queued: 0, errors: { overload: 41 } });
  });

  it('six presses asking twice what the line carries: bounded queue, coalesced polls, overruns reported, no false timeouts', async () => {
    const PERIOD_MS = 100;
    const profile = compactPressProfile({ scanClasses: { fast: PERIOD_MS, slow: 2000 }, timeoutMs: 80, retries: 1 });
    const units = [1, 2, 3, 4, 5, 6];
    const { bus } = await floor.rtuLine({
      id: 'busy-line',
      presses: units.map((unitId) => ({ unitId, profile })),
      baudRate: 9600,
      lineTiming: { baudRate: 9600, turnaroundMs: 2 },
    });
    let maxQueued = 0;
    const sampler = setInterval(() => (maxQueued = Math.max(maxQueued, bus.stats().queued)), 2);
    floor.onTeardown(async () => clearInterval(sampler));
    const startedAt = Date.now();
    const { poller, readings } = floor.poller(units.map((unitId) => ({ pressId: `press-${unitId}`, unitId, profile, reader: bus })));
    await waitUntil(() => Date.now() - startedAt >= 3000, { timeoutMs: 4000, what: '3 s of polling', everyMs: 50 });
    const elapsedMs = Date.now() - startedAt;
    await poller.stop();
    clearInterval(sampler);

    const ticks = Math.floor(elapsedMs / PERIOD_MS) + 1;
    let cycles = 0;
    for (const unitId of units) {
      const health = poller.press(`press-${unitId}`)!.health();
      const fast = readings.filter((r) => r.pressId === `press-${unitId}` && r.scanClass === 'fast');
      cycles += fast.length;
      // Every tick either ran a cycle or was skipped and counted: nothing deferred to run later.
      expect(health.overruns.fast ?? 0).toBeGreaterThan(0);
      expect(fast.length).toBeLessThanOrEqual(ticks);
      expect(fast.length + (health.overruns.fast ?? 0)).toBeGreaterThanOrEqual(ticks - 2);
      expect(fast.every((r) => r.ok)).toBe(true);
      expect(health).toMatchObject({ online: true, offScanUntil: null });
      expect(health.errors).toEqual({});
    }
    // The line carried what it could: about half the cycles asked for.
    expect(cycles).toBeLessThan(units.length * ticks * 0.8);
    // At most one cycle per scan class and press in flight, each one read at a time.
    expect(maxQueued).toBeLessThanOrEqual(units.length * 2 - 1);
    expect(bus.stats()).toMatchObject({ queued: 0, errors: { overload: 0, timeout: 0 } });
  }, 20_000);
});
