/**
 * The built-in simulator as a feature: buses marked `simulate: true` are served by simulated
 * presses in this process (over real Modbus: a loopback TCP port, or a virtual serial cable),
 * and POST /api/simulation/presses/:id/events drives them (training, tests, the demo).
 */
import type { Logger } from 'pino';
import type { Simulation } from '../../simulators/simulation.js';
import type { ResolvedPress } from '../model/plant.js';
import type { BusConfig } from '../model/plant.js';
import type { FeatureModule } from '../http/feature-module.js';
import type { AuditLog } from '../model/audit.js';
import { linkForBus, type BusLink } from './simulated-buses.js';
import { createSimulationControl } from './simulation-control.js';
import { simulationRoutes } from './simulation-routes.js';

export interface SimulationModule extends FeatureModule {
  /** The link a bus uses: its real one, or, for `simulate: true`, the simulator started for it. */
  linkFor(bus: BusConfig, presses: ResolvedPress[]): Promise<BusLink>;
  /** Simulations started so far, by bus id. */
  readonly simulations: ReadonlyMap<string, Simulation>;
}

export function createSimulationModule(options: {
  presses: readonly Pick<ResolvedPress, 'id' | 'bus' | 'unitId'>[];
  audit: AuditLog;
  logger: Logger;
}): SimulationModule {
  const simulations = new Map<string, Simulation>();
  return {
    name: 'simulation',
    migrations: [],
    routes: [simulationRoutes({ control: createSimulationControl(options.presses, simulations), audit: options.audit })],
    openapi: async () => (await import('./simulation-openapi.js')).simulationPaths,
    simulations,
    async linkFor(bus, presses) {
      const busLink = await linkForBus(bus, presses, options.logger);
      if (busLink.simulation) simulations.set(bus.id, busLink.simulation);
      return busLink;
    },
    async stop() {
      await Promise.all([...simulations.values()].map((simulation) => simulation.close()));
    },
  };
}
