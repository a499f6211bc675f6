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

  /** True when the level update differs from the last one seen for the press (or is the first). */
  levelsChanged(pressId: string, update: LevelUpdate): boolean {
    const last = this.levels.get(pressId);
    if (last && sameLevels(last, update)) return false;
    this.levels.set(pressId, update);
    return true;
  }
}

function sameLevels(a: LevelUpdate, b: LevelUpdate): boolean {
  return (
    a.paper === b.paper &&
    sameList(a.ink, b.ink, (x, y) => x.unit === y.unit && x.level === y.level) &&
    a.emptySoon?.paper === b.emptySoon?.paper &&
    (a.emptySoon === undefined) === (b.emptySoon === undefined) &&
    sameList(a.emptySoon?.ink, b.emptySoon?.ink, (x, y) => x.unit === y.unit && x.emptySoon === y.emptySoon)
  );
}

function sameList<T>(a: readonly T[] | undefined, b: readonly T[] | undefined, same: (x: T, y: T) => boolean): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!same(a[i]!, b[i]!)) return false;
  return true;
}
