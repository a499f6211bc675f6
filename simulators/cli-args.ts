/**
 * Command-line options of `npm run sim`, turned into `startSimulation` options. Every bad
 * argument is a UsageError naming the option and what it accepts.
 */
import { parseArgs } from 'node:util';
import type { Faults } from './faults.js';
import { FAULT_NAMES } from './faults.js';
import type { SimulatedPressConfig, SimulationOptions } from './simulation.js';

export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE = `Pressroom press simulator: serves simulated presses over Modbus.

Usage: npm run sim -- [options]

Presses
  --profile NAME|FILE     press profile for --presses (default demo-sheetfed-4c; NAME is a file in config/profiles)
  --presses N             serve N presses of --profile as unit ids 1..N (default 1)
  --press UNIT:PROFILE    serve one press with this unit id and profile (repeatable; replaces --presses)
  --seed N                random seed (default 1): same seed, same presses
  --jam-interval S        mean seconds of production between random jams, 0 for never (default 1200)
  --time-scale X          press seconds per real second (default 1; 60 = an hour a minute)
  --no-assistant          nobody refills or clears jams: the presses stay stopped until you act
  --refill-after S        the assistant refills a low level after S seconds (default 60)
  --clear-jam-after S     the assistant clears a jam after S seconds (default 30)
  --strict                reads of unmapped registers answer exception 2 instead of 0

Link
  --serve KIND            tcp (default), rtu (serial path) or rtu-over-tcp
  --host H --port P       tcp kinds (default 127.0.0.1 and 5020; port 0 picks a free one)
  --path PATH             rtu: serial device or pty, e.g. /tmp/x/ttyB
  --baud N --parity P --stop-bits N   rtu (default 19200, none, 1)
  --line-timing           rtu kinds: reply at the pace of a real line at --baud
  --turnaround MS         device turnaround for --line-timing (default 0)
  --unknown-unit MODE     tcp: ignore (default) or exception (11, gateway target failed)
  --fault NAME=VALUE,...  server-wide faults from the start: ${FAULT_NAMES.join(', ')}

  --help                  this text

Once started, type "help" for the commands (jam, clear, refill, fault, status, ...).`;

export interface CliOptions {
  simulation: SimulationOptions;
  help: boolean;
}

function number(name: string, text: string | undefined, check: (n: number) => boolean, what: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || !check(value)) throw new UsageError(`--${name}: expected ${what}, got "${text}"`);
  return value;
}

export function parseFaults(text: string): Partial<Faults> {
  const faults: Partial<Faults> = {};
  for (const part of text.split(',').filter(Boolean)) {
    const [name, value] = part.split('=');
    if (!name || !FAULT_NAMES.includes(name as keyof Faults)) throw new UsageError(`--fault: unknown fault "${name}"; known: ${FAULT_NAMES.join(', ')}`);
    faults[name as keyof Faults] = number('fault', value, (n) => n >= 0, `a number >= 0 for ${name}`);
  }
  return faults;
}

