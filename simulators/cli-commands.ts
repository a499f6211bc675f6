/**
 * The commands the simulator CLI reads on stdin, one a line. `runCommand` returns the text
 * to print, or throws a CommandError with what was expected; it never touches stdin/stdout
 * itself, so tests can drive it.
 */
import { stopReasons, type StopReason } from '../src/model/vocabulary.js';
import { FAULT_NAMES, type Faults } from './faults.js';
import type { SimulatedPress } from './simulated-press.js';
import type { Simulation } from './simulation.js';

export class CommandError extends Error {
  override name = 'CommandError';
}

export const COMMAND_HELP = `Commands (UNIT is a unit id):
  status [UNIT]                     state, speed, counters, levels and alarms
  jam UNIT [CODE] [LAGMS]           a paper jam (random jam alarm unless CODE, e.g. jam.feeder); with LAGMS
                                    the press stops at once with the fault code and the jam bit follows
  clear UNIT                        clear the jams
  door UNIT open|close              guard door
  estop UNIT [release]              press (or release) the emergency stop
  alarm UNIT CODE on|off            any alarm of the profile
  refill UNIT ink N [LEVEL]         refill printing unit N (to LEVEL %, default 100)
  refill UNIT paper [LEVEL]         new paper pile
  refill UNIT level NAME [LEVEL]    other levels (fountain solution)
  stop UNIT [REASON|none] | start UNIT  operator stop (the state code showing REASON, or a plain stop) / start
  job UNIT [GOODSHEETS]             begin the next job now (counters reset), of GOODSHEETS good sheets
  glitch UNIT [MS]                  the total counter reads 4294967290 for MS of press time (default 1500)
  finish UNIT                       end the job now: wash-up, then idle
  counters UNIT TOTAL [GOOD WASTE]  set counters (e.g. 4294967000 to watch them wrap)
  fault UNIT|all NAME VALUE|on|off  faults: ${FAULT_NAMES.join(', ')} (on = 1, off = 0)
  fault UNIT|all clear              switch faults off
  drop                              drop every client connection now (tcp kinds)
  help                              this text
  quit                              stop the simulator`;

function unitOf(sim: Simulation, text: string | undefined): SimulatedPress {
  const unitId = Number(text);
  if (text === undefined || !Number.isInteger(unitId))
    throw new CommandError(`expected a unit id, got "${text ?? ''}"; units: ${sim.presses.map((p) => p.unitId).join(', ')}`);
  try {
    return sim.press(unitId);
  } catch (error) {
    throw new CommandError((error as Error).message);
  }
}

function level(text: string | undefined): number {
  if (text === undefined) return 100;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || value > 100) throw new CommandError(`expected a level 0..100 %, got "${text}"`);
  return value;
}

function describe(press: SimulatedPress): string {
  const s = press.state();
  const state = s.stopReason ? `stopped (${s.stopReason})` : s.runState;
  const ink = s.ink.map((u) => `${u.unit}:${u.color} ${u.level.toFixed(1)}%`).join(', ');
  const levels = Object.entries(s.levels).map(([name, value]) => `${name} ${value.toFixed(1)}%`);
  const faults = Object.entries(press.faults.current).map(([name, value]) => `${name}=${value}`);
  return [
    `unit ${press.unitId} ${press.profile.model}: job ${s.job}, ${state}, ${Math.round(s.speed)} sheets/h`,
    `  counters total ${s.counters.total}, good ${s.counters.good}, waste ${s.counters.waste}`,
    `  ink ${ink}; paper ${s.paper.toFixed(1)}%${levels.length ? `; ${levels.join(', ')}` : ''}`,
    `  alarms ${s.activeAlarms.join(', ') || 'none'}${faults.length ? `; faults ${faults.join(', ')}` : ''}`,
  ].join('\n');
}

function fault(sim: Simulation, args: string[]): string {
  const [target, name, value] = args;
  const switches = target === 'all' ? [sim.faults] : [unitOf(sim, target).faults];
  const label = target === 'all' ? 'all units' : `unit ${target}`;
  if (name === undefined) return `${label}: ${JSON.stringify(switches[0]!.current)}`;
  if (name === 'clear') {
    switches.forEach((s) => s.clear());
    return `${label}: faults off`;
  }
  if (!FAULT_NAMES.includes(name as keyof Faults)) throw new CommandError(`unknown fault "${name}"; known: ${FAULT_NAMES.join(', ')}`);
  const number = value === 'on' ? 1 : value === 'off' ? 0 : Number(value);
  if (value === undefined || !Number.isFinite(number)) throw new CommandError(`fault ${name}: expected a number, on or off, got "${value ?? ''}"`);
  try {
    switches.forEach((s) => s.set({ [name]: number }));
  } catch (error) {
    throw new CommandError((error as Error).message);
  }
  return `${label}: ${name} = ${number}`;
}

