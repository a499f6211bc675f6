/**
 * What the alarms tell GET /metrics: the live list counted by priority when Prometheus scrapes.
 * Suppressed alarms (by design, e.g. door open during make-ready) are not announced, so not counted.
 */
import type { FeatureMetric } from '../http/feature-metrics.js';
import type { AlarmView } from '../model/alarm-view.js';
import { alarmPriorities } from '../model/vocabulary.js';

export function alarmMetrics(list: () => AlarmView[]): FeatureMetric[] {
  const byPriority = (keep: (alarm: AlarmView) => boolean) => () => {
    const counts = new Map<string, number>(alarmPriorities.map((priority) => [priority, 0]));
    for (const alarm of list()) if (!alarm.suppressed && keep(alarm)) counts.set(alarm.priority, (counts.get(alarm.priority) ?? 0) + 1);
    return [...counts].map(([priority, value]) => ({ labels: { priority }, value }));
  };
  return [
    {
      kind: 'gauge',
      name: 'pressroom_alarms_active',
      help: 'Alarms whose condition is present now (acknowledged or not, shelved included), by priority',
      labelNames: ['priority'],
      read: byPriority((alarm) => alarm.active),
    },
    {
      kind: 'gauge',
      name: 'pressroom_alarms_unacknowledged',
      help: 'Alarms nobody has acknowledged yet (active or cleared), by priority',
      labelNames: ['priority'],
      read: byPriority((alarm) => !alarm.acknowledged),
    },
  ];
}
