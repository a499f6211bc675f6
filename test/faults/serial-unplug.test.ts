/**
 * A serial adapter pulled out mid-poll, twice over: the paired virtual binding's `unplug()`,
 * and a real socat pty pair killed under the native serialport binding. Meanwhile two
 * presses on a Modbus TCP link keep being polled.
 *
 * What must hold: nothing crashes; the requests in flight and queued on the serial bus all
 * settle within timeout + 100 ms (as `offline`); the serial presses are reported offline;
 * the bus reconnects within 2 s of the port coming back and the presses read again; the TCP
 * presses keep their rate (p99 of their cycle interval within 10 % of the period).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type ModbusBus } from '../../drivers/index.js';
import type { PressPoller } from '../../src/poller/press-poller.js';
import type { Reading } from '../../src/poller/reading.js';
import { resolveProfile, startSimulation } from '../../simulators/simulation.js';
import { startSocatPair } from '../helpers/socat.js';
import { Floor, readingTimes, withPolling } from './floor.js';
import { busEvent, healthWhere, intervals, percentile, settled, waitUntil } from './kit.js';

const PERIOD_MS = 250;
const TIMEOUT_MS = 200;
const profile = withPolling(resolveProfile('demo-sheetfed-4c'), { timeoutMs: TIMEOUT_MS, retries: 1 });

const floor = new Floor();
afterEach(() => floor.teardown());

/** Two presses on a TCP link, polled by `pollerOf`; returns a check of their rate over a time window. */
async function tcpPresses() {
  const { bus } = await floor.tcpLine({
    id: 'tcp-1',
    presses: [
      { unitId: 3, profile },
      { unitId: 4, profile },
    ],
  });
  return {
    bus,
    presses: [
      { pressId: 'tcp-3', unitId: 3, profile, reader: bus },
      { pressId: 'tcp-4', unitId: 4, profile, reader: bus },
    ],
  };
}

function expectSteadyRate(readings: Reading[], from: number, to: number): void {
  for (const pressId of ['tcp-3', 'tcp-4']) {
    const gaps = intervals(readingTimes(readings, pressId, 'fast', from, to));
    expect(gaps.length).toBeGreaterThan(4);
    const deviation = gaps.map((gap) => Math.abs(gap - PERIOD_MS));
    expect(percentile(deviation, 99), `${pressId} fast-cycle intervals ${gaps.join(', ')}`).toBeLessThanOrEqual(PERIOD_MS * 0.1);
  }
}

/** Fire reads at the serial bus so that one is on the line and several wait behind it. */
function readsInFlight(bus: ModbusBus) {
  return [1, 2, 1, 2].map((unitId, i) => settled(bus.readRegisters(unitId, 'holding', 10 + i, 4)));
}

async function expectOffline(pollers: PressPoller[]): Promise<void> {
  await Promise.all(pollers.map((p) => healthWhere(p, (h) => !h.online && (h.lastError ?? '').startsWith('offline'), 2000)));
  for (const p of pollers) expect(p.health().errors.offline).toBeGreaterThan(0);
}

