/**
 * What every simulator server shares: the presses it answers for, by unit id, and the
 * timers it owns (delayed and late replies), so closing a server leaves nothing behind.
 */
import type { FaultSwitch } from './faults.js';
import type { PressRegisters } from './press-registers.js';

export interface ServedUnit {
  unitId: number;
  registers: PressRegisters;
  /** Faults of this unit id only. */
  faults: FaultSwitch;
}

export type UnitDirectory = ReadonlyMap<number, ServedUnit>;

export class TimerSet {
  private readonly timers = new Set<NodeJS.Timeout>();

  after(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
  }

  clear(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
