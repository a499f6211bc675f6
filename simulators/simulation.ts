/**
 * Start a set of simulated presses behind one server (one TCP port, one serial line, or one
 * RTU-over-TCP port), for the embedded demo, tests and the CLI.
 *
 * Press time advances on a timer (`tickMs`, default 100 ms of real time × `timeScale`);
 * `tickMs: 0` leaves the clock to the caller (`advance(ms)`), which tests use to stay
 * deterministic.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino, type Logger } from 'pino';
import { loadProfileFile } from '../src/model/profile-load.js';
import type { Profile } from '../src/model/profile-schema.js';
import { FaultSwitch, type Faults } from './faults.js';
import { PressModel } from './press-model.js';
import type { PressModelOptions } from './press-model-options.js';
import { PressRegisters } from './press-registers.js';
import { deriveSeed } from './prng.js';
import { RtuOverTcpServer } from './rtu-over-tcp-server.js';
import { RtuSerialServer, type SerialBinding } from './rtu-serial-server.js';
import type { LineTiming } from './rtu-session.js';
import { SimulatedPress } from './simulated-press.js';
import { ModbusTcpServer } from './tcp-server.js';

export interface SimulatedPressConfig extends Omit<PressModelOptions, 'profile' | 'seed'> {
  unitId: number;
  /** A profile, a profile file path, or the name of a file in config/profiles (`demo-sheetfed-4c`). */
  profile: Profile | string;
  /** Default: derived from the simulation seed and the unit id. */
  seed?: number;
  /** Unmapped reads answer exception 2 instead of 0. */
  strict?: boolean;
}

export type ServeOptions =
  | { kind: 'tcp'; host?: string; port?: number; unknownUnit?: 'ignore' | 'exception' }
  | { kind: 'rtu-over-tcp'; host?: string; port?: number; lineTiming?: LineTiming; resyncSilenceMs?: number }
  | {
      kind: 'rtu';
      path: string;
      baudRate?: number;
      parity?: 'none' | 'even' | 'odd';
      stopBits?: 1 | 2;
      binding?: SerialBinding;
      lineTiming?: LineTiming;
      resyncSilenceMs?: number;
    };

export interface SimulationOptions {
  presses: SimulatedPressConfig[];
  serve: ServeOptions;
  seed?: number;
  /** Press ms per real ms (60: an hour of printing a minute). */
  timeScale?: number;
  /** Real ms between clock ticks; 0: manual clock (`advance`). */
  tickMs?: number;
  /** Server-wide faults from the start. */
  faults?: Partial<Faults>;
  logger?: Logger;
}

export interface Simulation {
  readonly kind: ServeOptions['kind'];
  /** TCP kinds: where it listens (the real port when 0 was asked). */
  readonly address: { host: string; port: number } | undefined;
  /** rtu: the serial path. */
  readonly path: string | undefined;
  /** One line saying where it listens, for logs and the CLI. */
  readonly description: string;
  /** Faults of the whole server (every unit). */
  readonly faults: FaultSwitch;
  readonly presses: readonly SimulatedPress[];
  press(unitId: number): SimulatedPress;
  /** Advance every press by `ms` of press time. */
  advance(ms: number): void;
  /** Drop every client connection (TCP kinds) now. */
  dropConnections(): void;
  close(): Promise<void>;
}

/**
 * The repository's config/profiles, found upwards from this module: the same from the sources
 * (simulators/) and from the compiled service (dist/simulators/).
 */
const PROFILE_DIR = findProfileDir(dirname(fileURLToPath(import.meta.url)));

function findProfileDir(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'config', 'profiles');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return join(from, '..', 'config', 'profiles'); // named in the error when a profile is asked for
  }
}

export function resolveProfile(profile: Profile | string): Profile {
  if (typeof profile !== 'string') return profile;
  const isName = /^[a-z0-9][a-z0-9-]*$/.test(profile);
  return loadProfileFile(isName ? join(PROFILE_DIR, `${profile}.yaml`) : profile);
}

