/**
 * The service's contract types (type-only imports: nothing from src/ reaches the bundle)
 * plus the shapes the dashboard reads from REST routes that have no shared type yet.
 */
export type { PressSnapshot, RunState, Quality, InkLevel, LevelReading, CommHealth } from '../../src/domain/press-snapshot.js';
export type { AlarmView, AlarmPriority, AlarmState, RealtimeSnapshot } from '../../src/domain/alarm-view.js';
export type { Role, SessionUser } from '../../src/domain/user.js';

import type { PressSnapshot } from '../../src/domain/press-snapshot.js';

/** Optional field some services add to a snapshot: minutes until empty at the current use. */
export interface TimeToEmpty {
  paper: number | null;
  ink: { unit: number; minutes: number | null }[];
}

export type PressWithForecast = PressSnapshot & { timeToEmpty?: TimeToEmpty };

export const SUPPLY_KINDS = ['ink', 'paper', 'plate', 'blanket', 'fountain-solution', 'other'] as const;
export type SupplyKind = (typeof SUPPLY_KINDS)[number];

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

export type { SupplyEntry, UnloggedRefill, LowLevelSuggestion } from '../../src/supplies/supply-types.js';

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
