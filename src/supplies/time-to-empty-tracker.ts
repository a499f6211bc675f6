/**
 * Keeps, per press and channel (ink unit, paper), the production readings since the last
 * refill within a sliding window, and turns each new snapshot into time-to-empty figures and
 * pre-alarms. Fed by the press service with every snapshot (see `Supplies.observeSnapshot`).
 *
 * The pre-alarm is a state per channel ("empty soon": yes, no, not known yet), read with
 * `emptySoon(pressId)` and fed to the alarm engine as `ink.empty-soon.<unit>` /
 * `paper.empty-soon`; the `supplies:pre-alarm` event (via `onPreAlarm`) marks each time it
 * turns on. It turns on when the estimate is at or below the threshold, and off after a refill
 * or when the estimate rises above the threshold + 20 %. No estimate (press stopped, too few
 * readings) leaves it as it is.
 *
 * Minutes are wall-clock minutes, what a person waits. A press reports its speed in sheets per
 * hour of its own clock; a simulated press may run faster than the wall clock (the demo: 20×),
 * and then its speed, window and point spacing are in its time: `timeScaleFor` says how many
 * of its milliseconds pass per real one, and the tracker converts (1 for a real press).
 */
import type { PressSnapshot } from '../model/press-snapshot.js';
import { minutesToEmpty, type ConsumptionPoint, type TimeToEmpty } from './time-to-empty.js';

export interface TimeToEmptySettings {
  /** Readings older than this leave the window. */
  windowMs: number;
  /**
   * Points kept in the window are at least this far apart (the newest one always stands in
   * for the readings since the last kept point). Bounds memory: a level scanned every 2 s
   * would otherwise keep 600 points per channel over a 20-min window, 60,000 for 100 presses.
   * 40 points over the window still average out the sensor's 0.1 % steps, and the first
   * estimate after a refill comes as soon as `minSheets` allows at any usual speed.
   */
  minSpacingMs: number;
  /** A rise of this many points (a refill, a new pile) starts the window afresh. */
  riseResetPoints: number;
  minPoints: number;
  minSheets: number;
  /** Pre-alarm when a channel will be empty within this many minutes; 0 turns it off. Per press and kind: `preAlarmMinutesFor`. */
  preAlarmMinutes: number;
}

/** Pre-alarm hysteresis: off again only once the estimate is this much above the threshold. */
export const PRE_ALARM_HYSTERESIS = 0.2;

export const defaultTimeToEmptySettings: TimeToEmptySettings = {
  windowMs: 20 * 60_000,
  minSpacingMs: 30_000,
  riseResetPoints: 2,
  minPoints: 3,
  minSheets: 100,
  preAlarmMinutes: 10,
};

export interface PreAlarm {
  pressId: string;
  kind: 'ink' | 'paper';
  unit?: number;
  minutes: number;
}

/** The pre-alarm state of a press's channels seen so far; channels not decided yet are left out. */
export interface EmptySoon {
  ink: { unit: number; emptySoon: boolean }[];
  paper?: boolean;
}

export interface TimeToEmptyTrackerOptions {
  settings?: Partial<TimeToEmptySettings>;
  /** The pre-alarm threshold of one press and kind (per-press configuration); default `settings.preAlarmMinutes`. */
  preAlarmMinutesFor?: (pressId: string, kind: 'ink' | 'paper') => number;
  /** Press time per wall-clock time of a press: a simulated bus's `simulationTimeScale`, 1 (the default) for a real press. */
  timeScaleFor?: (pressId: string) => number;
  onPreAlarm?: (preAlarm: PreAlarm) => void;
}

interface Channel {
  points: ConsumptionPoint[];
  /**
   * true: will run out within the threshold (a pre-alarm was sent, and the channel has not been
   * refilled or slowed since); false: not; null: no estimate yet to decide on.
   */
  emptySoon: boolean | null;
}

/** One press's channels: asked for with every snapshot of that press, so not found by scanning all presses'. */
interface PressChannels {
  ink: Map<number, Channel>;
  paper: Channel | undefined;
}

