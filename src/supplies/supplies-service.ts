/**
 * The supply log's behaviour: log (idempotent by clientId), void and replace, reconcile with
 * the level sensors, time-to-empty, suggestions. Operator writes and their audit lines commit
 * together with synchronous=FULL before the method returns; sensor verdicts that follow are
 * machine data, written at NORMAL.
 */
import type { Logger } from 'pino';
import type { AuditLog } from '../model/audit.js';
import type { Clock, TimerHandle } from '../lib/clock.js';
import type { PressSnapshot } from '../model/press-snapshot.js';
import { type TypedEmitter } from '../lib/typed-emitter.js';
import type { StoreDatabase } from '../store/database.js';
import type { SupplyRepository } from './supply-repository.js';
import { consumptionReport, type ConsumptionReport, type LevelHistory } from './consumption.js';
import { isReconcilable, type Reconciler, type ReconcilerOutcome, type TrackedEntry } from './reconciler.js';
import type { Shift } from './shifts.js';
import { SupplyError } from './supply-error.js';
import { boundLoggedAt } from './supply-input.js';
import type { Actor, LowLevelSuggestion, Reconciliation, SupplyEntry, SupplyFilter, SupplyInput, UnloggedRefill } from '../model/supply.js';
import type { PreAlarm, TimeToEmptyTracker } from './time-to-empty-tracker.js';
import type { TimeToEmpty } from './time-to-empty.js';

export type SuppliesEvents = {
  /** A new entry was stored (not on an idempotent retry). For socket.io `supply:logged`. */
  'supply:logged': (entry: SupplyEntry) => void;
  'supply:voided': (voided: SupplyEntry, replacement: SupplyEntry | null) => void;
  /** An entry's sensor verdict changed (confirmed or flagged). */
  'supply:reconciled': (entry: SupplyEntry) => void;
  'supplies:suggestion': (suggestion: UnloggedRefill) => void;
  'supplies:pre-alarm': (preAlarm: PreAlarm) => void;
};

/** Who asks, as the HTTP layer knows them. */
export interface Requester {
  user: Actor;
  ip: string | null;
}

export interface SuppliesServiceOptions {
  db: StoreDatabase;
  repository: SupplyRepository;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  presses: { get(id: string): PressSnapshot | undefined; list(): PressSnapshot[] };
  reconciler: Reconciler;
  timeToEmpty: TimeToEmptyTracker;
  events: TypedEmitter<SuppliesEvents>;
  history: LevelHistory | null;
  shifts: readonly Shift[];
  jumpPoints: number;
  lowLevelPercent: { ink: number; paper: number };
  /** Unlogged refills older than this are no longer offered. */
  suggestionMaxAgeMs: number;
}

export class SuppliesService {
  private deadline: TimerHandle | null = null;
  /**
   * The level reading of each channel (ink unit, or 0 for paper) last handed to the reconciler,
   * per press. Snapshots come with every fast scan and repeat a level until its slower scan
   * reads it again; the reconciler gets each reading once (a repeat would change nothing).
   */
  private readonly observedLevels = new Map<string, Map<number, { level: number; at: number }>>();

  constructor(private readonly o: SuppliesServiceOptions) {}

  /** Entries still pending in the store are awaited again (e.g. after a restart). */
  start(): void {
    this.o.reconciler.restorePending(this.o.repository.pending().map(tracked));
    this.apply(this.o.reconciler.tick());
    this.schedule();
  }

  stop(): void {
    if (this.deadline) this.o.clock.clearTimeout(this.deadline);
    this.deadline = null;
  }

  get(id: number): SupplyEntry | null {
    return this.o.repository.get(id);
  }

  list(filter: SupplyFilter): SupplyEntry[] {
    return this.o.repository.list(filter);
  }

