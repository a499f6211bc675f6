/**
 * The press assistant of a demo that keeps going: notices a low level, a jam, an open door
 * or an e-stop, and deals with it after a while, as a person on the floor would. Times are
 * press time; the assistant acts inside `PressModel.advance`, so it is as deterministic as
 * the model.
 */
import type { AssistantOptions } from './press-model-options.js';
import type { PressModel } from './press-model.js';

export class Assistant {
  /** task key → press time at which it is done */
  private readonly due = new Map<string, number>();

  constructor(
    private readonly press: PressModel,
    private readonly options: AssistantOptions,
  ) {}

  tick(now: number): void {
    const { refillBelowPercent, refillAfterMs, clearJamAfterMs, closeDoorAfterMs, releaseEStopAfterMs } = this.options;
    for (const unit of this.press.inkUnits) {
      this.when(`ink.${unit.unit}`, unit.level <= refillBelowPercent, now, refillAfterMs, () => this.press.refillInk(unit.unit));
    }
    this.when('paper', this.press.paperLevel <= refillBelowPercent, now, refillAfterMs, () => this.press.refillPaper());
    for (const name of this.press.levelNames) {
      this.when(`level.${name}`, this.press.level(name) <= refillBelowPercent, now, refillAfterMs, () => this.press.refillLevel(name));
    }
    const jammed = this.press.jamCodes.some((code) => this.press.isAlarmActive(code)) || this.press.isAlarmActive('jam');
    this.when('jam', jammed, now, clearJamAfterMs, () => this.press.clearJam());
    if (closeDoorAfterMs !== undefined) this.when('door', this.press.stopReasonActive('door-open'), now, closeDoorAfterMs, () => this.press.closeDoor());
    if (releaseEStopAfterMs !== undefined) this.when('e-stop', this.press.stopReasonActive('e-stop'), now, releaseEStopAfterMs, () => this.press.releaseEStop());
  }

  /** Starts the clock on a task when `needed` turns true; does it when due; forgets it if the need went away. */
  private when(task: string, needed: boolean, now: number, afterMs: number, act: () => void): void {
    if (!needed) {
      this.due.delete(task);
      return;
    }
    const dueAt = this.due.get(task);
    if (dueAt === undefined) this.due.set(task, now + afterMs);
    else if (now >= dueAt) {
      this.due.delete(task);
      act();
    }
  }
}
