/**
 * The Modbus TCP server, checked byte for byte against frames worked out by hand from the
 * Modbus specification (the codec is shared with the driver, so only fixed bytes can catch
 * a bug in it), then with an independent client (modbus-serial).
 */
import mbs from 'modbus-serial';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulation, type Simulation, type SimulatedPressConfig } from '../../simulators/simulation.js';
import { hex, RawClient } from './helpers.js';

const ModbusRTU = mbs.default;

// Known values at press time 0: setup (state code 1 in the 4c profile, 20 in the 5c one),
// ink 50.0 %, paper 75.5 %, fountain 100 %, counters chosen to show the word order.
const knownPress = (unitId: number, profile: string): SimulatedPressConfig => ({
  unitId,
  profile,
  initial: { ink: 50, paper: 75.5, levels: 100, counters: { total: 0x1234_5678, good: 2, waste: 0x1_0000 } },
});

let sim: Simulation | undefined;
const clients: RawClient[] = [];
afterEach(async () => {
  clients.splice(0).forEach((c) => c.close());
  await sim?.close();
  sim = undefined;
});

async function serve(unknownUnit?: 'ignore' | 'exception'): Promise<{ sim: Simulation; client: RawClient }> {
  sim = await startSimulation({
    presses: [knownPress(1, 'demo-sheetfed-4c'), knownPress(2, 'demo-sheetfed-5c')],
    serve: { kind: 'tcp', port: 0, unknownUnit },
    tickMs: 0,
  });
  const client = await RawClient.open(sim.address!.port);
  clients.push(client);
  return { sim, client };
}

describe('Modbus TCP server, exact bytes', () => {
  it('answers a read of holding registers 0..15 of the 4c press', async () => {
    const { client } = await serve();
    client.send(hex('0001 0000 0006 01 03 0000 0010'));
    expect((await client.take(9 + 32)).toString('hex')).toBe(
      hex(`0001 0000 0023 01 03 20
           0001 0000 1234 5678 0000 0002 0001 0000 0000 0000
           01f4 01f4 01f4 01f4 02f3 03e8`).toString('hex'),
    );
  });

  it('serves f32 with the low word first for the 5c press, and its state code', async () => {
    const { client } = await serve();
    client.send(hex('0007 0000 0006 02 03 00c8 0002')); // ink.1 = 50.0 = 0x42480000
    expect((await client.take(13)).toString('hex')).toBe('00070000000702030400004248');
    client.send(hex('0008 0000 0006 02 04 0064 0001')); // state register: setup = 20
    expect((await client.take(11)).toString('hex')).toBe('000800000005020402' + '0014');
  });

  it('answers exception 2 to a write of a read-only register, 1 to an unknown function', async () => {
    const { client } = await serve();
    client.send(hex('0002 0000 0006 01 06 0000 0005'));
    expect((await client.take(9)).toString('hex')).toBe('000200000003018602');
    client.send(hex('0003 0000 0004 01 2b 0e 01'));
    expect((await client.take(9)).toString('hex')).toBe('00030000000301ab01');
  });

  it('takes a refill as a register write, echoes it, and shows the new level', async () => {
    const { sim, client } = await serve();
    client.send(hex('0004 0000 0006 01 06 000b 03e8')); // ink.2 := 100.0 %
    expect((await client.take(12)).toString('hex')).toBe('000400000006010600' + '0b03e8');
    expect(sim.press(1).model.inkLevel(2)).toBe(100);
    client.send(hex('0005 0000 000b 02 10 00d2 0002 04 0000 42c8')); // 5c paper := 100.0 (f32, low word first)
    expect((await client.take(12)).toString('hex')).toBe('000500000006021000d20002');
    expect(sim.press(2).model.paperLevel).toBe(100);
  });

  it('answers pipelined requests in order, with their transaction ids', async () => {
    const { sim, client } = await serve();
    sim.press(1).pressEStop();
    client.send(hex('0010 0000 0006 01 02 0000 0001  0011 0000 0006 01 01 0000 0001  0012 0000 0006 02 04 0064 0001'));
    expect((await client.take(10 + 10 + 11)).toString('hex')).toBe(
      hex('0010 0000 0004 01 02 01 01  0011 0000 0004 01 01 01 00  0012 0000 0005 02 04 02 0014').toString('hex'),
    );
  });

  it('ignores an unknown unit id by default, or answers exception 11 when asked', async () => {
    const first = await serve();
    first.client.send(hex('0001 0000 0006 09 03 0000 0001'));
    expect((await first.client.expectSilence(150)).length).toBe(0);
    await sim!.close();
    const second = await serve('exception');
    second.client.send(hex('0001 0000 0006 09 03 0000 0001'));
    expect((await second.client.take(9)).toString('hex')).toBe('00010000000309830b');
  });

  it('drops a connection whose MBAP header is not Modbus', async () => {
    const { client } = await serve();
    client.send(hex('0001 0007 0006 01 03 0000 0001'));
    await client.untilClosed();
  });
});

