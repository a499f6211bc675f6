/**
 * Wall-clock time in a named time zone (IANA, e.g. `Europe/Berlin`) without a date library:
 * Intl gives the zone's local fields of an instant; the instant of local fields is found by
 * correcting a guess with the zone's offset twice (enough on both sides of a DST change).
 * A local time inside the spring-forward gap (02:30 on that Sunday) lands an hour later, as a
 * clock on the wall does; one in the autumn overlap takes the first of the two instants.
 *
 * The server's own zone (every calendar's default) and UTC are read with Date's own getters:
 * the first Intl.DateTimeFormat loads ICU's locale and calendar data, ~8 MB of RSS held for
 * good, which a box that never names another zone does not need.
 */
import { readlinkSync } from 'node:fs';

export interface LocalFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function format(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formats.set(timeZone, f);
  }
  return f;
}

const UTC_NAMES = new Set(['UTC', 'Etc/UTC', 'GMT', 'Etc/GMT']);

/** Whether Intl knows the zone. */
export function isTimeZone(timeZone: string): boolean {
  if (UTC_NAMES.has(timeZone) || timeZone === systemTimeZone()) return true;
  try {
    format(timeZone);
    return true;
  } catch (error) {
    // Intl's answer to a zone it does not know
    if (error instanceof RangeError) return false;
    throw error;
  }
}

/** The system zone as last resolved, per value of TZ (Node follows a TZ changed at run time). */
let system: { tz: string | undefined; name: string } | undefined;

/**
 * The server's own zone: the default of every calendar, and the zone Date's local getters use
 * (however its name was found).
 */
export function systemTimeZone(): string {
  const tz = process.env.TZ;
  if (system?.tz !== tz || !system) system = { tz, name: systemZoneName(tz) };
  return system.name;
}

/** Without TZ, the zone is where /etc/localtime points (as ICU itself finds it); anything else is Intl's answer. */
function systemZoneName(tz: string | undefined): string {
  if (tz === undefined) {
    try {
      const name = /\/zoneinfo\/(.+)$/.exec(readlinkSync('/etc/localtime'))?.[1];
      if (name) return name === 'Etc/UTC' ? 'UTC' : name;
    } catch {
      // not a link (a copied zone file) or no such file: Intl knows
    }
  }
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

export function localFields(epochMs: number, timeZone: string): LocalFields & { second: number } {
  if (UTC_NAMES.has(timeZone)) {
    const d = new Date(epochMs);
    return fields(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCDay());
  }
  if (timeZone === systemTimeZone()) {
    const d = new Date(epochMs);
    return fields(d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds(), d.getDay());
  }
  return intlLocalFields(epochMs, timeZone);
}

function fields(year: number, month: number, day: number, hour: number, minute: number, second: number, weekday: number): LocalFields & { second: number } {
  return { year, month, day, hour, minute, second, weekday };
}

/** The zone's local fields as Intl gives them: any IANA zone (exported so a test can hold the getters to it). */
export function intlLocalFields(epochMs: number, timeZone: string): LocalFields & { second: number } {
  const parts: Record<string, string> = {};
  for (const part of format(timeZone).formatToParts(new Date(epochMs))) parts[part.type] = part.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: WEEKDAYS.indexOf(parts.weekday ?? 'Sun'),
  };
}

/** Local minus UTC at an instant, ms. */
function offsetAt(epochMs: number, timeZone: string): number {
  const f = localFields(epochMs, timeZone);
  const whole = epochMs - (((epochMs % 1000) + 1000) % 1000);
  return Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second) - whole;
}

/** The instant of a local date and time in the zone (month 1-12; day may overflow, as in Date.UTC). */
export function zonedEpoch(fields: { year: number; month: number; day: number; hour?: number; minute?: number }, timeZone: string): number {
  const guess = Date.UTC(fields.year, fields.month - 1, fields.day, fields.hour ?? 0, fields.minute ?? 0);
  const first = guess - offsetAt(guess, timeZone);
  const second = guess - offsetAt(first, timeZone);
  return second === first ? first : Math.max(first, second);
}

/** The last local day looked up per zone: reports and rollups ask about neighbouring instants. */
const lastDay = new Map<string, { day: string; start: number; end: number }>();
const dayStarts = new Map<string, number>();

/** `YYYY-MM-DD` of an instant in the zone. */
export function localDay(epochMs: number, timeZone: string): string {
  const last = lastDay.get(timeZone);
  if (last && epochMs >= last.start && epochMs < last.end) return last.day;
  const f = localFields(epochMs, timeZone);
  const day = dayString(f.year, f.month, f.day);
  lastDay.set(timeZone, { day, start: dayStart(day, timeZone), end: dayStart(addDays(day, 1), timeZone) });
  return day;
}

export function dayString(year: number, month: number, day: number): string {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.toISOString().slice(0, 10);
}

/** A `YYYY-MM-DD` moved by `days` (calendar days, no zone involved). */
export function addDays(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return dayString(y, m, d + days);
}

/** Local midnight starting `day` in the zone (remembered: a zone's rules do not change while running). */
export function dayStart(day: string, timeZone: string): number {
  const key = `${timeZone}|${day}`;
  let start = dayStarts.get(key);
  if (start === undefined) {
    const [year, month, d] = day.split('-').map(Number) as [number, number, number];
    start = zonedEpoch({ year, month, day: d }, timeZone);
    if (dayStarts.size > 100_000) dayStarts.clear();
    dayStarts.set(key, start);
  }
  return start;
}

/** ISO 8601 week of a `YYYY-MM-DD`: its label (`2026-W49`) and its Monday. */
export function isoWeek(day: string): { label: string; monday: string } {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  const weekday = (date.getUTCDay() + 6) % 7; // Monday 0
  const monday = dayString(y, m, d - weekday);
  const thursday = new Date(Date.UTC(y, m - 1, d - weekday + 3));
  const weekYear = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(weekYear, 0, 1)) / (7 * 86_400_000)) + 1;
  return { label: `${weekYear}-W${String(week).padStart(2, '0')}`, monday };
}
