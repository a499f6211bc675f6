/**
 * Alarm occurrences and the alarm journal in SQLite. The engine's output is written here as
 * it happens: journal lines appended, the occurrence's row upserted. Operator commands
 * (ack, shelve, unshelve) go through `record(..., { durable: true })`, committed with
 * synchronous=FULL before the caller answers the person who asked.
 */
import type { AlarmPriority, AlarmState, AlarmView } from '../model/alarm-view.js';
import type { JournalAction, JournalEntry } from './alarm-types.js';
import { journalToCsv } from './journal-csv.js';
import type { StoreDatabase } from '../store/database.js';

export interface AlarmListFilters {
  /** true: only alarms still on the alarm list (not normal); false: only normal ones. */
  listed?: boolean;
  /** The condition is present (true) or gone (false). */
  active?: boolean;
  unacknowledged?: boolean;
  pressId?: string;
  priority?: AlarmPriority | readonly AlarmPriority[];
  /** raisedAt >= from (ms since epoch). */
  from?: number;
  /** raisedAt < to. */
  to?: number;
  /** Newest first; default 500, at most 10 000. */
  limit?: number;
}

export interface JournalFilters {
  pressId?: string;
  alarmId?: string;
  /** Lines of any of these occurrences (an empty list matches nothing). */
  alarmIds?: readonly string[];
  code?: string;
  action?: JournalAction | readonly JournalAction[];
  /** at >= from */
  from?: number;
  /** at < to */
  to?: number;
  /** Default 1000, at most 100 000. */
  limit?: number;
  /** Default 'desc' (newest first); the CSV export is always oldest first. */
  order?: 'asc' | 'desc';
}

export interface StoredJournalEntry extends JournalEntry {
  /** Insertion order in the journal. */
  seq: number;
}

export interface AlarmRecordBatch {
  journal?: readonly JournalEntry[];
  alarms?: readonly AlarmView[];
}

interface AlarmRow {
  id: string;
  press_id: string;
  code: string;
  label: string;
  priority: AlarmPriority;
  state: AlarmState;
  active: number;
  acknowledged: number;
  raised_at: number;
  cleared_at: number | null;
  acked_at: number | null;
  acked_by: string | null;
  ack_note: string | null;
  shelved_until: number | null;
  shelved_by: string | null;
  shelve_reason: string | null;
  suppressed: number;
  chatter_count: number;
  chattering: number;
  stop_reason: string | null;
}

interface JournalRow {
  seq: number;
  alarm_id: string;
  press_id: string;
  code: string;
  action: JournalAction;
  at: number;
  user_name: string | null;
  note: string | null;
  priority: AlarmPriority;
}

const MAX_ALARM_LIMIT = 10_000;
const MAX_JOURNAL_LIMIT = 100_000;

export class AlarmRepository {
  private readonly insertJournal;
  private readonly upsertInstance;

  constructor(private readonly db: StoreDatabase) {
    const c = db.connection;
    this.insertJournal = c.prepare<JournalEntry>(
      `INSERT INTO alarm_journal (alarm_id, press_id, code, action, at, user_name, note, priority)
       VALUES (:alarmId, :pressId, :code, :action, :at, :user, :note, :priority)`,
    );
    this.upsertInstance = c.prepare<AlarmRow & { updated_at: number }>(
      `INSERT INTO alarm_instances (id, press_id, code, label, priority, state, active, acknowledged, raised_at, cleared_at,
         acked_at, acked_by, ack_note, shelved_until, shelved_by, shelve_reason, suppressed, chatter_count, chattering, stop_reason, updated_at)
       VALUES (:id, :press_id, :code, :label, :priority, :state, :active, :acknowledged, :raised_at, :cleared_at,
         :acked_at, :acked_by, :ack_note, :shelved_until, :shelved_by, :shelve_reason, :suppressed, :chatter_count, :chattering, :stop_reason, :updated_at)
       ON CONFLICT (id) DO UPDATE SET
         label = excluded.label, priority = excluded.priority, state = excluded.state, active = excluded.active,
         acknowledged = excluded.acknowledged, raised_at = excluded.raised_at, cleared_at = excluded.cleared_at,
         acked_at = excluded.acked_at, acked_by = excluded.acked_by, ack_note = excluded.ack_note,
         shelved_until = excluded.shelved_until, shelved_by = excluded.shelved_by, shelve_reason = excluded.shelve_reason,
         suppressed = excluded.suppressed, chatter_count = excluded.chatter_count, chattering = excluded.chattering,
         stop_reason = excluded.stop_reason, updated_at = excluded.updated_at`,
    );
  }

