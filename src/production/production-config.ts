/**
 * The configuration of the production feature: the shift calendar (top-level `shifts:`) and
 * the downtime settings (`downtime:`: the settle window of stop causes, the reason catalogue
 * operators code stops with). Defaults equal the built-in behaviour.
 */
import { z } from 'zod';
import { downtimeCategories } from '../model/vocabulary.js';
import { isTimeZone } from '../lib/zoned-time.js';

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM, e.g. 06:00');
export const weekdays = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

export const plannedBreakSchema = z.strictObject({ start: clockTime, end: clockTime, name: z.string().min(1).max(40).optional() });

export const shiftDefinitionSchema = z.strictObject({
  name: z.string().min(1).max(40),
  /** Local wall-clock time; an end at or before the start is on the next day (a night shift). */
  start: clockTime,
  end: clockTime,
  /** Planned breaks inside the shift: not planned production time. */
  breaks: z.array(plannedBreakSchema).max(12).default([]),
});
export type ShiftDefinition = z.infer<typeof shiftDefinitionSchema>;

export const defaultShiftList: ShiftDefinition[] = [
  { name: 'early', start: '06:00', end: '14:00', breaks: [] },
  { name: 'late', start: '14:00', end: '22:00', breaks: [] },
  { name: 'night', start: '22:00', end: '06:00', breaks: [] },
];

const calendarObject = z.strictObject({
  /** IANA zone of the shop floor (e.g. Europe/Berlin); default: the server's zone. */
  timeZone: z.string().refine(isTimeZone, 'an IANA time zone, e.g. Europe/Berlin').optional(),
  /** Days a shift may start on; a night shift belongs to the day it starts. Default: every day. */
  workingDays: z.array(z.enum(weekdays, { error: `one of ${weekdays.join(', ')}` })).default([...weekdays]),
  /** Days without shifts, `YYYY-MM-DD`. */
  holidays: z.array(z.iso.date()).max(1000).default([]),
  list: z.array(shiftDefinitionSchema).min(1).max(12).default(defaultShiftList),
});

/** `shifts:` is the calendar object, or (short form) just the list of shifts, worked every day. */
export const shiftsConfigSchema = z.union([
  calendarObject,
  z
    .array(shiftDefinitionSchema)
    .min(1)
    .max(12)
    .transform((list) => calendarObject.parse({ list })),
]);
export type ShiftsConfig = z.infer<typeof calendarObject>;
export const defaultShiftsConfig: ShiftsConfig = calendarObject.parse({});

export const downtimeReasonSchema = z.strictObject({
  code: z.string().regex(/^[a-z0-9][a-z0-9.-]{0,39}$/, 'lower-case letters, digits, dots and dashes, e.g. plate-change'),
  label: z.string().min(1).max(60),
  category: z.enum(downtimeCategories),
});
export type DowntimeReason = z.infer<typeof downtimeReasonSchema>;

/** The reasons an operator codes a stop with on the tablet (sheetfed print). */
export const defaultDowntimeReasons: DowntimeReason[] = [
  { code: 'make-ready', label: 'Make-ready', category: 'planned' },
  { code: 'plate-change', label: 'Plate change', category: 'planned' },
  { code: 'blanket-wash', label: 'Blanket wash', category: 'planned' },
  { code: 'waiting-paper', label: 'Waiting for paper', category: 'unplanned' },
  { code: 'waiting-ink', label: 'Waiting for ink', category: 'unplanned' },
  { code: 'waiting-approval', label: 'Waiting for approval (OK sheet)', category: 'unplanned' },
  { code: 'maintenance', label: 'Maintenance', category: 'planned' },
  { code: 'breakdown', label: 'Breakdown', category: 'unplanned' },
  { code: 'break', label: 'Break', category: 'planned' },
  { code: 'no-job', label: 'No job scheduled', category: 'planned' },
  { code: 'training', label: 'Training', category: 'planned' },
  { code: 'other', label: 'Other', category: 'unplanned' },
];

export const downtimeConfigSchema = z
  .strictObject({
    /** A stop alarm raised up to this long after a stop still names its cause. */
    settleSeconds: z.number().min(0).max(60).default(3),
    /** Stops uncoded longer than this are shown as needing a reason (dashboard). */
    uncodedAfterMinutes: z
      .number()
      .min(0)
      .max(24 * 60)
      .default(5),
    reasons: z.array(downtimeReasonSchema).min(1).max(40).default(defaultDowntimeReasons),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.reasons.forEach((reason, i) => {
      if (seen.has(reason.code)) ctx.addIssue({ code: 'custom', path: ['reasons', i, 'code'], message: `duplicate reason code "${reason.code}"` });
      seen.add(reason.code);
    });
  });
export type DowntimeConfig = z.infer<typeof downtimeConfigSchema>;
export const defaultDowntimeConfig: DowntimeConfig = downtimeConfigSchema.parse({});
