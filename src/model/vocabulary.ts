/**
 * The press room's words, each list written once. Everything else derives from these: the
 * profile and config schemas (zod enums), the API's query validation, the dashboard's
 * selects and icons, and the SQL CHECK constraints (checked against these lists by
 * test/model/vocabulary.test.ts, since a shipped migration is never edited).
 *
 * Pure data: no imports, so the dashboard bundles it as it is.
 */

/** A press's run state; one for one the CIP4 XJMF `DeviceInfo/@Status` values. */
export const runStates = ['production', 'setup', 'idle', 'stopped', 'cleanup', 'offline'] as const;
export type RunState = (typeof runStates)[number];

/** Why a press stopped, as a PLC state code or a stop alarm says it. */
export const stopReasons = ['jam', 'door-open', 'e-stop', 'operator', 'fault', 'other'] as const;
export type StopReason = (typeof stopReasons)[number];

/**
 * Stop reasons that say little by themselves: a specific stop alarm (a jam, a door) active at
 * the stop or raised within the settle window after it names the cause instead (docs/downtime.md).
 */
export const genericStopReasons = ['operator', 'fault', 'other'] as const satisfies readonly StopReason[];

/** Alarm priorities (ISA-18.2), most urgent first. */
export const alarmPriorities = ['critical', 'high', 'medium', 'low'] as const;
export type AlarmPriority = (typeof alarmPriorities)[number];

/** 0 for critical up to 3 for low: sort ascending for "most urgent first". */
export function priorityRank(priority: AlarmPriority): number {
  return alarmPriorities.indexOf(priority);
}

/** The three counters of a press. */
export const counterKinds = ['total', 'good', 'waste'] as const;
export type CounterKind = (typeof counterKinds)[number];

/** User roles, from least to most: viewer reads; operator logs supplies and handles alarms; admin manages users and settings. */
export const userRoles = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof userRoles)[number];

/** Kinds of supply a press assistant replaces. */
export const supplyKinds = ['ink', 'paper', 'plate', 'blanket', 'fountain-solution', 'other'] as const;
export type SupplyKind = (typeof supplyKinds)[number];

/** Supplies whose level a press sensor measures, so a logged refill can be confirmed by a level rise. */
export const measuredSupplyKinds = ['ink', 'paper'] as const satisfies readonly SupplyKind[];
export type MeasuredSupplyKind = (typeof measuredSupplyKinds)[number];

/** Quality of a reading: good (fresh), stale (older than 3 scan periods), bad (the last read failed). */
export const qualities = ['good', 'stale', 'bad'] as const;
export type Quality = (typeof qualities)[number];

/** How a press is linked: Modbus TCP, RTU on a serial line, RTU framed over TCP (a serial device server). */
export const linkKinds = ['tcp', 'rtu', 'rtu-over-tcp'] as const;
export type LinkKind = (typeof linkKinds)[number];

/** Run states that are not production: each period in one is a downtime event (docs/downtime.md). */
export const downtimeStates = ['setup', 'idle', 'stopped', 'cleanup', 'offline'] as const satisfies readonly RunState[];
export type DowntimeState = (typeof downtimeStates)[number];

/** Planned downtime (make-ready, breaks) is taken out of the planned production time; unplanned is a loss. */
export const downtimeCategories = ['planned', 'unplanned'] as const;
export type DowntimeCategory = (typeof downtimeCategories)[number];

/** Who named a downtime cause: the PLC's state code, a stop alarm, or an operator (who wins over both). */
export const downtimeCauseSources = ['plc', 'alarm', 'operator'] as const;
export type DowntimeCauseSource = (typeof downtimeCauseSources)[number];

/** A job's life on a press. */
export const jobStates = ['queued', 'running', 'done'] as const;
export type JobState = (typeof jobStates)[number];

/** Where a job came from: typed by an operator, sent by the MIS, or detected from the PLC's counters. */
export const jobSources = ['operator', 'mis', 'detected'] as const;
export type JobSource = (typeof jobSources)[number];

/** How an OEE report groups its rows. */
/** `range`: one row per press for the whole range asked for (the range view's totals). */
export const oeeGroupings = ['shift', 'day', 'week', 'job', 'range'] as const;
export type OeeGrouping = (typeof oeeGroupings)[number];