  /**
   * Log an entry; a retry with the same clientId and content returns the stored one, `created: false`.
   * It is reconciled as of when it was logged (`loggedAt`, the tablet's time, bounded), not when
   * it arrived: an entry queued offline longer than the window still confirms the refill it
   * describes, and completes that refill's open suggestion.
   */
  log(input: SupplyInput, requester: Requester): { entry: SupplyEntry; created: boolean } {
    const known = this.o.repository.findByClientId(input.clientId);
    if (known) return { entry: sameOrConflict(known, input), created: false };
    const suggestion = input.suggestionId !== null ? this.openSuggestionFor(input) : undefined;
    const at = this.o.clock.now();
    const loggedAt = boundLoggedAt(input.loggedAt, at);
    const result = this.o.db.durableWrite(`log supply ${input.clientId}`, () => {
      const stored = this.o.repository.insert(input, {
        at,
        loggedAt,
        by: requester.user,
        ip: requester.ip,
        replaces: null,
        reconciliation: initialReconciliation(input),
      });
      if (!stored.created) return stored;
      if (suggestion) this.o.repository.resolveSuggestion(suggestion.id, stored.entry.id, at);
      this.o.audit.record({ ...auditWho(requester, at), action: 'supply.log', target: `supply:${stored.entry.id}`, details: describe(stored.entry) });
      return stored;
    });
    if (!result.created) return { entry: sameOrConflict(result.entry, input), created: false };
    this.apply(this.o.reconciler.observeEntry(tracked(result.entry), suggestion, suggestion ? undefined : this.openSuggestionNear(result.entry)));
    // logged offline longer ago than the window, with no rise to match: flagged now, in this answer
    this.apply(this.o.reconciler.tick());
    this.schedule();
    const entry = this.o.repository.get(result.entry.id) ?? result.entry;
    this.o.events.emit('supply:logged', entry);
    return { entry, created: true };
  }

  /**
   * Void an entry with a reason, optionally logging its correction in the same transaction.
   * Retrying the same void (same reason, same replacement clientId) answers the stored result.
   */
  void(
    id: number,
    request: { reason: string; replacement: SupplyInput | null },
    requester: Requester,
  ): { voided: SupplyEntry; replacement: SupplyEntry | null; created: boolean } {
    const original = this.o.repository.get(id);
    if (!original) throw new SupplyError('not-found', `supply entry ${id} not found`);
    if (original.voided) return this.repeatedVoid(original, request);
    if (request.replacement && this.o.repository.findByClientId(request.replacement.clientId)) {
      throw new SupplyError('conflict', `clientId ${request.replacement.clientId} is already used by another entry`, 'replacement.clientId');
    }
    const suggestion = request.replacement?.suggestionId ? this.openSuggestionFor(request.replacement) : undefined;
    const at = this.o.clock.now();
    const replacementInput = request.replacement;
    // a correction describes the same refill: it was logged when the original was, unless it says
    const replacementLoggedAt = replacementInput?.loggedAt != null ? boundLoggedAt(replacementInput.loggedAt, at) : original.loggedAt;
    const carried = replacementInput && sameChannel(original, replacementInput) && original.reconciliation.status === 'confirmed';
    const replacementId = this.o.db.durableWrite(`void supply ${id}`, () => {
      let replacement: SupplyEntry | null = null;
      if (replacementInput) {
        const reconciliation = carried
          ? { ...original.reconciliation, detail: `carried over from entry ${id}: ${original.reconciliation.detail ?? ''}` }
          : initialReconciliation(replacementInput);
        replacement = this.o.repository.insert(replacementInput, {
          at,
          loggedAt: replacementLoggedAt,
          by: requester.user,
          ip: requester.ip,
          replaces: id,
          reconciliation,
        }).entry;
        if (suggestion) this.o.repository.resolveSuggestion(suggestion.id, replacement.id, at);
      }
      this.o.repository.addVoid(id, { at, by: requester.user, reason: request.reason, replacedBy: replacement?.id ?? null });
      this.o.audit.record({
        ...auditWho(requester, at),
        action: 'supply.void',
        target: `supply:${id}`,
        details: { reason: request.reason, replacedBy: replacement?.id ?? null },
      });
      if (replacement) {
        this.o.audit.record({
          ...auditWho(requester, at),
          action: 'supply.log',
          target: `supply:${replacement.id}`,
          details: { ...describe(replacement), replaces: id },
        });
      }
      return replacement?.id ?? null;
    });
    this.o.reconciler.forgetEntry(id);
    const replacementEntry = replacementId !== null ? this.o.repository.get(replacementId) : null;
    if (replacementEntry && !carried) {
      // The refill happened when the original was logged, not now: match rises around that time.
      this.apply(this.o.reconciler.observeEntry(tracked(replacementEntry), suggestion, suggestion ? undefined : this.openSuggestionNear(replacementEntry)));
      this.apply(this.o.reconciler.tick());
    }
    this.schedule();
    const voided = this.o.repository.get(id) ?? original;
    const replacement = replacementId !== null ? this.o.repository.get(replacementId) : null;
    this.o.events.emit('supply:voided', voided, replacement);
    if (replacement) this.o.events.emit('supply:logged', replacement);
    return { voided, replacement, created: true };
  }

