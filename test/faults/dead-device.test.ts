/**
 * One dead press among eight on a shared RS-485 line (19200 baud, the simulator keeping
 * real line timing). A device that never answers costs its whole timeout, twice with one
 * retry, of line time every cycle; unchecked, it would stretch every neighbour's cycle.
 *
 * Both cases run side by side in one test, so the load of the machine weighs on both alike:
 * line A carries seven healthy presses; line B the same seven plus a dead eighth. Once the
 * dead one is off-scan (and its reads already on the line have ended), the seven on line B
 * must keep a mean fast-cycle time (queueing + transactions) within 1.2× of line A's over a
 * 4 s window that holds the dead press's first probe: every cycle counts, those around the
 * probe too. The probe is one attempt, no retry, after 2 s, 4 s, 8 s … 30 s, and it runs in
 * the background (it waits for the line's idle time between scan ticks): the test checks
 * that no cycle of the others overlapped it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { characterTimeMs } from '../../drivers/codec/rtu.js';
import type { Reading } from '../../src/poller/reading.js';
import { compactPressProfile, Floor } from './floor.js';
import { healthWhere, percentile, waitUntil } from './kit.js';

const profile = compactPressProfile();
const UNITS = [1, 2, 3, 4, 5, 6, 7, 8];
const DEAD = 8;
const WINDOW_MS = 4000;

const floor = new Floor();
afterEach(() => floor.teardown());

/** Fast cycles of the healthy presses of `line` that started at or after `from` and finished by `to`. */
function fastLatencies(readings: Reading[], line: string, from: number, to: number, except?: { from: number; to: number }): number[] {
  // A cycle queued behind the dead press's last timeouts belongs to the time before off-scan.
  return readings
    .filter(
      (r) => r.pressId.startsWith(`${line}-`) && r.pressId !== `${line}-${DEAD}` && r.scanClass === 'fast' && r.at - r.latencyMs >= from && r.at <= to && r.ok,
    )
    .filter((r) => !except || r.at < except.from || r.at - r.latencyMs > except.to)
    .map((r) => r.latencyMs);
}

const summary = (values: number[]) => ({
  n: values.length,
  median: percentile(values, 50),
  p90: percentile(values, 90),
  mean: Math.round(values.reduce((a, b) => a + b, 0) / values.length),
});

describe('a dead device on a shared RTU bus', () => {
  it('is taken off-scan after a few timeouts, and the other seven keep their cycle time (mean within 1.2× of the same seven alone)', async () => {
    const lineOptions = (id: string, units: number[]) => ({
      id,
      presses: units.map((unitId) => ({ unitId, profile })),
      baudRate: 19200,
      lineTiming: { baudRate: 19200, turnaroundMs: 2 },
    });
    const healthy = UNITS.filter((u) => u !== DEAD);
    const lineA = await floor.rtuLine(lineOptions('a', healthy));
    const lineB = await floor.rtuLine(lineOptions('b', UNITS));
    lineB.simulation.press(DEAD).setFault({ silent: 1 });
    const { poller, readings } = floor.poller([
      ...healthy.map((unitId) => ({ pressId: `a-${unitId}`, unitId, profile, reader: lineA.bus })),
      ...UNITS.map((unitId) => ({ pressId: `b-${unitId}`, unitId, profile, reader: lineB.bus })),
    ]);
    const dead = poller.press(`b-${DEAD}`)!;

    const offScan = await healthWhere(dead, (h) => h.offScanUntil !== null, 10_000);
    expect(offScan.health.online).toBe(false);
    expect(offScan.health.errors.timeout).toBe(3);

    // Its reads already on the line when it went off-scan still cost their timeouts: measure
    // from when the last of them ended, over a window that holds its first probe.
    const probeAt = offScan.health.offScanUntil!;
    await waitUntil(() => Date.now() >= probeAt - 500, { timeoutMs: 5000, what: 'in-flight reads of the dead press to end', everyMs: 50 });
    const lastDeadCycle = Math.max(...readings.filter((r) => r.pressId === dead.pressId).map((r) => r.at));
    const from = Math.max(lastDeadCycle, Date.now() - 1000);
    const timeoutsBeforeProbe = dead.health().errors.timeout!;
    const probeEnded = healthWhere(dead, (h) => h.offScanUntil !== null && h.offScanUntil > probeAt, 5000);
    expect(probeAt).toBeGreaterThan(from);
    expect(probeAt).toBeLessThan(from + WINDOW_MS);
    await waitUntil(() => Date.now() >= from + WINDOW_MS, { timeoutMs: WINDOW_MS + 1000, what: 'the measuring window', everyMs: 50 });

    // The probe waited for the line's idle time: no cycle of the others overlapped it.
    const probeEnd = Date.now() - (performance.now() - (await probeEnded).at);
    // Its request (8 bytes) and the 3-register reply it waited for (11 bytes), plus the t3.5 gap, on the wire at 19200 baud.
    const probeStart = probeEnd - (profile.polling.timeoutMs + characterTimeMs(19200) * (8 + 3 + 11));
    const overlapping = readings.filter(
      (r) => r.pressId.startsWith('b-') && r.pressId !== dead.pressId && r.at > probeStart + 2 && r.at - r.latencyMs < probeEnd,
    );
    const alone = fastLatencies(readings, 'a', from, from + WINDOW_MS);
    const withDead = fastLatencies(readings, 'b', from, from + WINDOW_MS);
    console.info(
      'fast-cycle ms, 7 presses alone:',
      summary(alone),
      '; beside a dead 8th off-scan, its probe included:',
      summary(withDead),
      `; ratio of means ${(summary(withDead).mean / summary(alone).mean).toFixed(2)}`,
    );
    console.info(
      `probe on the line ~${Math.round(probeStart)}..${Math.round(probeEnd)}; cycles of the others overlapping it: ${overlapping.length}`,
      overlapping.map((r) => [r.pressId, r.scanClass, Math.round(r.at - r.latencyMs - probeStart), Math.round(r.at - probeStart)]),
    );
    expect(overlapping).toEqual([]);
    expect(alone.length).toBeGreaterThanOrEqual(40);
    // Every cycle of the window counts, those that shared the line with the probe too, and
    // none went missing (a skipped tick would hide a slow cycle).
    expect(withDead.length).toBeGreaterThanOrEqual(alone.length - healthy.length);
    // The mean, not the median: cycle times cluster by queue position (seven presses ticking
    // together), and a median of 7 × 8 samples sits on a boundary between two positions.
    expect(summary(withDead).mean).toBeLessThanOrEqual(summary(alone).mean * 1.2);

    // The probe: one attempt, no retry, then a back-off twice as long; the press stays offline.
    const probed = dead.health();
    expect(probed.online).toBe(false);
    expect(probed.errors.timeout).toBe(timeoutsBeforeProbe + 1);
    expect(probed.offScanUntil! - probeAt).toBeGreaterThanOrEqual(4000 - 50);
    // Every healthy press kept reading in the window.
    for (const unitId of healthy) expect(readings.some((r) => r.pressId === `b-${unitId}` && r.at >= from && r.ok)).toBe(true);
  }, 30_000);
});
