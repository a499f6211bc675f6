/**
 * Shared pieces of the fault tests: a register map whose registers hold their own address
 * (so a reply credited to the wrong request shows as a wrong value), waiting on conditions
 * and events instead of sleeping, and percentiles for timing assertions.
 */
import { profileSchema, type Profile } from '../../src/model/profile-schema.js';
import type { BusEvents, ModbusBus } from '../../drivers/index.js';
import type { PressPoller } from '../../src/poller/press-poller.js';
import type { PressHealth, Reading } from '../../src/poller/reading.js';
import type { Simulation } from '../../simulators/simulation.js';

/** Holding registers MAP_START..MAP_START+MAP_SIZE-1 of the register-map profile. */
export const MAP_START = 1000;
export const MAP_SIZE = 200;

/**
 * A profile of `MAP_SIZE` writable info registers; `fillRegisterMap` then makes each hold
 * its own address (plus the unit id × 0x100, so two units differ too).
 */
export function registerMapProfile(): Profile {
  return profileSchema.parse({
    model: 'register-map',
    name: 'Register map (fault tests)',
    ratedSpeed: 10000,
    signals: Array.from({ length: MAP_SIZE }, (_, i) => ({
      name: `r${MAP_START + i}`,
      role: 'info',
      area: 'holding',
      address: MAP_START + i,
      type: 'u16',
      writable: true,
    })),
  });
}

export function expectedRegister(unitId: number, address: number): number {
  return (address + unitId * 0x100) & 0xffff;
}

export function expectedBlock(unitId: number, address: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => expectedRegister(unitId, address + i));
}

/** Writes the register map of every unit with the register-map profile into the simulator's image directly (no Modbus involved). */
export function fillRegisterMap(simulation: Simulation): void {
  for (const press of simulation.presses) {
    if (press.profile.model !== 'register-map') continue;
    const refused = press.registers.write('holding', MAP_START, expectedBlock(press.unitId, MAP_START, MAP_SIZE));
    if (refused) throw new Error(`register map write refused for unit ${press.unitId}: exception ${refused.exception}`);
  }
}

/** Resolves once `check()` is true, re-checking every `everyMs`; rejects after `timeoutMs`. */
export async function waitUntil(check: () => boolean, options: { timeoutMs: number; what: string; everyMs?: number }): Promise<void> {
  const deadline = performance.now() + options.timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.what}`);
    await new Promise((resolve) => setTimeout(resolve, options.everyMs ?? 5));
  }
}

/** The next bus event, with the time it happened (performance.now). */
export function busEvent<E extends keyof BusEvents>(bus: ModbusBus, event: E, timeoutMs = 10_000): Promise<{ at: number; info: Parameters<BusEvents[E]>[0] }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`bus ${bus.id}: no '${event}' within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = bus.once(event, ((info: Parameters<BusEvents[E]>[0]) => {
      clearTimeout(timer);
      resolve({ at: performance.now(), info });
    }) as BusEvents[E]);
  });
}

/** The first health report of `poller` that satisfies `match`, with the time it came (performance.now). */
export function healthWhere(poller: PressPoller, match: (health: PressHealth) => boolean, timeoutMs = 10_000): Promise<{ at: number; health: PressHealth }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`press ${poller.pressId}: no matching health within ${timeoutMs} ms; last: ${JSON.stringify(poller.health())}`));
    }, timeoutMs);
    const off = poller.onHealth((health) => {
      if (!match(health)) return;
      clearTimeout(timer);
      off();
      resolve({ at: performance.now(), health });
    });
  });
}

/** The first reading of `poller` that satisfies `match`. */
export function readingWhere(poller: PressPoller, match: (reading: Reading) => boolean, timeoutMs = 10_000): Promise<{ at: number; reading: Reading }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`press ${poller.pressId}: no matching reading within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = poller.onReading((reading) => {
      if (!match(reading)) return;
      clearTimeout(timer);
      off();
      resolve({ at: performance.now(), reading });
    });
  });
}

/** Nearest-rank percentile (p in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('percentile of no values');
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function intervals(times: readonly number[]): number[] {
  return times.slice(1).map((t, i) => t - times[i]!);
}

/** The settlement of `promise` with when it happened: never rejects. */
export async function settled<T>(promise: Promise<T>): Promise<{ at: number; ok: boolean; value?: T; error?: unknown }> {
  try {
    const value = await promise;
    return { at: performance.now(), ok: true, value };
  } catch (error) {
    return { at: performance.now(), ok: false, error };
  }
}