export class TimeToEmptyTracker {
  private readonly settings: TimeToEmptySettings;
  private readonly presses = new Map<string, PressChannels>();
  /**
   * Each press's last inputs and figures. Most snapshots repeat the inputs of the one before
   * (levels come with a slower scan; speed and counters stand still while stopped): the same
   * inputs give the same figures and change no channel, so they are handed back without the fit.
   */
  private readonly lastEstimate = new Map<string, { inputs: EstimateInputs; figures: TimeToEmpty }>();

  constructor(private readonly options: TimeToEmptyTrackerOptions) {
    this.settings = { ...defaultTimeToEmptySettings, ...options.settings };
  }

  /** Take in a snapshot and return its time-to-empty figures. */
  observe(snapshot: PressSnapshot): TimeToEmpty {
    const last = this.lastEstimate.get(snapshot.id);
    if (last && sameInputs(last.inputs, snapshot)) return copyFigures(last.figures);
    const figures = this.estimate(snapshot);
    this.lastEstimate.set(snapshot.id, { inputs: estimateInputs(snapshot), figures: copyFigures(figures) });
    return figures;
  }

  private estimate(snapshot: PressSnapshot): TimeToEmpty {
    const producing = snapshot.online && snapshot.state === 'production';
    const sheets = snapshot.counters.total;
    const speed = producing ? snapshot.speed : null;
    const ink = snapshot.ink.map((unit) => ({
      unit: unit.unit,
      minutes: this.channel({
        snapshot,
        kind: 'ink',
        unit: unit.unit,
        level: unit.level,
        good: unit.quality === 'good',
        at: unit.at,
        sheets,
        producing,
        speed,
      }),
    }));
    const paper = this.channel({
      snapshot,
      kind: 'paper',
      unit: undefined,
      level: snapshot.paper.level,
      good: snapshot.paper.quality === 'good',
      at: snapshot.paper.at,
      sheets,
      producing,
      speed,
    });
    return { paper, ink };
  }

  /** The pre-alarm state of each channel of a press that has one (see `EmptySoon`). */
  emptySoon(pressId: string): EmptySoon {
    const state: EmptySoon = { ink: [] };
    const press = this.presses.get(pressId);
    if (!press) return state;
    for (const [unit, channel] of press.ink) if (channel.emptySoon !== null) state.ink.push({ unit, emptySoon: channel.emptySoon });
    if (press.paper && press.paper.emptySoon !== null) state.paper = press.paper.emptySoon;
    state.ink.sort((a, b) => a.unit - b.unit);
    return state;
  }

  private timeScaleFor(pressId: string): number {
    const scale = this.options.timeScaleFor?.(pressId) ?? 1;
    return scale > 0 && Number.isFinite(scale) ? scale : 1;
  }

  /** Readings kept over all channels (bounded by the window and `minSpacingMs`). */
  get pointCount(): number {
    let count = 0;
    for (const press of this.presses.values()) {
      for (const channel of press.ink.values()) count += channel.points.length;
      count += press.paper?.points.length ?? 0;
    }
    return count;
  }

  /** Forget a press (removed from the configuration). */
  forget(pressId: string): void {
    this.presses.delete(pressId);
    this.lastEstimate.delete(pressId);
  }

