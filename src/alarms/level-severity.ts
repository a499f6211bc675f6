/**
 * Level alarms have one condition per source (ink of a unit, paper) whose priority follows
 * the level: at or below the medium threshold it is a medium alarm, at or below the high
 * threshold a high one. Going back up, a threshold only lets go once the level is `deadband`
 * above it, so a level wobbling around 15 % does not raise and clear on every reading.
 */
import type { AlarmPriority } from '../model/alarm-view.js';
import type { LevelThresholds } from './alarm-config.js';

export type LevelSeverity = Extract<AlarmPriority, 'medium' | 'high'> | null;

export function nextLevelSeverity(options: { level: number; current: LevelSeverity; thresholds: LevelThresholds }): LevelSeverity {
  const { level, current, thresholds } = options;
  const { medium, high, deadband } = thresholds;
  if (high !== null && level <= high) return 'high';
  if (current === 'high' && high !== null && level <= high + deadband) return 'high';
  if (medium !== null && level <= medium) return 'medium';
  // Held by the deadband: stays (or, coming down from high, becomes) medium until above medium + deadband.
  if (current !== null && medium !== null && level <= medium + deadband) return 'medium';
  return null;
}
