import type { Simulation } from '../../simulators/simulation.js';
import type { ResolvedPress } from '../model/plant.js';

import type { SimulationControl, SimulationEvent } from './simulation-routes.js';
import { HttpError } from '../http/http-error.js';

/** Maps press ids to the simulated press behind them and applies trainer events. */
export function createSimulationControl(presses: readonly Pick<ResolvedPress, 'id' | 'bus' | 'unitId'>[], simulations: ReadonlyMap<string, Simulation>): SimulationControl {
  const pressOf = (pressId: string) => {
    const press = presses.find((p) => p.id === pressId);
    const simulation = press && simulations.get(press.bus);
    return press && simulation ? simulation.press(press.unitId) : undefined;
  };
  return {
    has: (pressId) => pressOf(pressId) !== undefined,
    apply(pressId, event: SimulationEvent) {
      const press = pressOf(pressId)!;
      try {
        switch (event.action) {
          case 'jam':
            return { result: press.injectJam(event.code) };
          case 'clear-jam':
            press.clearJam();
            break;
          case 'open-door':
            press.openDoor();
            break;
          case 'close-door':
            press.closeDoor();
            break;
          case 'e-stop':
            press.pressEStop();
            break;
          case 'release-e-stop':
            press.releaseEStop();
            break;
          case 'stop':
            press.stop();
            break;
          case 'start':
            press.start();
            break;
          case 'finish-job':
            press.finishJob();
            break;
          case 'clear-faults':
            press.clearFaults();
            break;
          case 'refill-ink':
            press.refillInk(event.unit, event.level);
            break;
          case 'refill-paper':
            press.refillPaper(event.level);
            break;
          case 'set-level':
            press.refillLevel(event.name, event.level);
            break;
          case 'fault': {
            const { action: _action, ...faults } = event;
            press.setFault(faults);
            break;
          }
        }
      } catch (error) {
        // The model refuses what the press cannot do (no such unit, unknown alarm code).
        throw new HttpError(400, 'invalid_request', (error as Error).message);
      }
      return {};
    },
  };
}