  /**
   * Writes journal lines and occurrence rows in one transaction. `durable`: the commit is on
   * disk when this returns (operator commands); otherwise a fast NORMAL commit (readings).
   * `alsoInTransaction` runs inside the same transaction after the rows (the audit line of an
   * operator command), so both commit together or not at all.
   */
  record(batch: AlarmRecordBatch, options: { durable: boolean; at: number; alsoInTransaction?: () => void }): void {
    const journal = batch.journal ?? [];
    const alarms = batch.alarms ?? [];
    if (journal.length === 0 && alarms.length === 0 && !options.alsoInTransaction) return;
    const work = () => {
      for (const entry of journal) this.insertJournal.run(entry);
      for (const alarm of alarms) this.upsertInstance.run({ ...toRow(alarm), updated_at: options.at });
      options.alsoInTransaction?.();
    };
    const operation = `record ${journal.length} alarm journal lines and ${alarms.length} alarms`;
    if (options.durable) this.db.durableWrite(operation, work);
    else this.db.write(operation, work);
  }

  listAlarms(filters: AlarmListFilters = {}): AlarmView[] {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    if (filters.listed !== undefined) where.push(filters.listed ? "state <> 'normal'" : "state = 'normal'");
    if (filters.active !== undefined) where.push(`active = ${filters.active ? 1 : 0}`);
    if (filters.unacknowledged !== undefined) where.push(`acknowledged = ${filters.unacknowledged ? 0 : 1}`);
    addCommonFilters({ where, params, filters, timeColumn: 'raised_at' });
    const priorities = list(filters.priority);
    if (priorities) where.push(inList('priority', priorities, params));
    const limit = clampLimit(filters.limit, 500, MAX_ALARM_LIMIT);
    const sql = `SELECT * FROM alarm_instances ${whereClause(where)} ORDER BY raised_at DESC, id LIMIT ${limit}`;
    return this.db.run('list alarms', () => this.db.connection.prepare<Record<string, unknown>, AlarmRow>(sql).all(params)).map(fromRow);
  }

  /** Every alarm still on the list (not normal), for `AlarmEngine.restore` after a restart. Unlimited. */
  listedAlarms(): AlarmView[] {
    const sql = "SELECT * FROM alarm_instances WHERE state <> 'normal' ORDER BY raised_at";
    return this.db.run('list listed alarms', () => this.db.connection.prepare<[], AlarmRow>(sql).all()).map(fromRow);
  }

  journal(filters: JournalFilters = {}): StoredJournalEntry[] {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    addCommonFilters({ where, params, filters, timeColumn: 'at' });
    if (filters.alarmId !== undefined) {
      where.push('alarm_id = :alarmId');
      params.alarmId = filters.alarmId;
    }
    if (filters.alarmIds !== undefined) {
      where.push('alarm_id IN (SELECT value FROM json_each(:alarmIds))');
      params.alarmIds = JSON.stringify(filters.alarmIds);
    }
    if (filters.code !== undefined) {
      where.push('code = :code');
      params.code = filters.code;
    }
    const actions = list(filters.action);
    if (actions) where.push(inList('action', actions, params));
    const direction = filters.order === 'asc' ? 'ASC' : 'DESC';
    const limit = clampLimit(filters.limit, 1000, MAX_JOURNAL_LIMIT);
    const sql = `SELECT * FROM alarm_journal ${whereClause(where)} ORDER BY at ${direction}, seq ${direction} LIMIT ${limit}`;
    return this.db.run('read alarm journal', () => this.db.connection.prepare<Record<string, unknown>, JournalRow>(sql).all(params)).map(fromJournalRow);
  }

