/**
 * poller-vs-modbus-serial: block reads per second through our whole polling path (Poller →
 * PressPoller → ModbusBus → Modbus TCP) against a plain modbus-serial client loop reading
 * the same blocks, both against the same simulator TCP server (in a child process).
 *
 * What "as fast as it can" means here. A Modbus TCP transaction on loopback takes ~30 µs,
 * but the poller is built to poll on fixed-rate scan timers, not back to back: a class
 * starts a cycle on its tick, and a cycle that overruns waits for the next tick. So one
 * press with tiny periods is timer-bound (a timer fires every ~1 ms at best), and presses
 * started together tick on the same grid and leave the bus idle between bursts. To make
 * the bus set the pace, the simulator serves PRESSES unit ids with the demo profile, the
 * profile's periods are divided by SPEED_UP (ratios kept: fast 10 ms, counters 40 ms,
 * slow 80 ms), the presses start staggered across one fast period, and together they
 * offer about twice the reads the link carries: hundreds of requests stay queued behind
 * the one on the wire (maxQueue raised to fit). Both sides then have one request on the
 * wire at a time (ModbusBus serialises even on TCP); the modbus-serial loop reads the same
 * blocks of the same unit ids round-robin. A third figure, a bare ModbusBus loop,
 * separates the driver's cost from the poller's. Phases alternate (poller, bus,
 * modbus-serial) × ROUNDS.
 */
import mbs from 'modbus-serial';
import { ModbusBus } from '../drivers/index.js';
import { Poller } from '../src/poller/poller.js';
import { planReads, type ReadBlock } from '../src/poller/read-plan.js';
import { resolveProfile } from '../simulators/simulation.js';
import { startChild } from './lib/child.js';
import { check, type Benchmark } from './lib/report.js';
import { rate, round } from './lib/stats.js';
import { sleep, withTimeout } from './lib/timing.js';

const ModbusRTU = mbs.default;
const PROFILE = 'demo-sheetfed-4c';
const TARGET_RATIO = 0.9;
const ROUNDS = 3;
const PRESSES = 100;
const SPEED_UP = 25;
const UNIT_IDS = Array.from({ length: PRESSES }, (_, i) => i + 1);

interface Phase {
  reads: number;
  elapsedMs: number;
  cpuMs: number;
}

async function connectedBus(port: number): Promise<ModbusBus> {
  // Every class of every press may have a request waiting: the default queue of 64 is too short.
  const bus = new ModbusBus({ id: 'bench-tcp', link: { kind: 'tcp', host: '127.0.0.1', port }, timeoutMs: 5000, retries: 0, maxQueue: PRESSES * 4 });
  const connected = new Promise<void>((resolve) => bus.once('connected', resolve));
  bus.start();
  await withTimeout(connected, 5000, 'the bus to connect');
  return bus;
}

async function pollerPhase(port: number, durationMs: number, mix: Map<string, number>): Promise<Phase> {
  const profile = resolveProfile(PROFILE);
  const bus = await connectedBus(port);
  const periods = Object.fromEntries(Object.entries(profile.polling.scanClasses).map(([name, ms]) => [name, ms / SPEED_UP]));
  const fastestMs = Math.min(...Object.values(periods));
  const poller = new Poller({
    presses: UNIT_IDS.map((unitId) => ({ pressId: `press-${unitId}`, unitId, profile, reader: bus, polling: { scanClasses: periods } })),
  });
  const blocksPerClass = new Map(poller.press('press-1')!.plan.scanClasses.map((c) => [c.name, c.blocks.length]));
  let failed = 0;
  poller.onReading((reading) => {
    if (!reading.ok) failed++;
    mix.set(reading.scanClass, (mix.get(reading.scanClass) ?? 0) + (blocksPerClass.get(reading.scanClass) ?? 0));
  });
  const before = bus.stats().transactions;
  const cpu = process.cpuUsage();
  const started = performance.now();
  // Staggered starts, so the presses' scan grids do not line up into bursts.
  const starters = UNIT_IDS.map((unitId, i) => setTimeout(() => poller.press(`press-${unitId}`)!.start(), (i * fastestMs) / PRESSES));
  await sleep(durationMs);
  starters.forEach(clearTimeout);
  await poller.stop();
  const elapsedMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const reads = bus.stats().transactions - before;
  await bus.stop();
  if (failed > 0) throw new Error(`poller: ${failed} failed cycles (${JSON.stringify(bus.stats().errors)})`);
  return { reads, elapsedMs, cpuMs: (used.user + used.system) / 1000 };
}

/** The driver alone: one loop awaiting ModbusBus reads of the same blocks, back to back. */
async function busPhase(port: number, durationMs: number, blocks: ReadBlock[]): Promise<Phase> {
  const bus = await connectedBus(port);
  let reads = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  try {
    while (performance.now() - started < durationMs) {
      for (const unitId of UNIT_IDS) {
        for (const block of blocks) {
          if (block.area === 'holding' || block.area === 'input') await bus.readRegisters(unitId, block.area, block.address, block.count);
          else await bus.readBits(unitId, block.area, block.address, block.count);
          reads++;
        }
      }
    }
  } finally {
    await bus.stop();
  }
  const elapsedMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { reads, elapsedMs, cpuMs: (used.user + used.system) / 1000 };
}

