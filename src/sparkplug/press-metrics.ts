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
  /** A continuous value (speed, counters, levels): reported at most once per interval (EdgeNodeOptions.analogIntervalMs). */
  analog?: true;
}

/**
 * One press's metrics: the definitions (the same array, by identity, for every press of the same
 * shape: ink units and other levels) and the values in that order: one small array, not an
 * object per metric.
 */
export interface PressMetrics {
  readonly definitions: readonly MetricDefinition[];
  readonly values: readonly MetricValue[];
}

/** `Online` is always the first metric. */
export const ONLINE = 0;

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

const layouts = new Map<string, MetricDefinition[]>();

/** The metric definitions of a press of this shape, built once per shape. */
function layoutOf(snapshot: PressSnapshot): MetricDefinition[] {
  const key = `${snapshot.ink.map((i) => i.unit).join(',')}|${snapshot.levels.map((l) => l.name).join(',')}`;
  let layout = layouts.get(key);
  if (layout) return layout;
  layout = [];
  const def = (name: string, type: MetricType, unit?: string, analog?: 'analog') =>
    layout!.push({ name, type, ...(unit === undefined ? {} : { unit }), ...(analog ? { analog: true as const } : {}) });
  def('Online', 'Boolean');
  def('Press/Name', 'String');
  def('Press/Model', 'String');
  def('Press/Rated Speed', 'Double', 'sheets/h');
  def('Run State', 'String');
  def('Stop Cause', 'String');
  def('State Detail', 'String');
  def('State Since', 'DateTime');
  def('Speed', 'Double', 'sheets/h', 'analog');
  def('Counters/Total', 'UInt64', 'sheets', 'analog');
  def('Counters/Good', 'UInt64', 'sheets', 'analog');
  def('Counters/Waste', 'UInt64', 'sheets', 'analog');
  for (const ink of snapshot.ink) {
    def(`Ink/${ink.unit}/Level`, 'Float', '%', 'analog');
    def(`Ink/${ink.unit}/Color`, 'String');
  }
  def('Paper/Level', 'Float', '%', 'analog');
  def('Paper/Kind', 'String');
  for (const level of snapshot.levels) {
    def(`Levels/${level.name}/Level`, 'Float', '%', 'analog');
    def(`Levels/${level.name}/Label`, 'String');
  }
  def('Alarms/Active', 'Int32');
  for (const priority of alarmPriorities) def(`Alarms/Active/${priority}`, 'Int32');
  def('Alarms/List', 'String');
  def('Job/Current', 'String');
  def('Comm/Latency', 'Double', 'ms', 'analog');
  def('Comm/Last OK', 'DateTime', undefined, 'analog');
  layouts.set(key, layout);
  return layout;
}

/** The press's metrics now, in the order of its layout (see layoutOf). */
export function pressMetrics(snapshot: PressSnapshot, extras: PressExtras): PressMetrics {
  const definitions = layoutOf(snapshot);
  const values = new Array<MetricValue>(definitions.length);
  writeSnapshot(values, snapshot);
  writeExtras(values, extras);
  return { definitions, values };
}

/**
 * One press's metrics kept up to date in place: every press update writes its values into the
 * same array (no array, no metric list and no shape key per update, and the snapshot is not
 * kept, so nothing of an update outlives it and the young-generation collections copy less).
 * `current()` adds the alarms and job as they are then and returns the copy the edge node keeps
 * as last seen or last reported: once per analog tick or discrete change.
 */
export class LiveMetrics {
  private definitions: MetricDefinition[] = [];
  private values: MetricValue[] = [];
  private inkUnits: readonly number[] = [];
  private levelNames: readonly string[] = [];

  update(snapshot: PressSnapshot): void {
    if (!this.sameShape(snapshot)) {
      this.definitions = layoutOf(snapshot);
      this.values = new Array<MetricValue>(this.definitions.length);
      this.inkUnits = snapshot.ink.map((i) => i.unit);
      this.levelNames = snapshot.levels.map((l) => l.name);
    }
    writeSnapshot(this.values, snapshot);
  }

  current(extras: PressExtras): PressMetrics {
    writeExtras(this.values, extras);
    return { definitions: this.definitions, values: this.values.slice() };
  }

  private sameShape(snapshot: PressSnapshot): boolean {
    const { ink, levels } = snapshot;
    if (this.definitions.length === 0 || ink.length !== this.inkUnits.length || levels.length !== this.levelNames.length) return false;
    for (let i = 0; i < ink.length; i++) if (ink[i]!.unit !== this.inkUnits[i]) return false;
    for (let i = 0; i < levels.length; i++) if (levels[i]!.name !== this.levelNames[i]) return false;
    return true;
  }
}

