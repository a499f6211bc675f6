/**
 * A Modbus TCP PLC that loses power, and a connection that goes half-open.
 *
 * Power cycle: the simulator closes (its connections are reset) and comes back on the same
 * port a few seconds later, long enough for the reconnect backoff to grow. The bus must
 * notice within 3× the timeout and be connected again within 2 s of the PLC being back,
 * even with the worst jitter (`random` pinned near 1).
 *
 * Half-open: a proxy stops forwarding without closing (stall-proxy.ts). The bus takes the
 * connection for dead after two consecutive timeouts (a request and its retry, which
 * follows at once) when no other unit answers on it; and reads again within 2 s of the path
 * healing. Under the real poller with the demo profile's settings (200 ms timeout, 1 retry,
 * fast scan 250 ms), a PLC that falls silent mid-poll has its connection dropped and its
 * press offline within 3× the timeout of the stall. A stall between polls is noticed only
 * when the poller next asks: within 3× the timeout of that first unanswered request. Behind
 * a gateway, one dead unit never drops the connection the others answer on.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ModbusBus, isModbusError } from '../../drivers/index.js';
import { resolveProfile, startSimulation, type Simulation } from '../../simulators/simulation.js';
import { startConnected } from '../helpers/bus-events.js';
import { Floor, withPolling } from './floor.js';
import { busEvent, healthWhere, readingWhere, settled } from './kit.js';
import { BlackHole } from './black-hole.js';
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

/**
 * A PLC being polled, online. Worst-case jitter: every backoff delay at its ceiling; default
 * reconnect settings, as the service uses.
 */
async function polledPlc() {
  const simulation = await plc();
  const port = simulation.address!.port;
  const bus = await floor.bus({ id: 'plc-1', link: { kind: 'tcp', host: '127.0.0.1', port }, timeoutMs: TIMEOUT_MS, random: () => 0.999 });
  const { poller } = floor.poller([{ pressId: 'press-1', unitId: 1, profile, reader: bus }]);
  const press = poller.press('press-1')!;
  await healthWhere(press, (h) => h.online);
  return { simulation, port, bus, press };
}

