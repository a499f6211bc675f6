/**
 * The rollups reports read, kept as events happen (never by rescanning samples): per press
 * and calendar segment (the stretch between two shift, break or local-midnight boundaries, see
 * ShiftCalendar), the time in each run state, the planned downtime, the sheets counted; and
 * per cause, the downtime minutes and count. A year of 10 presses is about 30,000 rows.
 *
 * Reads are cut into whole periods (shifts, days, ISO weeks) whose sums are kept in memory once
 * read: a year's OEE per week is 53 cached weeks plus a query for the part-weeks at its ends,
 * not a scan of every row of the year on the event loop. This repository is the only writer of
 * these tables, and every write forgets the periods its bucket belongs to, so a stay closing
 * after the weekend or a stop coded a week later is never served stale.
 */
import type { RunState } from '../model/vocabulary.js';
import type { StoreDatabase } from '../store/database.js';
import { addDays, dayStart, isoWeek, localDay } from '../lib/zoned-time.js';
import type { CalendarSegment, ShiftCalendar } from './shift-calendar.js';

export interface RollupCell {
  pressId: string;
  day: string;
  shiftName: string | null;
  shiftStart: number | null;
  shiftEnd: number | null;
  ms: Record<RunState, number>;
  plannedDowntimeMs: number;
  total: number;
  good: number;
  waste: number;
}

export interface CauseCell {
  code: string;
  label: string;
  category: string;
  durationMs: number;
  count: number;
}

/** A cause's time and count on one press (cached per week, merged per code for the answer). */
interface PressCauseCell extends CauseCell {
  pressId: string;
}

type Grouping = 'shift' | 'day' | 'week';
interface Period {
  key: string;
  from: number;
  to: number;
}

/** Cached period sums beyond this many are all dropped (a year by day and by shift is ~730). */
const MAX_CACHED_PERIODS = 5000;

type Values = [number, number, number, number, number, number, number, number, number, number];
const STATE_INDEX: Record<RunState, number> = { production: 0, setup: 1, idle: 2, stopped: 3, cleanup: 4, offline: 5 };

export class RollupRepository {
  private readonly upsert;
  private readonly upsertCause;
  private readonly selectCells;
  private readonly selectCauses;
  private readonly selectPressCauses;
  /** `${grouping}|${label}` → the sums of that whole period, all presses. */
  private readonly periodCells = new Map<string, RollupCell[]>();
  /** ISO week label → the cause sums of that whole week, per press and cause. */
  private readonly weekCauses = new Map<string, PressCauseCell[]>();
  /**
   * Told each calendar segment written (the answer cache forgets the answers that read it);
   * `growth`: only sheets counted now (the stay going on grows), not a stay or cause.
   */
  onChanged: ((from: number, to: number, growth: boolean) => void) | null = null;

