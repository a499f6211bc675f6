/**
 * Shifts of the print shop, for per-shift figures. Times are the server's local wall-clock
 * time (set TZ for the service), so a shift starts at 06:00 on the shop floor also on the
 * days daylight saving time changes.
 */
import { z } from 'zod';

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM, e.g. 06:00');

export const shiftSchema = z.strictObject({ name: z.string().min(1).max(40), start: clockTime, end: clockTime });
export type Shift = z.infer<typeof shiftSchema>;

export const defaultShifts: Shift[] = [
  { name: 'early', start: '06:00', end: '14:00' },
  { name: 'late', start: '14:00', end: '22:00' },
  { name: 'night', start: '22:00', end: '06:00' },
];

export interface ShiftWindow {
  name: string;
  /** The shift's own start and end, ms since epoch (end exclusive). */
  start: number;
  end: number;
}

/** Every shift that overlaps [from, to] for some time, in time order, with its full start and end. */
export function shiftWindows(shifts: readonly Shift[], from: number, to: number): ShiftWindow[] {
  const windows: ShiftWindow[] = [];
  const first = new Date(from);
  // Start a day early: a night shift that began yesterday may still be running at `from`.
  const day = new Date(first.getFullYear(), first.getMonth(), first.getDate() - 1);
  while (day.getTime() <= to) {
    for (const shift of shifts) {
      const start = atTime(day, shift.start);
      let end = atTime(day, shift.end);
      if (end <= start) end = atTime(new Date(day.getFullYear(), day.getMonth(), day.getDate() + 1), shift.end);
      if (end > from && start < to) windows.push({ name: shift.name, start, end });
    }
    day.setDate(day.getDate() + 1);
  }
  return windows.sort((a, b) => a.start - b.start);
}

function atTime(day: Date, time: string): number {
  const [hours, minutes] = time.split(':').map(Number) as [number, number];
  return new Date(day.getFullYear(), day.getMonth(), day.getDate(), hours, minutes).getTime();
}
