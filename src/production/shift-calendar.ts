/**
 * The shift calendar: which instants are shift time, which are planned breaks, and where the
 * boundaries lie that every rollup bucket respects (local midnights, shift and break starts and
 * ends), so a shift, a day or a week is always a sum of whole buckets: about six a day per press,
 * so a year of ten presses is some 20,000 rows. Local times
 * are wall-clock times in the calendar's zone: a shift starts at 06:00 also on the day DST
 * changes (that shift is an hour shorter or longer, as it is on the floor).
 */
import { addDays, dayStart, localDay, localFields, systemTimeZone, zonedEpoch } from '../lib/zoned-time.js';
import { weekdays, type ShiftsConfig } from './production-config.js';

export interface ShiftWindow {
  name: string;
  /** The local day it starts on. */
  day: string;
  start: number;
  end: number;
  breaks: { start: number; end: number }[];
}

/** A stretch of time between two neighbouring boundaries: uniform in shift and plannedness. */
export interface CalendarSegment {
  start: number;
  end: number;
  /** Local day of the segment. */
  day: string;
  shift: ShiftWindow | null;
  /** Inside a shift and outside its breaks. */
  planned: boolean;
}

export class ShiftCalendar {
  readonly timeZone: string;
  private readonly byDay = new Map<string, ShiftWindow[]>();
  private readonly holidays: Set<string>;

  constructor(private readonly config: ShiftsConfig) {
    this.timeZone = config.timeZone ?? systemTimeZone();
    this.holidays = new Set(config.holidays);
  }

  /** The shifts that start on a local day (none on a holiday or a day not worked). */
  shiftsStartingOn(day: string): ShiftWindow[] {
    let windows = this.byDay.get(day);
    if (windows) return windows;
    windows = [];
    const weekday = weekdays[new Date(`${day}T12:00:00Z`).getUTCDay()]!;
    if (this.config.workingDays.includes(weekday) && !this.holidays.has(day)) {
      for (const shift of this.config.list) {
        const start = this.at(day, shift.start);
        const end = this.at(shift.end > shift.start ? day : addDays(day, 1), shift.end);
        const breaks = shift.breaks.map((b) => {
          // a break belongs to its shift: one earlier than the shift's start is after midnight
          const bStart = this.at(b.start >= shift.start ? day : addDays(day, 1), b.start);
          const bEnd = this.at(b.end > b.start ? localDay(bStart, this.timeZone) : addDays(localDay(bStart, this.timeZone), 1), b.end);
          return { start: Math.max(start, bStart), end: Math.min(end, bEnd) };
        });
        windows.push({ name: shift.name, day, start, end, breaks: breaks.filter((b) => b.end > b.start) });
      }
      windows.sort((a, b) => a.start - b.start);
    }
    if (this.byDay.size > 4000) this.byDay.clear();
    this.byDay.set(day, windows);
    return windows;
  }

  /** Shifts overlapping [from, to), in time order. */
  windows(from: number, to: number): ShiftWindow[] {
    const out: ShiftWindow[] = [];
    for (let day = addDays(localDay(from, this.timeZone), -1); dayStart(day, this.timeZone) < to; day = addDays(day, 1)) {
      for (const window of this.shiftsStartingOn(day)) if (window.end > from && window.start < to) out.push(window);
    }
    return out;
  }

  /** The segment that holds instant `t`. */
  segmentAt(t: number): CalendarSegment {
    const day = localDay(t, this.timeZone);
    let start = -Infinity;
    let end = Infinity;
    const consider = (boundary: number) => {
      if (boundary <= t && boundary > start) start = boundary;
      if (boundary > t && boundary < end) end = boundary;
    };
    consider(dayStart(day, this.timeZone));
    consider(dayStart(addDays(day, 1), this.timeZone));
    let shift: ShiftWindow | null = null;
    let inBreak = false;
    for (const window of [...this.shiftsStartingOn(addDays(day, -1)), ...this.shiftsStartingOn(day)]) {
      consider(window.start);
      consider(window.end);
      for (const b of window.breaks) {
        consider(b.start);
        consider(b.end);
        if (b.start <= t && t < b.end) inBreak = true;
      }
      if (window.start <= t && t < window.end) shift = window;
    }
    return { start, end, day, shift, planned: shift !== null && !inBreak };
  }

  /** [from, to) cut into segments. */
  *segments(from: number, to: number): Generator<CalendarSegment & { from: number; to: number }> {
    for (let t = from; t < to;) {
      const segment = this.segmentAt(t);
      const end = Math.min(segment.end, to);
      yield { ...segment, from: t, to: end };
      t = end;
    }
  }

  private at(day: string, time: string): number {
    const [year, month, d] = day.split('-').map(Number) as [number, number, number];
    const [hour, minute] = time.split(':').map(Number) as [number, number];
    return zonedEpoch({ year, month, day: d, hour, minute }, this.timeZone);
  }

  /** "14:02" in the calendar's zone. */
  clockTime(t: number): string {
    const f = localFields(t, this.timeZone);
    return `${String(f.hour).padStart(2, '0')}:${String(f.minute).padStart(2, '0')}`;
  }
}