/** Runs one command line; returns what to print ('' for nothing). */
export function runCommand(sim: Simulation, line: string): string {
  const [command, ...args] = line.trim().split(/\s+/);
  const act = (fn: () => unknown, done: string): string => {
    try {
      fn();
    } catch (error) {
      if (error instanceof CommandError) throw error;
      throw new CommandError((error as Error).message);
    }
    return done;
  };
  switch (command) {
    case undefined:
    case '':
      return '';
    case 'help':
      return COMMAND_HELP;
    case 'status':
      return args[0] === undefined ? sim.presses.map(describe).join('\n') : describe(unitOf(sim, args[0]));
    case 'jam': {
      const press = unitOf(sim, args[0]);
      let code = '';
      const lagMs = args[2] === undefined ? undefined : Number(args[2]);
      if (lagMs !== undefined && !(lagMs >= 0)) throw new CommandError('jam UNIT [CODE] [LAGMS] (LAGMS a number of ms >= 0)');
      act(() => (code = press.injectJam(args[1], lagMs === undefined ? {} : { lagMs })), '');
      return `unit ${press.unitId}: jam ${code}${lagMs ? `, its bit ${lagMs} ms after the stop` : ''}`;
    }
    case 'clear':
      return act(() => unitOf(sim, args[0]).clearJam(), `unit ${args[0]}: jams cleared`);
    case 'door': {
      const press = unitOf(sim, args[0]);
      if (args[1] !== 'open' && args[1] !== 'close') throw new CommandError('door UNIT open|close');
      return act(() => (args[1] === 'open' ? press.openDoor() : press.closeDoor()), `unit ${press.unitId}: door ${args[1]}`);
    }
    case 'estop': {
      const press = unitOf(sim, args[0]);
      if (args[1] !== undefined && args[1] !== 'release') throw new CommandError('estop UNIT [release]');
      return act(() => (args[1] ? press.releaseEStop() : press.pressEStop()), `unit ${press.unitId}: e-stop ${args[1] ? 'released' : 'pressed'}`);
    }
    case 'alarm': {
      const press = unitOf(sim, args[0]);
      if (!args[1] || (args[2] !== 'on' && args[2] !== 'off')) throw new CommandError('alarm UNIT CODE on|off');
      return act(() => press.setAlarm(args[1]!, args[2] === 'on'), `unit ${press.unitId}: alarm ${args[1]} ${args[2]}`);
    }
    case 'refill': {
      const press = unitOf(sim, args[0]);
      const [, what, a, b] = args;
      if (what === 'ink') {
        const unit = Number(a);
        if (!Number.isInteger(unit)) throw new CommandError(`refill UNIT ink N [LEVEL]: expected a printing unit number, got "${a ?? ''}"`);
        return act(() => press.refillInk(unit, level(b)), `unit ${press.unitId}: ink ${unit} refilled to ${level(b)}%`);
      }
      if (what === 'paper') return act(() => press.refillPaper(level(a)), `unit ${press.unitId}: paper refilled to ${level(a)}%`);
      if (what === 'level' && a) return act(() => press.refillLevel(a, level(b)), `unit ${press.unitId}: ${a} refilled to ${level(b)}%`);
      throw new CommandError('refill UNIT ink N [LEVEL] | refill UNIT paper [LEVEL] | refill UNIT level NAME [LEVEL]');
    }
    case 'stop': {
      const reason = args[1];
      if (reason !== undefined && reason !== 'none' && !(stopReasons as readonly string[]).includes(reason))
        throw new CommandError(`stop UNIT [${stopReasons.join('|')}|none]`);
      return act(
        () => unitOf(sim, args[0]).stop(reason as StopReason | 'none' | undefined),
        `unit ${args[0]}: stopped by the operator${reason ? ` (state code: ${reason})` : ''}`,
      );
    }
    case 'job': {
      const goodSheets = args[1] === undefined ? undefined : Number(args[1]);
      if (goodSheets !== undefined && !(Number.isInteger(goodSheets) && goodSheets > 0)) throw new CommandError('job UNIT [GOODSHEETS] (a whole number > 0)');
      return act(
        () => unitOf(sim, args[0]).newJob(goodSheets),
        `unit ${args[0]}: next job${goodSheets ? ` of ${goodSheets} good sheets` : ''}, counters reset`,
      );
    }
    case 'glitch': {
      const durationMs = args[1] === undefined ? undefined : Number(args[1]);
      if (durationMs !== undefined && !(durationMs >= 0)) throw new CommandError('glitch UNIT [MS]');
      return act(() => unitOf(sim, args[0]).counterGlitch(durationMs === undefined ? {} : { durationMs }), `unit ${args[0]}: total counter misread`);
    }
    case 'start':
      return act(() => unitOf(sim, args[0]).start(), `unit ${args[0]}: started`);
    case 'finish':
      return act(() => unitOf(sim, args[0]).finishJob(), `unit ${args[0]}: job finished, wash-up`);
    case 'counters': {
      const press = unitOf(sim, args[0]);
      const values = args.slice(1).map(Number);
      if (values.length === 0 || values.some((v) => !Number.isInteger(v) || v < 0)) throw new CommandError('counters UNIT TOTAL [GOOD WASTE] (integers >= 0)');
      const [total, good, waste] = values;
      return act(() => press.setCounters({ total, good, waste }), `unit ${press.unitId}: counters set`);
    }
    case 'fault':
      return fault(sim, args);
    case 'drop':
      sim.dropConnections();
      return 'connections dropped';
    default:
      throw new CommandError(`unknown command "${command}"; type "help"`);
  }
}
