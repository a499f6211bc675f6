/**
 * A Modbus TCP PLC that loses power, and a connection that goes half-open.
 *
 * Power cycle: the simulator closes (its connections are reset) and comes back on the same
 * port a few seconds later, long enough for the reconnect backoff to grow. The bus must
 * notice within 3× the timeout and be connected again within 2 s of the PLC being back,
 * even with the worst jitter (`random` pinned near 1).
 *
 * Half-open: a proxy stops forwarding without closing (stall-proxy.ts). With requests
 * flowing, the bus must take the connection for dead within 3× the timeout (three
 * consecutive timeouts), and read again within 2 s of the path healing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ModbusBus, isModbusError } from '../../drivers/index.js';
import { resolveProfile, startSimulation, type Simulation } from '../../simulators/simulation.js';
import { startConnected } from '../helpers/bus-events.js';
import { Floor, withPolling } from './floor.js';
import { busEvent, healthWhere, settled } from './kit.js';
import { StallProxy } from './stall-proxy.js';

const TIMEOUT_MS = 100;
const PERIOD_MS = 250;
const profile = withPolling(resolveProfile('demo-sheetfed-4c'), { timeoutMs: TIMEOUT_MS, retries: 1 });

const floor = new Floor();
afterEach(() => floor.teardown());

async function plc(port = 0): Promise<Simulation> {
  const simulation = await startSimulation({ presses: [{ unitId: 1, profile }], serve: { kind: 'tcp', port }, tickMs: 0 });
  floor.onTeardown(() => simulation.close());
  return simulation;
}

describe('TCP PLC power cycle and half-open connections', () => {
  it('power cycle: offline within 3× the timeout, connected again within 2 s of the PLC coming back', async () => {
    let simulation = await plc();
    const port = simulation.address!.port;
    // Worst-case jitter: every backoff delay at its ceiling. Default reconnect settings, as the service uses.
    const bus = await floor.bus({ id: 'plc-1', link: { kind: 'tcp', host: '127.0.0.1', port }, timeoutMs: TIMEOUT_MS, random: () => 0.999 });
    const { poller } = floor.poller([{ pressId: 'press-1', unitId: 1, profile, reader: bus }]);
    const press = poller.press('press-1')!;
    await healthWhere(press, (h) => h.online);

    const disconnected = busEvent(bus, 'disconnected');
    const pressOffline = healthWhere(press, (h) => !h.online, 2000);
    const offAt = performance.now();
    await simulation.close();
    expect((await disconnected).at - offAt).toBeLessThan(3 * TIMEOUT_MS);
    expect((await pressOffline).at - offAt).toBeLessThan(3 * TIMEOUT_MS + PERIOD_MS);
    expect(press.health().lastError).toMatch(/^offline/);

    // The PLC boots for 3.5 s: by then an uncapped or 5 s-capped backoff waits longer than 2 s.
    await new Promise((resolve) => setTimeout(resolve, 3500));
    const reconnected = busEvent(bus, 'connected', 10_000);
    const pressOnline = healthWhere(press, (h) => h.online, 10_000);
    simulation = await plc(port);
    const backAt = performance.now();
    expect((await reconnected).at - backAt).toBeLessThan(2000);
    expect((await pressOnline).at - backAt).toBeLessThan(2000 + PERIOD_MS);
  }, 20_000);

  it('half-open: three timeouts and the connection is dropped; reads again within 2 s of the path healing', async () => {
    const simulation = await plc();
    const proxy = await StallProxy.start(simulation.address!);
    floor.onTeardown(() => proxy.close());
    const bus = new ModbusBus({ id: 'plc-2', link: { kind: 'tcp', host: '127.0.0.1', port: proxy.port }, timeoutMs: TIMEOUT_MS, retries: 0 });
    floor.onTeardown(() => bus.stop());
    await startConnected(bus);

    // A busy bus: one read after another; while the link is down, a short pause instead of spinning.
    let running = true;
    let lastOkAt = 0;
    const traffic = (async () => {
      while (running) {
        const outcome = await settled(bus.readRegisters(1, 'holding', 0, 8));
        if (outcome.ok) lastOkAt = outcome.at;
        else if (!isModbusError(outcome.error)) throw outcome.error;
        if (!outcome.ok) await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    floor.onTeardown(async () => {
      running = false;
      await traffic;
    });

    const halfOpen = busEvent(bus, 'disconnected');
    const stalledAt = performance.now();
    proxy.stall();
    const detected = await halfOpen;
    expect(detected.info.reason).toBe('half-open');
    expect(detected.at - stalledAt).toBeLessThan(3 * TIMEOUT_MS + 60);
    expect(bus.stats().errors.timeout).toBe(3);

    // Still dark for a while: it keeps reconnecting to a path that answers nothing.
    await busEvent(bus, 'disconnected', 2000);
    const healedAt = performance.now();
    proxy.heal();
    const okAgain = await (async () => {
      while (lastOkAt < healedAt) {
        if (performance.now() - healedAt > 5000) throw new Error('no good read within 5 s of healing');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return lastOkAt;
    })();
    expect(okAgain - healedAt).toBeLessThan(2000);
    expect(bus.stats().reconnects).toBeGreaterThanOrEqual(2);
  }, 20_000);
});
