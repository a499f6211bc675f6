/**
 * The Sparkplug metrics of one press (one Sparkplug device), written once for both ends: the
 * edge node turns a snapshot into these values, the hub turns them back into a snapshot.
 *
 * Names are Sparkplug folder paths (`Ink/2/Level`); each has an engineering unit where one
 * applies (the `engUnit` property) and, per edge node, a numeric alias: DBIRTH carries name and
 * alias, DDATA only the alias (Sparkplug 3.0, aliases unique across the edge node).
 */
import type { AlarmView } from '../model/alarm-view.js';
import type { PressSnapshot } from '../model/press-snapshot.js';
import { alarmPriorities, type AlarmPriority } from '../model/vocabulary.js';

export type MetricType = 'Boolean' | 'String' | 'Double' | 'Float' | 'Int32' | 'UInt64' | 'DateTime';
export type MetricValue = number | boolean | string | null;

export interface MetricDefinition {
  name: string;
  type: MetricType;
  /** Engineering unit (`engUnit` property of the birth). */
  unit?: string;
}

/** One press's metric values by name, in a stable order. */
export type PressMetrics = Map<string, { definition: MetricDefinition; value: MetricValue }>;

/** An active alarm as it travels in `Alarms/List` (JSON): enough for a hub to show it. */
export interface AlarmOnWire {
  id: string;
  code: string;
  label: string;
  priority: AlarmPriority;
  state: AlarmView['state'];
  raisedAt: number;
  clearedAt: number | null;
  ackedAt: number | null;
  shelvedUntil: number | null;
}

/** What the edge node adds to a snapshot: the press's listed alarms and running job. */
export interface PressExtras {
  alarms: readonly AlarmView[];
  job: string | null;
}

export function pressMetrics(snapshot: PressSnapshot, extras: PressExtras): PressMetrics {
  const metrics: PressMetrics = new Map();
  const put = (name: string, type: MetricType, value: MetricValue, unit?: string) =>
    metrics.set(name, { definition: unit === undefined ? { name, type } : { name, type, unit }, value });
  put('Online', 'Boolean', snapshot.online);
  put('Press/Name', 'String', snapshot.name);
  put('Press/Model', 'String', snapshot.model);
  put('Press/Rated Speed', 'Double', snapshot.ratedSpeed, 'sheets/h');
  put('Run State', 'String', snapshot.state);
  put('Stop Cause', 'String', snapshot.stopReason);
  put('State Detail', 'String', snapshot.stateDetail);
  put('State Since', 'DateTime', snapshot.stateSince);
  put('Speed', 'Double', snapshot.speed, 'sheets/h');
  put('Counters/Total', 'UInt64', snapshot.counters.total, 'sheets');
  put('Counters/Good', 'UInt64', snapshot.counters.good, 'sheets');
  put('Counters/Waste', 'UInt64', snapshot.counters.waste, 'sheets');
  for (const ink of snapshot.ink) {
    put(`Ink/${ink.unit}/Level`, 'Float', ink.level, '%');
    put(`Ink/${ink.unit}/Color`, 'String', ink.color);
  }
  put('Paper/Level', 'Float', snapshot.paper.level, '%');
  put('Paper/Kind', 'String', snapshot.paper.kind);
  for (const level of snapshot.levels) {
    put(`Levels/${level.name}/Level`, 'Float', level.level, '%');
    put(`Levels/${level.name}/Label`, 'String', level.label);
  }
  const active = extras.alarms.filter((a) => a.active && !a.suppressed);
  put('Alarms/Active', 'Int32', active.length);
  for (const priority of alarmPriorities) put(`Alarms/Active/${priority}`, 'Int32', active.filter((a) => a.priority === priority).length);
  put('Alarms/List', 'String', JSON.stringify(extras.alarms.filter((a) => !a.suppressed).map(alarmOnWire)));
  put('Job/Current', 'String', extras.job);
  put('Comm/Latency', 'Double', snapshot.comm.latencyMs, 'ms');
  put('Comm/Last OK', 'DateTime', snapshot.comm.lastOkAt);
  return metrics;
}

function alarmOnWire(a: AlarmView): AlarmOnWire {
  return {
    id: a.id,
    code: a.code,
    label: a.label,
    priority: a.priority,
    state: a.state,
    raisedAt: a.raisedAt,
    clearedAt: a.clearedAt,
    ackedAt: a.ackedAt,
    shelvedUntil: a.shelvedUntil,
  };
}

/** The metrics whose value differs from `previous` (all of them when there is none): DDATA by exception. */
export function changedMetrics(current: PressMetrics, previous: ReadonlyMap<string, MetricValue> | undefined): string[] {
  const changed: string[] = [];
  for (const [name, { value }] of current) if (!previous?.has(name) || previous.get(name) !== value) changed.push(name);
  return changed;
}

/** The values of a metric set, by name (what the next comparison is made against). */
export function valuesOf(metrics: PressMetrics): Map<string, MetricValue> {
  return new Map([...metrics].map(([name, { value }]) => [name, value]));
}