describe('TCP PLC power cycle and half-open connections', () => {
  it('power cycle: offline within 3× the timeout, connected again within 2 s of the PLC coming back', async () => {
    const first = await polledPlc();
    let { simulation } = first;
    const { port, bus, press } = first;

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

  it('power off without a reset: connect attempts go unanswered, and the bus is connected again within 2 s of the PLC coming back', async () => {
    const first = await polledPlc();
    let { simulation } = first;
    const { port, bus, press } = first;

    const disconnected = busEvent(bus, 'disconnected');
    await simulation.close();
    // gone without a trace: from now on the bus's SYNs are dropped, its connects hang
    const hole = await BlackHole.open(port);
    floor.onTeardown(() => hole.close());
    await disconnected;
    // A connect attempt that hung until its timeout tells when the next one starts. The PLC
    // comes back 1.1 s into that attempt, just after the kernel's first SYN retransmission:
    // the worst moment, since the next SYN is then only the one of the following attempt.
    const hung = await new Promise<{ at: number; retryInMs: number }>((resolve) => {
      const unsubscribe = bus.on('connectFailed', (info) => {
        if (!/timed out/.test(info.error.message)) return;
        unsubscribe();
        resolve({ at: performance.now(), retryInMs: info.retryInMs });
      });
    });
    await new Promise((resolve) => setTimeout(resolve, hung.at + hung.retryInMs + 1100 - performance.now()));
    expect(press.health().online).toBe(false);

    const reconnected = busEvent(bus, 'connected', 10_000);
    const pressOnline = healthWhere(press, (h) => h.online, 10_000);
    await hole.close();
    simulation = await plc(port);
    const backAt = performance.now();
    const after = (await reconnected).at - backAt;
    if (process.env.PRESSROOM_TEST_VERBOSE) console.log(`power off without reset: connected ${after.toFixed(0)} ms after the PLC was back`);
    expect(after).toBeLessThan(2000);
    expect((await pressOnline).at - backAt).toBeLessThan(2000 + PERIOD_MS);
  }, 30_000);

  it('half-open: two timeouts and the connection is dropped; reads again within 2 s of the path healing', async () => {
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
    // Two timeouts: the request in flight at the stall (or the next one) and its retry... with retries 0, the next read.
    expect(detected.at - stalledAt).toBeLessThan(3 * TIMEOUT_MS);
    expect(bus.stats().errors.timeout).toBe(2);

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

  describe("half-open under the real poller, with the demo profile's settings (timeout 200 ms, 1 retry, fast scan 250 ms)", () => {
    const demo = resolveProfile('demo-sheetfed-4c');
    const T = demo.polling.timeoutMs;

    async function polledThroughProxy(units: number[]) {
      const simulation = await startSimulation({ presses: units.map((unitId) => ({ unitId, profile: demo })), serve: { kind: 'tcp', port: 0 }, tickMs: 0 });
      floor.onTeardown(() => simulation.close());
      const proxy = await StallProxy.start(simulation.address!);
      floor.onTeardown(() => proxy.close());
      // The bus's own settings are the service's defaults; the poller asks with the profile's timeout and retries.
      const bus = await floor.bus({ id: 'plc-proxied', link: { kind: 'tcp', host: '127.0.0.1', port: proxy.port }, timeoutMs: T, retries: 1 });
      const { poller } = floor.poller(units.map((unitId) => ({ pressId: `press-${unitId}`, unitId, profile: demo, reader: bus })));
      for (const unitId of units) await healthWhere(poller.press(`press-${unitId}`)!, (h) => h.online);
      return { simulation, proxy, bus, poller };
    }

    it('a PLC falling silent mid-poll: connection dropped and press offline within 3× the timeout of the stall', async () => {
      expect(T).toBe(200);
      const { proxy, bus, poller } = await polledThroughProxy([1]);
      const press = poller.press('press-1')!;
      const disconnected = busEvent(bus, 'disconnected');
      const pressOffline = healthWhere(press, (h) => !h.online, 5000);
      const stalledAt = await proxy.stallAtNextRequest();
      const detected = await disconnected;
      const offline = await pressOffline;
      console.info(
        `half-open mid-poll: dropped ${Math.round(detected.at - stalledAt)} ms, press offline ${Math.round(offline.at - stalledAt)} ms after the stall (3× timeout = ${3 * T} ms)`,
      );
      expect(detected.info.reason).toBe('half-open');
      expect(detected.at - stalledAt).toBeLessThan(3 * T);
      expect(offline.at - stalledAt).toBeLessThan(3 * T);
      expect(offline.health.lastError).toMatch(/^offline: link down \(half-open\)/);
      // It reconnects at once (to a path that answers nothing), and keeps trying.
      await busEvent(bus, 'connected', 2000);
    });

    it('a PLC falling silent between polls: dropped within 3× the timeout of the first request left unanswered', async () => {
      const { proxy, bus, poller } = await polledThroughProxy([1]);
      const press = poller.press('press-1')!;
      // The worst moment: just after a reply, when the next poll is furthest away.
      await readingWhere(press, (r) => r.ok && r.scanClass === 'fast');
      const disconnected = busEvent(bus, 'disconnected');
      const stalledAt = performance.now();
      proxy.stall();
      const detected = await disconnected;
      const firstUnanswered = proxy.firstSwallowedAt!;
      console.info(
        `half-open between polls: dropped ${Math.round(detected.at - firstUnanswered)} ms after the first unanswered request, ${Math.round(detected.at - stalledAt)} ms after the stall`,
      );
      expect(detected.info.reason).toBe('half-open');
      expect(detected.at - firstUnanswered).toBeLessThan(3 * T);
      // The bus cannot know before the poller asks: at most one fast period later.
      expect(firstUnanswered - stalledAt).toBeLessThan(250 + 50);
    });

    it('a gateway with three units, one dead: the shared connection stays up; half-open, it is dropped', async () => {
      const { simulation, proxy, bus, poller } = await polledThroughProxy([1, 2, 3]);
      const drops: string[] = [];
      bus.on('disconnected', ({ reason }) => drops.push(reason));
      simulation.press(3).setFault({ silent: 1 });
      const dead = poller.press('press-3')!;
      const offScan = await healthWhere(dead, (h) => h.offScanUntil !== null, 5000);
      // Through its first probe (2 s later), the others read on the same connection.
      await healthWhere(dead, (h) => h.offScanUntil !== null && h.offScanUntil > offScan.health.offScanUntil!, 5000);
      expect(drops).toEqual([]);
      expect(bus.stats().reconnects).toBe(0);
      for (const unitId of [1, 2]) expect(poller.press(`press-${unitId}`)!.health()).toMatchObject({ online: true });
      expect(dead.health().errors.timeout).toBeGreaterThanOrEqual(4);

      // Now the path to the gateway goes dark: two units that answered stop, and it is dropped.
      const disconnected = busEvent(bus, 'disconnected');
      const stalledAt = await proxy.stallAtNextRequest();
      const detected = await disconnected;
      console.info(`gateway half-open: dropped ${Math.round(detected.at - stalledAt)} ms after the stall`);
      expect(detected.info.reason).toBe('half-open');
      // One unit's request and retry, then the other unit's request: three timeouts.
      expect(detected.at - stalledAt).toBeLessThan(4 * T);
    }, 15_000);
  });
});