  /**
   * Feed one press snapshot: level readings go to the reconciler, and the answer is the
   * snapshot's time-to-empty. Called by the press service on every snapshot it publishes.
   */
  observeSnapshot(snapshot: PressSnapshot): TimeToEmpty {
    const outcomes: ReconcilerOutcome[] = [];
    for (const ink of snapshot.ink) {
      if (ink.level === null || ink.at === null || ink.quality !== 'good' || !this.newLevelReading(snapshot.id, ink.unit, ink.level, ink.at)) continue;
      outcomes.push(...this.o.reconciler.observeLevel({ pressId: snapshot.id, kind: 'ink', unit: ink.unit, color: ink.color, level: ink.level, at: ink.at }));
    }
    const paper = snapshot.paper;
    if (paper.level !== null && paper.at !== null && paper.quality === 'good' && this.newLevelReading(snapshot.id, 0, paper.level, paper.at)) {
      outcomes.push(...this.o.reconciler.observeLevel({ pressId: snapshot.id, kind: 'paper', unit: null, color: null, level: paper.level, at: paper.at }));
    }
    outcomes.push(...this.o.reconciler.tick());
    try {
      this.apply(outcomes);
    } catch (error) {
      // The press service must keep publishing snapshots when the disk fails; the failure is
      // logged here with what was lost, and the store's own health check reports the disk.
      this.o.logger.error({ err: error, pressId: snapshot.id, outcomes }, 'could not store supply reconciliation');
    }
    return this.o.timeToEmpty.observe(snapshot);
  }

  /** Whether this level reading of a channel (ink unit, or 0 for paper) is not the one observed last; remembers it. */
  private newLevelReading(pressId: string, channel: number, level: number, at: number): boolean {
    let ofPress = this.observedLevels.get(pressId);
    if (!ofPress) this.observedLevels.set(pressId, (ofPress = new Map()));
    const last = ofPress.get(channel);
    if (last && last.at === at && last.level === level) return false;
    ofPress.set(channel, { level, at });
    return true;
  }

