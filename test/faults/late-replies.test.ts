/**
 * Late replies: the PLC answers, but after the master gave up. Over 10,000 transactions on
 * Modbus TCP and on RTU over TCP, a random few percent of the replies leave just after the
 * timeout (simulator fault `lateMs`). Every register holds its own address (plus the unit
 * id × 256) and every request asks a different address and count, so a late reply taken as
 * the answer to the next request would show as a wrong value. Every successful result is
 * checked.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isModbusError, ModbusBus, type LinkOptions } from '../../drivers/index.js';
import { mulberry32 } from '../../simulators/prng.js';
import { startSimulation, type Simulation } from '../../simulators/simulation.js';
import { startConnected } from '../helpers/bus-events.js';
import { expectedBlock, fillRegisterMap, MAP_SIZE, MAP_START, registerMapProfile } from './kit.js';

const TIMEOUT_MS = 25;
const TRANSACTIONS = 10_000;
/** Buses in parallel, each on its own connection and unit id (faults are set per unit). */
const LANES = 4;
const LATE_SHARE = 0.04;

let simulation: Simulation | undefined;
const buses: ModbusBus[] = [];
afterEach(async () => {
  await Promise.all(buses.splice(0).map((bus) => bus.stop()));
  await simulation?.close();
  simulation = undefined;
});

interface LaneResult {
  ok: number;
  late: number;
  timeouts: number;
  wrong: string[];
  otherErrors: string[];
}

/** One bus asking one unit `count` reads in a row; before each, the unit is told whether to answer late. */
async function runLane(bus: ModbusBus, sim: Simulation, unitId: number, count: number, seed: number): Promise<LaneResult> {
  const random = mulberry32(seed);
  const press = sim.press(unitId);
  const result: LaneResult = { ok: 0, late: 0, timeouts: 0, wrong: [], otherErrors: [] };
  for (let i = 0; i < count; i++) {
    const late = random() < LATE_SHARE;
    // Just above the timeout: the reply is on its way when the master gives up.
    press.setFault({ lateMs: late ? TIMEOUT_MS + 1 + Math.floor(random() * (TIMEOUT_MS / 2)) : 0 });
    const words = 1 + Math.floor(random() * 4);
    const address = MAP_START + Math.floor(random() * (MAP_SIZE - words));
    if (late) result.late++;
    try {
      const registers = await bus.readRegisters(unitId, 'holding', address, words);
      const expected = expectedBlock(unitId, address, words);
      if (registers.join() === expected.join()) result.ok++;
      else result.wrong.push(`#${i} ${address}+${words}: got [${registers.join()}], expected [${expected.join()}]`);
    } catch (error) {
      if (isModbusError(error) && error.kind === 'timeout') result.timeouts++;
      else result.otherErrors.push(String(error));
    }
  }
  press.clearFaults();
  return result;
}

async function lateReplyRun(serve: 'tcp' | 'rtu-over-tcp') {
  simulation = await startSimulation({
    presses: Array.from({ length: LANES }, (_, i) => ({ unitId: i + 1, profile: registerMapProfile() })),
    serve: { kind: serve, port: 0 },
    tickMs: 0,
  });
  fillRegisterMap(simulation);
  const { host, port } = simulation.address!;
  const link: LinkOptions = serve === 'tcp' ? { kind: 'tcp', host, port } : { kind: 'rtu-over-tcp', host, port };
  for (let lane = 0; lane < LANES; lane++) {
    const bus = new ModbusBus({ id: `${serve}-${lane + 1}`, link, timeoutMs: TIMEOUT_MS, retries: 0, halfOpenTimeouts: 1000 });
    buses.push(bus);
    await startConnected(bus);
  }
  const sim = simulation;
  const lanes = await Promise.all(buses.map((bus, lane) => runLane(bus, sim, lane + 1, TRANSACTIONS / LANES, 0x1a7e + lane)));
  const total = lanes.reduce(
    (sum, lane) => ({
      ok: sum.ok + lane.ok,
      late: sum.late + lane.late,
      timeouts: sum.timeouts + lane.timeouts,
      wrong: [...sum.wrong, ...lane.wrong],
      otherErrors: [...sum.otherErrors, ...lane.otherErrors],
    }),
    { ok: 0, late: 0, timeouts: 0, wrong: [] as string[], otherErrors: [] as string[] },
  );
  const discarded = buses.reduce((sum, bus) => sum + bus.stats().discarded.frames, 0);
  return { ...total, discarded };
}

describe('late replies are never credited to the wrong request', () => {
  it('Modbus TCP: 10,000 reads, late replies discarded by transaction id, every answer checked', async () => {
    const run = await lateReplyRun('tcp');
    expect(run.wrong).toEqual([]);
    expect(run.otherErrors).toEqual([]);
    expect(run.late).toBeGreaterThan(TRANSACTIONS * LATE_SHARE * 0.7);
    // Each late reply costs at most its own request; every on-time reply is taken. (A late
    // reply that lands while the timeout is being declared may still be read: it is this
    // request's own answer, and its value was checked like all others.)
    expect(run.ok + run.timeouts).toBe(TRANSACTIONS);
    expect(run.timeouts).toBeLessThanOrEqual(run.late);
    expect(run.timeouts).toBeGreaterThanOrEqual(run.late * 0.9);
    // The late replies did arrive, and were thrown away rather than matched.
    expect(run.discarded).toBeGreaterThanOrEqual(run.timeouts * 0.9);
  }, 60_000);

  it('RTU over TCP: 10,000 reads, late replies fall in the guard window, every answer checked', async () => {
    const run = await lateReplyRun('rtu-over-tcp');
    expect(run.wrong).toEqual([]);
    expect(run.otherErrors).toEqual([]);
    expect(run.late).toBeGreaterThan(TRANSACTIONS * LATE_SHARE * 0.7);
    expect(run.ok + run.timeouts).toBe(TRANSACTIONS);
    expect(run.timeouts).toBeLessThanOrEqual(run.late);
    expect(run.timeouts).toBeGreaterThanOrEqual(run.late * 0.9);
    expect(run.discarded).toBeGreaterThanOrEqual(run.timeouts * 0.9);
  }, 60_000);
});
