/**
 * Rebuilds a listed occurrence from its stored view after a restart. What the view cannot
 * tell (whether the condition is still present) comes from the next readings: a restored
 * active alarm counts as present until a reading says otherwise, so a jam that was cleared
 * while the service was down clears (and stays listed until acknowledged) on the first poll.
 */
import type { AlarmView } from '../model/alarm-view.js';
import type { Clock } from '../lib/clock.js';
import { INK_LOW_PREFIX, PAPER_LOW_CODE } from './alarm-config.js';
import type { Condition, Occurrence } from './alarm-condition.js';
import type { AlarmLifecycle } from './alarm-lifecycle.js';

export function restoreOccurrence(options: {
  condition: Condition;
  view: AlarmView;
  lifecycle: AlarmLifecycle;
  clock: Clock;
  listed: Map<string, Condition>;
}): void {
  const { condition, view, lifecycle, clock, listed } = options;
  const occurrence: Occurrence = {
    id: view.id,
    priority: view.priority,
    active: view.active,
    acknowledged: view.acknowledged,
    raisedAt: view.raisedAt,
    lastRaisedAt: view.raisedAt,
    clearedAt: view.clearedAt,
    ackedAt: view.ackedAt,
    ackedBy: view.ackedBy,
    ackNote: view.ackNote,
    // A stored suppressed alarm may never have been shown; everything else was.
    announced: !view.suppressed,
  };
  condition.occurrence = occurrence;
  condition.present = view.active;
  if (view.active && (view.priority === 'medium' || view.priority === 'high') && isLevelCode(view.code)) condition.severity = view.priority;
  condition.suppressed = view.suppressed;
  listed.set(occurrence.id, condition);

  if (view.shelvedUntil !== null) {
    const now = clock.now();
    const shelf = { until: view.shelvedUntil, by: view.shelvedBy ?? 'unknown', reason: view.shelveReason ?? '', alarmId: view.id };
    if (view.shelvedUntil > now) {
      const timer = clock.setTimeout(() => lifecycle.endShelf(condition, shelf.until, null, 'shelving expired'), shelf.until - now);
      condition.shelf = { ...shelf, timer };
    } else {
      // Expired while the service was down: end it now, which re-announces a still-active alarm.
      condition.shelf = { ...shelf, timer: null };
      lifecycle.endShelf(condition, now, null, 'shelving expired while the service was stopped');
    }
  }
  lifecycle.syncRenotify(condition);
}

function isLevelCode(code: string): boolean {
  return code === PAPER_LOW_CODE || code.startsWith(INK_LOW_PREFIX);
}
