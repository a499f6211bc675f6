/**
 * The alarm settings of one press: the profile's alarm bits and level thresholds, with the
 * press's overrides from the service configuration (`presses[].alarms`, `presses[].levelAlarms`)
 * applied on top. Built once per press; the engine asks it for the spec of a code.
 */
import type { AlarmPriority } from '../model/alarm-view.js';
import type { RunState, StopReason } from '../model/press-snapshot.js';
import type { Profile } from '../model/profile-schema.js';

/** One alarm condition as the engine runs it. */
export interface AlarmSpec {
  code: string;
  label: string;
  priority: AlarmPriority;
  stopReason: StopReason | null;
  onDelayMs: number;
  offDelayMs: number;
  /** Run states in which it is suppressed by design. */
  suppressIn: readonly RunState[];
}

export interface BitAlarmSpec extends AlarmSpec {
  /** The bit value that means "alarm" (most PLCs: true). */
  activeWhen: boolean;
}

/** Level alarm thresholds in %: at or below `medium` → medium, at or below `high` → high. */
export interface LevelThresholds {
  medium: number | null;
  high: number | null;
  /** A level alarm clears (or de-escalates) only once the level is this far above its threshold. */
  deadband: number;
}

export interface AlarmOverride {
  priority?: AlarmPriority;
  onDelayMs?: number;
  offDelayMs?: number;
  enabled?: boolean;
}

export interface LevelOverride {
  medium?: number;
  high?: number;
  deadband?: number;
}

/** Same shape as `presses[]` in the service configuration, so a PressConfig can be passed as is. */
export interface AlarmOverrides {
  /** By alarm code: profile codes, `ink.low.<unit>`, `paper.low`, `ink.empty-soon.<unit>`, `paper.empty-soon`, `comm.lost`. */
  alarms?: Record<string, AlarmOverride>;
  levelAlarms?: { ink?: LevelOverride; paper?: LevelOverride };
}

export interface PressAlarmConfig {
  bitAlarms: ReadonlyMap<string, BitAlarmSpec>;
  /** Null: no level alarms of that kind. */
  ink: LevelThresholds | null;
  paper: LevelThresholds | null;
  inkColors: ReadonlyMap<number, string>;
  overrides: Readonly<Record<string, AlarmOverride>>;
  /** Priority of the time-to-empty pre-alarms unless a code override says otherwise. */
  emptySoonPriority: AlarmPriority;
}

/** Service-wide alarm defaults (configuration `supplies.preAlarm.priority`). */
export interface AlarmDefaults {
  emptySoonPriority?: AlarmPriority;
}

export const COMM_LOST_CODE = 'comm.lost';
/** A counter step refused as implausible (faster than 2× rated speed): raised and cleared at once, listed until acknowledged. */
export const COUNTER_IMPLAUSIBLE_CODE = 'counter.implausible';
export const COMM_LOST_ON_DELAY_MS = 2000;
export const PAPER_LOW_CODE = 'paper.low';
export const INK_LOW_PREFIX = 'ink.low.';
/** Time-to-empty pre-alarms: the supply will run out within the configured minutes. */
export const PAPER_EMPTY_SOON_CODE = 'paper.empty-soon';
export const INK_EMPTY_SOON_PREFIX = 'ink.empty-soon.';
export const DEFAULT_EMPTY_SOON_PRIORITY: AlarmPriority = 'medium';

/** Used when a profile says nothing about level alarms (documented in docs/alarms.md). */
export const DEFAULT_LEVEL_THRESHOLDS: LevelThresholds = { medium: 15, high: 5, deadband: 2 };

export function inkLowCode(unit: number): string {
  return `${INK_LOW_PREFIX}${unit}`;
}

export function inkEmptySoonCode(unit: number): string {
  return `${INK_EMPTY_SOON_PREFIX}${unit}`;
}