export function parseCli(argv: string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        profile: { type: 'string', default: 'demo-sheetfed-4c' },
        presses: { type: 'string' },
        press: { type: 'string', multiple: true },
        seed: { type: 'string' },
        'jam-interval': { type: 'string' },
        'time-scale': { type: 'string' },
        'no-assistant': { type: 'boolean', default: false },
        'refill-after': { type: 'string' },
        'clear-jam-after': { type: 'string' },
        strict: { type: 'boolean', default: false },
        serve: { type: 'string', default: 'tcp' },
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string' },
        path: { type: 'string' },
        baud: { type: 'string' },
        parity: { type: 'string' },
        'stop-bits': { type: 'string' },
        'line-timing': { type: 'boolean', default: false },
        turnaround: { type: 'string' },
        'unknown-unit': { type: 'string' },
        fault: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const o = parsed.values;
  const seconds = (name: string, text: string | undefined) => number(name, text, (n) => n >= 0, 'seconds >= 0');
  const jamInterval = seconds('jam-interval', o['jam-interval']);
  const refillAfter = seconds('refill-after', o['refill-after']);
  const clearJamAfter = seconds('clear-jam-after', o['clear-jam-after']);
  const pressDefaults: Omit<SimulatedPressConfig, 'unitId' | 'profile'> = {
    jamMeanIntervalMs: jamInterval === undefined ? undefined : jamInterval * 1000,
    assistant: o['no-assistant'] ? false : { refillAfterMs: (refillAfter ?? 60) * 1000, clearJamAfterMs: (clearJamAfter ?? 30) * 1000 },
    strict: o.strict,
  };
  const unitId = (text: string) => number('press', text, (n) => Number.isInteger(n) && n >= 1 && n <= 247, 'a unit id 1..247') as number;
  let presses: SimulatedPressConfig[];
  if (o.press && o.press.length > 0) {
    presses = o.press.map((spec) => {
      const colon = spec.indexOf(':');
      if (colon < 1) throw new UsageError(`--press: expected UNIT:PROFILE (e.g. 3:demo-sheetfed-5c), got "${spec}"`);
      return { ...pressDefaults, unitId: unitId(spec.slice(0, colon)), profile: spec.slice(colon + 1) };
    });
  } else {
    const count = number('presses', o.presses ?? '1', (n) => Number.isInteger(n) && n >= 1 && n <= 247, 'a count 1..247')!;
    presses = Array.from({ length: count }, (_, i) => ({ ...pressDefaults, unitId: i + 1, profile: o.profile }));
  }

  const baudRate = number('baud', o.baud, (n) => Number.isInteger(n) && n >= 300, 'a baud rate such as 9600 or 19200') ?? 19200;
  const turnaroundMs = number('turnaround', o.turnaround, (n) => n >= 0, 'milliseconds >= 0') ?? 0;
  const lineTiming = o['line-timing'] ? { baudRate, turnaroundMs } : undefined;
  const port = number('port', o.port, (n) => Number.isInteger(n) && n >= 0 && n <= 65535, 'a TCP port 0..65535') ?? 5020;
  let serve: SimulationOptions['serve'];
  switch (o.serve) {
    case 'tcp': {
      const unknownUnit = o['unknown-unit'] ?? 'ignore';
      if (unknownUnit !== 'ignore' && unknownUnit !== 'exception') throw new UsageError(`--unknown-unit: expected ignore or exception, got "${unknownUnit}"`);
      serve = { kind: 'tcp', host: o.host, port, unknownUnit };
      break;
    }
    case 'rtu-over-tcp':
      serve = { kind: 'rtu-over-tcp', host: o.host, port, lineTiming };
      break;
    case 'rtu': {
      if (!o.path) throw new UsageError('--serve rtu needs --path (a serial device or pty, e.g. one end of a socat pair)');
      const parity = o.parity ?? 'none';
      if (parity !== 'none' && parity !== 'even' && parity !== 'odd') throw new UsageError(`--parity: expected none, even or odd, got "${parity}"`);
      const stopBits = number('stop-bits', o['stop-bits'] ?? '1', (n) => n === 1 || n === 2, '1 or 2') as 1 | 2;
      serve = { kind: 'rtu', path: o.path, baudRate, parity, stopBits, lineTiming };
      break;
    }
    default:
      throw new UsageError(`--serve: expected tcp, rtu or rtu-over-tcp, got "${o.serve}"`);
  }
  return {
    help: o.help,
    simulation: {
      presses,
      serve,
      seed: number('seed', o.seed, Number.isInteger, 'an integer') ?? 1,
      timeScale: number('time-scale', o['time-scale'], (n) => n > 0, 'a number > 0'),
      faults: o.fault ? parseFaults(o.fault) : undefined,
    },
  };
}
