/**
 * For buses marked `simulate: true`, starts the built-in simulator in-process and returns
 * the link the bus should use to reach it: a free loopback port for TCP kinds, a virtual
 * serial cable for RTU. The presses are then polled over real Modbus like any PLC.
 */
import type { Logger } from 'pino';
import type { LinkOptions } from '../../drivers/master/bus-options.js';
import { createSerialPair } from '../../drivers/transport/paired-serial-binding.js';
import { startSimulation, type Simulation } from '../../simulators/simulation.js';
import type { ResolvedPress } from '../model/plant.js';
import type { BusConfig } from '../model/plant.js';

export interface BusLink {
  link: LinkOptions;
  /** For display: host:port or serial path. */
  address: string;
  simulation?: Simulation;
}

export async function linkForBus(bus: BusConfig, presses: ResolvedPress[], logger: Logger): Promise<BusLink> {
  if (!bus.simulate) return { link: realLink(bus), address: bus.kind === 'rtu' ? bus.path : `${bus.host}:${bus.port}` };

  const simulatedPresses = presses.map((press) => ({
    unitId: press.unitId,
    profile: press.profile,
    seed: press.simulation.seed,
    jamMeanIntervalMs: press.simulation.jamMeanIntervalMin * 60_000,
    assistant: press.simulation.autoAssistant ? {} : (false as const),
    initial: { phase: press.simulation.startState },
  }));
  const common = { presses: simulatedPresses, timeScale: bus.simulationTimeScale, logger: logger.child({ simulator: bus.id }) };
  if (bus.kind === 'rtu') {
    // A virtual null-modem cable: the simulator on one end, the bus on the other.
    const pair = createSerialPair({ pathA: `/virtual/${bus.id}/master`, pathB: `/virtual/${bus.id}/press` });
    const simulation = await startSimulation({ ...common, serve: { kind: 'rtu', path: pair.pathB, baudRate: bus.baudRate, binding: pair.binding } });
    const link: LinkOptions = {
      kind: 'rtu',
      path: pair.pathA,
      baudRate: bus.baudRate,
      parity: bus.parity,
      dataBits: bus.dataBits,
      stopBits: bus.stopBits,
      binding: pair.binding,
    };
    return { link, address: `${pair.pathA} (simulated)`, simulation };
  }
  const simulation = await startSimulation({ ...common, serve: { kind: bus.kind, host: '127.0.0.1', port: 0 } });
  const { host, port } = simulation.address!;
  const link: LinkOptions = bus.kind === 'tcp' ? { kind: 'tcp', host, port } : { kind: 'rtu-over-tcp', host, port, baudRate: bus.baudRate };
  return { link, address: `${host}:${port} (simulated)`, simulation };
}

function realLink(bus: BusConfig): LinkOptions {
  switch (bus.kind) {
    case 'tcp':
      return { kind: 'tcp', host: bus.host, port: bus.port };
    case 'rtu-over-tcp':
      return { kind: 'rtu-over-tcp', host: bus.host, port: bus.port, baudRate: bus.baudRate };
    case 'rtu':
      return { kind: 'rtu', path: bus.path, baudRate: bus.baudRate, parity: bus.parity, dataBits: bus.dataBits, stopBits: bus.stopBits };
  }
}
