/**
 * ModbusBus over RTU on a virtual null-modem cable (PairedSerialBinding) through the real
 * SerialPortStream, and RTU over TCP; the slave is the test slave on the far end.
 */
import { SerialPortStream } from '@serialport/stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSerialPair, ModbusBus, type BusOptions, type SerialPair } from '../../drivers/index.js';
import { nextEvent, rejectionOf, startConnected } from '../helpers/bus-events.js';
import { SlaveCore } from '../helpers/modbus-test-slave.js';
import { serveRtuOnPort, TcpSlaveServer } from '../helpers/test-slave-servers.js';

const BAUD = 115200;
let pair: SerialPair;
let slavePort: SerialPortStream;
let core: SlaveCore;
let bus: ModbusBus;
let counter = 0;

function makeBus(overrides: Partial<BusOptions> = {}): ModbusBus {
  bus = new ModbusBus({
    id: 'line-rtu',
    link: { kind: 'rtu', path: pair.pathA, baudRate: BAUD, parity: 'none', dataBits: 8, stopBits: 1, binding: pair.binding },
    timeoutMs: 200,
    retries: 0,
    reconnect: { initialMs: 20, maxMs: 100 },
    ...overrides,
  });
  return bus;
}

beforeEach(async () => {
  counter++;
  pair = createSerialPair({ pathA: `/dev/ttyTEST${counter}A`, pathB: `/dev/ttyTEST${counter}B` });
  core = new SlaveCore([1, 2, 3]);
  slavePort = new SerialPortStream({ binding: pair.binding, path: pair.pathB, baudRate: BAUD, autoOpen: false });
  await new Promise<void>((resolve, reject) => slavePort.open((error) => (error ? reject(error) : resolve())));
  serveRtuOnPort(core, slavePort);
});

afterEach(async () => {
  await bus?.stop();
  if (slavePort.isOpen) await new Promise((resolve) => slavePort.close(resolve));
});

