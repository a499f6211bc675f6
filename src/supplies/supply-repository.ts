import type { Actor, Reconciliation, SupplyEntry, SupplyFilter, SupplyInput, SupplyKind, UnitOfMeasure, UnloggedRefill } from '../model/supply.js';
import type { StoreDatabase } from '../store/database.js';

/** Who stored an entry and when: set by the server, never taken from the client as is. */
export interface EntryOrigin {
  at: number;
  /** The tablet's time, already bounded by the service (see SuppliesService.log). */
  loggedAt: number;
  by: Actor | null;
  ip: string | null;
  replaces: number | null;
  reconciliation: Reconciliation;
}

interface EntryRow {
  id: number;
  client_id: string;
  press_id: string;
  kind: string;
  unit: number | null;
  color: string | null;
  product: string | null;
  lot: string | null;
  quantity: number;
  uom: string;
  note: string | null;
  suggestion_id: string | null;
  replaces: number | null;
  at: number;
  logged_at: number | null;
  user_id: number | null;
  username: string | null;
  ip: string | null;
  void_at: number | null;
  void_user_id: number | null;
  void_username: string | null;
  void_reason: string | null;
  replaced_by: number | null;
  rec_status: string | null;
  rec_at: number | null;
  rec_detail: string | null;
  level_from: number | null;
  level_to: number | null;
}

interface SuggestionRow {
  id: string;
  press_id: string;
  kind: string;
  unit: number | null;
  color: string | null;
  at: number;
  level_from: number;
  level_to: number;
  resolved_by: number | null;
  resolved_at: number | null;
}

const SELECT_ENTRY = `
  SELECT e.*, v.at AS void_at, v.user_id AS void_user_id, v.username AS void_username, v.reason AS void_reason,
         v.replaced_by, r.status AS rec_status, r.at AS rec_at, r.detail AS rec_detail, r.level_from, r.level_to
  FROM supply_entries e
  LEFT JOIN supply_voids v ON v.entry_id = e.id
  LEFT JOIN supply_reconciliation r ON r.entry_id = e.id`;

/**
 * The supply log in SQLite. Every method that writes joins the caller's transaction when there
 * is one (as a savepoint): the supplies service wraps an entry, its void, its audit line and the
 * suggestion it resolves in one `db.durableWrite`, so they commit together and reach the disk
 * before the HTTP answer.
 */
export class SupplyRepository {
  private readonly insertEntry;
  private readonly insertReconciliation;
  private readonly upsertReconciliation;
  private readonly insertVoidRow;
  private readonly selectById;
  private readonly selectByClientId;
  private readonly selectPending;
  private readonly insertSuggestionRow;
  private readonly raiseSuggestionRow;
  private readonly resolveSuggestionRow;
  private readonly selectSuggestion;
  private readonly selectOpenSuggestions;
  private readonly selectOpenSuggestionNear;