  private channel(reading: {
    snapshot: PressSnapshot;
    kind: 'ink' | 'paper';
    unit: number | undefined;
    level: number | null;
    good: boolean;
    at: number | null;
    sheets: number;
    producing: boolean;
    speed: number | null;
  }): number | null {
    const { snapshot, kind, unit, level } = reading;
    if (level === null || !reading.good) return null;
    // the window and the spacing describe printing, so they pass in the press's time
    const scale = this.timeScaleFor(snapshot.id);
    let press = this.presses.get(snapshot.id);
    if (!press) {
      press = { ink: new Map(), paper: undefined };
      this.presses.set(snapshot.id, press);
    }
    let channel = kind === 'ink' ? press.ink.get(unit!) : press.paper;
    if (!channel) {
      channel = { points: [], emptySoon: null };
      if (kind === 'ink') press.ink.set(unit!, channel);
      else press.paper = channel;
    }
    const at = reading.at ?? snapshot.updatedAt;
    const previous = channel.points.at(-1);
    if (previous && level >= previous.level + this.settings.riseResetPoints) {
      // Refilled: the old readings describe another fill and would bend the slope.
      channel.points = [];
      channel.emptySoon = false;
    }
    // Only production readings: in setup or idle the level barely moves while the counter may
    // still turn (make-ready waste) or not at all, which says nothing about the run rate. Levels
    // are scanned slower than snapshots come: one point per new level reading.
    if (reading.producing && (channel.points.length === 0 || at > channel.points.at(-1)!.at)) {
      const point = { at, level, sheets: reading.sheets };
      const points = channel.points;
      // Too close to the last point kept for good: replace the newest instead of adding one,
      // so the window holds about windowMs / minSpacingMs points whatever the scan rate.
      if (points.length >= 2 && at - points.at(-2)!.at < this.settings.minSpacingMs / scale) points[points.length - 1] = point;
      else points.push(point);
    }
    const cutoff = at - this.settings.windowMs / scale;
    while (channel.points.length > 0 && channel.points[0]!.at < cutoff) channel.points.shift();
    const pressMinutes = minutesToEmpty({
      points: channel.points,
      level,
      speed: reading.speed,
      minPoints: this.settings.minPoints,
      minSheets: this.settings.minSheets,
    });
    // the speed is sheets per hour of the press's clock: its minutes pass `scale` times faster
    const minutes = pressMinutes === null ? null : Math.round((pressMinutes / scale) * 10) / 10;
    this.checkPreAlarm(channel, { pressId: snapshot.id, kind, unit, minutes });
    return minutes;
  }

  private checkPreAlarm(channel: Channel, state: { pressId: string; kind: 'ink' | 'paper'; unit: number | undefined; minutes: number | null }): void {
    const threshold = this.options.preAlarmMinutesFor?.(state.pressId, state.kind) ?? this.settings.preAlarmMinutes;
    if (threshold <= 0) {
      // Off: say so, so a pre-alarm left from before (a restart, a changed setting) clears.
      channel.emptySoon = false;
      return;
    }
    if (state.minutes === null) return;
    if (state.minutes > threshold * (1 + PRE_ALARM_HYSTERESIS)) {
      // Hysteresis: a rate that wobbles around the threshold does not re-announce.
      channel.emptySoon = false;
      return;
    }
    if (state.minutes > threshold) {
      channel.emptySoon ??= false;
      return;
    }
    if (channel.emptySoon === true) return;
    channel.emptySoon = true;
    this.options.onPreAlarm?.({ pressId: state.pressId, kind: state.kind, ...(state.unit !== undefined ? { unit: state.unit } : {}), minutes: state.minutes });
  }
}

/** What the figures of a snapshot depend on, flat: online, state, speed, total, then paper and each ink unit (level, quality, at). */
type EstimateInputs = (number | string | boolean | null)[];

function estimateInputs(snapshot: PressSnapshot): EstimateInputs {
  const { paper } = snapshot;
  const inputs: EstimateInputs = [snapshot.online, snapshot.state, snapshot.speed, snapshot.counters.total, paper.level, paper.quality, paper.at];
  for (const ink of snapshot.ink) inputs.push(ink.unit, ink.level, ink.quality, ink.at);
  return inputs;
}

function sameInputs(inputs: EstimateInputs, snapshot: PressSnapshot): boolean {
  const { paper } = snapshot;
  if (inputs.length !== 7 + 4 * snapshot.ink.length) return false;
  if (inputs[0] !== snapshot.online || inputs[1] !== snapshot.state || inputs[2] !== snapshot.speed || inputs[3] !== snapshot.counters.total) return false;
  if (inputs[4] !== paper.level || inputs[5] !== paper.quality || inputs[6] !== paper.at) return false;
  let i = 7;
  for (const ink of snapshot.ink) {
    if (inputs[i] !== ink.unit || inputs[i + 1] !== ink.level || inputs[i + 2] !== ink.quality || inputs[i + 3] !== ink.at) return false;
    i += 4;
  }
  return true;
}

function copyFigures(figures: TimeToEmpty): TimeToEmpty {
  return { paper: figures.paper, ink: figures.ink.map((unit) => ({ unit: unit.unit, minutes: unit.minutes })) };
}