describe('RTU on a serial line', () => {
  it('reads each area and writes registers and coils', async () => {
    await startConnected(makeBus());
    expect(await bus.readRegisters(1, 'holding', 0, 3)).toEqual([1000, 1001, 1002]);
    expect(await bus.readRegisters(3, 'input', 65533, 3)).toEqual([(40000 + 65533) & 0xffff, (40000 + 65534) & 0xffff, (40000 + 65535) & 0xffff]);
    expect(await bus.readBits(2, 'coil', 1, 3)).toEqual([true, false, true]);
    expect(await bus.readBits(2, 'discrete', 3, 2)).toEqual([true, false]);
    await bus.writeRegisters(2, 10, [11, 22]);
    await bus.writeRegister(2, 12, 33);
    await bus.writeCoil(2, 0, true);
    expect(Array.from(core.memory(2).holding.subarray(10, 13))).toEqual([11, 22, 33]);
    expect(core.memory(2).coils[0]).toBe(1);
  });

  it('rejects an exception reply with its code, not retried', async () => {
    await startConnected(makeBus({ retries: 3 }));
    core.plan = () => ({ exception: 3 });
    await expect(bus.writeRegister(1, 5, 9)).rejects.toMatchObject({ kind: 'exception', exceptionCode: 3, functionCode: 6, address: 5 });
    expect(core.log).toHaveLength(1);
  });

  it('times out at timeoutMs when the addressed unit does not exist', async () => {
    await startConnected(makeBus({ timeoutMs: 150 }));
    const started = performance.now();
    await expect(bus.readRegisters(9, 'holding', 0, 1)).rejects.toMatchObject({ kind: 'timeout', unitId: 9 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
    expect(performance.now() - started).toBeLessThan(200);
  });

  it('refuses broadcast and out-of-range requests before sending anything', async () => {
    await startConnected(makeBus());
    await expect(bus.writeRegister(0, 1, 1)).rejects.toMatchObject({ kind: 'protocol', message: expect.stringMatching(/broadcast/) });
    await expect(bus.readRegisters(1, 'holding', 65535, 2)).rejects.toMatchObject({ kind: 'protocol' });
    await expect(bus.readRegisters(1, 'holding', 0, 126)).rejects.toMatchObject({ kind: 'protocol' });
    await expect(bus.writeRegister(1, 0, 70000)).rejects.toMatchObject({ kind: 'protocol' });
    expect(core.log).toHaveLength(0);
    expect(bus.stats().transactions).toBe(0);
  });

  it('tolerates noise before the reply', async () => {
    await startConnected(makeBus());
    core.plan = () => ({ prefix: Buffer.from([0x00, 0xff, 0x01, 0x03, 0x42]) });
    expect(await bus.readRegisters(1, 'holding', 20, 2)).toEqual([1020, 1021]);
    expect(bus.stats().discarded.bytes).toBe(5);
  });

  it('reports a bad CRC as kind crc, counts it and retries', async () => {
    await startConnected(makeBus({ retries: 1 }));
    core.plan = (received) => ({ corruptCrc: received.seq === 0 });
    expect(await bus.readRegisters(1, 'holding', 0, 2)).toEqual([1000, 1001]);
    expect(bus.stats()).toMatchObject({ transactions: 2, errors: { crc: 1, timeout: 0 } });
  });

  it('fails with kind crc, well before the timeout, when every reply is damaged', async () => {
    await startConnected(makeBus({ timeoutMs: 500 }));
    core.plan = () => ({ corruptCrc: true });
    const started = performance.now();
    await expect(bus.readRegisters(1, 'holding', 0, 2)).rejects.toMatchObject({ kind: 'crc', unitId: 1 });
    expect(performance.now() - started).toBeLessThan(200);
  });

  it('reports a valid frame of the wrong length as kind protocol', async () => {
    await startConnected(makeBus());
    core.plan = () => ({ registers: [1, 2] }); // answers 2 registers to a read of 3
    await expect(bus.readRegisters(1, 'holding', 0, 3)).rejects.toMatchObject({ kind: 'protocol' });
  });

  it('discards a late reply during the guard window instead of crediting it to the next request', async () => {
    await startConnected(makeBus({ timeoutMs: 100 }));
    // Same unit, function and length: only timing can tell the late reply from the right one.
    core.plan = (received) => (received.seq === 0 ? { delayMs: 150, registers: [7777, 7777] } : {});
    await expect(bus.readRegisters(1, 'holding', 0, 2)).rejects.toMatchObject({ kind: 'timeout' });
    const started = performance.now();
    expect(await bus.readRegisters(1, 'holding', 50, 2)).toEqual([1050, 1051]);
    // The next request waited out the guard window (default: timeoutMs).
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
    expect(core.log[1]!.receivedAt).toBeGreaterThan(core.log[0]!.repliedAt!);
    expect(bus.stats().discarded.frames).toBe(1);
  });

  it('guards only the unit that timed out: another unit is asked at once, and the late reply is not credited to it', async () => {
    await startConnected(makeBus({ timeoutMs: 100 }));
    // Unit 1 answers 150 ms late, with the same function and length as unit 2's answer, while unit 2's request waits.
    core.plan = (received) => (received.seq === 0 ? { delayMs: 150, registers: [7777, 7777] } : received.seq === 1 ? { delayMs: 80 } : {});
    await expect(bus.readRegisters(1, 'holding', 0, 2)).rejects.toMatchObject({ kind: 'timeout' });
    expect(await bus.readRegisters(2, 'holding', 50, 2)).toEqual([2050, 2051]);
    // Unit 2 was asked right after the timeout, not after a guard window.
    expect(core.log[1]!.receivedAt - core.log[0]!.receivedAt).toBeLessThan(100 + 40);
    expect(core.log[0]!.repliedAt!).toBeLessThan(core.log[1]!.repliedAt!);
    // Unit 1 itself is asked again only after its guard window (timeout + 100 ms).
    expect(await bus.readRegisters(1, 'holding', 60, 2)).toEqual([1060, 1061]);
    expect(core.log[2]!.receivedAt - core.log[0]!.receivedAt).toBeGreaterThanOrEqual(200 - 5);
    expect(bus.stats().discarded.bytes).toBeGreaterThan(0);
  });

  it("retries at once; the late reply to the first attempt answers the retry (same request), and the unit is guarded for the retry's own reply", async () => {
    await startConnected(makeBus({ timeoutMs: 100, retries: 1 }));
    // Both attempts answered 130 ms late; the retry's reply carries other values, so crediting it to the next request would show.
    core.plan = (received) => (received.seq === 0 ? { delayMs: 130 } : received.seq === 1 ? { delayMs: 130, registers: [7777, 7777] } : {});
    expect(await bus.readRegisters(1, 'holding', 0, 2)).toEqual([1000, 1001]);
    expect(core.log[1]!.receivedAt - core.log[0]!.receivedAt).toBeLessThan(100 + 40);
    expect(await bus.readRegisters(1, 'holding', 70, 2)).toEqual([1070, 1071]);
    // The next request to unit 1 went after the retry's own (late) reply, which was discarded.
    expect(core.log[2]!.receivedAt).toBeGreaterThan(core.log[1]!.repliedAt!);
    expect(bus.stats().discarded.frames).toBeGreaterThanOrEqual(1);
  });

  it('puts one transaction at a time on the line, across unit ids, with the inter-frame gap', async () => {
    const gapMs = 4;
    await startConnected(makeBus({ interFrameGapMs: gapMs }));
    core.plan = () => ({ delayMs: 3 });
    const reads = Array.from({ length: 9 }, (_, i) => bus.readRegisters((i % 3) + 1, 'holding', i, 1));
    expect(await Promise.all(reads)).toEqual(Array.from({ length: 9 }, (_, i) => [((i % 3) + 1) * 1000 + i]));
    expect(core.log.map((entry) => entry.unitId)).toEqual([1, 2, 3, 1, 2, 3, 1, 2, 3]);
    core.log.slice(1).forEach((entry, i) => expect(entry.receivedAt - core.log[i]!.repliedAt!).toBeGreaterThanOrEqual(gapMs - 0.5));
  });
});

describe('serial adapter unplugged', () => {
  it('fails pending requests with offline at once, then reconnects when the adapter is back', async () => {
    await startConnected(makeBus({ timeoutMs: 5000 }));
    core.plan = () => ({ silent: true });
    const pending = [0, 1].map((address) => rejectionOf(bus.readRegisters(1, 'holding', address, 1)));
    await new Promise((resolve) => setTimeout(resolve, 10));
    const disconnected = nextEvent(bus, 'disconnected');
    const unplugged = performance.now();
    pair.unplug();
    expect(await disconnected).toMatchObject({ reason: 'link-error' });
    for (const error of await Promise.all(pending)) expect(error).toMatchObject({ kind: 'offline', bus: 'line-rtu' });
    expect(performance.now() - unplugged).toBeLessThan(100);
    await expect(bus.readRegisters(1, 'holding', 0, 1)).rejects.toMatchObject({ kind: 'offline' });
    expect((await nextEvent(bus, 'connectFailed')).error.message).toMatch(/No such file/);
    const connected = nextEvent(bus, 'connected');
    pair.plug();
    await connected;
    core.plan = () => ({});
    expect(await bus.readRegisters(2, 'holding', 3, 1)).toEqual([2003]);
    expect(bus.stats().reconnects).toBe(1);
  });
});

describe('RTU over TCP (serial device server)', () => {
  let server: TcpSlaveServer;
  beforeEach(async () => {
    server = new TcpSlaveServer(core, 'rtu');
    await server.listen();
  });
  afterEach(async () => {
    await bus?.stop();
    await server.close();
  });

  it('reads through the tunnel and discards a late reply', async () => {
    await startConnected(makeBus({ link: { kind: 'rtu-over-tcp', host: '127.0.0.1', port: server.port, baudRate: 19200 }, timeoutMs: 100 }));
    expect(await bus.readRegisters(2, 'holding', 7, 2)).toEqual([2007, 2008]);
    core.plan = (received) => (received.seq === 1 ? { delayMs: 130, registers: [1, 1] } : {});
    await expect(bus.readRegisters(2, 'holding', 0, 2)).rejects.toMatchObject({ kind: 'timeout' });
    expect(await bus.readRegisters(2, 'holding', 9, 2)).toEqual([2009, 2010]);
    expect(bus.stats().discarded.frames).toBe(1);
  });
});
