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

export type { SupplyEntry, UnloggedRefill, LowLevelSuggestion } from '../../src/model/supply.js';

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

/** A job as `/api/jobs` and socket.io `job:updated` send it (the fields the dashboard reads). */
export interface JobView {
  id: number;
  jobId: string;
  name: string;
  customer: string | null;
  pressId: string | null;
  state: 'queued' | 'running' | 'done';
  source: 'operator' | 'mis' | 'detected';
  plannedGood: number | null;
  startedAt: number | null;
  finishedAt: number | null;
  total: number;
  good: number;
  waste: number;
}

/** A reason an operator may code a stop with (`GET /api/downtime/reasons`). */
export interface DowntimeReason {
  code: string;
  label: string;
  category: 'planned' | 'unplanned';
}

/** A downtime event as `/api/downtime` and socket.io `downtime:updated` send it. */
export interface DowntimeEventView {
  id: number;
  pressId: string;
  from: number;
  /** Null while the stop lasts. */
  to: number | null;
  durationMs: number;
  state: string;
  jobId: string | null;
  cause: (DowntimeReason & { source: 'plc' | 'alarm' | 'operator' }) | null;
  note: string | null;
}