describe('serial adapter unplugged mid-poll', () => {
  it('paired binding: offline at once, back within 2 s of plugging in, TCP presses unaffected', async () => {
    const serial = await floor.rtuLine({
      id: 'rs485-1',
      presses: [
        { unitId: 1, profile },
        { unitId: 2, profile },
      ],
      lineTiming: { baudRate: 19200, turnaroundMs: 2 },
    });
    const tcp = await tcpPresses();
    const { poller, readings } = floor.poller([
      { pressId: 'rtu-1', unitId: 1, profile, reader: serial.bus },
      { pressId: 'rtu-2', unitId: 2, profile, reader: serial.bus },
      ...tcp.presses,
    ]);
    const rtu = [poller.press('rtu-1')!, poller.press('rtu-2')!];
    await Promise.all(rtu.map((p) => healthWhere(p, (h) => h.online)));
    const windowStart = Date.now();

    // A slow device keeps a request on the line when the adapter goes.
    serial.simulation.press(1).setFault({ delayMs: 50 });
    const pending = readsInFlight(serial.bus);
    await waitUntil(() => serial.bus.stats().queued >= 2, { timeoutMs: 1000, what: 'reads queued on the serial bus' });
    const disconnected = busEvent(serial.bus, 'disconnected');
    const unpluggedAt = performance.now();
    serial.pair.unplug();
    const outcomes = await Promise.all(pending);
    for (const outcome of outcomes) {
      expect(outcome.ok).toBe(false);
      expect(outcome.error).toMatchObject({ kind: 'offline', bus: 'rs485-1' });
      expect(outcome.at - unpluggedAt).toBeLessThan(TIMEOUT_MS + 100);
    }
    expect((await disconnected).info.reason).toBe('link-error');
    await expectOffline(rtu);
    serial.simulation.press(1).clearFaults();

    await busEvent(serial.bus, 'connectFailed');
    await new Promise((resolve) => setTimeout(resolve, 1500)); // the adapter stays out for a while: the backoff grows
    const reconnected = busEvent(serial.bus, 'connected');
    const backOnline = Promise.all(rtu.map((p) => healthWhere(p, (h) => h.online, 5000)));
    const pluggedAt = performance.now();
    serial.pair.plug();
    expect((await reconnected).at - pluggedAt).toBeLessThan(2000);
    for (const { at } of await backOnline) expect(at - pluggedAt).toBeLessThan(2000 + PERIOD_MS);
    expect(serial.bus.stats().reconnects).toBe(1);

    expectSteadyRate(readings, windowStart, Date.now());
  });

  it('socat pty killed: the native binding sees the tty vanish, reconnects when a new pair appears', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pressroom-faults-'));
    floor.onTeardown(async () => rmSync(dir, { recursive: true, force: true }));
    let pty = await startSocatPair(dir);
    floor.onTeardown(() => pty.kill());
    const startSlave = async () => {
      const simulation = await startSimulation({
        presses: [
          { unitId: 1, profile },
          { unitId: 2, profile },
        ],
        serve: { kind: 'rtu', path: pty.pathB, baudRate: 19200 },
        tickMs: 0,
      });
      floor.onTeardown(() => simulation.close());
      return simulation;
    };
    let slave = await startSlave();
    const bus = await floor.bus({
      id: 'pty-1',
      link: { kind: 'rtu', path: pty.pathA, baudRate: 19200, parity: 'none', dataBits: 8, stopBits: 1 },
      timeoutMs: TIMEOUT_MS,
    });
    const tcp = await tcpPresses();
    const { poller, readings } = floor.poller([
      { pressId: 'rtu-1', unitId: 1, profile, reader: bus },
      { pressId: 'rtu-2', unitId: 2, profile, reader: bus },
      ...tcp.presses,
    ]);
    const rtu = [poller.press('rtu-1')!, poller.press('rtu-2')!];
    await Promise.all(rtu.map((p) => healthWhere(p, (h) => h.online)));
    const windowStart = Date.now();

    slave.press(1).setFault({ delayMs: 50 });
    const pending = readsInFlight(bus);
    await waitUntil(() => bus.stats().queued >= 2, { timeoutMs: 1000, what: 'reads queued on the serial bus' });
    const disconnected = busEvent(bus, 'disconnected');
    const killedAt = performance.now();
    await pty.kill();
    for (const outcome of await Promise.all(pending)) {
      expect(outcome.error).toMatchObject({ kind: 'offline', bus: 'pty-1' });
      expect(outcome.at - killedAt).toBeLessThan(TIMEOUT_MS + 100);
    }
    expect((await disconnected).info.reason).toBe('link-error');
    await expectOffline(rtu);
    await slave.close();

    await busEvent(bus, 'connectFailed');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const reconnected = busEvent(bus, 'connected');
    const backOnline = Promise.all(rtu.map((p) => healthWhere(p, (h) => h.online, 5000)));
    pty = await startSocatPair(dir);
    const backAt = performance.now();
    slave = await startSlave();
    expect((await reconnected).at - backAt).toBeLessThan(2000);
    for (const { at } of await backOnline) expect(at - backAt).toBeLessThan(2000 + PERIOD_MS);

    expectSteadyRate(readings, windowStart, Date.now());
  });
});