async function modbusSerialPhase(port: number, durationMs: number, blocks: ReadBlock[]): Promise<Phase> {
  const client = new ModbusRTU();
  client.on('error', () => undefined); // an unhandled 'error' event would end the process
  await client.connectTCP('127.0.0.1', { port });
  client.setTimeout(1000);
  const read = (block: ReadBlock): Promise<unknown> => {
    switch (block.area) {
      case 'holding':
        return client.readHoldingRegisters(block.address, block.count);
      case 'input':
        return client.readInputRegisters(block.address, block.count);
      case 'coil':
        return client.readCoils(block.address, block.count);
      case 'discrete':
        return client.readDiscreteInputs(block.address, block.count);
    }
  };
  let reads = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  try {
    while (performance.now() - started < durationMs) {
      for (const unitId of UNIT_IDS) {
        client.setID(unitId);
        for (const block of blocks) {
          await read(block);
          reads++;
        }
      }
    }
  } finally {
    await new Promise<void>((resolve) => client.close(() => resolve()));
  }
  const elapsedMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { reads, elapsedMs, cpuMs: (used.user + used.system) / 1000 };
}

const add = (a: Phase, b: Phase): Phase => ({ reads: a.reads + b.reads, elapsedMs: a.elapsedMs + b.elapsedMs, cpuMs: a.cpuMs + b.cpuMs });

export const pollerVsModbusSerial: Benchmark = {
  name: 'poller-vs-modbus-serial',
  title: 'block reads/s: Poller + ModbusBus vs a modbus-serial client loop, same blocks, same TCP server',
  async run({ phaseSeconds, log }) {
    const plan = planReads(resolveProfile(PROFILE));
    const offered = PRESSES * plan.scanClasses.reduce((sum, c) => sum + (c.blocks.length * 1000 * SPEED_UP) / c.periodMs, 0);
    const blocks = plan.scanClasses.flatMap((c) => c.blocks);
    const host = await startChild(new URL('./lib/server-host.ts', import.meta.url), { name: 'server-host' });
    const mix = new Map<string, number>();
    let ours: Phase = { reads: 0, elapsedMs: 0, cpuMs: 0 };
    let theirs: Phase = { reads: 0, elapsedMs: 0, cpuMs: 0 };
    let bare: Phase = { reads: 0, elapsedMs: 0, cpuMs: 0 };
    try {
      const { port } = await host.call<{ port: number }>('startSimulation', { kind: 'tcp', unitIds: UNIT_IDS, profile: PROFILE });
      await pollerPhase(port, 300, new Map()); // warm-up every path (JIT, connection)
      await busPhase(port, 300, blocks);
      await modbusSerialPhase(port, 300, blocks);
      const phaseMs = (phaseSeconds * 1000) / ROUNDS;
      for (let round_ = 0; round_ < ROUNDS; round_++) {
        ours = add(ours, await pollerPhase(port, phaseMs, mix));
        bare = add(bare, await busPhase(port, phaseMs, blocks));
        theirs = add(theirs, await modbusSerialPhase(port, phaseMs, blocks));
      }
    } finally {
      await host.close();
    }
    const oursRate = rate(ours.reads, ours.elapsedMs);
    const theirsRate = rate(theirs.reads, theirs.elapsedMs);
    const bareRate = rate(bare.reads, bare.elapsedMs);
    log(`poller ${round(oursRate)} reads/s, bare ModbusBus ${round(bareRate)} reads/s, modbus-serial ${round(theirsRate)} reads/s`);
    const totalMix = [...mix.values()].reduce((s, v) => s + v, 0);
    return {
      measured: { label: `Poller + ModbusBus (${PRESSES} presses, scan periods ÷ ${SPEED_UP})`, value: oursRate, unit: 'reads/s' },
      baseline: { label: 'modbus-serial client loop, same blocks', value: theirsRate, unit: 'reads/s' },
      ratio: oursRate / theirsRate,
      checks: [
        check('ratio poller / modbus-serial', oursRate / theirsRate, '×', { op: '>=', limit: TARGET_RATIO }),
        check('ratio bare ModbusBus loop / modbus-serial', bareRate / theirsRate, '×', null),
      ],
      figures: {
        blocks: plan.scanClasses.map((c) => `${c.name}: ${c.blocks.map((b) => `${b.area} ${b.address}+${b.count}`).join(' ')}`).join('; '),
        'poller.offeredReadsPerS': round(offered),
        'bus.readsPerS': round(bareRate),
        'poller.clientCpuUsPerRead': round((ours.cpuMs * 1000) / ours.reads),
        'bus.clientCpuUsPerRead': round((bare.cpuMs * 1000) / bare.reads),
        'modbusSerial.clientCpuUsPerRead': round((theirs.cpuMs * 1000) / theirs.reads),
        'poller.readMix': [...mix.entries()].map(([k, v]) => `${k} ${Math.round((100 * v) / totalMix)}%`).join(', '),
        'poller.reads': ours.reads,
        'bus.reads': bare.reads,
        'modbusSerial.reads': theirs.reads,
      },
      notes: [
        'Simulator in a child process; both clients in the bench process, one request on the wire at a time.',
        'The poller reads its scan classes in proportion to how fast each cycles (see readMix); the modbus-serial loop reads every block in plan order. All blocks are 1–6 registers, so frames are nearly the same size.',
      ],
    };
  },
};