  constructor(
    private readonly db: StoreDatabase,
    private readonly calendar: ShiftCalendar,
  ) {
    const c = db.connection;
    this.upsert = c.prepare<[string, number, string, string, string | null, number | null, number | null, number, ...Values]>(`
      INSERT INTO production_rollups (press_id, bucket_start, day, week, shift_name, shift_start, shift_end, planned,
        production_ms, setup_ms, idle_ms, stopped_ms, cleanup_ms, offline_ms, planned_downtime_ms, total, good, waste)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (press_id, bucket_start) DO UPDATE SET
        production_ms = production_ms + excluded.production_ms, setup_ms = setup_ms + excluded.setup_ms,
        idle_ms = idle_ms + excluded.idle_ms, stopped_ms = stopped_ms + excluded.stopped_ms,
        cleanup_ms = cleanup_ms + excluded.cleanup_ms, offline_ms = offline_ms + excluded.offline_ms,
        planned_downtime_ms = planned_downtime_ms + excluded.planned_downtime_ms,
        total = total + excluded.total, good = good + excluded.good, waste = waste + excluded.waste`);
    this.upsertCause = c.prepare<[string, number, string, string, string, number, number, number]>(`
      INSERT INTO downtime_cause_rollups (press_id, bucket_start, cause_code, cause_label, cause_category, planned, duration_ms, count)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (press_id, bucket_start, cause_code) DO UPDATE SET
        cause_label = excluded.cause_label, cause_category = excluded.cause_category,
        duration_ms = duration_ms + excluded.duration_ms, count = count + excluded.count`);
    const cellsBy = (key: string) =>
      c.prepare<[number, number, string | null, string | null]>(`
      SELECT press_id AS pressId, MIN(day) AS day, MIN(shift_name) AS shiftName, MIN(shift_start) AS shiftStart, MIN(shift_end) AS shiftEnd,
        SUM(production_ms) AS production, SUM(setup_ms) AS setup, SUM(idle_ms) AS idle, SUM(stopped_ms) AS stopped,
        SUM(cleanup_ms) AS cleanup, SUM(offline_ms) AS offline, SUM(planned_downtime_ms) AS plannedDowntimeMs,
        SUM(total) AS total, SUM(good) AS good, SUM(waste) AS waste
      FROM production_rollups
      WHERE planned = 1 AND bucket_start >= ? AND bucket_start < ? AND (? IS NULL OR press_id = ?)
      GROUP BY press_id, ${key}`);
    this.selectCells = { shift: cellsBy('shift_start'), day: cellsBy('day'), week: cellsBy('week') };
    this.selectCauses = c.prepare<[number, number, string | null, string | null], CauseCell>(`
      SELECT cause_code AS code, MAX(cause_label) AS label, MAX(cause_category) AS category, SUM(duration_ms) AS durationMs, SUM(count) AS count
      FROM downtime_cause_rollups
      WHERE planned = 1 AND bucket_start >= ? AND bucket_start < ? AND (? IS NULL OR press_id = ?)
      GROUP BY cause_code`);
    this.selectPressCauses = c.prepare<[number, number], PressCauseCell>(`
      SELECT press_id AS pressId, cause_code AS code, MAX(cause_label) AS label, MAX(cause_category) AS category,
        SUM(duration_ms) AS durationMs, SUM(count) AS count
      FROM downtime_cause_rollups
      WHERE planned = 1 AND bucket_start >= ? AND bucket_start < ?
      GROUP BY press_id, cause_code`);
  }

  /** Time a press spent in `state` over [from, to). */
  addState(pressId: string, state: RunState, from: number, to: number): void {
    if (to <= from) return;
    this.db.write(`rollup ${state} of ${pressId}`, () => {
      for (const segment of this.calendar.segments(from, to)) {
        const values = zeros();
        values[STATE_INDEX[state]] = segment.to - segment.from;
        this.put(pressId, segment, values);
      }
    });
  }

  /** Sheets counted at `at`. */
  addCounts(pressId: string, at: number, counts: { total: number; good: number; waste: number }): void {
    const values = zeros();
    values[7] = counts.total;
    values[8] = counts.good;
    values[9] = counts.waste;
    this.db.write(`rollup counts of ${pressId}`, () => this.put(pressId, this.calendar.segmentAt(at), values, true));
  }

  /**
   * A downtime event's [from, to) under its cause (`sign` −1 takes it back, when it is coded
   * anew); planned causes also count as planned downtime. The event counts once, in its first
   * planned segment.
   */
  addCause(pressId: string, from: number, to: number, cause: { code: string; label: string; category: string }, sign: 1 | -1): void {
    if (to <= from) return;
    this.db.write(`rollup cause of ${pressId}`, () => {
      let counted = false;
      const segments = [...this.calendar.segments(from, to)];
      const countIn = segments.find((s) => s.planned) ?? segments[0];
      for (const segment of segments) {
        const ms = sign * (segment.to - segment.from);
        const count = !counted && segment === countIn ? sign : 0;
        if (count !== 0) counted = true;
        this.weekCauses.delete(isoWeek(segment.day).label);
        this.onChanged?.(segment.start, segment.end, false);
        this.upsertCause.run(pressId, segment.start, cause.code, cause.label, cause.category, segment.planned ? 1 : 0, ms, count);
        if (cause.category === 'planned') {
          const values = zeros();
          values[6] = ms;
          this.put(pressId, segment, values);
        }
      }
    });
  }

  /**
   * Planned-time rollups of buckets starting in [from, to), summed in SQL per press and shift,
   * day or ISO week (a year of ten presses by week is 530 rows).
   */
  cells(query: { from: number; to: number; pressId?: string; by: Grouping }): RollupCell[] {
    const out: RollupCell[] = [];
    for (const period of this.periods(query.by, query.from, query.to)) {
      const whole = period.from >= query.from && period.to <= query.to;
      const cells = whole
        ? this.wholePeriodCells(query.by, period)
        : this.readCells(query.by, Math.max(query.from, period.from), Math.min(query.to, period.to), query.pressId ?? null);
      for (const cell of cells) if (query.pressId === undefined || cell.pressId === query.pressId) out.push(cell);
    }
    return out;
  }

