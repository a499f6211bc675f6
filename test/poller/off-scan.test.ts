import { afterEach, describe, expect, it } from 'vitest';
import { profileSchema } from '../../src/model/profile-schema.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { Poller } from '../../src/poller/poller.js';
import type { PressHealth, Reading } from '../../src/poller/reading.js';
import { FakeRegisterReader } from '../helpers/fake-register-reader.js';
import { captureLogs } from '../helpers/log-capture.js';

const profile = profileSchema.parse({
  model: 'small',
  name: 'Small',
  ratedSpeed: 10000,
  polling: { scanClasses: { fast: 250, slow: 2000 }, timeoutMs: 100, retries: 2 },
  signals: [
    { name: 'state', role: 'runState', area: 'holding', address: 0, type: 'u16', states: { '2': 'production' } },
    { name: 'speed', role: 'speed', area: 'input', address: 0, type: 'u16' },
    { name: 'ink.1', role: 'ink', unit: 1, color: 'cyan', area: 'holding', address: 10, type: 'u16', scale: 0.1, scan: 'slow' },
  ],
});

let clock: ManualClock;
let poller: Poller | undefined;
afterEach(async () => {
  const stopping = poller?.stop();
  await clock.advanceAsync(60_000);
  await stopping;
  poller = undefined;
});

/** Press A (unit 1) and press B (unit 2) on one bus; B's PLC never answers (300 ms of line time per read). */
function twoPressesOneBus(options: { timeoutsBeforeOffScan?: number } = {}) {
  clock = new ManualClock();
  const logs = captureLogs('debug');
  const reader = new FakeRegisterReader({ clock, latencyMs: 5 });
  reader.setDown(2, 'timeout');
  poller = new Poller({
    presses: [
      { pressId: 'a', unitId: 1, profile, reader },
      { pressId: 'b', unitId: 2, profile, reader },
    ],
    offScan: { timeoutsBeforeOffScan: options.timeoutsBeforeOffScan ?? 3 },
    clock,
    logger: logs.logger,
  });
  const readings: Reading[] = [];
  const healths: PressHealth[] = [];
  poller.onReading((r) => readings.push(r));
  poller.onHealth((h) => healths.push(h));
  return { reader, poller, readings, healths, logs };
}

const fastOf = (readings: Reading[], pressId: string, from: number, to: number) =>
  readings.filter((r) => r.pressId === pressId && r.scanClass === 'fast' && r.at >= from && r.at < to);

describe('off-scan: a press that keeps timing out cannot stall its bus', () => {
  it('a press whose reads keep timing out is taken off-scan and the other press on the same reader keeps its rate', async () => {
    const { poller, readings } = twoPressesOneBus();
    const t0 = clock.now();
    poller.start();
    await clock.advanceAsync(2000);
    expect(poller.press('b')!.health()).toMatchObject({ online: false, errors: { timeout: 3 } });
    expect(poller.press('b')!.health().offScanUntil).toBeGreaterThan(clock.now());
    const overrunsBefore = poller.press('a')!.health().overruns.fast ?? 0;

    await clock.advanceAsync(10_000);
    // 10 s at 250 ms: 40 cycles, none lost to the dead neighbour
    expect(fastOf(readings, 'a', t0 + 2000, t0 + 12_000)).toHaveLength(40);
    expect(poller.press('a')!.health().overruns.fast ?? 0).toBe(overrunsBefore);
    expect(fastOf(readings, 'a', t0 + 2000, t0 + 12_000).every((r) => r.ok)).toBe(true);
    // and b's readings stop: it is probed, not scanned
    expect(fastOf(readings, 'b', t0 + 2000, t0 + 12_000)).toHaveLength(0);
  });

  it('(control) without off-scan the same dead press costs its neighbour most of its cycles', async () => {
    const { poller, readings } = twoPressesOneBus({ timeoutsBeforeOffScan: Number.POSITIVE_INFINITY });
    const t0 = clock.now();
    poller.start();
    await clock.advanceAsync(12_000);
    expect(fastOf(readings, 'a', t0 + 2000, t0 + 12_000).length).toBeLessThan(25);
    expect(poller.press('a')!.health().overruns.fast).toBeGreaterThan(15);
  });

  it('probes once per back-off, the back-off growing 2 s, 4 s, 8 s, 16 s, then 30 s at most', async () => {
    const { reader, poller } = twoPressesOneBus();
    poller.start();
    await clock.advanceAsync(2000);
    const offScanUntil = poller.press('b')!.health().offScanUntil!;
    await clock.advanceAsync(120_000);
    const probes = reader.requestsFor(2).filter((r) => r.at >= offScanUntil);
    // one probe read per back-off, no retries, each costing its 100 ms timeout
    expect(probes.every((p) => p.opts?.retries === 0 && p.area === 'holding' && p.address === 0)).toBe(true);
    const starts = probes.map((p) => p.at);
    expect(starts[0]! - offScanUntil).toBeLessThan(10); // queued behind at most one of a's reads
    // from one probe to the next: its 100 ms timeout, then the next (longer) back-off
    const gaps = starts.slice(1).map((t, i) => t - starts[i]!);
    expect(gaps.slice(0, 6)).toEqual([4100, 8100, 16_100, 30_100, 30_100, 30_100]);
    expect(poller.press('b')!.health().online).toBe(false);
  });

  it('puts the press back on scan at the first good probe, and refreshes every scan class at once', async () => {
    const { reader, poller, readings, healths } = twoPressesOneBus();
    poller.start();
    await clock.advanceAsync(2000);
    reader.setRegisters(2, 'holding', 10, [455]);
    reader.setDown(2, null);
    const probeAt = poller.press('b')!.health().offScanUntil!;
    await clock.advanceAsync(probeAt - clock.now() + 50);
    expect(poller.press('b')!.health()).toMatchObject({ online: true, offScanUntil: null });
    expect(healths.filter((h) => h.pressId === 'b').at(-1)!.online).toBe(true);
    // the slow class would next tick at 4000 ms; it is read right after the probe
    const slow = readings.filter((r) => r.pressId === 'b' && r.scanClass === 'slow' && r.ok);
    expect(slow).toHaveLength(1);
    expect(slow[0]!.at - probeAt).toBeLessThan(50);
    expect(slow[0]!.values['ink.1']).toBeCloseTo(45.5, 6);
    await clock.advanceAsync(1000);
    expect(fastOf(readings, 'b', probeAt, clock.now()).length).toBeGreaterThanOrEqual(4);
  });

  it('logs the first failure at warn, the repeats at debug, off-scan once, and the recovery at info', async () => {
    const { reader, logs } = twoPressesOneBus();
    poller!.start();
    await clock.advanceAsync(60_000); // 3 timeouts and 5 failed probes
    reader.setDown(2, null);
    await clock.advanceAsync(31_000);
    const aboutB = (level: 'warn' | 'info' | 'debug') => logs.records.filter((r) => r.pressId === 'b' && r.level === { debug: 20, info: 30, warn: 40 }[level]);
    expect(aboutB('warn').map((r) => r.msg)).toEqual([
      'press b: read failed (timeout); repeats are logged at debug until it answers',
      'press b taken off-scan after 3 consecutive timeouts; probing every 2000 ms or more',
    ]);
    expect(aboutB('debug').filter((r) => r.msg.includes('failed again')).length).toBeGreaterThanOrEqual(6);
    expect(aboutB('info').map((r) => r.msg)).toEqual(['press b answers again, back on scan']);
    expect(logs.records.filter((r) => r.pressId === 'a' && r.level >= 40)).toEqual([]);
  });
});
