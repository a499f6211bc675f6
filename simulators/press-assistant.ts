/**
 * The press assistant of a demo that keeps going: notices a low level, a jam, an open door
 * or an e-stop, and deals with it after a while, as a person on the floor would. Times are
 * press time; the assistant acts inside `PressModel.advance`, so it is as deterministic as
 * the model.
 */
import type { AssistantOptions } from './press-model-options.js';
import type { InkUnitState, PressModel } from './press-model.js';

export class Assistant {
  /** task key → press time at which it is done */
  private readonly due = new Map<string, number>();
  /** Task keys made once: `tick` runs on every 100 ms step of every press (20,000 a second for 100 presses at time scale 20). */
  private readonly inkTasks: { unit: InkUnitState; task: string }[];
  private readonly levelTasks: { name: string; task: string }[];

  constructor(
    private readonly press: PressModel,
    private readonly options: AssistantOptions,
  ) {
    // The model's unit objects live as long as the press and are updated in place.
    this.inkTasks = press.inkUnits.map((unit) => ({ unit, task: `ink.${unit.unit}` }));
    this.levelTasks = press.levelNames.map((name) => ({ name, task: `level.${name}` }));
  }

  tick(now: number): void {
    const { refillBelowPercent, refillAfterMs, clearJamAfterMs, closeDoorAfterMs, releaseEStopAfterMs } = this.options;
    const press = this.press;
    for (const { unit, task } of this.inkTasks) {
      if (this.isDue(task, unit.level <= refillBelowPercent, now, refillAfterMs)) press.refillInk(unit.unit);
    }
    if (this.isDue('paper', press.paperLevel <= refillBelowPercent, now, refillAfterMs)) press.refillPaper();
    for (const { name, task } of this.levelTasks) {
      if (this.isDue(task, press.level(name) <= refillBelowPercent, now, refillAfterMs)) press.refillLevel(name);
    }
    if (this.isDue('jam', this.jammed(), now, clearJamAfterMs)) press.clearJam();
    if (closeDoorAfterMs !== undefined && this.isDue('door', press.stopReasonActive('door-open'), now, closeDoorAfterMs)) press.closeDoor();
    if (releaseEStopAfterMs !== undefined && this.isDue('e-stop', press.stopReasonActive('e-stop'), now, releaseEStopAfterMs)) press.releaseEStop();
  }

  private jammed(): boolean {
    for (const code of this.press.jamCodes) if (this.press.isAlarmActive(code)) return true;
    return this.press.isAlarmActive('jam');
  }

  /** Starts the clock on a task when `needed` turns true; true when it is due (and forgets it); forgets it if the need went away. */
  private isDue(task: string, needed: boolean, now: number, afterMs: number): boolean {
    if (!needed) {
      this.due.delete(task);
      return false;
    }
    const dueAt = this.due.get(task);
    if (dueAt === undefined) this.due.set(task, now + afterMs);
    else if (now >= dueAt) {
      this.due.delete(task);
      return true;
    }
    return false;
  }
}