describe('Modbus TCP server with an independent client (modbus-serial)', () => {
  it('reads counters, levels and alarms the way the profile describes them', async () => {
    const { sim } = await serve();
    sim.press(1).injectJam('jam.delivery');
    const client = new ModbusRTU();
    await client.connectTCP('127.0.0.1', { port: sim.address!.port });
    client.setTimeout(1000);
    try {
      client.setID(1);
      const holding = await client.readHoldingRegisters(0, 21);
      expect(holding.data[0]).toBe(4); // stopped, jam
      expect(holding.data[20]).toBe(0b10); // jam.delivery is bit 1
      expect(holding.buffer.readUInt32BE(4)).toBe(0x1234_5678);
      client.setID(2);
      const levels = await client.readHoldingRegisters(200, 12);
      const swapped = Buffer.alloc(4);
      swapped.writeUInt16BE(levels.data[11]!, 0);
      swapped.writeUInt16BE(levels.data[10]!, 2);
      expect(swapped.readFloatBE(0)).toBe(75.5);
    } finally {
      client.close(() => undefined);
    }
  });
});

describe('Modbus TCP server faults', () => {
  it('a silent unit makes the client time out while the other unit answers', async () => {
    const { sim } = await serve();
    sim.press(1).setFault({ silent: 1 });
    const client = new ModbusRTU();
    await client.connectTCP('127.0.0.1', { port: sim.address!.port });
    client.setTimeout(200);
    try {
      client.setID(1);
      await expect(client.readHoldingRegisters(0, 1)).rejects.toMatchObject({ name: 'TransactionTimedOutError' });
      client.setID(2);
      expect((await client.readInputRegisters(100, 1)).data).toEqual([20]);
    } finally {
      client.close(() => undefined);
    }
  });

  it('slow replies still come in order; late replies are overtaken; drop closes the socket', async () => {
    const { sim, client } = await serve();
    sim.press(1).setFault({ delayMs: 100 });
    client.send(hex('0001 0000 0006 01 03 0000 0001  0002 0000 0006 02 04 0064 0001'));
    const started = performance.now();
    expect((await client.take(22)).toString('hex')).toBe(hex('0001 0000 0005 01 03 02 0001  0002 0000 0005 02 04 02 0014').toString('hex'));
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
    sim.press(1).setFault({ delayMs: 0, lateMs: 100 });
    client.send(hex('0003 0000 0006 01 03 0000 0001  0004 0000 0006 02 04 0064 0001'));
    expect((await client.take(22)).toString('hex')).toBe(hex('0004 0000 0005 02 04 02 0014  0003 0000 0005 01 03 02 0001').toString('hex'));
    sim.faults.set({ drop: 1 });
    client.send(hex('0005 0000 0006 02 03 0000 0001'));
    await client.untilClosed();
  });
});