export async function startSimulation(options: SimulationOptions): Promise<Simulation> {
  const seed = options.seed ?? 1;
  const logger = options.logger ?? pino({ level: 'silent' });
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale > 0)) throw new RangeError(`timeScale must be > 0, got ${timeScale}`);
  const presses = buildPresses(options.presses, seed);
  const units = new Map(presses.map((press) => [press.unitId, press]));
  const faults = new FaultSwitch();
  if (options.faults) faults.set(options.faults);
  const serverSeed = deriveSeed(seed, 0x5e4);
  const serve = options.serve;

  let close: () => Promise<void>;
  let dropConnections = (): void => undefined;
  let address: { host: string; port: number } | undefined;
  let description: string;
  if (serve.kind === 'tcp') {
    const server = await ModbusTcpServer.start({
      units,
      faults,
      seed: serverSeed,
      logger,
      host: serve.host,
      port: serve.port ?? 0,
      unknownUnit: serve.unknownUnit,
    });
    address = server.address;
    description = `Modbus TCP on ${address.host}:${address.port}`;
    close = () => server.close();
    dropConnections = () => server.dropConnections();
  } else if (serve.kind === 'rtu-over-tcp') {
    const server = await RtuOverTcpServer.start({
      units,
      faults,
      seed: serverSeed,
      logger,
      host: serve.host,
      port: serve.port ?? 0,
      lineTiming: serve.lineTiming,
      resyncSilenceMs: serve.resyncSilenceMs,
    });
    address = server.address;
    description = `Modbus RTU over TCP on ${address.host}:${address.port}`;
    close = () => server.close();
    dropConnections = () => server.dropConnections();
  } else {
    const server = await RtuSerialServer.start({ units, faults, seed: serverSeed, logger, ...serve });
    description = `Modbus RTU on ${serve.path} at ${serve.baudRate ?? 19200} baud`;
    close = () => server.close();
  }
  description += ` — units ${presses.map((p) => `${p.unitId} (${p.profile.model})`).join(', ')}`;

  let ticker: NodeJS.Timeout | undefined;
  const advance = (ms: number): void => presses.forEach((press) => press.model.advance(ms));
  if ((options.tickMs ?? 100) > 0) {
    let last = performance.now();
    ticker = setInterval(() => {
      const now = performance.now();
      advance((now - last) * timeScale);
      last = now;
    }, options.tickMs ?? 100);
    ticker.unref();
  }
  logger.info({ listen: description }, 'simulation started');

  return {
    kind: serve.kind,
    address,
    path: serve.kind === 'rtu' ? serve.path : undefined,
    description,
    faults,
    presses,
    press(unitId) {
      const press = units.get(unitId);
      if (!press) throw new RangeError(`no simulated press with unit id ${unitId}; unit ids: ${[...units.keys()].join(', ')}`);
      return press;
    },
    advance,
    dropConnections,
    async close() {
      if (ticker) clearInterval(ticker);
      await close();
    },
  };
}

function buildPresses(configs: SimulatedPressConfig[], seed: number): SimulatedPress[] {
  if (configs.length === 0) throw new RangeError('a simulation needs at least one press');
  const seen = new Set<number>();
  return configs.map((config) => {
    const { unitId, profile: profileRef, seed: pressSeed, strict, ...modelOptions } = config;
    if (!Number.isInteger(unitId) || unitId < 1 || unitId > 247) throw new RangeError(`unit id ${unitId} outside 1..247`);
    if (seen.has(unitId)) throw new RangeError(`unit id ${unitId} is used twice`);
    seen.add(unitId);
    const profile = resolveProfile(profileRef);
    const model = new PressModel({ ...modelOptions, profile, seed: pressSeed ?? deriveSeed(seed, unitId) });
    return new SimulatedPress(unitId, model, new PressRegisters(profile, model, { strict }));
  });
}
