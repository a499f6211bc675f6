/** ModbusBus over Modbus TCP, against a real TCP slave on 127.0.0.1. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModbusBus, ModbusError, type BusOptions } from '../../drivers/index.js';
import { nextEvent, rejectionOf, startConnected } from '../helpers/bus-events.js';
import { captureLogs } from '../helpers/log-capture.js';
import { SlaveCore } from '../helpers/modbus-test-slave.js';
import { TcpSlaveServer } from '../helpers/test-slave-servers.js';

let core: SlaveCore;
let server: TcpSlaveServer;
let bus: ModbusBus;

function makeBus(overrides: Partial<BusOptions> = {}): ModbusBus {
  bus = new ModbusBus({
    id: 'line-tcp',
    link: { kind: 'tcp', host: '127.0.0.1', port: server.port },
    timeoutMs: 300,
    retries: 0,
    reconnect: { initialMs: 20, maxMs: 200 },
    ...overrides,
  });
  return bus;
}

beforeEach(async () => {
  core = new SlaveCore([1, 2]);
  server = new TcpSlaveServer(core);
  await server.listen();
});

afterEach(async () => {
  await bus?.stop();
  await server.close();
});

describe('reads and writes', () => {
  it('reads each of the four areas with the values the slave holds', async () => {
    await startConnected(makeBus());
    expect(await bus.readRegisters(1, 'holding', 10, 3)).toEqual([1010, 1011, 1012]);
    expect(await bus.readRegisters(2, 'input', 0, 2)).toEqual([40000, 40001]);
    expect(await bus.readBits(1, 'coil', 0, 10)).toEqual([false, true, false, true, false, true, false, true, false, true]);
    expect(await bus.readBits(1, 'discrete', 0, 4)).toEqual([true, false, false, true]);
  });

  it('writes a register, several registers, a coil and several coils', async () => {
    await startConnected(makeBus());
    await bus.writeRegister(1, 100, 0xbeef);
    await bus.writeRegisters(1, 200, [1, 2, 65535]);
    await bus.writeCoil(1, 4, true);
    await bus.writeCoils(1, 16, [true, true, false, true, false, false, false, false, true]);
    const memory = core.memory(1);
    expect(memory.holding[100]).toBe(0xbeef);
    expect(Array.from(memory.holding.subarray(200, 203))).toEqual([1, 2, 65535]);
    expect(memory.coils[4]).toBe(1);
    expect(Array.from(memory.coils.subarray(16, 25))).toEqual([1, 1, 0, 1, 0, 0, 0, 0, 1]);
  });

  it('turns an exception reply into a ModbusError with the code and the request context, without retrying', async () => {
    await startConnected(makeBus({ retries: 2 }));
    core.plan = () => ({ exception: 2 });
    const error = await rejectionOf(bus.readRegisters(2, 'holding', 9000, 4));
    expect(error).toBeInstanceOf(ModbusError);
    expect(error).toMatchObject({ kind: 'exception', exceptionCode: 2, bus: 'line-tcp', unitId: 2, functionCode: 3, address: 9000, count: 4 });
    expect(core.log).toHaveLength(1);
    expect(bus.stats().errors.exception).toBe(1);
  });

  it('uses 16-bit transaction ids that run past 255 without repeating', async () => {
    await startConnected(makeBus());
    for (let i = 0; i < 300; i++) await bus.readRegisters(1, 'holding', 0, 1);
    const ids = core.log.map((entry) => entry.transactionId);
    expect(new Set(ids).size).toBe(300);
    expect(Math.max(...ids.map(Number))).toBeGreaterThan(255);
  });
});

describe('timeouts, retries and stray replies', () => {
  it('fails with kind timeout when the slave is silent, at timeoutMs', async () => {
    await startConnected(makeBus({ timeoutMs: 200 }));
    core.plan = () => ({ silent: true });
    const started = performance.now();
    const error = await rejectionOf(bus.readRegisters(1, 'holding', 0, 1));
    const elapsed = performance.now() - started;
    expect(error).toMatchObject({ kind: 'timeout', unitId: 1, address: 0 });
    expect(elapsed).toBeGreaterThanOrEqual(195);
    expect(elapsed).toBeLessThan(250);
  });

  it('retries after a timeout and counts the failed attempt', async () => {
    await startConnected(makeBus({ timeoutMs: 100, retries: 2 }));
    core.plan = (received) => (received.seq === 0 ? { silent: true } : {});
    expect(await bus.readRegisters(1, 'holding', 5, 1)).toEqual([1005]);
    expect(bus.stats()).toMatchObject({ transactions: 2, errors: { timeout: 1 } });
  });

  it('discards a late reply instead of crediting it to the next request', async () => {
    await startConnected(makeBus({ timeoutMs: 100 }));
    // First request answered after 150 ms (too late); the second after 60 ms, so the late
    // reply (same unit, same function, same length, other values) arrives while it waits.
    core.plan = (received) => (received.seq === 0 ? { delayMs: 150, registers: [7777] } : { delayMs: 60 });
    await expect(bus.readRegisters(1, 'holding', 0, 1)).rejects.toMatchObject({ kind: 'timeout' });
    expect(await bus.readRegisters(1, 'holding', 42, 1)).toEqual([1042]);
    expect(bus.stats().discarded.frames).toBe(1);
  });

  it('ignores a reply with another transaction id (and times out)', async () => {
    await startConnected(makeBus({ timeoutMs: 100 }));
    core.plan = (received) => ({ transactionId: ((received.transactionId ?? 0) + 1000) & 0xffff });
    await expect(bus.readRegisters(1, 'holding', 0, 1)).rejects.toMatchObject({ kind: 'timeout' });
    expect(bus.stats().discarded.frames).toBe(1);
  });

  it('drops a half-open connection after 2 consecutive timeouts (a request and its retry) and reconnects', async () => {
    await startConnected(makeBus({ timeoutMs: 50, retries: 1 }));
    expect(await bus.readRegisters(1, 'holding', 0, 1)).toEqual([1000]);
    core.plan = () => ({ silent: true });
    const disconnected = nextEvent(bus, 'disconnected');
    // The timeout that drops the connection fails the request as offline: the link is down.
    await expect(bus.readRegisters(1, 'holding', 0, 1)).rejects.toMatchObject({ kind: 'offline', message: expect.stringContaining('link down (half-open)') });
    expect(await disconnected).toEqual({ reason: 'half-open' });
    expect(bus.stats().errors.timeout).toBe(2);
    await nextEvent(bus, 'connected');
    core.plan = () => ({});
    expect(await bus.readRegisters(1, 'holding', 1, 1)).toEqual([1001]);
    expect(server.connections).toBe(2);
    expect(bus.stats().reconnects).toBe(1);
  });

  it('a PLC that keeps its connection but never answers is dropped every two timeouts, logged at warn once', async () => {
    const logs = captureLogs('debug');
    await startConnected(makeBus({ timeoutMs: 30, retries: 1, logger: logs.logger }));
    core.plan = () => ({ silent: true });
    for (let i = 0; i < 3; i++) {
      const disconnected = nextEvent(bus, 'disconnected');
      await expect(bus.readRegisters(1, 'holding', 0, 1)).rejects.toMatchObject({ kind: 'offline' });
      expect(await disconnected).toEqual({ reason: 'half-open' });
      await nextEvent(bus, 'connected');
    }
    expect(logs.at('warn').filter((msg) => msg.startsWith('consecutive timeouts'))).toHaveLength(1);
    expect(logs.at('debug').filter((msg) => msg.startsWith('consecutive timeouts again'))).toHaveLength(2);
  });

  it('behind a gateway, a dead unit never drops the connection while another unit answers; two units falling silent do', async () => {
    await startConnected(makeBus({ timeoutMs: 40, retries: 1 }));
    expect(await bus.readRegisters(1, 'holding', 0, 1)).toEqual([1000]);
    expect(await bus.readRegisters(2, 'holding', 0, 1)).toEqual([2000]);
    let dark = false;
    core.plan = (received) => ({ silent: dark || received.unitId === 2 });
    const drops: string[] = [];
    bus.on('disconnected', ({ reason }) => drops.push(reason));
    // Unit 2 dead: its requests time out, retries included, many in a row; unit 1 still answers.
    for (let i = 0; i < 4; i++) await expect(bus.readRegisters(2, 'holding', 0, 1)).rejects.toMatchObject({ kind: 'timeout' });
    expect(await bus.readRegisters(1, 'holding', 0, 1)).toEqual([1000]);
    for (let i = 0; i < 2; i++) await expect(bus.readRegisters(2, 'holding', 0, 1)).rejects.toMatchObject({ kind: 'timeout' });
    expect(drops).toEqual([]);
    // The path goes dark: unit 1 stops too. Its request and retry, with no other unit answering, drop it.
    dark = true;
    await expect(bus.readRegisters(1, 'holding', 0, 1)).rejects.toMatchObject({ kind: 'offline' });
    expect(drops).toEqual(['half-open']);
  });
});

describe('queue', () => {
  it('runs a background request (an off-scan probe) once the other traffic has ended, not before it', async () => {
    await startConnected(makeBus());
    core.plan = () => ({ delayMs: 20 });
    const probe = bus.readRegisters(2, 'holding', 5, 1, { background: true });
    // The other presses' scan tick, a moment later, then the next block of one of their cycles.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const scan = [
      bus.readRegisters(1, 'holding', 0, 1),
      bus.readRegisters(1, 'holding', 1, 1).then(async (first) => [...first, ...(await bus.readRegisters(1, 'holding', 2, 1))]),
    ];
    expect(await Promise.all([probe, ...scan])).toEqual([[2005], [1000], [1001, 1002]]);
    expect(core.log.map((entry) => entry.unitId)).toEqual([1, 1, 1, 2]);
  });

  it('runs a background request on a line that carries nothing else within 1 s', async () => {
    await startConnected(makeBus());
    const started = performance.now();
    expect(await bus.readRegisters(2, 'holding', 5, 1, { background: true })).toEqual([2005]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(1000 - 5);
    expect(performance.now() - started).toBeLessThan(1000 + 200);
  });

  it('refuses a request at once with kind overload when maxQueue requests already wait', async () => {
    await startConnected(makeBus({ maxQueue: 2 }));
    core.plan = () => ({ delayMs: 50 });
    const accepted = [bus.readRegisters(1, 'holding', 0, 1), bus.readRegisters(1, 'holding', 1, 1), bus.readRegisters(1, 'holding', 2, 1)];
    expect(bus.stats().queued).toBe(2);
    await expect(bus.readRegisters(1, 'holding', 3, 1)).rejects.toMatchObject({ kind: 'overload', address: 3 });
    expect(await Promise.all(accepted)).toEqual([[1000], [1001], [1002]]);
    expect(bus.stats().errors.overload).toBe(1);
  });

  it('keeps one transaction on the line at a time, in FIFO order', async () => {
    await startConnected(makeBus());
    core.plan = () => ({ delayMs: 5 });
    const reads = [1, 2, 1, 2, 1].map((unitId, i) => bus.readRegisters(unitId, 'holding', i, 1));
    expect(await Promise.all(reads)).toEqual([[1000], [2001], [1002], [2003], [1004]]);
    core.log.slice(1).forEach((entry, i) => expect(entry.receivedAt).toBeGreaterThanOrEqual(core.log[i]!.repliedAt!));
  });
});

describe('link loss', () => {
  it('fails the request on the line and the queued ones with kind offline as soon as the connection drops', async () => {
    await startConnected(makeBus({ timeoutMs: 5000 }));
    core.plan = () => ({ silent: true });
    const pending = [0, 1, 2].map((address) => rejectionOf(bus.readRegisters(1, 'holding', address, 1)));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const dropped = performance.now();
    server.dropConnections();
    const errors = await Promise.all(pending);
    expect(performance.now() - dropped).toBeLessThan(200);
    for (const error of errors) expect(error).toMatchObject({ kind: 'offline', bus: 'line-tcp' });
  });

  it('fails fast while disconnected and reconnects after the server restarts', async () => {
    await startConnected(makeBus());
    const disconnected = nextEvent(bus, 'disconnected');
    await server.close();
    expect(await disconnected).toMatchObject({ reason: 'remote-closed' });
    const started = performance.now();
    await expect(bus.readRegisters(1, 'holding', 0, 1)).rejects.toMatchObject({ kind: 'offline' });
    expect(performance.now() - started).toBeLessThan(20);
    await nextEvent(bus, 'connectFailed');
    const connected = nextEvent(bus, 'connected');
    await server.listen();
    await connected;
    expect(await bus.readRegisters(1, 'holding', 7, 1)).toEqual([1007]);
    expect(bus.stats()).toMatchObject({ connected: true, reconnects: 1 });
  });

  it('keeps retrying the first connect in the background without throwing', async () => {
    const port = server.port;
    await server.close();
    makeBus({ link: { kind: 'tcp', host: '127.0.0.1', port } });
    const failed = nextEvent(bus, 'connectFailed');
    bus.start();
    expect((await failed).error.message).toMatch(/ECONNREFUSED/);
    expect(bus.connected).toBe(false);
    const connected = nextEvent(bus, 'connected');
    await server.listen();
    await connected;
    expect(await bus.readRegisters(1, 'input', 3, 1)).toEqual([40003]);
  });

  it('settles pending requests with offline on stop()', async () => {
    await startConnected(makeBus({ timeoutMs: 5000 }));
    core.plan = () => ({ silent: true });
    const pending = rejectionOf(bus.readRegisters(1, 'holding', 0, 1));
    await new Promise((resolve) => setTimeout(resolve, 10));
    await bus.stop();
    expect(await pending).toMatchObject({ kind: 'offline' });
    expect(bus.connected).toBe(false);
  });
});
