/**
 * Consumption figures from what was measured, with the method stated in the answer.
 *
 * Ink: the level drops of each unit's fountain (stored samples), summed between refills, per
 * 1000 impressions counted over the same time. That is in percentage points of the fountain,
 * because the press reports percent and nothing tells us how many kg a full fountain holds;
 * the kg or litres logged in the supply log over the period are given beside it, as what was
 * put in (which matches use only over periods long compared with one fill).
 * Paper: sheets fed per shift are the impression counter's increase (the honest paper figure
 * for a sheetfed press); pile level used and the paper logged are given beside it.
 */
import type { Shift } from './shifts.js';
import { shiftWindows } from './shifts.js';
import type { ConsumptionReport, InkConsumption, LoggedQuantity, ShiftConsumption, SupplyEntry } from '../model/supply.js';

export type { ConsumptionReport, InkConsumption, LoggedQuantity, ShiftConsumption };

export interface SignalPoint {
  at: number;
  value: number;
}

/** Stored readings of a press; see `levelHistoryFromSamples` for the store's implementation. */
export interface LevelHistory {
  /** Readings of `signal` with from <= at <= to, preceded by the last one before `from`; oldest first. */
  series(pressId: string, signal: string, from: number, to: number): SignalPoint[];
}

export interface ConsumptionOptions {
  history: LevelHistory;
  press: { id: string; ink: { unit: number; color: string }[] };
  /** Entries of this press in [from, to], voided ones excluded. */
  entries: readonly SupplyEntry[];
  from: number;
  to: number;
  shifts: readonly Shift[];
  /** A rise of this many points is a refill, not consumption. */
  jumpPoints: number;
}

export function consumptionReport(options: ConsumptionOptions): ConsumptionReport {
  const { history, press, from, to, jumpPoints } = options;
  const total = history.series(press.id, 'counter.total', from, to);
  const good = history.series(press.id, 'counter.good', from, to);
  const sheets = { total: counterIncrease(clip(total, from, to)), good: counterIncrease(clip(good, from, to)) };
  const ink = press.ink.map((unit): InkConsumption => {
    const used = levelUsed(clip(history.series(press.id, `ink.${unit.unit}`, from, to), from, to), jumpPoints);
    return {
      unit: unit.unit,
      color: unit.color,
      levelUsed: round(used.used),
      refillsSeen: used.refills,
      perThousandSheets: sheets.total > 0 ? round((used.used / sheets.total) * 1000) : null,
      perThousandGood: sheets.good > 0 ? round((used.used / sheets.good) * 1000) : null,
      logged: sumLogged(options.entries.filter((e) => e.kind === 'ink' && e.unit === unit.unit)),
    };
  });
  const paperLevels = history.series(press.id, 'paper', from, to);
  const shifts = shiftWindows(options.shifts, from, to).map((shift): ShiftConsumption => {
    const start = Math.max(shift.start, from);
    const end = Math.min(shift.end, to);
    const pile = levelUsed(clip(paperLevels, start, end), jumpPoints);
    return {
      name: shift.name,
      start: shift.start,
      end: shift.end,
      sheets: { total: counterIncrease(clip(total, start, end)), good: counterIncrease(clip(good, start, end)) },
      pileUsed: round(pile.used),
      pilesLoaded: pile.refills,
      logged: sumLogged(options.entries.filter((e) => e.kind === 'paper' && e.at >= shift.start && e.at < shift.end)),
    };
  });
  return {
    pressId: press.id,
    from,
    to,
    sheets,
    ink,
    paper: { shifts },
    method: {
      ink: 'percentage points of each fountain used (level drops between refills, from stored samples) per 1000 impressions; logged = quantities logged in the period (what was put in)',
      paper: 'sheets = increase of the impression counters per shift; pileUsed = percentage points of pile used; logged = paper logged in the shift',
    },
  };
}

/** The readings that describe [from, to]: the one in force at `from`, then those inside. */
export function clip(points: readonly SignalPoint[], from: number, to: number): SignalPoint[] {
  let startIndex = 0;
  for (let i = 0; i < points.length; i++) if (points[i]!.at <= from) startIndex = i;
  return points.slice(startIndex).filter((p, i) => i === 0 || (p.at > from && p.at <= to));
}

/**
 * How much a counter went up. The stored counters are monotonic; should one ever go back (a
 * counter stored raw and reset at job change), the drop is skipped, not counted as negative.
 */
export function counterIncrease(points: readonly SignalPoint[]): number {
  let increase = 0;
  for (let i = 1; i < points.length; i++) increase += Math.max(0, points[i]!.value - points[i - 1]!.value);
  return increase;
}

/**
 * Level used: per stretch between refills (rises of `jumpPoints` or more), its first reading
 * minus its last. Net per stretch, so sensor noise (up 0.2, down 0.2) cancels out.
 */
export function levelUsed(points: readonly SignalPoint[], jumpPoints: number): { used: number; refills: number } {
  let used = 0;
  let refills = 0;
  let stretchStart = points[0]?.value;
  for (let i = 1; i < points.length; i++) {
    const previous = points[i - 1]!.value;
    const current = points[i]!.value;
    if (current - previous >= jumpPoints) {
      used += Math.max(0, (stretchStart ?? previous) - previous);
      refills += 1;
      stretchStart = current;
    }
  }
  const last = points.at(-1)?.value;
  if (stretchStart !== undefined && last !== undefined) used += Math.max(0, stretchStart - last);
  return { used, refills };
}

function sumLogged(entries: readonly SupplyEntry[]): LoggedQuantity[] {
  const byUom = new Map<string, number>();
  for (const entry of entries) byUom.set(entry.uom, (byUom.get(entry.uom) ?? 0) + entry.quantity);
  return [...byUom].map(([uom, quantity]) => ({ uom, quantity: round(quantity) }));
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
