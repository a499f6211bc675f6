/**
 * The RTU slave on a serial path, run in-process on the paired (virtual null-modem)
 * binding: exact bytes through real SerialPortStreams, the drop fault closing and reopening
 * the port, and line timing.
 */
import { SerialPortStream } from '@serialport/stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createSerialPair } from '../../drivers/transport/paired-serial-binding.js';
import { startSimulation, type Simulation } from '../../simulators/simulation.js';
import { hex } from './helpers.js';

let sim: Simulation | undefined;
let master: SerialPortStream | undefined;
afterEach(async () => {
  if (master?.isOpen) await new Promise((resolve) => master!.close(resolve));
  await sim?.close();
  sim = undefined;
  master = undefined;
});

let pairCount = 0;
async function setUp(lineTiming?: { baudRate: number; turnaroundMs: number }) {
  pairCount++;
  const pair = createSerialPair({ pathA: `/dev/ttyMASTER${pairCount}`, pathB: `/dev/ttySIM${pairCount}` });
  sim = await startSimulation({
    presses: [{ unitId: 5, profile: 'demo-sheetfed-4c', initial: { counters: { total: 0x1234_5678 } } }],
    serve: { kind: 'rtu', path: pair.pathB, baudRate: 19200, binding: pair.binding, lineTiming },
    tickMs: 0,
  });
  const port = new SerialPortStream({ binding: pair.binding, path: pair.pathA, baudRate: 19200, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
  master = port;
  let received = Buffer.alloc(0);
  port.on('data', (chunk: Buffer) => (received = Buffer.concat([received, chunk])));
  const take = async (count: number, timeoutMs = 2000): Promise<Buffer> => {
    const started = performance.now();
    while (received.length < count) {
      if (performance.now() - started > timeoutMs) throw new Error(`timed out waiting for ${count} bytes (have ${received.length})`);
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          port.off('data', done);
          resolve();
        };
        const timer = setTimeout(done, 50);
        port.on('data', done);
      });
    }
    const bytes = received.subarray(0, count);
    received = received.subarray(count);
    return bytes;
  };
  return { pair, port, take, received: () => received };
}

describe('RTU slave on the paired serial binding', () => {
  it('answers exact bytes: state and total counter of unit 5', async () => {
    const { port, take } = await setUp();
    port.write(hex('05 03 0000 0004 458d'));
    expect((await take(13)).toString('hex')).toBe('0503080001000012345678' + 'eb13');
  });

  it('the drop fault closes the serial port and reopens it', async () => {
    const { pair, port, take } = await setUp();
    sim!.faults.set({ drop: 1 });
    port.write(hex('05 03 0000 0004 458d'));
    await expect.poll(() => pair.binding.isOpen(pair.pathB), { timeout: 1000 }).toBe(false);
    sim!.faults.clear();
    await expect.poll(() => pair.binding.isOpen(pair.pathB), { timeout: 3000 }).toBe(true);
    port.write(hex('05 03 0000 0004 458d'));
    expect((await take(13)).toString('hex')).toBe('0503080001000012345678eb13');
  });

  it('with line timing, a 10-register read takes its wire time (~21 ms at 19200 baud)', async () => {
    const { port, take } = await setUp({ baudRate: 19200, turnaroundMs: 5 });
    const started = performance.now();
    port.write(hex('05 03 0000 000a c449'));
    await take(25);
    // 8 + 25 characters of 11 bits at 19200 baud (18.9 ms) + t3.5 (2.0 ms) + turnaround 5 ms
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
  });
});