  /** Downtime per cause over planned time in [from, to), one entry per cause code. */
  causes(query: { from: number; to: number; pressId?: string }): CauseCell[] {
    const byCode = new Map<string, CauseCell>();
    const add = (cell: CauseCell) => {
      const entry = byCode.get(cell.code);
      if (!entry) return void byCode.set(cell.code, { ...cell });
      entry.durationMs += cell.durationMs;
      entry.count += cell.count;
      // as MAX() in SQL: the same answer whichever periods came from the cache
      if (cell.label > entry.label) entry.label = cell.label;
      if (cell.category > entry.category) entry.category = cell.category;
    };
    for (const period of this.periods('week', query.from, query.to)) {
      if (period.from >= query.from && period.to <= query.to) {
        for (const cell of this.wholeWeekCauses(period)) if (query.pressId === undefined || cell.pressId === query.pressId) add(cell);
      } else {
        const pressId = query.pressId ?? null;
        const from = Math.max(query.from, period.from);
        const to = Math.min(query.to, period.to);
        if (from < to) for (const cell of this.db.run('read cause rollups', () => this.selectCauses.all(from, to, pressId, pressId))) add(cell);
      }
    }
    return [...byCode.values()];
  }

  /**
   * The whole days or weeks that [from, to) touches, in time order. Shifts are read by day too
   * (a night shift's two parts meet again in the report, keyed by its start): the cells keep
   * the shift they were written in, also after the calendar in the configuration changed.
   */
  private *periods(by: Grouping, from: number, to: number): Generator<Period> {
    if (from >= to) return;
    const tz = this.calendar.timeZone;
    let day = localDay(from, tz);
    if (by === 'week') day = isoWeek(day).monday;
    const step = by === 'week' ? 7 : 1;
    for (let start = dayStart(day, tz); start < to;) {
      const next = addDays(day, step);
      const end = dayStart(next, tz);
      yield { key: by === 'week' ? `week|${isoWeek(day).label}` : `${by}|${day}`, from: start, to: end };
      day = next;
      start = end;
    }
  }

  private wholePeriodCells(by: Grouping, period: Period): RollupCell[] {
    let cells = this.periodCells.get(period.key);
    if (!cells) {
      cells = this.readCells(by, period.from, period.to, null);
      if (this.periodCells.size >= MAX_CACHED_PERIODS) this.periodCells.clear();
      this.periodCells.set(period.key, cells);
    }
    return cells;
  }

  private wholeWeekCauses(period: Period): PressCauseCell[] {
    const label = period.key.slice('week|'.length);
    let cells = this.weekCauses.get(label);
    if (!cells) {
      cells = this.db.run('read cause rollups', () => this.selectPressCauses.all(period.from, period.to));
      if (this.weekCauses.size >= MAX_CACHED_PERIODS) this.weekCauses.clear();
      this.weekCauses.set(label, cells);
    }
    return cells;
  }

  private readCells(by: Grouping, from: number, to: number, pressId: string | null): RollupCell[] {
    if (from >= to) return [];
    const rows = this.db.run('read rollups', () => this.selectCells[by].all(from, to, pressId, pressId)) as Record<string, number | string | null>[];
    return rows.map((r) => ({
      pressId: r.pressId as string,
      day: r.day as string,
      shiftName: r.shiftName as string | null,
      shiftStart: r.shiftStart as number | null,
      shiftEnd: r.shiftEnd as number | null,
      ms: {
        production: r.production as number,
        setup: r.setup as number,
        idle: r.idle as number,
        stopped: r.stopped as number,
        cleanup: r.cleanup as number,
        offline: r.offline as number,
      },
      plannedDowntimeMs: r.plannedDowntimeMs as number,
      total: r.total as number,
      good: r.good as number,
      waste: r.waste as number,
    }));
  }

  private put(pressId: string, segment: CalendarSegment, values: Values, growth = false): void {
    const shift = segment.shift;
    const week = isoWeek(segment.day).label;
    // before the write: a write that fails leaves at worst a period to read again
    this.periodCells.delete(`day|${segment.day}`);
    this.periodCells.delete(`week|${week}`);
    this.periodCells.delete(`shift|${segment.day}`);
    this.onChanged?.(segment.start, segment.end, growth);
    this.upsert.run(
      pressId,
      segment.start,
      segment.day,
      week,
      shift?.name ?? null,
      shift?.start ?? null,
      shift?.end ?? null,
      segment.planned ? 1 : 0,
      ...values,
    );
  }
}

function zeros(): Values {
  return [0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
}
