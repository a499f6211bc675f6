/**
 * RTU framing (over TCP, as through a serial device server): exact bytes with CRCs worked
 * out by hand (a bitwise CRC-16/MODBUS outside the codec), corrupted frames, resync,
 * broadcasts, faults seen by modbus-serial, and line timing against the wire limit.
 */
import mbs from 'modbus-serial';
import { afterEach, describe, expect, it } from 'vitest';
import type { LineTiming } from '../../simulators/rtu-session.js';
import { startSimulation, type Simulation } from '../../simulators/simulation.js';
import { hex, RawClient } from './helpers.js';

const ModbusRTU = mbs.default;
const initial = { ink: 50, paper: 75.5, levels: 100, counters: { total: 0x1234_5678, good: 2, waste: 0x1_0000 } };

let sim: Simulation | undefined;
const clients: RawClient[] = [];
afterEach(async () => {
  clients.splice(0).forEach((c) => c.close());
  await sim?.close();
  sim = undefined;
});

async function serve(lineTiming?: LineTiming): Promise<{ sim: Simulation; client: RawClient }> {
  sim = await startSimulation({
    presses: [
      { unitId: 1, profile: 'demo-sheetfed-4c', initial },
      { unitId: 2, profile: 'demo-sheetfed-5c', initial },
    ],
    serve: { kind: 'rtu-over-tcp', port: 0, lineTiming, resyncSilenceMs: 20 },
    tickMs: 0,
  });
  const client = await RawClient.open(sim.address!.port);
  clients.push(client);
  return { sim, client };
}

describe('RTU over TCP, exact bytes', () => {
  it('answers reads of both presses with the right CRC', async () => {
    const { client } = await serve();
    client.send(hex('01 03 0000 0004 4409'));
    expect((await client.take(13)).toString('hex')).toBe('010308000100001234567' + '8fe23');
    client.send(hex('02 04 0064 0003 f1e7'));
    expect((await client.take(11)).toString('hex')).toBe('020406001400000000' + '4460');
  });

  it('answers an exception with its CRC', async () => {
    const { client } = await serve();
    client.send(hex('01 06 0000 0005 49c9'));
    expect((await client.take(5)).toString('hex')).toBe('018602c3a1');
  });

  it('never answers a frame with a bad CRC, nor a unit id it does not serve', async () => {
    const { client } = await serve();
    client.send(hex('01 03 0000 0004 440a'));
    client.send(hex('03 03 0000 0001 85e8'));
    expect((await client.expectSilence(150)).length).toBe(0);
  });

  it('finds the request after garbage, and after a stale partial frame once the line was quiet', async () => {
    const { sim, client } = await serve();
    client.send(hex('ff 00 13 01 03 0000 0004 4409'));
    expect((await client.take(13)).toString('hex')).toBe('0103080001000012345678fe23');
    // A cut-off write of 246 bytes would hold the next request hostage without the resync.
    client.send(hex('01 10 000a 007b f6 00 00'));
    await new Promise((resolve) => setTimeout(resolve, 60));
    client.send(hex('01 03 0000 0004 4409'));
    expect((await client.take(13)).toString('hex')).toBe('0103080001000012345678fe23');
    expect(sim.press(1).model.inkLevel(1)).toBe(50);
  });

  it('applies a broadcast write (unit 0) to the presses and answers nothing', async () => {
    const { sim, client } = await serve();
    client.send(hex('00 06 000b 03e8 f967')); // ink.2 := 100.0 % on every press that has it there
    client.send(hex('01 03 000b 0001 f5c8'));
    expect((await client.take(7)).toString('hex')).toBe('01030203e8b8fa');
    expect(sim.press(1).model.inkLevel(2)).toBe(100);
    expect(sim.press(2).model.inkLevel(2)).toBe(50);
  });
});

describe('RTU over TCP faults, seen by modbus-serial', () => {
  async function client(port: number): Promise<InstanceType<typeof ModbusRTU>> {
    const master = new ModbusRTU();
    // modbus-serial's TelnetPort is raw RTU over TCP (its "TcpRTUBuffered" port expects MBAP frames).
    await master.connectTelnet('127.0.0.1', { port });
    master.setTimeout(300);
    master.setID(1);
    return master;
  }

  it('reports a CRC error for a corrupted reply, and reads fine once the fault is off', async () => {
    const { sim } = await serve();
    const master = await client(sim.address!.port);
    try {
      sim.press(1).setFault({ badCrc: 1 });
      await expect(master.readHoldingRegisters(0, 4)).rejects.toThrow(/CRC/);
      sim.press(1).clearFaults();
      expect((await master.readHoldingRegisters(0, 4)).data).toEqual([1, 0, 0x1234, 0x5678]);
    } finally {
      master.close(() => undefined);
    }
  });

  it('a silent device times out; a dropped connection closes the socket', async () => {
    const { sim, client: raw } = await serve();
    const master = await client(sim.address!.port);
    try {
      sim.faults.set({ silent: 1 });
      await expect(master.readHoldingRegisters(0, 4)).rejects.toMatchObject({ name: 'TransactionTimedOutError' });
    } finally {
      master.close(() => undefined);
    }
    sim.faults.set({ silent: 0, drop: 1 });
    raw.send(hex('01 03 0000 0004 4409'));
    await raw.untilClosed();
  });

  it('garbage before a reply is skipped by the master', async () => {
    const { sim } = await serve();
    sim.press(1).setFault({ garbageBytes: 3 });
    const master = await client(sim.address!.port);
    try {
      expect((await master.readHoldingRegisters(0, 4)).data).toEqual([1, 0, 0x1234, 0x5678]);
    } finally {
      master.close(() => undefined);
    }
  });
});

describe('RTU line timing emulation', () => {
  it('paces transactions at the wire limit of 19200 baud (43.6/s for 10 registers)', async () => {
    const { client } = await serve({ baudRate: 19200, turnaroundMs: 0 });
    const request = hex('01 03 0000 000a c5cd');
    const count = 30;
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      client.send(request);
      await client.take(25);
    }
    const perSecond = count / ((performance.now() - started) / 1000);
    expect(perSecond).toBeLessThanOrEqual(44.5);
    expect(perSecond).toBeGreaterThan(30);
  });
});