  /** Open unlogged refills, and units below the low-level threshold right now. */
  suggestions(): { unlogged: UnloggedRefill[]; low: LowLevelSuggestion[] } {
    const unlogged = this.o.repository.openSuggestions(this.o.clock.now() - this.o.suggestionMaxAgeMs);
    const low: LowLevelSuggestion[] = [];
    for (const press of this.o.presses.list()) {
      for (const ink of press.ink) {
        if (ink.level !== null && ink.quality === 'good' && ink.level < this.o.lowLevelPercent.ink) {
          low.push({
            id: `low:${press.id}:ink.${ink.unit}`,
            pressId: press.id,
            kind: 'ink',
            unit: ink.unit,
            color: ink.color,
            level: ink.level,
            threshold: this.o.lowLevelPercent.ink,
            at: ink.at,
          });
        }
      }
      const paper = press.paper;
      if (paper.level !== null && paper.quality === 'good' && paper.level < this.o.lowLevelPercent.paper) {
        low.push({
          id: `low:${press.id}:paper`,
          pressId: press.id,
          kind: 'paper',
          unit: null,
          color: null,
          level: paper.level,
          threshold: this.o.lowLevelPercent.paper,
          at: paper.at,
        });
      }
    }
    return { unlogged, low };
  }

  consumption(pressId: string, from: number, to: number): ConsumptionReport {
    const press = this.o.presses.get(pressId);
    if (!press) throw new SupplyError('not-found', `press "${pressId}" not found`, 'pressId');
    if (!this.o.history) throw new SupplyError('invalid', 'consumption figures need recorded samples, and this service has none');
    const entries: SupplyEntry[] = [];
    for (let before: number | undefined; ;) {
      const page = this.o.repository.list({ pressId, from, to, limit: 1000, ...(before !== undefined ? { before } : {}) });
      entries.push(...page);
      if (page.length < 1000) break;
      before = page.at(-1)!.id;
    }
    return consumptionReport({ history: this.o.history, press, entries, from, to, shifts: this.o.shifts, jumpPoints: this.o.jumpPoints });
  }

  /**
   * The open unlogged refill an entry describes without naming it: same channel, within the
   * reconciliation window of when it was logged. Read from the store, so a refill seen before a
   * restart, or longer ago than the reconciler keeps rises in memory, is still found.
   */
  private openSuggestionNear(entry: SupplyEntry): UnloggedRefill | undefined {
    if (!isReconcilable(entry) || (entry.kind !== 'ink' && entry.kind !== 'paper')) return undefined;
    return (
      this.o.repository.openSuggestionNear({
        pressId: entry.pressId,
        kind: entry.kind,
        unit: entry.unit,
        at: entry.loggedAt,
        windowMs: this.o.reconciler.windowMs,
      }) ?? undefined
    );
  }

  private openSuggestionFor(input: SupplyInput): UnloggedRefill {
    const field = 'suggestionId';
    const suggestion = this.o.repository.getSuggestion(input.suggestionId!);
    if (!suggestion) throw new SupplyError('invalid', `unknown suggestion "${input.suggestionId}"`, field);
    if (suggestion.resolvedBy !== null)
      throw new SupplyError('conflict', `suggestion "${suggestion.id}" was already completed by entry ${suggestion.resolvedBy}`, field);
    if (suggestion.pressId !== input.pressId || suggestion.kind !== input.kind || (suggestion.kind === 'ink' && suggestion.unit !== input.unit)) {
      const what = suggestion.kind === 'ink' ? `ink unit ${suggestion.unit}` : 'paper';
      throw new SupplyError('invalid', `suggestion "${suggestion.id}" is for ${what} on ${suggestion.pressId}`, field);
    }
    return suggestion;
  }

  private repeatedVoid(original: SupplyEntry, request: { reason: string; replacement: SupplyInput | null }) {
    const voiding = original.voided!;
    const replacement = voiding.replacedBy !== null ? this.o.repository.get(voiding.replacedBy) : null;
    const same = voiding.reason === request.reason && (replacement?.clientId ?? null) === (request.replacement?.clientId ?? null);
    if (!same) {
      throw new SupplyError('conflict', `supply entry ${original.id} was already voided at ${new Date(voiding.at).toISOString()} by ${voiding.by.username}`);
    }
    return { voided: original, replacement, created: false };
  }

