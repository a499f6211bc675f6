/**
 * The service's contract types (type-only imports: nothing from src/ reaches the bundle)
 * plus the shapes the dashboard reads from REST routes that have no shared type yet.
 */
export type { PressSnapshot, RunState, Quality, InkLevel, LevelReading, CommHealth } from '../../src/model/press-snapshot.js';
export type { AlarmView, AlarmPriority, AlarmState, RealtimeSnapshot } from '../../src/model/alarm-view.js';
export type { Role, SessionUser } from '../../src/model/user.js';

export type { TimeToEmpty } from '../../src/model/press-snapshot.js';
import type { PressSnapshot } from '../../src/model/press-snapshot.js';

/** A snapshot with its time-to-empty figures (always there on the wire; the name stays for the views). */
export type PressWithForecast = PressSnapshot;

export { supplyKinds as SUPPLY_KINDS, alarmPriorities, userRoles, type SupplyKind } from '../../src/model/vocabulary.js';
import type { SupplyKind } from '../../src/model/vocabulary.js';

/** What the tablet sends to POST /api/supplies. */
export interface SupplyDraft {
  clientId: string;
  pressId: string;
  kind: SupplyKind;
  unit?: number;
  color?: string;
  product?: string;
  lot?: string;
  quantity: number;
  uom: string;
  note?: string;
  suggestionId?: string;
  /** When it was made, by this tablet's clock (ms since epoch): an entry may wait offline for a while. */
  loggedAt?: number;
}

export type { SupplyEntry, UnloggedRefill, LowLevelSuggestion, ConsumptionReport } from '../../src/model/supply.js';

export interface HistoryPoint {
  at: number;
  value: number | null;
  min?: number | null;
  max?: number | null;
}

export interface Transition {
  at: number;
  state: string;
  reason: string | null;
  detail: string | null;
}

/** Jobs, downtime events, shifts and reports as the production routes and socket.io send them (written once in src/model). */
export type {
  Job as JobView,
  JobWithSupplies,
  SuppliesUsed,
  DowntimeReason,
  DowntimeEvent as DowntimeEventView,
  OeeRow,
  DowntimeCauseTotal,
  ShiftInstance,
  ReliabilityRow,
  TimelineStretch,
} from '../../src/model/production.js';
