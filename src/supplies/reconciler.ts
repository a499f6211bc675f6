/**
 * Reconciles the supply log with the press's level sensors. Pure: no I/O, no timers; time comes
 * from the injected clock and from the readings' own timestamps, and every decision comes back
 * as an outcome the supplies service persists and announces.
 *
 * - A level rise of at least `jumpPoints` on one channel (press + ink unit, or press + paper)
 *   is a refill. Readings that keep rising within `mergeMs` belong to the same refill.
 * - A logged entry and a rise on the same channel at most `windowMs` apart (either order:
 *   operators log before or after refilling) confirm each other.
 * - A rise nobody logged becomes an unlogged-refill suggestion; logging an entry with its
 *   `suggestionId` (or a matching entry within the window) resolves it.
 * - An entry still unmatched `windowMs` after it was logged is flagged.
 */
import type { Clock } from '../lib/clock.js';
import type { SupplyKind, UnloggedRefill } from '../model/supply.js';

export interface ReconcilerSettings {
  /** A rise of at least this many percentage points is a refill. */
  jumpPoints: number;
  /** How far apart a logged entry and the rise that confirms it may be. */
  windowMs: number;
  /** Rising readings no further apart than this are one refill (a fountain fills over a minute). */
  mergeMs: number;
}

export const defaultReconcilerSettings: ReconcilerSettings = { jumpPoints: 10, windowMs: 15 * 60_000, mergeMs: 2 * 60_000 };

/** One good level reading of one channel. */
export interface LevelObservation {
  pressId: string;
  kind: 'ink' | 'paper';
  unit: number | null;
  color: string | null;
  /** Percent full. */
  level: number;
  /** When it was read (ms since epoch). */
  at: number;
}

/** What the reconciler needs of a logged entry. */
export interface TrackedEntry {
  id: number;
  pressId: string;
  kind: SupplyKind;
  unit: number | null;
  color: string | null;
  /** When the refill happened as far as the log knows: when it was logged, or for a correction when the voided original was. */
  at: number;
}

export type ReconcilerOutcome =
  | { type: 'confirmed'; entryId: number; at: number; from: number; to: number; detail: string; suggestionId: string | null }
  | { type: 'flagged'; entryId: number; at: number; detail: string }
  | { type: 'suggested'; suggestion: UnloggedRefill }
  | { type: 'suggestion-raised'; suggestionId: string; to: number };

interface Rise {
  channel: string;
  pressId: string;
  kind: 'ink' | 'paper';
  unit: number | null;
  color: string | null;
  at: number;
  from: number;
  to: number;
  lastAt: number;
  entryId: number | null;
  suggestionId: string | null;
}

interface ChannelState {
  /** The lowest level since the last refill: a rise is measured from here. */
  trough: number;
  /** The refill still in progress, if readings keep rising. */
  filling: Rise | null;
  lastSeenAt: number;
}

export function isReconcilable(entry: { kind: SupplyKind; unit: number | null }): boolean {
  return entry.kind === 'paper' || (entry.kind === 'ink' && entry.unit !== null);
}

export function channelName(kind: 'ink' | 'paper', unit: number | null): string {
  return kind === 'ink' ? `ink unit ${unit}` : 'paper';
}

export class Reconciler {
  private readonly settings: ReconcilerSettings;
  private readonly clock: Pick<Clock, 'now'>;
  private readonly channels = new Map<string, ChannelState>();
  private readonly pending = new Map<number, TrackedEntry>();
  private rises: Rise[] = [];

  constructor(options: { clock: Pick<Clock, 'now'>; settings?: Partial<ReconcilerSettings> }) {
    this.clock = options.clock;
    this.settings = { ...defaultReconcilerSettings, ...options.settings };
  }