  /** Persist and announce what the reconciler decided, in one (NORMAL) transaction. */
  private apply(outcomes: readonly ReconcilerOutcome[]): void {
    if (outcomes.length === 0) return;
    const changed = new Set<number>();
    const suggested: UnloggedRefill[] = [];
    this.o.db.write('store supply reconciliation', () => {
      for (const outcome of outcomes) {
        if (outcome.type === 'confirmed') {
          this.o.repository.setReconciliation(outcome.entryId, {
            status: 'confirmed',
            at: outcome.at,
            detail: outcome.detail,
            levelFrom: outcome.from,
            levelTo: outcome.to,
          });
          if (outcome.suggestionId) this.o.repository.resolveSuggestion(outcome.suggestionId, outcome.entryId, outcome.at);
          changed.add(outcome.entryId);
        } else if (outcome.type === 'flagged') {
          this.o.repository.setReconciliation(outcome.entryId, { status: 'flagged', at: outcome.at, detail: outcome.detail, levelFrom: null, levelTo: null });
          changed.add(outcome.entryId);
        } else if (outcome.type === 'suggested') {
          this.o.repository.addSuggestion(outcome.suggestion);
          suggested.push(outcome.suggestion);
        } else {
          this.o.repository.raiseSuggestion(outcome.suggestionId, outcome.to);
        }
      }
    });
    for (const id of changed) {
      const entry = this.o.repository.get(id);
      if (entry) this.o.events.emit('supply:reconciled', entry);
    }
    for (const suggestion of suggested) this.o.events.emit('supplies:suggestion', suggestion);
  }

  /** One timer, at the next pending entry's deadline, to flag it even if no reading comes. */
  private schedule(): void {
    if (this.deadline) this.o.clock.clearTimeout(this.deadline);
    this.deadline = null;
    const due = this.o.reconciler.nextDeadline();
    if (due === null) return;
    this.deadline = this.o.clock.setTimeout(() => {
      this.deadline = null;
      try {
        this.apply(this.o.reconciler.tick());
      } catch (error) {
        this.o.logger.error({ err: error }, 'could not store flagged supply entries');
      }
      this.schedule();
    }, due - this.o.clock.now());
  }
}

/** What the reconciler matches: the entry as of when it was logged. */
function tracked(entry: SupplyEntry): TrackedEntry {
  return { id: entry.id, pressId: entry.pressId, kind: entry.kind, unit: entry.unit, color: entry.color, at: entry.loggedAt };
}

function initialReconciliation(input: SupplyInput): Reconciliation {
  return { status: isReconcilable(input) ? 'pending' : 'not-applicable', at: null, detail: null, levelFrom: null, levelTo: null };
}

function sameChannel(a: SupplyInput, b: SupplyInput): boolean {
  return a.pressId === b.pressId && a.kind === b.kind && a.unit === b.unit;
}

const COMPARED: (keyof SupplyInput)[] = ['pressId', 'kind', 'unit', 'color', 'product', 'lot', 'quantity', 'uom', 'note', 'suggestionId'];

/** A retry must carry the same entry; a reused clientId with other content is a client bug. */
function sameOrConflict(stored: SupplyEntry, input: SupplyInput): SupplyEntry {
  const differing = COMPARED.filter((key) => stored[key] !== input[key]);
  if (differing.length > 0) {
    throw new SupplyError(
      'conflict',
      `clientId ${input.clientId} was already used for entry ${stored.id} with a different ${differing.join(', ')}`,
      'clientId',
    );
  }
  return stored;
}

function auditWho(requester: Requester, at: number) {
  return { at, userId: requester.user.id, username: requester.user.username, ip: requester.ip };
}

function describe(entry: SupplyEntry): Record<string, unknown> {
  return {
    clientId: entry.clientId,
    pressId: entry.pressId,
    kind: entry.kind,
    unit: entry.unit,
    color: entry.color,
    product: entry.product,
    lot: entry.lot,
    quantity: entry.quantity,
    uom: entry.uom,
    suggestionId: entry.suggestionId,
    loggedAt: entry.loggedAt,
  };
}
