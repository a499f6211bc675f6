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