export function alarmConfigFromProfile(profile: Profile, overrides: AlarmOverrides = {}, defaults: AlarmDefaults = {}): PressAlarmConfig {
  const codeOverrides = overrides.alarms ?? {};
  const bitAlarms = new Map<string, BitAlarmSpec>();
  const inkColors = new Map<number, string>();
  for (const signal of profile.signals) {
    if (signal.role === 'ink') inkColors.set(signal.unit, signal.color);
    if (signal.role !== 'alarm') continue;
    const definition = signal.alarm;
    const override = codeOverrides[definition.code] ?? {};
    if (override.enabled === false) continue;
    bitAlarms.set(definition.code, {
      code: definition.code,
      label: definition.label,
      priority: override.priority ?? definition.priority,
      stopReason: definition.stopReason ?? null,
      onDelayMs: override.onDelayMs ?? definition.onDelayMs,
      offDelayMs: override.offDelayMs ?? definition.offDelayMs,
      suppressIn: definition.suppressIn,
      activeWhen: definition.activeWhen,
    });
  }
  return {
    bitAlarms,
    ink: thresholds(profile.levelAlarms.ink, overrides.levelAlarms?.ink),
    paper: thresholds(profile.levelAlarms.paper, overrides.levelAlarms?.paper),
    inkColors,
    overrides: codeOverrides,
    emptySoonPriority: defaults.emptySoonPriority ?? DEFAULT_EMPTY_SOON_PRIORITY,
  };
}

function thresholds(fromProfile: LevelOverride | undefined, override: LevelOverride | undefined): LevelThresholds | null {
  // A profile without the section gets the shop defaults; a profile that lists only one
  // threshold means only that one.
  const base: LevelThresholds = fromProfile
    ? { medium: fromProfile.medium ?? null, high: fromProfile.high ?? null, deadband: fromProfile.deadband ?? DEFAULT_LEVEL_THRESHOLDS.deadband }
    : DEFAULT_LEVEL_THRESHOLDS;
  const merged: LevelThresholds = {
    medium: override?.medium ?? base.medium,
    high: override?.high ?? base.high,
    deadband: override?.deadband ?? base.deadband,
  };
  return merged.medium === null && merged.high === null ? null : merged;
}

/**
 * The spec of any code of this press, or null when the code is unknown or disabled. Level,
 * time-to-empty and communication codes are built on demand; their priority comes from the
 * level (levels) or the override (comm.lost, default high; empty-soon, default
 * `emptySoonPriority`).
 */
export function resolveAlarmSpec(config: PressAlarmConfig, code: string): AlarmSpec | null {
  const bit = config.bitAlarms.get(code);
  if (bit) return bit;
  const override = config.overrides[code] ?? {};
  if (override.enabled === false) return null;
  // A link that drops and comes back within a poll or two (a PLC reboot of its Ethernet
  // module, a reconnect) is not worth waking anyone: comm.lost waits 2 s by default.
  const defaultOnDelay = code === COMM_LOST_CODE ? COMM_LOST_ON_DELAY_MS : 0;
  const delays = { onDelayMs: override.onDelayMs ?? defaultOnDelay, offDelayMs: override.offDelayMs ?? 0 };
  if (code === COMM_LOST_CODE) {
    return { code, label: 'Communication lost', priority: override.priority ?? 'high', stopReason: null, suppressIn: [], ...delays };
  }
  if (code === COUNTER_IMPLAUSIBLE_CODE) {
    return {
      code,
      label: 'Implausible counter jump (not counted)',
      priority: override.priority ?? 'low',
      stopReason: null,
      suppressIn: [],
      onDelayMs: 0,
      offDelayMs: 0,
    };
  }
  if (code === PAPER_LOW_CODE && config.paper) {
    return { code, label: 'Paper low', priority: 'medium', stopReason: null, suppressIn: [], ...delays };
  }
  if (code === PAPER_EMPTY_SOON_CODE) {
    return { code, label: 'Paper running out', priority: override.priority ?? config.emptySoonPriority, stopReason: null, suppressIn: [], ...delays };
  }
  if (code.startsWith(INK_EMPTY_SOON_PREFIX)) {
    const unit = unitOf(code, INK_EMPTY_SOON_PREFIX);
    if (unit === null) return null;
    const color = config.inkColors.get(unit);
    const label = `Ink running out, unit ${unit}${color ? ` (${color})` : ''}`;
    return { code, label, priority: override.priority ?? config.emptySoonPriority, stopReason: null, suppressIn: [], ...delays };
  }
  if (code.startsWith(INK_LOW_PREFIX) && config.ink) {
    const unit = unitOf(code, INK_LOW_PREFIX);
    if (unit === null) return null;
    const color = config.inkColors.get(unit);
    const label = `Ink low, unit ${unit}${color ? ` (${color})` : ''}`;
    return { code, label, priority: 'medium', stopReason: null, suppressIn: [], ...delays };
  }
  return null;
}

function unitOf(code: string, prefix: string): number | null {
  const unit = Number(code.slice(prefix.length));
  return Number.isInteger(unit) && unit >= 1 ? unit : null;
}