  constructor(private readonly db: StoreDatabase) {
    const c = db.connection;
    this.insertEntry = c.prepare(`
      INSERT INTO supply_entries (client_id, press_id, kind, unit, color, product, lot, quantity, uom, note,
                                  suggestion_id, replaces, at, logged_at, user_id, username, ip)
      VALUES (:clientId, :pressId, :kind, :unit, :color, :product, :lot, :quantity, :uom, :note,
              :suggestionId, :replaces, :at, :loggedAt, :userId, :username, :ip)
      ON CONFLICT (client_id) DO NOTHING`);
    this.insertReconciliation = c.prepare<[number, string, number | null, string | null, number | null, number | null]>(
      'INSERT INTO supply_reconciliation (entry_id, status, at, detail, level_from, level_to) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.upsertReconciliation = c.prepare<[string, number | null, string | null, number | null, number | null, number]>(
      'UPDATE supply_reconciliation SET status = ?, at = ?, detail = ?, level_from = ?, level_to = ? WHERE entry_id = ?',
    );
    this.insertVoidRow = c.prepare<[number, number, number, string, string, number | null]>(
      'INSERT INTO supply_voids (entry_id, at, user_id, username, reason, replaced_by) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.selectById = c.prepare<[number], EntryRow>(`${SELECT_ENTRY} WHERE e.id = ?`);
    this.selectByClientId = c.prepare<[string], EntryRow>(`${SELECT_ENTRY} WHERE e.client_id = ?`);
    this.selectPending = c.prepare<[], EntryRow>(`${SELECT_ENTRY} WHERE r.status = 'pending' AND v.entry_id IS NULL ORDER BY e.id`);
    this.insertSuggestionRow = c.prepare(`
      INSERT INTO supply_suggestions (id, press_id, kind, unit, color, at, level_from, level_to)
      VALUES (:id, :pressId, :kind, :unit, :color, :at, :from, :to) ON CONFLICT (id) DO NOTHING`);
    this.raiseSuggestionRow = c.prepare<[number, string]>('UPDATE supply_suggestions SET level_to = ? WHERE id = ?');
    this.resolveSuggestionRow = c.prepare<[number, number, string]>(
      'UPDATE supply_suggestions SET resolved_by = ?, resolved_at = ? WHERE id = ? AND resolved_by IS NULL',
    );
    this.selectSuggestion = c.prepare<[string], SuggestionRow>('SELECT * FROM supply_suggestions WHERE id = ?');
    this.selectOpenSuggestions = c.prepare<[number], SuggestionRow>('SELECT * FROM supply_suggestions WHERE resolved_by IS NULL AND at >= ? ORDER BY at DESC');
    this.selectOpenSuggestionNear = c.prepare<{ pressId: string; kind: string; unit: number | null; at: number; windowMs: number }, SuggestionRow>(`
      SELECT * FROM supply_suggestions
      WHERE resolved_by IS NULL AND press_id = :pressId AND kind = :kind AND unit IS :unit AND at BETWEEN :at - :windowMs AND :at + :windowMs
      ORDER BY abs(at - :at), at LIMIT 1`);
  }

  /**
   * Store an entry unless its clientId is already stored. Returns the stored entry and whether
   * this call created it. A retry thus gets the first entry back, never a second row.
   */
  insert(input: SupplyInput, origin: EntryOrigin): { entry: SupplyEntry; created: boolean } {
    return this.db.write(`log supply ${input.clientId}`, () => {
      const result = this.insertEntry.run({
        ...input,
        replaces: origin.replaces,
        at: origin.at,
        loggedAt: origin.loggedAt,
        userId: origin.by?.id ?? null,
        username: origin.by?.username ?? null,
        ip: origin.ip,
      });
      if (result.changes === 0) return { entry: this.requireByClientId(input.clientId), created: false };
      const id = Number(result.lastInsertRowid);
      const r = origin.reconciliation;
      this.insertReconciliation.run(id, r.status, r.at, r.detail, r.levelFrom, r.levelTo);
      return { entry: this.require(id), created: true };
    });
  }

  get(id: number): SupplyEntry | null {
    const row = this.db.run(`read supply ${id}`, () => this.selectById.get(id));
    return row ? fromRow(row) : null;
  }

  findByClientId(clientId: string): SupplyEntry | null {
    const row = this.db.run(`read supply ${clientId}`, () => this.selectByClientId.get(clientId));
    return row ? fromRow(row) : null;
  }

  /** Entries matching the filter, newest (highest id) first. */
  list(filter: SupplyFilter): SupplyEntry[] {
    const where: string[] = [];
    const params: Record<string, string | number> = { limit: filter.limit };
    if (filter.pressId !== undefined) {
      where.push('e.press_id = :pressId');
      params.pressId = filter.pressId;
    }
    if (filter.kind !== undefined) {
      where.push('e.kind = :kind');
      params.kind = filter.kind;
    }
    if (filter.from !== undefined) {
      where.push('e.at >= :from');
      params.from = filter.from;
    }
    if (filter.to !== undefined) {
      where.push('e.at <= :to');
      params.to = filter.to;
    }
    if (filter.before !== undefined) {
      where.push('e.id < :before');
      params.before = filter.before;
    }
    if (!filter.includeVoided) where.push('v.entry_id IS NULL');
    const sql = `${SELECT_ENTRY} ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY e.id DESC LIMIT :limit`;
    return this.db.run('list supplies', () => this.db.connection.prepare<[typeof params], EntryRow>(sql).all(params)).map(fromRow);
  }

  /** Entries whose sensors' verdict is still awaited (not voided), oldest first. */
  pending(): SupplyEntry[] {
    return this.db.run('list pending supplies', () => this.selectPending.all()).map(fromRow);
  }

  addVoid(entryId: number, voiding: { at: number; by: Actor; reason: string; replacedBy: number | null }): void {
    this.db.write(`void supply ${entryId}`, () =>
      this.insertVoidRow.run(entryId, voiding.at, voiding.by.id, voiding.by.username, voiding.reason, voiding.replacedBy),
    );
  }

  setReconciliation(entryId: number, reconciliation: Reconciliation): void {
    const r = reconciliation;
    this.db.write(`reconcile supply ${entryId}`, () => this.upsertReconciliation.run(r.status, r.at, r.detail, r.levelFrom, r.levelTo, entryId));
  }

  addSuggestion(suggestion: UnloggedRefill): void {
    this.db.write(`suggest refill ${suggestion.id}`, () => this.insertSuggestionRow.run({ ...suggestion }));
  }

  /** A refill seen over several readings: the rise goes on. */
  raiseSuggestion(id: string, to: number): void {
    this.db.write(`raise suggestion ${id}`, () => this.raiseSuggestionRow.run(to, id));
  }

  /** Returns false when it was already resolved (by another entry). */
  resolveSuggestion(id: string, entryId: number, at: number): boolean {
    return this.db.write(`resolve suggestion ${id}`, () => this.resolveSuggestionRow.run(entryId, at, id).changes === 1);
  }

  getSuggestion(id: string): (UnloggedRefill & { resolvedBy: number | null }) | null {
    const row = this.db.run(`read suggestion ${id}`, () => this.selectSuggestion.get(id));
    return row ? { ...suggestionFromRow(row), resolvedBy: row.resolved_by } : null;
  }

  /**
   * The open unlogged refill on this channel (press, kind, and unit for ink) seen nearest to
   * `at` and at most `windowMs` from it, if any: what an entry logged at `at` describes.
   */
  openSuggestionNear(channel: { pressId: string; kind: 'ink' | 'paper'; unit: number | null; at: number; windowMs: number }): UnloggedRefill | null {
    const row = this.db.run('find open suggestion', () =>
      this.selectOpenSuggestionNear.get({ ...channel, unit: channel.kind === 'ink' ? channel.unit : null }),
    );
    return row ? suggestionFromRow(row) : null;
  }

  /** Unresolved unlogged refills seen at or after `since`, newest first. */
  openSuggestions(since: number): UnloggedRefill[] {
    return this.db.run('list open suggestions', () => this.selectOpenSuggestions.all(since)).map(suggestionFromRow);
  }

  private require(id: number): SupplyEntry {
    const entry = this.get(id);
    if (!entry) throw new Error(`supply entry ${id} vanished inside its own transaction`);
    return entry;
  }

  private requireByClientId(clientId: string): SupplyEntry {
    const entry = this.findByClientId(clientId);
    if (!entry) throw new Error(`supply entry with clientId ${clientId} conflicted but cannot be read`);
    return entry;
  }
}

function fromRow(row: EntryRow): SupplyEntry {
  return {
    id: row.id,
    clientId: row.client_id,
    pressId: row.press_id,
    kind: row.kind as SupplyKind,
    unit: row.unit,
    color: row.color,
    product: row.product,
    lot: row.lot,
    quantity: row.quantity,
    uom: row.uom as UnitOfMeasure,
    note: row.note,
    suggestionId: row.suggestion_id,
    replaces: row.replaces,
    at: row.at,
    receivedAt: row.at,
    loggedAt: row.logged_at ?? row.at,
    by: row.user_id !== null && row.username !== null ? { id: row.user_id, username: row.username } : null,
    ip: row.ip,
    voided:
      row.void_at !== null && row.void_user_id !== null && row.void_username !== null && row.void_reason !== null
        ? { at: row.void_at, by: { id: row.void_user_id, username: row.void_username }, reason: row.void_reason, replacedBy: row.replaced_by }
        : null,
    reconciliation: {
      status: (row.rec_status ?? 'not-applicable') as Reconciliation['status'],
      at: row.rec_at,
      detail: row.rec_detail,
      levelFrom: row.level_from,
      levelTo: row.level_to,
    },
  };
}

function suggestionFromRow(row: SuggestionRow): UnloggedRefill {
  return {
    id: row.id,
    pressId: row.press_id,
    kind: row.kind as UnloggedRefill['kind'],
    unit: row.unit,
    color: row.color,
    at: row.at,
    from: row.level_from,
    to: row.level_to,
  };
}