  observeLevel(reading: LevelObservation): ReconcilerOutcome[] {
    const key = channelKey(reading.pressId, reading.kind, reading.unit);
    const state = this.channels.get(key);
    if (!state) {
      this.channels.set(key, { trough: reading.level, filling: null, lastSeenAt: reading.at });
      return [];
    }
    state.lastSeenAt = reading.at;
    const filling = state.filling;
    if (filling && reading.level >= filling.to && reading.at - filling.lastAt <= this.settings.mergeMs) {
      filling.lastAt = reading.at;
      state.trough = reading.level;
      if (reading.level === filling.to) return [];
      filling.to = reading.level;
      return filling.suggestionId && filling.entryId === null ? [{ type: 'suggestion-raised', suggestionId: filling.suggestionId, to: reading.level }] : [];
    }
    state.filling = null;
    if (reading.level <= state.trough || reading.level - state.trough < this.settings.jumpPoints) {
      state.trough = Math.min(state.trough, reading.level);
      return [];
    }
    const rise: Rise = {
      channel: key,
      pressId: reading.pressId,
      kind: reading.kind,
      unit: reading.unit,
      color: reading.color,
      at: reading.at,
      from: state.trough,
      to: reading.level,
      lastAt: reading.at,
      entryId: null,
      suggestionId: null,
    };
    state.trough = reading.level;
    state.filling = rise;
    this.rises.push(rise);
    const entry = this.oldestPendingNear(key, rise.at);
    if (entry) {
      this.pending.delete(entry.id);
      rise.entryId = entry.id;
      return [confirmation(entry.id, rise, this.clock.now())];
    }
    rise.suggestionId = `refill:${rise.pressId}:${reading.kind}${reading.unit !== null ? `.${reading.unit}` : ''}:${rise.at}`;
    const suggestion: UnloggedRefill = {
      id: rise.suggestionId,
      pressId: rise.pressId,
      kind: rise.kind,
      unit: rise.unit,
      color: rise.color,
      at: rise.at,
      from: rise.from,
      to: rise.to,
    };
    return [{ type: 'suggested', suggestion }];
  }

  /**
   * A new entry was stored. `suggestion` is the unlogged refill it explicitly completes (checked
   * by the service: open, same press, kind and unit); the rise it stands for confirms the entry.
   * `stored` is the open unlogged refill on its channel nearest its time, as the store knows it:
   * it confirms the entry when no rise in memory does (the rise was seen before a restart, or
   * longer ago than rises are kept: an entry that waited offline on a tablet).
   */
  observeEntry(entry: TrackedEntry, suggestion?: UnloggedRefill, stored?: UnloggedRefill): ReconcilerOutcome[] {
    if (!isReconcilable(entry)) return [];
    const key = channelKey(entry.pressId, entry.kind as 'ink' | 'paper', entry.unit);
    const now = this.clock.now();
    if (suggestion) {
      const rise = this.rises.find((r) => r.suggestionId === suggestion.id);
      if (rise) rise.entryId = entry.id;
      return [
        {
          type: 'confirmed',
          entryId: entry.id,
          at: now,
          from: suggestion.from,
          to: rise?.to ?? suggestion.to,
          detail: `completes the unlogged refill seen at ${new Date(suggestion.at).toISOString()}`,
          suggestionId: suggestion.id,
        },
      ];
    }
    const rise = this.nearestFreeRise(key, entry.at);
    if (rise) {
      rise.entryId = entry.id;
      return [confirmation(entry.id, rise, now)];
    }
    if (stored && Math.abs(stored.at - entry.at) <= this.settings.windowMs) {
      const remembered = this.rises.find((r) => r.suggestionId === stored.id);
      if (remembered) remembered.entryId = entry.id;
      const what = channelName(stored.kind, stored.unit);
      return [
        {
          type: 'confirmed',
          entryId: entry.id,
          at: now,
          from: stored.from,
          to: stored.to,
          detail: `${what} rose from ${round(stored.from)} % to ${round(stored.to)} % at ${new Date(stored.at).toISOString()}`,
          suggestionId: stored.id,
        },
      ];
    }
    this.pending.set(entry.id, entry);
    return [];
  }

