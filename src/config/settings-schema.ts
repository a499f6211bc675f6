/**
 * Service-wide alarm and supply settings of the configuration file (`alarms:`, `supplies:`),
 * each with a default equal to the built-in behaviour, so a file that leaves them out runs as
 * before. Strict objects: a misspelt key is an error naming its path, not silently ignored.
 * Turned into the engine's and the supplies module's options by src/app/settings-from-config.ts.
 */
import { z } from 'zod';
import { preAlarmMinutes } from '../model/plant.js';
import { prioritySchema } from '../model/profile-schema.js';
import { shiftSchema } from '../supplies/shifts.js';

/** Minutes between re-announcements; 0 = never. At most a day. */
const renotifyMinutes = z
  .number()
  .min(0)
  .max(24 * 60);
const percent = z.number().min(0).max(100);
/** Time-to-empty pre-alarm threshold; 0 = off. */
export { preAlarmMinutes };

export const alarmsConfigSchema = z.strictObject({
  /**
   * An unacknowledged, active, visible alarm of this priority is announced again (event
   * `renotify`, journal `renotify`, webhooks) every this many minutes until acknowledged or
   * cleared. 0 = never. Default: critical every 5 minutes, the others never.
   */
  renotifyMinutes: z
    .strictObject({
      critical: renotifyMinutes.default(5),
      high: renotifyMinutes.default(0),
      medium: renotifyMinutes.default(0),
      low: renotifyMinutes.default(0),
    })
    .default({ critical: 5, high: 0, medium: 0, low: 0 }),
});
export type AlarmsConfig = z.infer<typeof alarmsConfigSchema>;

export const suppliesConfigSchema = z.strictObject({
  /** A logged refill and a level rise at most this far apart (either order) confirm each other; later, the entry is flagged. */
  reconciliationWindowMinutes: z
    .number()
    .positive()
    .max(24 * 60)
    .default(15),
  /** Units below this level (%) are offered as low-level suggestions (GET /api/supplies/suggestions). */
  lowLevelPercent: z.strictObject({ ink: percent.default(15), paper: percent.default(15) }).default({ ink: 15, paper: 15 }),
  /** Unlogged refills older than this are no longer offered. */
  suggestionMaxAgeHours: z
    .number()
    .positive()
    .max(31 * 24)
    .default(12),
  /**
   * Deprecated: the shift calendar is the top-level `shifts:` now. Still read (as shifts worked
   * every day, in the server's zone) when the top-level one is left out, with a warning.
   */
  shifts: z.array(shiftSchema).min(1).max(12).optional(),
  /**
   * Time-to-empty pre-alarm (`ink.empty-soon.<unit>`, `paper.empty-soon`): a channel that will
   * run out within `minutes` (0 = off; per press and kind: `presses[].levelAlarms.<kind>.preAlarmMinutes`),
   * announced as an alarm of `priority` (per code: `presses[].alarms`).
   */
  preAlarm: z.strictObject({ minutes: preAlarmMinutes.default(10), priority: prioritySchema.default('medium') }).default({ minutes: 10, priority: 'medium' }),
});
export type SuppliesConfig = z.infer<typeof suppliesConfigSchema>;
