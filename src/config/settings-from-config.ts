/**
 * The configuration file's `alarms:` and `supplies:` sections (minutes, hours, percent, as
 * people write them) turned into the options of the alarm engine and the supplies module (ms).
 */
import type { AlarmPriority } from '../model/alarm-view.js';
import type { AlarmsConfig, SuppliesConfig } from './settings-schema.js';
import type { BusConfig, PressConfig } from './schema.js';
import type { SuppliesSettings } from '../supplies/index.js';
import { defaultShifts } from '../supplies/shifts.js';
import { defaultShiftsConfig, shiftsConfigSchema, type ShiftsConfig } from '../production/production-config.js';

/** `AlarmEngineOptions.renotifyMs`: priorities with 0 minutes are left out (never re-announced). */
export function renotifyMsFromConfig(alarms: AlarmsConfig): Partial<Record<AlarmPriority, number>> {
  const renotifyMs: Partial<Record<AlarmPriority, number>> = {};
  for (const [priority, minutes] of Object.entries(alarms.renotifyMinutes) as [AlarmPriority, number][]) {
    if (minutes > 0) renotifyMs[priority] = Math.round(minutes * 60_000);
  }
  return renotifyMs;
}

/** `createSupplies({ preAlarmMinutesFor })`: the press's `levelAlarms.<kind>.preAlarmMinutes`, else `supplies.preAlarm.minutes`. */
export function preAlarmMinutesFromConfig(config: {
  supplies: SuppliesConfig;
  presses: readonly Pick<PressConfig, 'id' | 'levelAlarms'>[];
}): (pressId: string, kind: 'ink' | 'paper') => number {
  const byPress = new Map(config.presses.map((press) => [press.id, press.levelAlarms]));
  return (pressId, kind) => byPress.get(pressId)?.[kind]?.preAlarmMinutes ?? config.supplies.preAlarm.minutes;
}

/**
 * `createSupplies({ timeScaleFor })`: how fast a press's clock runs against the wall clock. A
 * press on a simulated bus runs at the bus's `simulationTimeScale` (the demo: 20×); a real
 * press at 1. Time to empty is shown in wall-clock minutes, so the demo tells the truth.
 */
export function timeScaleFromConfig(config: {
  buses: readonly Pick<BusConfig, 'id' | 'simulate' | 'simulationTimeScale'>[];
  presses: readonly Pick<PressConfig, 'id' | 'bus'>[];
}): (pressId: string) => number {
  const busScale = new Map(config.buses.map((bus) => [bus.id, bus.simulate ? bus.simulationTimeScale : 1]));
  const byPress = new Map(config.presses.map((press) => [press.id, busScale.get(press.bus) ?? 1]));
  return (pressId) => byPress.get(pressId) ?? 1;
}

/**
 * The shift calendar: the top-level `shifts:`, else the old `supplies.shifts` (worked every
 * day; `deprecated` says so, for a warning at start), else the built-in three shifts.
 */
export function shiftCalendarFromConfig(config: { shifts?: ShiftsConfig | undefined; supplies: SuppliesConfig }): {
  calendar: ShiftsConfig;
  deprecated: boolean;
} {
  if (config.shifts) return { calendar: config.shifts, deprecated: false };
  if (config.supplies.shifts) return { calendar: shiftsConfigSchema.parse(config.supplies.shifts.map((s) => ({ ...s, breaks: [] }))), deprecated: true };
  return { calendar: defaultShiftsConfig, deprecated: false };
}

/** `createSupplies({ settings })`; its per-shift paper figures follow the shift calendar when one is given. */
export function suppliesSettingsFromConfig(supplies: SuppliesConfig, calendar?: ShiftsConfig): Partial<SuppliesSettings> {
  return {
    reconciliation: { windowMs: Math.round(supplies.reconciliationWindowMinutes * 60_000) },
    timeToEmpty: { preAlarmMinutes: supplies.preAlarm.minutes },
    lowLevelPercent: { ...supplies.lowLevelPercent },
    shifts: (calendar?.list ?? supplies.shifts ?? defaultShifts).map((shift) => ({ name: shift.name, start: shift.start, end: shift.end })),
    suggestionMaxAgeMs: Math.round(supplies.suggestionMaxAgeHours * 3_600_000),
  };
}
