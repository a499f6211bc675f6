/**
 * An independent master, mbpoll (Debian), reads the simulator over Modbus TCP and over RTU
 * on a real pty pair made by socat. mbpoll references are 1-based: `-r 1` is address 0.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulation, type Simulation } from '../../simulators/simulation.js';
import { startPtyPair } from './helpers.js';

const run = promisify(execFile);
const initial = { ink: 50, paper: 75.5, levels: 100, counters: { total: 0x1234_5678, good: 2, waste: 0x1_0000 } };

/** mbpoll prints `[ref]: <tab>value` per register. */
async function mbpoll(args: string[]): Promise<Map<number, string>> {
  const { stdout } = await run('mbpoll', [...args, '-1'], { timeout: 10_000 }).catch((error: { stdout?: string; stderr?: string; message: string }) => {
    throw new Error(`mbpoll failed: ${error.stderr ?? error.message}\n${error.stdout ?? ''}`);
  });
  const values = new Map<number, string>();
  for (const match of stdout.matchAll(/^\[(\d+)\]:\s+(\S+)/gm)) values.set(Number(match[1]), match[2]!);
  return values;
}

let sim: Simulation | undefined;
let stopPty: (() => void) | undefined;
afterEach(async () => {
  await sim?.close();
  stopPty?.();
  sim = undefined;
  stopPty = undefined;
});

describe('mbpoll against the simulator', () => {
  it('reads holding registers, floats and discrete inputs over Modbus TCP', async () => {
    sim = await startSimulation({
      presses: [
        { unitId: 1, profile: 'demo-sheetfed-4c', initial },
        { unitId: 7, profile: 'demo-sheetfed-5c', initial },
      ],
      serve: { kind: 'tcp', port: 0 },
      tickMs: 0,
    });
    sim.press(7).pressEStop();
    const port = String(sim.address!.port);
    const holding = await mbpoll(['-m', 'tcp', '-p', port, '-a', '1', '-t', '4', '-r', '1', '-c', '16', '127.0.0.1']);
    expect([...holding.values()]).toEqual(['1', '0', '4660', '22136', '0', '2', '1', '0', '0', '0', '500', '500', '500', '500', '755', '1000']);
    // 5c: f32 with the low word first, which is mbpoll's default float order (-B would be high word first)
    const floats = await mbpoll(['-m', 'tcp', '-p', port, '-a', '7', '-t', '4:float', '-r', '201', '-c', '6', '127.0.0.1']);
    expect([...floats.values()]).toEqual(['50', '50', '50', '50', '50', '75.5']);
    const discrete = await mbpoll(['-m', 'tcp', '-p', port, '-a', '7', '-t', '1', '-r', '1', '-c', '4', '127.0.0.1']);
    expect([...discrete.values()]).toEqual(['0', '0', '0', '1']);
  });

  it('reads and writes over Modbus RTU on a socat pty pair', async () => {
    const pty = await startPtyPair();
    stopPty = pty.stop;
    sim = await startSimulation({
      presses: [
        { unitId: 3, profile: 'demo-sheetfed-4c', initial },
        { unitId: 4, profile: 'demo-sheetfed-5c', initial },
      ],
      serve: { kind: 'rtu', path: pty.b, baudRate: 19200 },
      tickMs: 0,
    });
    const rtu = ['-m', 'rtu', '-b', '19200', '-P', 'none'];
    const counters = await mbpoll([...rtu, '-a', '3', '-t', '4:hex', '-r', '3', '-c', '6', pty.a]);
    expect([...counters.values()]).toEqual(['0x1234', '0x5678', '0x0000', '0x0002', '0x0001', '0x0000']);
    const state = await mbpoll([...rtu, '-a', '4', '-t', '3', '-r', '101', '-c', '1', pty.a]);
    expect(state.get(101)).toBe('20');
    // a refill arrives as a register write: paper := 100.0 % (raw 1000)
    await run('mbpoll', [...rtu, '-a', '3', '-t', '4', '-r', '15', pty.a, '1000'], { timeout: 10_000 });
    expect(sim.press(3).model.paperLevel).toBe(100);
  });
});
