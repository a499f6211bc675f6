import type { Simulation } from '../../simulators/simulation.js';
import type { SimulatedPress } from '../../simulators/simulated-press.js';
import type { ResolvedPress } from '../model/plant.js';
import type { PreparedSimulationEvent, SimulationControl, SimulationEvent } from './simulation-routes.js';
import { HttpError } from '../http/http-error.js';

/**
 * Maps press ids to the simulated press behind them and prepares trainer events: `prepare`
 * asks the press model everything that could refuse the event (no such unit, unknown alarm
 * code) and resolves a random jam, so `apply` only acts.
 */
export function createSimulationControl(
  presses: readonly Pick<ResolvedPress, 'id' | 'bus' | 'unitId'>[],
  simulations: ReadonlyMap<string, Simulation>,
): SimulationControl {
  const pressOf = (pressId: string) => {
    const press = presses.find((p) => p.id === pressId);
    const simulation = press && simulations.get(press.bus);
    return press && simulation ? simulation.press(press.unitId) : undefined;
  };
  return {
    has: (pressId) => pressOf(pressId) !== undefined,
    prepare(pressId, event: SimulationEvent) {
      const press = pressOf(pressId)!;
      try {
        return prepareEvent(press, event);
      } catch (error) {
        // The model refuses what the press cannot do (no such unit, unknown alarm code).
        throw new HttpError(400, 'invalid_request', (error as Error).message);
      }
    },
  };
}

function prepareEvent(press: SimulatedPress, event: SimulationEvent): PreparedSimulationEvent {
  const act = (apply: () => void): PreparedSimulationEvent => ({ outcome: {}, apply });
  switch (event.action) {
    case 'jam': {
      const code = press.model.chooseJam(event.code);
      return {
        outcome: { result: code },
        apply: () =>
          press.injectJam(code, {
            ...(event.lagMs !== undefined ? { lagMs: event.lagMs } : {}),
            ...(event.stopCode !== undefined ? { stopCode: event.stopCode } : {}),
          }),
      };
    }
    case 'clear-jam':
      return act(() => press.clearJam());
    case 'open-door':
      return act(() => press.openDoor());
    case 'close-door':
      return act(() => press.closeDoor());
    case 'e-stop':
      return act(() => press.pressEStop());
    case 'release-e-stop':
      return act(() => press.releaseEStop());
    case 'stop':
      return act(() => press.stop(event.reason));
    case 'new-job':
      return act(() => press.newJob(event.goodSheets));
    case 'counter-glitch':
      return act(() =>
        press.counterGlitch({
          ...(event.value !== undefined ? { value: event.value } : {}),
          ...(event.durationMs !== undefined ? { durationMs: event.durationMs } : {}),
        }),
      );
    case 'start':
      return act(() => press.start());
    case 'finish-job':
      return act(() => press.finishJob());
    case 'clear-faults':
      return act(() => press.clearFaults());
    case 'refill-ink':
      press.model.inkLevel(event.unit); // throws for a unit the press does not have
      return act(() => press.refillInk(event.unit, event.level));
    case 'refill-paper':
      return act(() => press.refillPaper(event.level));
    case 'set-level':
      press.model.level(event.name); // throws for a level the press does not have
      return act(() => press.refillLevel(event.name, event.level));
    case 'fault': {
      const { action: _action, ...faults } = event;
      return act(() => press.setFault(faults));
    }
  }
}
