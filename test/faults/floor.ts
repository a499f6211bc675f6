/**
 * A small shop floor for the fault tests: simulated presses behind real links (an RS-485
 * line on the paired virtual serial binding, or a Modbus TCP endpoint), a ModbusBus per
 * link, and the real Poller on top. Everything a test starts is registered for `teardown`.
 */
import { ModbusBus, createSerialPair, type BusOptions, type LinkOptions, type SerialPair } from '../../drivers/index.js';
import { profileSchema, type Profile } from '../../src/model/profile-schema.js';
import { Poller, type PolledPress } from '../../src/poller/poller.js';
import type { OffScanSettings } from '../../src/poller/comm-health.js';
import type { Reading } from '../../src/poller/reading.js';
import { startSimulation, type SimulatedPressConfig, type Simulation } from '../../simulators/simulation.js';
import type { LineTiming } from '../../simulators/rtu-session.js';
import { startConnected } from '../helpers/bus-events.js';

export class Floor {
  private readonly stops: (() => Promise<void>)[] = [];
  private static pairs = 0;

  /** Simulated presses on an RTU line (paired binding) and the master's bus on its other end. */
  async rtuLine(options: {
    id: string;
    presses: SimulatedPressConfig[];
    baudRate?: number;
    lineTiming?: LineTiming;
    bus?: Partial<BusOptions>;
  }): Promise<{ bus: ModbusBus; simulation: Simulation; pair: SerialPair }> {
    Floor.pairs++;
    const pair = createSerialPair({ pathA: `/dev/ttyFAULT${Floor.pairs}M`, pathB: `/dev/ttyFAULT${Floor.pairs}S` });
    const baudRate = options.baudRate ?? 19200;
    const simulation = await startSimulation({
      presses: options.presses,
      serve: { kind: 'rtu', path: pair.pathB, baudRate, binding: pair.binding, lineTiming: options.lineTiming },
      tickMs: 0,
    });
    this.stops.push(() => simulation.close());
    const link: LinkOptions = { kind: 'rtu', path: pair.pathA, baudRate, parity: 'none', dataBits: 8, stopBits: 1, binding: pair.binding };
    const bus = await this.bus({ id: options.id, link, ...options.bus });
    return { bus, simulation, pair };
  }

  /** Simulated presses behind one Modbus TCP endpoint, and a bus to it. */
  async tcpLine(options: { id: string; presses: SimulatedPressConfig[]; bus?: Partial<BusOptions> }): Promise<{ bus: ModbusBus; simulation: Simulation }> {
    const simulation = await startSimulation({ presses: options.presses, serve: { kind: 'tcp', port: 0 }, tickMs: 0 });
    this.stops.push(() => simulation.close());
    const { host, port } = simulation.address!;
    const bus = await this.bus({ id: options.id, link: { kind: 'tcp', host, port }, ...options.bus });
    return { bus, simulation };
  }

  /** A started, connected bus (defaults: 200 ms timeout, 1 retry, as the demo profiles). */
  async bus(options: Partial<BusOptions> & Pick<BusOptions, 'id' | 'link'>): Promise<ModbusBus> {
    const bus = new ModbusBus({ timeoutMs: 200, retries: 1, ...options });
    this.stops.push(() => bus.stop());
    await startConnected(bus);
    return bus;
  }

  /** A started poller over `presses`, recording every reading. */
  poller(presses: PolledPress[], offScan?: Partial<OffScanSettings>): { poller: Poller; readings: Reading[] } {
    const poller = new Poller(offScan ? { presses, offScan } : { presses });
    const readings: Reading[] = [];
    poller.onReading((reading) => readings.push(reading));
    this.stops.unshift(() => poller.stop());
    poller.start();
    return { poller, readings };
  }

  /** Register something else to stop (in reverse order of registration, pollers first). */
  onTeardown(stop: () => Promise<void>): void {
    this.stops.unshift(stop);
  }

  async teardown(): Promise<void> {
    for (const stop of this.stops.splice(0)) await stop();
  }
}

/** The `at` times of one press's readings of one scan class. */
export function readingTimes(readings: readonly Reading[], pressId: string, scanClass: string, from = -Infinity, to = Infinity): number[] {
  return readings.filter((r) => r.pressId === pressId && r.scanClass === scanClass && r.at >= from && r.at <= to).map((r) => r.at);
}

/** A profile with the given polling overrides. */
export function withPolling(profile: Profile, polling: Partial<Profile['polling']>): Profile {
  return { ...profile, polling: { ...profile.polling, ...polling } };
}

/**
 * A compact press: state, speed and the alarm word in one fast block, two ink levels in a
 * slow one. Two transactions a cycle keep a shared 19200-baud line realistic for 8 presses.
 */
export function compactPressProfile(polling: Partial<Profile['polling']> = {}): Profile {
  return profileSchema.parse({
    model: 'compact-press',
    name: 'Compact press (fault tests)',
    ratedSpeed: 12000,
    polling: { scanClasses: { fast: 500, slow: 2000 }, timeoutMs: 200, retries: 1, ...polling },
    signals: [
      {
        name: 'state',
        role: 'runState',
        area: 'holding',
        address: 0,
        type: 'u16',
        states: { '0': 'idle', '2': 'production', '3': { state: 'stopped', reason: 'operator' } },
      },
      { name: 'speed', role: 'speed', area: 'holding', address: 1, type: 'u16' },
      {
        name: 'jam',
        role: 'alarm',
        area: 'holding',
        address: 2,
        type: 'bit',
        bit: 0,
        alarm: { code: 'jam', label: 'Jam', priority: 'critical', stopReason: 'jam' },
      },
      { name: 'ink.1', role: 'ink', unit: 1, color: 'cyan', area: 'holding', address: 10, type: 'u16', scale: 0.1, scan: 'slow' },
      { name: 'ink.2', role: 'ink', unit: 2, color: 'black', area: 'holding', address: 11, type: 'u16', scale: 0.1, scan: 'slow' },
    ],
  });
}
