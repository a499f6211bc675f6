/**
 * The supply-replacement log, in print-shop words: what was put into which press, by whom,
 * when, and whether the press's own sensors agree that it happened.
 *
 * An entry is never edited nor deleted. A mistake is corrected by voiding the entry (with a
 * reason) and, optionally, logging the corrected one in the same step.
 */
import { supplyKinds, type SupplyKind } from './vocabulary.js';

export { supplyKinds, type SupplyKind };

export const unitsOfMeasure = ['kg', 'g', 'l', 'ml', 'sheets', 'pcs', 'rolls', 'm'] as const;
export type UnitOfMeasure = (typeof unitsOfMeasure)[number];

/**
 * What the sensors say about a logged entry:
 * - pending: a level rise is still awaited (within the reconciliation window);
 * - confirmed: a level rise was seen on that press, kind and unit within the window;
 * - flagged: the window passed without a rise (wrong unit logged? sensor fault? not refilled?);
 * - not-applicable: nothing measures it (plates, blankets, fountain solution, other).
 */
export type ReconciliationStatus = 'pending' | 'confirmed' | 'flagged' | 'not-applicable';

export interface Actor {
  id: number;
  username: string;
}

export interface Reconciliation {
  status: ReconciliationStatus;
  /** When the status was last decided (ms since epoch); null while pending from the start. */
  at: number | null;
  detail: string | null;
  /** The level rise that confirmed it, in percent. */
  levelFrom: number | null;
  levelTo: number | null;
}

export interface SupplyVoid {
  at: number;
  by: Actor;
  reason: string;
  /** The corrected entry logged in the same step, if any. */
  replacedBy: number | null;
}

/** What an operator logs (validated; see supply-input.ts). */
export interface SupplyInput {
  clientId: string;
  pressId: string;
  kind: SupplyKind;
  /** Printing unit; required for ink, plate and blanket, absent for paper. */
  unit: number | null;
  color: string | null;
  product: string | null;
  lot: string | null;
  quantity: number;
  uom: UnitOfMeasure;
  note: string | null;
  /** The "unlogged refill" suggestion this entry completes. */
  suggestionId: string | null;
  /**
   * When the entry was made on the tablet (its clock, ms since epoch), if it says: an entry
   * queued offline reaches the service later. Null: it was made when it arrived.
   */
  loggedAt: number | null;
}

export interface SupplyEntry extends Omit<SupplyInput, 'loggedAt'> {
  id: number;
  /** Server time when it was stored (ms since epoch). The same as `receivedAt`, kept for existing clients. */
  at: number;
  /** Server time when it was stored (ms since epoch). */
  receivedAt: number;
  /**
   * When the supply was logged: the tablet's time, bounded by the service's clock (never after
   * `receivedAt`, at most 24 h before it; see supply-input.ts), or `receivedAt` when the client
   * gave none. Reconciliation with the level sensors goes by this time.
   */
  loggedAt: number;
  /** Who logged it; null only for entries written by the system itself. */
  by: Actor | null;
  /** The client's address as seen on the socket. */
  ip: string | null;
  /** The voided entry this one corrects, if any. */
  replaces: number | null;
  voided: SupplyVoid | null;
  reconciliation: Reconciliation;
}

/**
 * A level rise nobody logged: somebody refilled ink or loaded paper. Shown to operators, who
 * complete it by logging an entry with `suggestionId`.
 */
export interface UnloggedRefill {
  id: string;
  pressId: string;
  kind: 'ink' | 'paper';
  unit: number | null;
  color: string | null;
  /** When the rise was seen (the first reading above the jump). */
  at: number;
  /** Level before and after, percent. */
  from: number;
  to: number;
}

/** A unit running low, read live from the press snapshot: a hint to get the next can ready. */
export interface LowLevelSuggestion {
  id: string;
  pressId: string;
  kind: 'ink' | 'paper';
  unit: number | null;
  color: string | null;
  level: number;
  threshold: number;
  at: number | null;
}

export interface SupplyFilter {
  pressId?: string;
  kind?: SupplyKind;
  /** Inclusive bounds on `at`, ms since epoch. */
  from?: number;
  to?: number;
  includeVoided?: boolean;
  /** At most this many entries, newest first. */
  limit: number;
  /** Entries with an id below this one (the previous page's `nextCursor`). */
  before?: number;
}

/**
 * `GET /api/supplies/consumption` (and its `.csv`): what a press used over a time, as measured
 * (src/supplies/consumption.ts states the method; the answer carries it in `method`).
 */
export interface LoggedQuantity {
  uom: string;
  quantity: number;
}

export interface InkConsumption {
  unit: number;
  color: string;
  /** Percentage points of the fountain used (drops summed between refills). */
  levelUsed: number;
  refillsSeen: number;
  /** levelUsed per 1000 impressions (total counter), null without impressions. */
  perThousandSheets: number | null;
  /** levelUsed per 1000 good sheets. */
  perThousandGood: number | null;
  logged: LoggedQuantity[];
}

export interface ShiftConsumption {
  name: string;
  start: number;
  end: number;
  sheets: { total: number; good: number };
  /** Percentage points of pile used and piles (or rolls) seen loaded. */
  pileUsed: number;
  pilesLoaded: number;
  logged: LoggedQuantity[];
}

export interface ConsumptionReport {
  pressId: string;
  from: number;
  to: number;
  sheets: { total: number; good: number };
  ink: InkConsumption[];
  paper: { shifts: ShiftConsumption[] };
  method: { ink: string; paper: string };
}
