/**
 * Our master (ModbusBus + read plan) against our simulator over every link kind: Modbus
 * TCP and RTU over TCP on 127.0.0.1, RTU over a real socat pty pair, and RTU over the
 * in-process serial pair. The simulator's clock is frozen, so every decoded signal must
 * equal the press model's own state.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ModbusBus } from '../../drivers/master/modbus-bus.js';
import type { LinkOptions } from '../../drivers/master/bus-options.js';
import { createSerialPair } from '../../drivers/transport/paired-serial-binding.js';
import { loadProfileFile } from '../../src/model/profile-load.js';
import type { Profile } from '../../src/model/profile-schema.js';
import { startSimulation, type ServeOptions, type Simulation } from '../../simulators/simulation.js';
import { decodeBlock, planReads } from '../../src/poller/read-plan.js';
import { startSocatPair, type PtyPair } from '../helpers/socat.js';

const profiles: Profile[] = ['demo-sheetfed-4c', 'demo-sheetfed-5c'].map((name) => loadProfileFile(path.resolve(`config/profiles/${name}.yaml`)));
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function pollEverything(bus: ModbusBus, unitId: number, profile: Profile): Promise<Record<string, number | boolean>> {
  const values: Record<string, number | boolean> = {};
  for (const scanClass of planReads(profile).scanClasses) {
    for (const block of scanClass.blocks) {
      const words =
        block.area === 'coil' || block.area === 'discrete'
          ? await bus.readBits(unitId, block.area, block.address, block.count)
          : await bus.readRegisters(unitId, block.area, block.address, block.count);
      Object.assign(values, decodeBlock(block, words, profile));
    }
  }
  return values;
}

function expectMatchesModel(values: Record<string, number | boolean>, simulation: Simulation, unitId: number): void {
  const press = simulation.press(unitId);
  const state = press.state();
  const profile = press.profile;
  const stateSignal = profile.signals.find((s) => s.role === 'runState')!;
  expect(values[stateSignal.name]).toBe(press.registers.stateCode(state.runState, state.stopReason));
  const speed = profile.signals.find((s) => s.role === 'speed')!;
  expect(values[speed.name]).toBeCloseTo(state.speed, 0);
  for (const signal of profile.signals) {
    if (signal.role === 'counter') expect(values[signal.name], signal.name).toBe(state.counters[signal.counter]);
    if (signal.role === 'ink') expect(values[signal.name] as number, signal.name).toBeCloseTo(state.ink.find((i) => i.unit === signal.unit)!.level, 0);
    if (signal.role === 'paper') expect(values[signal.name] as number).toBeCloseTo(state.paper, 0);
    if (signal.role === 'alarm') expect(values[signal.name], signal.name).toBe(state.activeAlarms.includes(signal.alarm.code) === signal.alarm.activeWhen);
  }
}

async function setUp(serve: ServeOptions, link: (sim: Simulation) => LinkOptions): Promise<{ bus: ModbusBus; simulation: Simulation }> {
  const simulation = await startSimulation({
    presses: [
      { unitId: 1, profile: profiles[0]!, initial: { phase: 'production', counters: { total: 4_294_967_000 } } },
      { unitId: 7, profile: profiles[1]!, initial: { phase: 'production' } },
    ],
    serve,
    seed: 5,
    tickMs: 0,
  });
  simulation.advance(120_000); // two minutes of printing: speed, counters and levels have moved
  const bus = new ModbusBus({ id: `it-${serve.kind}`, link: link(simulation), timeoutMs: 500, retries: 1 });
  const connected = new Promise<void>((resolve) => bus.once('connected', resolve));
  bus.start();
  await connected;
  cleanups.push(
    () => bus.stop(),
    () => simulation.close(),
  );
  return { bus, simulation };
}

async function checkBothPresses(bus: ModbusBus, simulation: Simulation): Promise<void> {
  simulation.press(1).injectJam('jam.delivery');
  simulation.press(7).openDoor();
  for (const [unitId, profile] of [
    [1, profiles[0]!],
    [7, profiles[1]!],
  ] as const) {
    expectMatchesModel(await pollEverything(bus, unitId, profile), simulation, unitId);
  }
  // a refill written through Modbus reaches the model (a writable level register)
  const ink2 = profiles[0]!.signals.find((s) => s.name === 'ink.2')!;
  await bus.writeRegister(1, ink2.address, 1000);
  expect(
    simulation
      .press(1)
      .state()
      .ink.find((i) => i.unit === 2)!.level,
  ).toBeCloseTo(100, 5);
}

describe('driver ⇄ simulator', () => {
  it('Modbus TCP on 127.0.0.1', async () => {
    const { bus, simulation } = await setUp({ kind: 'tcp', host: '127.0.0.1', port: 0 }, (sim) => ({ kind: 'tcp', ...sim.address! }));
    await checkBothPresses(bus, simulation);
  });

  it('Modbus RTU over TCP', async () => {
    const { bus, simulation } = await setUp({ kind: 'rtu-over-tcp', host: '127.0.0.1', port: 0 }, (sim) => ({
      kind: 'rtu-over-tcp',
      ...sim.address!,
      baudRate: 115200,
    }));
    await checkBothPresses(bus, simulation);
  });

  it('Modbus RTU over a real pty pair (socat)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-pty-'));
    const pty: PtyPair = await startSocatPair(dir);
    cleanups.push(async () => {
      await pty.kill();
      rmSync(dir, { recursive: true, force: true });
    });
    const { bus, simulation } = await setUp({ kind: 'rtu', path: pty.pathB, baudRate: 38400, parity: 'none' }, () => ({
      kind: 'rtu',
      path: pty.pathA,
      baudRate: 38400,
      parity: 'none',
      dataBits: 8,
      stopBits: 1,
    }));
    await checkBothPresses(bus, simulation);
  });

  it('Modbus RTU over the in-process serial pair', async () => {
    const pair = createSerialPair({ pathA: '/virtual/it/master', pathB: '/virtual/it/press' });
    const { bus, simulation } = await setUp({ kind: 'rtu', path: pair.pathB, baudRate: 19200, binding: pair.binding }, () => ({
      kind: 'rtu',
      path: pair.pathA,
      baudRate: 19200,
      parity: 'even',
      dataBits: 8,
      stopBits: 1,
      binding: pair.binding,
    }));
    await checkBothPresses(bus, simulation);
  });
});
