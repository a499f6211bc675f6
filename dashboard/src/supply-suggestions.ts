/**
 * Suggestions from the service (`GET /api/supplies/suggestions`): level rises nobody logged
 * and levels running low. Read tolerantly, since the route's exact field names may grow;
 * each becomes a pre-filled supply form.
 */
import { listFrom, request } from './api.js';
import { SUPPLY_KINDS, type SupplyKind } from './types.js';

export interface SupplySuggestion {
  id: string | null;
  reason: 'unlogged-refill' | 'low-level' | string;
  pressId: string;
  kind: SupplyKind;
  unit: number | null;
  color: string | null;
  level: number | null;
  at: number | null;
  text: string | null;
}

function isSupplyKind(value: unknown): value is SupplyKind {
  return typeof value === 'string' && (SUPPLY_KINDS as readonly string[]).includes(value);
}

function kindFromSignal(signal: unknown): SupplyKind | null {
  if (typeof signal !== 'string') return null;
  if (signal.startsWith('ink')) return 'ink';
  if (signal.startsWith('paper')) return 'paper';
  if (signal.includes('fountain')) return 'fountain-solution';
  return null;
}

export function normalizeSuggestion(raw: Record<string, unknown>): SupplySuggestion | null {
  const supply = (raw.supply ?? raw.draft ?? {}) as Record<string, unknown>;
  const kind = [raw.supplyKind, supply.kind, raw.kind].find(isSupplyKind) ?? kindFromSignal(raw.signal ?? raw.level);
  const pressId = raw.pressId ?? supply.pressId;
  if (!kind || typeof pressId !== 'string') return null;
  const reason = [raw.type, raw.reason, raw.kind].find((value) => typeof value === 'string' && !isSupplyKind(value));
  const number = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
  const text = [raw.message, raw.label, raw.text].find((value) => typeof value === 'string');
  return {
    id: raw.id === undefined || raw.id === null ? null : String(raw.id),
    reason: typeof reason === 'string' ? reason : 'suggestion',
    pressId,
    kind,
    unit: number(raw.unit ?? supply.unit),
    color: typeof (raw.color ?? supply.color) === 'string' ? String(raw.color ?? supply.color) : null,
    level: number(raw.level ?? raw.levelAfter ?? raw.to),
    at: number(raw.at ?? raw.detectedAt ?? raw.since),
    text: typeof text === 'string' ? text : null,
  };
}

export async function fetchSuggestions(): Promise<SupplySuggestion[]> {
  const body = await request<unknown>('/api/supplies/suggestions');
  return listFrom<Record<string, unknown>>(body, 'suggestions')
    .map(normalizeSuggestion)
    .filter((suggestion): suggestion is SupplySuggestion => suggestion !== null);
}
