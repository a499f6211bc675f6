/**
 * The alarm inputs of each press as last handed to the engine, so that only changes are.
 *
 * The presses announce comm health and alarm bits with every scan cycle and levels with every
 * snapshot: hundreds of times a second on a large floor, nearly always the same as the time
 * before. The engine's state machine moves only on a change of an input: `setPresent` with the
 * presence it already has, or a level that gives the severity it already has (the hysteresis
 * of `nextLevelSeverity` is idempotent), leaves every condition, timer and occurrence as it was
 * and emits nothing. So a repeat is not forwarded; the first input of each press always is
 * (it creates the conditions).
 */
import type { LevelReading, PressSnapshot } from '../model/press-snapshot.js';
import type { LevelUpdate } from './alarm-engine.js';

export class ChangedInputs {
  private readonly online = new Map<string, boolean>();
  private readonly bits = new Map<string, Map<string, boolean>>();
  private readonly levels = new Map<string, LevelUpdate>();

  /** True when `online` differs from the last value seen for the press (or is the first). */
  onlineChanged(pressId: string, online: boolean): boolean {
    if (this.online.get(pressId) === online) return false;
    this.online.set(pressId, online);
    return true;
  }

  /** The bits that differ from those last seen for the press, or undefined when none does. */
  changedBits(pressId: string, bits: Readonly<Record<string, boolean>>): Record<string, boolean> | undefined {
    let last = this.bits.get(pressId);
    if (!last) this.bits.set(pressId, (last = new Map()));
    let changed: Record<string, boolean> | undefined;
    for (const code in bits) {
      const value = bits[code]!;
      if (last.get(code) === value) continue;
      last.set(code, value);
      (changed ??= {})[code] = value;
    }
    return changed;
  }

  /**
   * The level update of a snapshot (ink and paper levels, a bad reading as null, with the
   * pre-alarm states), or undefined when it is the one last seen for the press.
   */
  changedLevels(snapshot: PressSnapshot, emptySoon: LevelUpdate['emptySoon']): LevelUpdate | undefined {
    const last = this.levels.get(snapshot.id);
    // compared before anything is built: this runs for every snapshot
    if (last && sameSnapshotLevels(last, snapshot) && sameEmptySoon(last.emptySoon, emptySoon)) return undefined;
    const update: LevelUpdate = {
      ink: snapshot.ink.map((i) => ({ unit: i.unit, level: levelOf(i) })),
      paper: levelOf(snapshot.paper),
      emptySoon,
    };
    this.levels.set(snapshot.id, update);
    return update;
  }
}

/** A bad reading says nothing about the level: null (the engine keeps its state). */
function levelOf(reading: Pick<LevelReading, 'level' | 'quality'>): number | null {
  return reading.quality === 'bad' ? null : reading.level;
}

function sameSnapshotLevels(last: LevelUpdate, snapshot: PressSnapshot): boolean {
  if (last.paper !== levelOf(snapshot.paper)) return false;
  const ink = last.ink!;
  if (ink.length !== snapshot.ink.length) return false;
  for (let i = 0; i < ink.length; i++) {
    const unit = snapshot.ink[i]!;
    if (ink[i]!.unit !== unit.unit || ink[i]!.level !== levelOf(unit)) return false;
  }
  return true;
}

function sameEmptySoon(a: LevelUpdate['emptySoon'], b: LevelUpdate['emptySoon']): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.paper !== b.paper) return false;
  const x = a.ink ?? [];
  const y = b.ink ?? [];
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i]!.unit !== y[i]!.unit || x[i]!.emptySoon !== y[i]!.emptySoon) return false;
  return true;
}
