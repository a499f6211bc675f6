/**
 * Suggestions from the service (`GET /api/supplies/suggestions` → `{ unlogged, low }`):
 * level rises nobody logged, and levels running low. Each becomes a pre-filled supply form.
 * Only an unlogged refill carries a suggestionId into the entry (it completes that
 * suggestion); a low level is only a hint, the service knows no such suggestion.
 */
import { request } from './api.js';
import { percent } from './format.js';
import type { LowLevelSuggestion, SupplyKind, UnloggedRefill } from './types.js';

export interface SupplySuggestion {
  /** The id to send as `suggestionId`, or null when the entry completes nothing. */
  suggestionId: string | null;
  key: string;
  reason: 'unlogged-refill' | 'low-level';
  pressId: string;
  kind: SupplyKind;
  unit: number | null;
  color: string | null;
  at: number | null;
  /** "+42 %" for a refill, "12 % left" for a low level. */
  detail: string;
}

export function suggestionsFrom(body: { unlogged?: UnloggedRefill[]; low?: LowLevelSuggestion[] } | null): SupplySuggestion[] {
  const unlogged = (body?.unlogged ?? []).map((refill): SupplySuggestion => ({
    suggestionId: refill.id,
    key: refill.id,
    reason: 'unlogged-refill',
    pressId: refill.pressId,
    kind: refill.kind,
    unit: refill.unit,
    color: refill.color,
    at: refill.at,
    detail: `level rose ${Math.round(refill.from)} → ${Math.round(refill.to)} %`,
  }));
  const low = (body?.low ?? []).map((hint): SupplySuggestion => ({
    suggestionId: null,
    key: hint.id,
    reason: 'low-level',
    pressId: hint.pressId,
    kind: hint.kind,
    unit: hint.unit,
    color: hint.color,
    at: hint.at,
    detail: `${percent(hint.level)} left`,
  }));
  return [...unlogged, ...low];
}

export async function fetchSuggestions(): Promise<SupplySuggestion[]> {
  return suggestionsFrom(await request<{ unlogged?: UnloggedRefill[]; low?: LowLevelSuggestion[] }>('/api/supplies/suggestions'));
}
