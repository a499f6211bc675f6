/**
 * What a press consumes: ink per printing unit (in proportion to the unit's coverage of the
 * sheet), paper by the pile, and other levels (fountain solution). Levels are % of full.
 */
import type { Profile } from '../src/model/profile-schema.js';
import { between, type Random } from './prng.js';
import type { InitialState } from './press-model-options.js';

export interface InkUnitState {
  unit: number;
  color: string;
  /** % of a full fountain */
  level: number;
  /** Fraction of the sheet this unit inks, 0..1 */
  coverage: number;
}

export interface SupplyRates {
  /** Sheets at 100 % coverage that empty a full ink fountain. */
  inkSheetsPerFill: number;
  /** Sheets that empty other levels. */
  levelSheetsPerFill: number;
  sheetsPerFullPile: number;
}

const clampLevel = (level: number): number => Math.min(100, Math.max(0, level));

export class PressSupplies {
  readonly ink: InkUnitState[] = [];
  readonly levels = new Map<string, number>();
  paper: number;

  constructor(
    profile: Profile,
    random: Random,
    initial: InitialState,
    private readonly rates: SupplyRates,
  ) {
    for (const signal of profile.signals) {
      if (signal.role === 'ink' && !this.ink.some((u) => u.unit === signal.unit)) {
        const seeded = between(random, 40, 100);
        const given = typeof initial.ink === 'number' ? initial.ink : initial.ink?.[signal.unit];
        this.ink.push({ unit: signal.unit, color: signal.color, level: clampLevel(given ?? seeded), coverage: between(random, 0.05, 0.6) });
      }
      if (signal.role === 'level') {
        const seeded = between(random, 60, 100);
        const given = typeof initial.levels === 'number' ? initial.levels : initial.levels?.[signal.name];
        this.levels.set(signal.name, clampLevel(given ?? seeded));
      }
    }
    this.ink.sort((a, b) => a.unit - b.unit);
    this.paper = clampLevel(initial.paper ?? between(random, 50, 100));
  }

  /** One sheet through the press. */
  consumeSheet(): void {
    const { inkSheetsPerFill, levelSheetsPerFill, sheetsPerFullPile } = this.rates;
    for (const unit of this.ink) unit.level = clampLevel(unit.level - (unit.coverage * 100) / inkSheetsPerFill);
    for (const [name, level] of this.levels) this.levels.set(name, clampLevel(level - 100 / levelSheetsPerFill));
    this.paper = clampLevel(this.paper - 100 / sheetsPerFullPile);
    if (this.paper < 1e-9) this.paper = 0; // float dust must not leave a pile that never runs out
  }

  inkUnit(unit: number): InkUnitState {
    const found = this.ink.find((u) => u.unit === unit);
    if (!found) throw new RangeError(`no printing unit ${unit}; units: ${this.ink.map((u) => u.unit).join(', ')}`);
    return found;
  }

  refillInk(unit: number, level: number): void {
    this.inkUnit(unit).level = clampLevel(level);
  }

  refillPaper(level: number): void {
    this.paper = clampLevel(level);
  }

  level(name: string): number {
    const level = this.levels.get(name);
    if (level === undefined) throw new RangeError(`no level "${name}"; known: ${[...this.levels.keys()].join(', ') || 'none'}`);
    return level;
  }

  refillLevel(name: string, level: number): void {
    this.level(name);
    this.levels.set(name, clampLevel(level));
  }
}
