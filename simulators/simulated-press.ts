/**
 * The control handle of one simulated press: what a test, the embedded demo or the CLI
 * does to it (jams, doors, e-stops, refills, faults). The model stays reachable for
 * anything finer.
 */
import type { CounterKind, StopReason } from '../src/model/profile-schema.js';
import { FaultSwitch, type Faults } from './faults.js';
import type { PressModel, PressModelState } from './press-model.js';
import type { PressRegisters } from './press-registers.js';
import type { ServedUnit } from './served-unit.js';

export class SimulatedPress implements ServedUnit {
  readonly faults = new FaultSwitch();

  constructor(
    readonly unitId: number,
    readonly model: PressModel,
    readonly registers: PressRegisters,
  ) {}

  get profile() {
    return this.registers.profile;
  }

  state(): PressModelState {
    return this.model.snapshot();
  }

  /** A jam (random jam alarm of the profile unless `code` is given); returns the alarm code. */
  injectJam(code?: string, options?: { lagMs?: number; stopCode?: StopReason | 'none' }): string {
    return this.model.injectJam(code, options);
  }

  newJob(goodSheets?: number): void {
    this.model.newJob(goodSheets);
  }

  counterGlitch(options?: { value?: number; durationMs?: number }): void {
    this.model.counterGlitch(options);
  }

  clearJam(): void {
    this.model.clearJam();
  }

  openDoor(): void {
    this.model.openDoor();
  }

  closeDoor(): void {
    this.model.closeDoor();
  }

  pressEStop(): void {
    this.model.pressEStop();
  }

  releaseEStop(): void {
    this.model.releaseEStop();
  }

  setAlarm(code: string, active: boolean): void {
    this.model.setAlarm(code, active);
  }

  refillInk(unit: number, level = 100): void {
    this.model.refillInk(unit, level);
  }

  refillPaper(level = 100): void {
    this.model.refillPaper(level);
  }

  refillLevel(name: string, level = 100): void {
    this.model.refillLevel(name, level);
  }

  stop(codeReason?: StopReason | 'none'): void {
    this.model.stop(codeReason);
  }

  start(): void {
    this.model.start();
  }

  finishJob(): void {
    this.model.finishJob();
  }

  setCounters(values: Partial<Record<CounterKind, number>>): void {
    this.model.setCounters(values);
  }

  setFault(faults: Partial<Faults>): void {
    this.faults.set(faults);
  }

  clearFaults(): void {
    this.faults.clear();
  }
}
