/** Downtime events: one per stay of a press in a non-production state. */
import type { DowntimeEvent } from '../model/production.js';
import type { DowntimeState } from '../model/vocabulary.js';
import type { StoreDatabase } from '../store/database.js';
import type { DowntimeCause } from './downtime-causes.js';

export type { DowntimeEvent } from '../model/production.js';

interface EventRow {
  id: number;
  press_id: string;
  from_at: number;
  to_at: number | null;
  state: DowntimeState;
  job_ref: number | null;
  job_number: string | null;
  cause_code: string | null;
  cause_label: string | null;
  cause_category: DowntimeCause['category'] | null;
  cause_source: DowntimeCause['source'] | null;
  note: string | null;
}

const SELECT = `SELECT e.id, e.press_id, e.from_at, e.to_at, e.state, e.job_id AS job_ref, j.job_id AS job_number,
  e.cause_code, e.cause_label, e.cause_category, e.cause_source, e.note
  FROM downtime_events e LEFT JOIN jobs j ON j.id = e.job_id`;

export class DowntimeRepository {
  private readonly insert;
  private readonly close;
  private readonly setCause;
  private readonly byId;
  private readonly openOf;
  private readonly overlapping;

  constructor(private readonly db: StoreDatabase) {
    const c = db.connection;
    this.insert = c.prepare<[string, number, string, number | null, string | null, string | null, string | null, string | null]>(
      'INSERT INTO downtime_events (press_id, from_at, state, job_id, cause_code, cause_label, cause_category, cause_source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.close = c.prepare<[number, number]>('UPDATE downtime_events SET to_at = ? WHERE id = ? AND to_at IS NULL');
    this.setCause = c.prepare<[string | null, string | null, string | null, string | null, string | null, number]>(
      'UPDATE downtime_events SET cause_code = ?, cause_label = ?, cause_category = ?, cause_source = ?, note = ? WHERE id = ?',
    );
    this.byId = c.prepare<[number], EventRow>(`${SELECT} WHERE e.id = ?`);
    this.openOf = c.prepare<[string], EventRow>(`${SELECT} WHERE e.press_id = ? AND e.to_at IS NULL ORDER BY e.from_at DESC LIMIT 1`);
    this.overlapping = c.prepare<[{ from: number; to: number; pressId: string | null; limit: number }], EventRow>(`
      WITH RECURSIVE presses(id) AS (
        SELECT MIN(press_id) FROM downtime_events
        UNION ALL SELECT (SELECT MIN(press_id) FROM downtime_events WHERE press_id > presses.id) FROM presses WHERE presses.id IS NOT NULL
      ),
      candidates(id) AS (
        SELECT id FROM downtime_events WHERE from_at >= :from AND from_at < :to
        UNION SELECT (SELECT d.id FROM downtime_events d WHERE d.press_id = p.id AND d.from_at < :from ORDER BY d.press_id DESC, d.from_at DESC LIMIT 1)
          FROM presses p WHERE p.id IS NOT NULL AND (:pressId IS NULL OR p.id = :pressId)
        UNION SELECT id FROM downtime_events INDEXED BY downtime_events_open WHERE to_at IS NULL
      )
      ${SELECT} WHERE e.id IN (SELECT id FROM candidates WHERE id IS NOT NULL)
        AND e.from_at < :to AND COALESCE(e.to_at, 9e15) > :from AND (:pressId IS NULL OR e.press_id = :pressId)
      ORDER BY e.from_at DESC, e.id DESC LIMIT :limit`);
  }

  open(event: { pressId: string; from: number; state: DowntimeState; jobRef: number | null; cause: DowntimeCause | null }): number {
    const { cause } = event;
    const result = this.db.write(`open downtime of ${event.pressId}`, () =>
      this.insert.run(
        event.pressId,
        event.from,
        event.state,
        event.jobRef,
        cause?.code ?? null,
        cause?.label ?? null,
        cause?.category ?? null,
        cause?.source ?? null,
      ),
    );
    return Number(result.lastInsertRowid);
  }

  closeAt(id: number, to: number): void {
    this.db.write(`close downtime ${id}`, () => this.close.run(to, id));
  }

  /** Machine revisions (a stop alarm in the settle window) are quick writes; an operator's coding is durable. */
  recode(id: number, cause: DowntimeCause | null, note: string | null, durable: boolean): void {
    const work = () => this.setCause.run(cause?.code ?? null, cause?.label ?? null, cause?.category ?? null, cause?.source ?? null, note, id);
    if (durable) this.db.durableWrite(`code downtime ${id}`, work);
    else this.db.write(`revise downtime ${id}`, work);
  }

  get(id: number, now: number): DowntimeEvent | undefined {
    const row = this.db.run(`read downtime ${id}`, () => this.byId.get(id));
    return row && toEvent(row, now);
  }

  openEvent(pressId: string, now: number): DowntimeEvent | undefined {
    const row = this.db.run(`read open downtime of ${pressId}`, () => this.openOf.get(pressId));
    return row && toEvent(row, now);
  }

  /**
   * Events overlapping [from, to), newest first. A press is in one stay at a time, so besides
   * the events that start in the range only the last one of each press that started before it
   * can overlap it (and any left open): all found through indexes, never a scan of the year.
   */
  list(query: { pressId?: string; from: number; to: number; limit: number }, now: number): DowntimeEvent[] {
    const pressId = query.pressId ?? null;
    const rows = this.db.run('list downtime', () => this.overlapping.all({ from: query.from, to: query.to, pressId, limit: query.limit }));
    return rows.map((row) => toEvent(row, now));
  }
}

function toEvent(row: EventRow, now: number): DowntimeEvent {
  const cause =
    row.cause_code !== null
      ? { code: row.cause_code, label: row.cause_label ?? row.cause_code, category: row.cause_category ?? 'unplanned', source: row.cause_source ?? 'plc' }
      : null;
  return {
    id: row.id,
    pressId: row.press_id,
    from: row.from_at,
    to: row.to_at,
    durationMs: Math.max(0, (row.to_at ?? now) - row.from_at),
    state: row.state,
    jobId: row.job_number,
    jobRef: row.job_ref,
    cause,
    note: row.note,
  };
}
