/**
 * A quick throughput check of our TCP server against modbus-serial's ServerTCP, measured in
 * the same run with the same client (modbus-serial, one request in flight, 10 registers).
 * For information; the real benchmark lives in bench/.
 */
import { createServer, type AddressInfo } from 'node:net';
import mbs from 'modbus-serial';
import { describe, expect, it } from 'vitest';
import { startSimulation } from '../../simulators/simulation.js';
import { hex, RawClient } from './helpers.js';

const ModbusRTU = mbs.default;
const { ServerTCP } = mbs;
const DURATION_MS = 1000;

async function requestsPerSecond(port: number): Promise<number> {
  const client = new ModbusRTU();
  await client.connectTCP('127.0.0.1', { port });
  client.setTimeout(1000);
  client.setID(1);
  try {
    let count = 0;
    const started = performance.now();
    while (performance.now() - started < DURATION_MS) {
      await client.readHoldingRegisters(0, 10);
      count++;
    }
    return count / ((performance.now() - started) / 1000);
  } finally {
    client.close(() => undefined);
  }
}

/** ServerTCP turns port 0 into 502, so find a free port first. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('TCP server throughput (information)', () => {
  it('serves at least ten times what modbus-serial ServerTCP does', async () => {
    const sim = await startSimulation({ presses: [{ unitId: 1, profile: 'demo-sheetfed-4c' }], serve: { kind: 'tcp', port: 0 }, tickMs: 100 });
    const port = await freePort();
    const reference = new ServerTCP({ getHoldingRegister: (address: number) => address }, { host: '127.0.0.1', port, unitID: 1 });
    await new Promise<void>((resolve) => reference.on('initialized', () => resolve()));
    reference.on('socketError', () => undefined);
    try {
      const ours = await requestsPerSecond(sim.address!.port);
      const theirs = await requestsPerSecond(port);
      // Pipelined: 10,000 requests sent at once, answered in order.
      const raw = await RawClient.open(sim.address!.port);
      const frames = Buffer.concat(Array.from({ length: 10_000 }, (_, i) => hex(`${(i & 0xffff).toString(16).padStart(4, '0')} 0000 0006 01 03 0000 000a`)));
      const started = performance.now();
      raw.send(frames);
      await raw.take(10_000 * 29, 10_000);
      const pipelined = 10_000 / ((performance.now() - started) / 1000);
      raw.close();
      console.info(`TCP throughput, 10 registers: ours ${ours.toFixed(0)} req/s one in flight, ${pipelined.toFixed(0)} req/s pipelined; modbus-serial ServerTCP ${theirs.toFixed(0)} req/s`);
      expect(ours).toBeGreaterThan(10 * theirs);
    } finally {
      await new Promise((resolve) => reference.close(resolve));
      await sim.close();
    }
  });
});
