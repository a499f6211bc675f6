/**
 * A device that never answers (simulator fault `silent: 1`): each attempt fails at its
 * timeout, ± 50 ms, after the request goes on the wire, on Modbus TCP and on RTU (plus the
 * frames' wire time); a retry follows at once. On RTU a request to the unit that just timed
 * out first waits for its late-reply guard (= timeout); other units are asked at once. With
 * the poller asking for it every cycle beside a healthy neighbour, nothing piles up.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { characterTimeMs } from '../../drivers/codec/rtu.js';
import type { ModbusBus } from '../../drivers/index.js';
import { compactPressProfile, Floor } from './floor.js';
import { healthWhere, readingWhere, settled } from './kit.js';

const TIMEOUT_MS = 200;
const profile = compactPressProfile({ timeoutMs: TIMEOUT_MS, retries: 1 });
const floor = new Floor();
afterEach(() => floor.teardown());

/** Five reads in a row of the silent unit 1; each one's duration from the call to the rejection. */
async function timedFailures(bus: ModbusBus, retries: number): Promise<{ kind: unknown; ms: number }[]> {
  const results = [];
  for (let i = 0; i < 5; i++) {
    const startedAt = performance.now();
    const outcome = await settled(bus.readRegisters(1, 'holding', 0, 3, { retries }));
    results.push({ kind: (outcome.error as { kind?: unknown } | undefined)?.kind, ms: outcome.at - startedAt });
  }
  return results;
}

describe('a silent device', () => {
  it('Modbus TCP: every request fails at the timeout (± 50 ms), with and without a retry', async () => {
    const { bus, simulation } = await floor.tcpLine({
      id: 'tcp-silent',
      presses: [{ unitId: 1, profile }],
      bus: { timeoutMs: TIMEOUT_MS, halfOpenTimeouts: 1000 },
    });
    simulation.press(1).setFault({ silent: 1 });
    for (const result of await timedFailures(bus, 0)) {
      expect(result.kind).toBe('timeout');
      expect(result.ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
      expect(result.ms).toBeLessThanOrEqual(TIMEOUT_MS + 50);
    }
    for (const result of await timedFailures(bus, 1)) {
      expect(result.kind).toBe('timeout');
      expect(result.ms).toBeGreaterThanOrEqual(2 * TIMEOUT_MS - 5);
      expect(result.ms).toBeLessThanOrEqual(2 * TIMEOUT_MS + 50);
    }
  });

  it("RTU: every request fails at the timeout plus the frames' wire time (± 50 ms) after it goes on the wire; to the same unit, after the late-reply guard of the one before", async () => {
    const { bus, simulation } = await floor.rtuLine({
      id: 'rtu-silent',
      presses: [
        { unitId: 1, profile },
        { unitId: 2, profile },
      ],
      baudRate: 19200,
      bus: { timeoutMs: TIMEOUT_MS },
    });
    simulation.press(1).setFault({ silent: 1 });
    // 8-byte request + 3 + the 11-byte reply to 3 registers, at 19200 baud.
    const expected = TIMEOUT_MS + characterTimeMs(19200) * (8 + 3 + 11);
    const results = await timedFailures(bus, 0);
    console.info(
      `RTU silent unit, back to back: ${results.map((r) => Math.round(r.ms)).join(', ')} ms from the call (timeout + wire time = ${Math.round(expected)} ms)`,
    );
    results.forEach((result, i) => {
      expect(result.kind).toBe('timeout');
      // A request to the unit that just timed out goes on the wire once its guard window (= timeout) has passed.
      const guard = i === 0 ? 0 : TIMEOUT_MS;
      expect(result.ms).toBeGreaterThanOrEqual(expected + guard - 5);
      expect(result.ms).toBeLessThanOrEqual(expected + guard + 50);
    });
    // Another unit is asked at once: the guard holds back only the unit that timed out.
    const healthyAt = performance.now();
    expect(await bus.readRegisters(2, 'holding', 0, 3)).toHaveLength(3);
    expect(performance.now() - healthyAt).toBeLessThan(50);
    // With a retry: it follows at once, so twice the attempt time (after the guard of the read before).
    await new Promise((resolve) => setTimeout(resolve, TIMEOUT_MS));
    const retried = await timedFailures(bus, 1);
    console.info(`RTU silent unit with one retry: ${retried.map((r) => Math.round(r.ms)).join(', ')} ms from the call`);
    retried.forEach((result, i) => {
      expect(result.kind).toBe('timeout');
      const guard = i === 0 ? 0 : TIMEOUT_MS;
      expect(result.ms).toBeGreaterThanOrEqual(2 * expected + guard - 5);
      expect(result.ms).toBeLessThanOrEqual(2 * expected + guard + 2 * 50); // ± 50 ms for each attempt
    });
  });

  it('polled beside a healthy press, nothing piles up: the bus queue stays within one cycle per scan class and press', async () => {
    const { bus, simulation } = await floor.rtuLine({
      id: 'rtu-shared',
      presses: [
        { unitId: 1, profile },
        { unitId: 2, profile },
      ],
      baudRate: 19200,
    });
    simulation.press(1).setFault({ silent: 1 });
    let maxQueued = 0;
    const sample = () => (maxQueued = Math.max(maxQueued, bus.stats().queued));
    const sampler = setInterval(sample, 2);
    floor.onTeardown(async () => clearInterval(sampler));
    const { poller } = floor.poller([
      { pressId: 'silent', unitId: 1, profile, reader: bus },
      { pressId: 'healthy', unitId: 2, profile, reader: bus },
    ]);
    poller.onReading(sample);
    const silent = poller.press('silent')!;
    const offScan = await healthWhere(silent, (h) => h.offScanUntil !== null, 10_000);
    expect(offScan.health.errors.timeout).toBe(3);
    // Beyond its first probe, it stays off-scan and the healthy press keeps reading.
    await healthWhere(silent, (h) => h.offScanUntil !== null && h.offScanUntil > offScan.health.offScanUntil!, 5000);
    await readingWhere(poller.press('healthy')!, (r) => r.ok, 1000);
    clearInterval(sampler);
    // Two presses × two scan classes, one cycle each in flight at most, one read each at a time; one is on the line.
    expect(maxQueued).toBeLessThanOrEqual(2 * 2 - 1);
    expect(bus.stats().errors.overload).toBe(0);
    expect(poller.press('healthy')!.health()).toMatchObject({ online: true });
  }, 20_000);
});