  /** The journal as CSV (oldest first), for a spreadsheet; see journal-csv.ts for quoting and the formula guard. */
  exportJournalCsv(filters: Omit<JournalFilters, 'order'> = {}): string {
    return journalToCsv(this.journal({ ...filters, order: 'asc', limit: filters.limit ?? MAX_JOURNAL_LIMIT }));
  }
}

function addCommonFilters(options: {
  where: string[];
  params: Record<string, unknown>;
  filters: { pressId?: string; from?: number; to?: number };
  timeColumn: string;
}): void {
  const { where, params, filters, timeColumn } = options;
  if (filters.pressId !== undefined) {
    where.push('press_id = :pressId');
    params.pressId = filters.pressId;
  }
  if (filters.from !== undefined) {
    where.push(`${timeColumn} >= :from`);
    params.from = filters.from;
  }
  if (filters.to !== undefined) {
    where.push(`${timeColumn} < :to`);
    params.to = filters.to;
  }
}

function list<T>(value: T | readonly T[] | undefined): readonly T[] | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? (value as readonly T[]) : [value as T];
}

/** `column IN (:column0, :column1…)` with bound parameters; an empty list matches nothing. */
function inList(column: string, values: readonly string[], params: Record<string, unknown>): string {
  if (values.length === 0) return '0';
  const names = values.map((value, i) => {
    params[`${column}${i}`] = value;
    return `:${column}${i}`;
  });
  return `${column} IN (${names.join(', ')})`;
}

function whereClause(where: string[]): string {
  return where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
}

function clampLimit(limit: number | undefined, fallback: number, max: number): number {
  if (limit === undefined || !Number.isFinite(limit)) return fallback;
  return Math.max(1, Math.min(max, Math.floor(limit)));
}

function toRow(alarm: AlarmView): AlarmRow {
  return {
    id: alarm.id,
    press_id: alarm.pressId,
    code: alarm.code,
    label: alarm.label,
    priority: alarm.priority,
    state: alarm.state,
    active: alarm.active ? 1 : 0,
    acknowledged: alarm.acknowledged ? 1 : 0,
    raised_at: alarm.raisedAt,
    cleared_at: alarm.clearedAt,
    acked_at: alarm.ackedAt,
    acked_by: alarm.ackedBy,
    ack_note: alarm.ackNote,
    shelved_until: alarm.shelvedUntil,
    shelved_by: alarm.shelvedBy,
    shelve_reason: alarm.shelveReason,
    suppressed: alarm.suppressed ? 1 : 0,
    chatter_count: alarm.chatterCount,
    chattering: alarm.chattering ? 1 : 0,
    stop_reason: alarm.stopReason,
  };
}

function fromRow(row: AlarmRow): AlarmView {
  return {
    id: row.id,
    pressId: row.press_id,
    code: row.code,
    label: row.label,
    priority: row.priority,
    state: row.state,
    active: row.active === 1,
    acknowledged: row.acknowledged === 1,
    raisedAt: row.raised_at,
    clearedAt: row.cleared_at,
    ackedAt: row.acked_at,
    ackedBy: row.acked_by,
    ackNote: row.ack_note,
    shelvedUntil: row.shelved_until,
    shelvedBy: row.shelved_by,
    shelveReason: row.shelve_reason,
    suppressed: row.suppressed === 1,
    chatterCount: row.chatter_count,
    chattering: row.chattering === 1,
    stopReason: row.stop_reason,
  };
}

function fromJournalRow(row: JournalRow): StoredJournalEntry {
  return {
    seq: row.seq,
    alarmId: row.alarm_id,
    pressId: row.press_id,
    code: row.code,
    action: row.action,
    at: row.at,
    user: row.user_name,
    note: row.note,
    priority: row.priority,
  };
}