/** The metrics that follow the press's own values (see layoutOf): alarm counts (5), alarm list, job, latency, last good read. */
const TAIL = alarmPriorities.length + 5;

/** Writes the snapshot's values into `values` in the order of its layout (see layoutOf); the alarm and job slots are left to writeExtras. */
function writeSnapshot(values: MetricValue[], snapshot: PressSnapshot): void {
  let i = 0;
  values[i++] = snapshot.online;
  values[i++] = snapshot.name;
  values[i++] = snapshot.model;
  values[i++] = snapshot.ratedSpeed;
  values[i++] = snapshot.state;
  values[i++] = snapshot.stopReason;
  values[i++] = snapshot.stateDetail;
  values[i++] = snapshot.stateSince;
  values[i++] = snapshot.speed;
  values[i++] = snapshot.counters.total;
  values[i++] = snapshot.counters.good;
  values[i++] = snapshot.counters.waste;
  for (const ink of snapshot.ink) {
    values[i++] = ink.level;
    values[i++] = ink.color;
  }
  values[i++] = snapshot.paper.level;
  values[i++] = snapshot.paper.kind;
  for (const level of snapshot.levels) {
    values[i++] = level.level;
    values[i++] = level.label;
  }
  // the alarm and job slots between are writeExtras's
  const end = i + TAIL;
  values[end - 2] = snapshot.comm.latencyMs;
  values[end - 1] = snapshot.comm.lastOkAt;
}

function writeExtras(values: MetricValue[], extras: PressExtras): void {
  const { alarms } = extras;
  let i = values.length - TAIL;
  values[i++] = countActive(alarms);
  for (const priority of alarmPriorities) values[i++] = countActive(alarms, priority);
  values[i++] = alarmListJson(alarms);
  values[i] = extras.job;
}

/** Active, unsuppressed alarms (of one priority, or of all). */
function countActive(alarms: readonly AlarmView[], priority?: AlarmPriority): number {
  let n = 0;
  for (const a of alarms) if (a.active && !a.suppressed && (priority === undefined || a.priority === priority)) n += 1;
  return n;
}

/**
 * The values whose change goes out at once (all but the continuous ones), as last seen, compared
 * field by field: no key string per update. The alarm list is compared by identity: the caller
 * hands out the same array until one of the press's alarms changes (PressContext). A change of
 * anything else (an ink colour, a level's label) goes out at the next analog tick.
 */
export interface DiscreteState {
  online: boolean;
  state: PressSnapshot['state'];
  stopReason: PressSnapshot['stopReason'];
  stateDetail: PressSnapshot['stateDetail'];
  stateSince: PressSnapshot['stateSince'];
  name: string;
  alarms: readonly AlarmView[];
  job: string | null;
}

export function discreteOf(snapshot: PressSnapshot, alarms: readonly AlarmView[], job: string | null): DiscreteState {
  const { online, state, stopReason, stateDetail, stateSince, name } = snapshot;
  return { online, state, stopReason, stateDetail, stateSince, name, alarms, job };
}

export function sameDiscrete(last: DiscreteState, snapshot: PressSnapshot, alarms: readonly AlarmView[], job: string | null): boolean {
  return (
    last.online === snapshot.online &&
    last.state === snapshot.state &&
    last.stopReason === snapshot.stopReason &&
    last.stateDetail === snapshot.stateDetail &&
    last.stateSince === snapshot.stateSince &&
    last.name === snapshot.name &&
    last.alarms === alarms &&
    last.job === job
  );
}

/** The same list (the caller keeps it until an alarm changes) is turned into JSON once. */
const alarmJson = new WeakMap<readonly AlarmView[], string>();
function alarmListJson(alarms: readonly AlarmView[]): string {
  let json = alarmJson.get(alarms);
  if (json === undefined) {
    json = JSON.stringify(alarms.filter((a) => !a.suppressed).map(alarmOnWire));
    alarmJson.set(alarms, json);
  }
  return json;
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

/** Indexes of the metrics whose value differs from `previous` (all of them when there is none, or its shape differs): DDATA by exception. */
export function changedMetrics(current: PressMetrics, previous: PressMetrics | undefined): number[] {
  const changed: number[] = [];
  const same = previous !== undefined && previous.definitions === current.definitions;
  for (let i = 0; i < current.values.length; i++) if (!same || previous.values[i] !== current.values[i]) changed.push(i);
  return changed;
}
