/**
 * OEE and downtime reports from the rollups (plus the stays going on now), never from samples.
 *
 * Definitions (docs/production.md), over planned time only (shift time outside planned breaks):
 * - planned production time = shift time − planned breaks − downtime with a planned cause;
 * - run time = time in production; downtime = planned production time − run time
 *   (unplanned stops, idle, setup and wash-up not coded as planned, offline "no data");
 * - Availability = run time / planned production time;
 * - Performance = total sheets / (rated speed × run time);
 * - Quality = good / total; OEE = A × P × Q. A factor whose denominator is 0 is null.
 */
import type { OeeGrouping, RunState } from '../model/vocabulary.js';
import { addDays, dayStart, isoWeek } from '../lib/zoned-time.js';
import { UNCODED, type DowntimeCause } from './downtime-causes.js';
import type { Job } from './job-repository.js';
import type { CauseCell, RollupCell, RollupRepository } from './rollup-repository.js';
import type { ShiftCalendar } from './shift-calendar.js';

export type { OeeRow } from '../model/production.js';
import type { OeeRow } from '../model/production.js';
import { compareIds } from '../lib/compare-ids.js';

export interface ReportQuery {
  from: number;
  to: number;
  pressId?: string;
}

export interface OpenStay {
  pressId: string;
  state: RunState;
  since: number;
  cause: DowntimeCause | null;
}

export interface OeeReportOptions {
  rollups: RollupRepository;
  calendar: ShiftCalendar;
  ratedSpeedOf(pressId: string): number;
  openStays(): OpenStay[];
  jobs(query: ReportQuery): Job[];
  now(): number;
}

/** Groups remembered across requests beyond this many are all dropped (a year by shift is ~800). */
const MAX_REMEMBERED_GROUPS = 5000;

export function createOeeReports(o: OeeReportOptions) {
  // A group's label and bounds depend only on the calendar: worked out once (time-zone
  // arithmetic is the costly part of a year's report by day or shift), not per request.
  const groupCache = new Map<string, OeeRow['group'] | undefined>();
  const weeks = new Map<string, string>();
  const weekOf = (day: string): string => {
    let label = weeks.get(day);
    if (label === undefined) {
      if (weeks.size >= MAX_REMEMBERED_GROUPS) weeks.clear();
      weeks.set(day, (label = isoWeek(day).label));
    }
    return label;
  };

  /** The stays going on now, cut like the rollups, as cells and cause cells. */
  function liveCells(query: ReportQuery): { cells: RollupCell[]; causes: (CauseCell & { pressId: string })[] } {
    const cells: RollupCell[] = [];
    const causes: (CauseCell & { pressId: string })[] = [];
    const to = Math.min(query.to, o.now());
    for (const stay of o.openStays()) {
      if (query.pressId !== undefined && stay.pressId !== query.pressId) continue;
      let counted = false;
      for (const s of o.calendar.segments(Math.max(stay.since, query.from), to)) {
        if (!s.planned) continue;
        const ms = s.to - s.from;
        const cell = emptyCell(stay.pressId, s.day, s.shift);
        cell.ms[stay.state] = ms;
        if (stay.state !== 'production') {
          const cause = stay.cause ?? { ...UNCODED };
          if (cause.category === 'planned') cell.plannedDowntimeMs = ms;
          causes.push({
            pressId: stay.pressId,
            code: cause.code === UNCODED.code ? '' : cause.code,
            label: cause.label,
            category: cause.category,
            durationMs: ms,
            count: counted || stay.since < query.from ? 0 : 1,
          });
          counted = true;
        }
        cells.push(cell);
      }
    }
    return { cells, causes };
  }

  function oee(query: ReportQuery & { groupBy: OeeGrouping }): OeeRow[] {
    if (query.groupBy === 'job') return o.jobs(query).map((job) => jobRow(job, o.ratedSpeedOf(job.pressId ?? ''), o.now()));
    // the whole range is summed from its days' cells, as the day rows are: the same figures
    const cells = [...o.rollups.cells({ ...query, by: query.groupBy === 'range' ? 'day' : query.groupBy }), ...liveCells(query).cells];
    const groups = new Map<string, { pressId: string; group: OeeRow['group']; cells: RollupCell[] }>();
    for (const cell of cells) {
      const cacheKey = `${query.groupBy}|${
        query.groupBy === 'shift'
          ? `${cell.shiftStart}`
          : query.groupBy === 'week'
            ? weekOf(cell.day)
            : query.groupBy === 'range'
              ? `${query.from}|${query.to}`
              : cell.day
      }`;
      let group = groupCache.get(cacheKey);
      if (!groupCache.has(cacheKey)) {
        if (groupCache.size >= MAX_REMEMBERED_GROUPS) groupCache.clear();
        groupCache.set(cacheKey, (group = groupOf(cell, query.groupBy, o.calendar, query)));
      }
      if (!group) continue;
      const key = `${cell.pressId}\u0000${group.from}`;
      let entry = groups.get(key);
      if (!entry) groups.set(key, (entry = { pressId: cell.pressId, group, cells: [] }));
      entry.cells.push(cell);
    }
    return [...groups.values()]
      .map((g) => rowOf(g.pressId, g.group, g.cells, o.ratedSpeedOf(g.pressId)))
      .sort((a, b) => a.group.from - b.group.from || compareIds(a.pressId, b.pressId));
  }

  function downtime(query: ReportQuery): { code: string; label: string; category: string; count: number; durationMs: number }[] {
    const byCode = new Map<string, { code: string; label: string; category: string; count: number; durationMs: number }>();
    for (const cell of [...o.rollups.causes(query), ...liveCells(query).causes]) {
      const code = cell.code === '' ? UNCODED.code : cell.code;
      const entry = byCode.get(code) ?? { code, label: cell.label, category: cell.category, count: 0, durationMs: 0 };
      entry.count += cell.count;
      entry.durationMs += cell.durationMs;
      byCode.set(code, entry);
    }
    return [...byCode.values()]
      .filter((c) => c.durationMs > 0 || c.count > 0)
      .sort((a, b) => b.durationMs - a.durationMs || b.count - a.count || compareIds(a.code, b.code));
  }

  return { oee, downtime };
}

