/**
 * ModbusBus over RTU on real pseudo-terminals (socat) with the native serialport binding:
 * the production code path down to the kernel's tty layer. Unplugging is killing socat,
 * which makes both ttys vanish as a pulled USB adapter does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModbusBus } from '../../drivers/index.js';
import { nextEvent, rejectionOf, startConnected } from '../helpers/bus-events.js';
import { SlaveCore } from '../helpers/modbus-test-slave.js';
import { startSocatPair, type PtyPair } from '../helpers/socat.js';
import { serveRtuOnPort } from '../helpers/test-slave-servers.js';

const BAUD = 19200;
const dir = mkdtempSync(join(tmpdir(), 'pressroom-pty-'));
const core = new SlaveCore([1, 2]);
let pty: PtyPair;
let slavePort: SerialPort;
let bus: ModbusBus;

async function openSlave(path: string): Promise<SerialPort> {
  const port = new SerialPort({ path, baudRate: BAUD, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
  serveRtuOnPort(core, port);
  return port;
}

beforeAll(async () => {
  pty = await startSocatPair(dir);
  slavePort = await openSlave(pty.pathB);
  bus = new ModbusBus({
    id: 'line-pty',
    link: { kind: 'rtu', path: pty.pathA, baudRate: BAUD, parity: 'none', dataBits: 8, stopBits: 1 },
    timeoutMs: 200,
    retries: 0,
    reconnect: { initialMs: 20, maxMs: 100 },
  });
  await startConnected(bus);
});

afterAll(async () => {
  await bus?.stop();
  if (slavePort?.isOpen) await new Promise((resolve) => slavePort.close(resolve));
  await pty?.kill();
  rmSync(dir, { recursive: true, force: true });
});

describe('RTU on a socat pty pair', () => {
  it('reads and writes through the kernel tty', async () => {
    expect(await bus.readRegisters(1, 'holding', 0, 10)).toEqual(Array.from({ length: 10 }, (_, i) => 1000 + i));
    expect(await bus.readBits(2, 'coil', 0, 4)).toEqual([false, true, false, true]);
    await bus.writeRegisters(2, 300, [7, 8, 9]);
    expect(Array.from(core.memory(2).holding.subarray(300, 303))).toEqual([7, 8, 9]);
  });

  it('tolerates noise and reports a bad CRC', async () => {
    core.plan = (received) => (received.request.address === 5 ? { prefix: Buffer.from([0xff, 0x00, 0x02]) } : { corruptCrc: true });
    expect(await bus.readRegisters(1, 'holding', 5, 2)).toEqual([1005, 1006]);
    await expect(bus.readRegisters(1, 'holding', 6, 2)).rejects.toMatchObject({ kind: 'crc', address: 6 });
    core.plan = () => ({});
  });

  it('goes offline when the tty vanishes and reconnects when it is back', async () => {
    core.plan = () => ({ silent: true });
    const pending = rejectionOf(bus.readRegisters(1, 'holding', 0, 1, { timeoutMs: 5000 }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const disconnected = nextEvent(bus, 'disconnected');
    const killedAt = performance.now();
    await pty.kill();
    expect(await disconnected).toMatchObject({ reason: 'link-error' });
    expect(await pending).toMatchObject({ kind: 'offline', bus: 'line-pty' });
    expect(performance.now() - killedAt).toBeLessThan(500);
    await nextEvent(bus, 'connectFailed');

    core.plan = () => ({});
    const connected = nextEvent(bus, 'connected');
    pty = await startSocatPair(dir);
    slavePort = await openSlave(pty.pathB);
    await connected;
    expect(await bus.readRegisters(2, 'input', 1, 1)).toEqual([40001]);
    expect(bus.stats().reconnects).toBe(1);
  });
});