  /** A voided entry: stop waiting for it, and free the rise it claimed for its replacement. */
  forgetEntry(entryId: number): void {
    this.pending.delete(entryId);
    for (const rise of this.rises) if (rise.entryId === entryId) rise.entryId = null;
  }

  /** After a restart: entries still pending in the store. */
  restorePending(entries: readonly TrackedEntry[]): void {
    for (const entry of entries) if (isReconcilable(entry)) this.pending.set(entry.id, entry);
  }

  /** Flags the entries whose window has passed without a rise, and forgets old rises. */
  tick(): ReconcilerOutcome[] {
    const now = this.clock.now();
    const out: ReconcilerOutcome[] = [];
    const minutes = Math.round(this.settings.windowMs / 60_000);
    // Called with every snapshot: no copy of the pending entries (deleting the one being visited is safe).
    for (const entry of this.pending.values()) {
      if (entry.at + this.settings.windowMs > now) continue;
      this.pending.delete(entry.id);
      const key = channelKey(entry.pressId, entry.kind as 'ink' | 'paper', entry.unit);
      const what = channelName(entry.kind as 'ink' | 'paper', entry.unit);
      const seen = this.channels.get(key);
      const detail =
        seen && seen.lastSeenAt >= entry.at - this.settings.windowMs
          ? `no level rise seen on ${what} within ${minutes} min`
          : `no level readings from ${what} within ${minutes} min`;
      out.push({ type: 'flagged', entryId: entry.id, at: now, detail });
    }
    // Called with every snapshot (hundreds a second): copy the list only when a rise has aged out.
    const keepFrom = now - 2 * this.settings.windowMs;
    if (this.rises.some((rise) => rise.lastAt < keepFrom)) this.rises = this.rises.filter((rise) => rise.lastAt >= keepFrom);
    return out;
  }

  /** When `tick` next has something to flag, or null when nothing is pending. */
  nextDeadline(): number | null {
    let next: number | null = null;
    for (const entry of this.pending.values()) {
      const due = entry.at + this.settings.windowMs;
      if (next === null || due < next) next = due;
    }
    return next;
  }

  /** How far apart an entry and the rise that confirms it may be. */
  get windowMs(): number {
    return this.settings.windowMs;
  }

  /** Rises remembered for matching (those of the last two windows). */
  get riseCount(): number {
    return this.rises.length;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  private oldestPendingNear(channel: string, at: number): TrackedEntry | undefined {
    let best: TrackedEntry | undefined;
    for (const entry of this.pending.values()) {
      if (channelKey(entry.pressId, entry.kind as 'ink' | 'paper', entry.unit) !== channel) continue;
      if (Math.abs(at - entry.at) > this.settings.windowMs) continue;
      if (!best || entry.at < best.at) best = entry;
    }
    return best;
  }

  private nearestFreeRise(channel: string, at: number): Rise | undefined {
    let best: Rise | undefined;
    for (const rise of this.rises) {
      if (rise.channel !== channel || rise.entryId !== null) continue;
      const distance = Math.abs(rise.at - at);
      if (distance > this.settings.windowMs) continue;
      if (!best || distance < Math.abs(best.at - at)) best = rise;
    }
    return best;
  }
}

function channelKey(pressId: string, kind: 'ink' | 'paper', unit: number | null): string {
  return `${pressId}\u0000${kind}\u0000${kind === 'ink' ? unit : ''}`;
}

function confirmation(entryId: number, rise: Rise, now: number): ReconcilerOutcome {
  return {
    type: 'confirmed',
    entryId,
    at: now,
    from: rise.from,
    to: rise.to,
    detail: `${channelName(rise.kind, rise.unit)} rose from ${round(rise.from)} % to ${round(rise.to)} %`,
    suggestionId: rise.suggestionId,
  };
}

function round(level: number): number {
  return Math.round(level * 10) / 10;
}