function emptyCell(pressId: string, day: string, shift: { name: string; start: number; end: number } | null): RollupCell {
  return {
    pressId,
    day,
    shiftName: shift?.name ?? null,
    shiftStart: shift?.start ?? null,
    shiftEnd: shift?.end ?? null,
    ms: { production: 0, setup: 0, idle: 0, stopped: 0, cleanup: 0, offline: 0 },
    plannedDowntimeMs: 0,
    total: 0,
    good: 0,
    waste: 0,
  };
}

function groupOf(cell: RollupCell, kind: OeeGrouping, calendar: ShiftCalendar, range: { from: number; to: number }): OeeRow['group'] | undefined {
  const tz = calendar.timeZone;
  switch (kind) {
    case 'range':
      return { kind, label: `${new Date(range.from).toISOString()} – ${new Date(range.to).toISOString()}`, from: range.from, to: range.to };
    case 'shift':
      if (cell.shiftStart === null || cell.shiftEnd === null) return undefined;
      return { kind, label: `${cell.shiftName} ${shiftDay(cell, calendar)}`, from: cell.shiftStart, to: cell.shiftEnd };
    case 'day':
      return { kind, label: cell.day, from: dayStart(cell.day, tz), to: dayStart(addDays(cell.day, 1), tz) };
    case 'week': {
      const week = isoWeek(cell.day);
      return { kind, label: week.label, from: dayStart(week.monday, tz), to: dayStart(addDays(week.monday, 7), tz) };
    }
    default:
      return undefined;
  }
}

/** The local day a shift starts on (a night shift's cells after midnight carry the next day). */
function shiftDay(cell: RollupCell, calendar: ShiftCalendar): string {
  return calendar.segmentAt(cell.shiftStart!).day;
}

function rowOf(pressId: string, group: OeeRow['group'], cells: RollupCell[], ratedSpeed: number): OeeRow {
  let inShift = 0;
  let plannedDowntime = 0;
  let runMs = 0;
  let offlineMs = 0;
  let total = 0;
  let good = 0;
  let waste = 0;
  for (const c of cells) {
    inShift += c.ms.production + c.ms.setup + c.ms.idle + c.ms.stopped + c.ms.cleanup + c.ms.offline;
    plannedDowntime += c.plannedDowntimeMs;
    runMs += c.ms.production;
    offlineMs += c.ms.offline;
    total += c.total;
    good += c.good;
    waste += c.waste;
  }
  const plannedMs = Math.max(0, inShift - plannedDowntime);
  return factors({ pressId, group, plannedMs, runMs, offlineMs, total: Math.max(total, good + waste), good, waste }, ratedSpeed, plannedDowntime);
}

function jobRow(job: Job, ratedSpeed: number, now: number): OeeRow {
  const group = { kind: 'job' as const, label: `${job.jobId} ${job.name}`.trim(), from: job.startedAt ?? job.createdAt, to: job.finishedAt ?? now };
  return factors(
    {
      pressId: job.pressId ?? '',
      group,
      plannedMs: job.runMs + job.downtimeMs,
      runMs: job.runMs,
      offlineMs: 0,
      total: Math.max(job.total, job.good + job.waste),
      good: job.good,
      waste: job.waste,
    },
    ratedSpeed,
  );
}

function factors(
  r: Omit<OeeRow, 'availability' | 'performance' | 'quality' | 'oee' | 'downtimeMs' | 'losses'>,
  ratedSpeed: number,
  plannedDowntimeMs = 0,
): OeeRow {
  const availability = r.plannedMs > 0 ? Math.min(1, r.runMs / r.plannedMs) : null;
  const capacity = (ratedSpeed * r.runMs) / 3_600_000;
  const performance = capacity > 0 ? r.total / capacity : null;
  const quality = r.total > 0 ? r.good / r.total : null;
  const oee = availability !== null && performance !== null && quality !== null ? availability * performance * quality : null;
  const atRated = (sheets: number) => (ratedSpeed > 0 ? Math.round((sheets * 3_600_000) / ratedSpeed) : 0);
  const fullyProductiveMs = Math.min(r.runMs, atRated(r.good));
  const qualityLossMs = Math.min(r.runMs - fullyProductiveMs, atRated(r.total - r.good));
  const losses = { plannedDowntimeMs, speedLossMs: r.runMs - fullyProductiveMs - qualityLossMs, qualityLossMs, fullyProductiveMs };
  // Written out, not `{ ...r, … }`: spreading rows of two shapes (periods, jobs) fell back to a slow
  // generic copy in V8, ~10 µs and much garbage a row: most of a year's report by day.
  return {
    pressId: r.pressId,
    group: r.group,
    plannedMs: r.plannedMs,
    runMs: r.runMs,
    offlineMs: r.offlineMs,
    total: r.total,
    good: r.good,
    waste: r.waste,
    downtimeMs: Math.max(0, r.plannedMs - r.runMs),
    availability,
    performance,
    quality,
    oee,
    losses,
  };
}
