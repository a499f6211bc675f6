import { describe, expect, it } from 'vitest';
import type { PressSnapshot } from '../../src/model/press-snapshot.js';
import { TimeToEmptyTracker, type PreAlarm } from '../../src/supplies/time-to-empty-tracker.js';
import { levelPerSheet, minutesToEmpty } from '../../src/supplies/time-to-empty.js';
import { pressSnapshot, START } from './harness.js';

const MIN = 60_000;

/**
 * A press printing at `speed` sheets/hour, draining paper by `paperPerSheet` points and ink
 * unit 1 by `inkPerSheet`, sampled every 30 s with levels quantised to 0.1 % like the demo PLC.
 */
function* steadyDrain(options: {
  speed: number;
  paperPerSheet: number;
  inkPerSheet: number;
  paper: number;
  ink: number;
  minutes: number;
  startSheets?: number;
  startAt?: number;
  everyMs?: number;
}): Generator<PressSnapshot> {
  const base = pressSnapshot('press-1', { units: 2 });
  const startAt = options.startAt ?? START;
  const everyMs = options.everyMs ?? 30_000;
  for (let t = 0; t <= (options.minutes * MIN) / everyMs; t++) {
    const at = startAt + t * everyMs;
    const sheets = (options.startSheets ?? 0) + Math.round((options.speed / 3600_000) * everyMs * t);
    const printed = sheets - (options.startSheets ?? 0);
    const q = (v: number) => Math.round(Math.max(0, v) * 10) / 10;
    yield {
      ...base,
      speed: options.speed,
      counters: { total: sheets, good: sheets, waste: 0 },
      ink: [
        { unit: 1, color: 'cyan', level: q(options.ink - printed * options.inkPerSheet), quality: 'good', at },
        { unit: 2, color: 'magenta', level: 50, quality: 'good', at },
      ],
      paper: { kind: 'pile', level: q(options.paper - printed * options.paperPerSheet), quality: 'good', at },
      updatedAt: at,
    };
  }
}

describe('time to empty', () => {
  it('from a steady drain: paper and ink minutes match the physics within a minute', () => {
    // 6000-sheet pile at 12,000 sheets/h: 1/60 % per sheet; a full pile lasts 30 min.
    const tracker = new TimeToEmptyTracker({});
    let last;
    for (const snapshot of steadyDrain({ speed: 12_000, paperPerSheet: 100 / 6000, inkPerSheet: 0.001, paper: 100, ink: 60, minutes: 10 })) {
      last = { snapshot, result: tracker.observe(snapshot) };
    }
    // After 10 min (2000 sheets): paper at 66.7 % -> 20 min left; ink 58 % at 0.2 %/min -> 290 min.
    expect(last!.result.paper).toBeCloseTo(20, 0);
    expect(last!.result.ink[0]!.minutes).toBeGreaterThan(280);
    expect(last!.result.ink[0]!.minutes).toBeLessThan(300);
    // Unit 2 does not move: not consuming.
    expect(last!.result.ink[1]).toEqual({ unit: 2, minutes: null });
  });

  it('follows the current speed at once: half the speed, twice the minutes', () => {
    const tracker = new TimeToEmptyTracker({});
    let snapshot!: PressSnapshot;
    for (snapshot of steadyDrain({ speed: 12_000, paperPerSheet: 100 / 6000, inkPerSheet: 0.001, paper: 100, ink: 60, minutes: 10 })) tracker.observe(snapshot);
    const full = tracker.observe(snapshot).paper!;
    const half = tracker.observe({ ...snapshot, speed: 6000 }).paper!;
    expect(half).toBeCloseTo(full * 2, 0);
  });

  it('is in wall-clock minutes when the press runs faster than the wall clock (the demo simulator at 20×)', () => {
    // The press's speed register says 12,000 sheets/h of its own clock; its clock runs 20× the
    // wall clock, so 240,000 sheets pass per real hour and a 6000-sheet pile lasts 1.5 real
    // minutes (30 press minutes). Readings every 1.5 s of wall time for 30 s.
    const scaled = new TimeToEmptyTracker({ timeScaleFor: (pressId) => (pressId === 'press-1' ? 20 : 1) });
    const preAlarms: PreAlarm[] = [];
    const unscaled = new TimeToEmptyTracker({ settings: { preAlarmMinutes: 10 }, onPreAlarm: (p) => preAlarms.push(p) });
    let wall!: { paper: number | null };
    let press!: { paper: number | null };
    for (const snapshot of steadyDrain({ speed: 240_000, paperPerSheet: 100 / 6000, inkPerSheet: 0.0001, paper: 100, ink: 60, minutes: 0.5, everyMs: 1500 })) {
      const reported = { ...snapshot, speed: 12_000 };
      wall = scaled.observe(reported);
      press = unscaled.observe(reported);
    }
    // 30 s of the 90 s pile used: 60 s left on the wall clock, what a person waits
    expect(wall.paper).toBeCloseTo(1, 1);
    // read as if the press's clock were the wall clock it says 20 min (the demo's old lie)
    expect(press.paper).toBeCloseTo(20, 0);
    // the 10-minute pre-alarm is about real minutes too: the scaled tracker raised it, and the
    // window (20 press minutes = 1 real minute) kept the 30 s of readings
    const again = new TimeToEmptyTracker({ settings: { preAlarmMinutes: 10 }, timeScaleFor: () => 20, onPreAlarm: (p) => preAlarms.push(p) });
    for (const snapshot of steadyDrain({ speed: 240_000, paperPerSheet: 100 / 6000, inkPerSheet: 0.0001, paper: 100, ink: 60, minutes: 0.5, everyMs: 1500 }))
      again.observe({ ...snapshot, speed: 12_000 });
    expect(preAlarms.filter((p) => p.kind === 'paper')).toEqual([{ pressId: 'press-1', kind: 'paper', minutes: expect.closeTo(1.2, 0) }]);
  });

  it('keeps a bounded number of readings however fast levels are scanned, with the same estimate', () => {
    // Levels every 2 s for 40 min without a refill: 1200 readings per channel, 3 channels.
    const settings = { windowMs: 20 * MIN, minSpacingMs: 30_000 };
    const tracker = new TimeToEmptyTracker({ settings });
    let last;
    let most = 0;
    let firstEstimateAt: number | undefined;
    for (const snapshot of steadyDrain({ speed: 6000, paperPerSheet: 100 / 6000, inkPerSheet: 0.001, paper: 100, ink: 60, minutes: 40, everyMs: 2000 })) {
      last = tracker.observe(snapshot);
      most = Math.max(most, tracker.pointCount);
      if (last.paper !== null) firstEstimateAt ??= snapshot.updatedAt - START;
    }
    // As soon as the 100 sheets of `minSheets` are printed (1 min at 6000/h), not later.
    expect(firstEstimateAt).toBeLessThanOrEqual(62_000);
    // At most two points per 30 s in the 20-min window, per channel (ink 1, ink 2, paper),
    // not the 600 readings per channel the window spans.
    expect(most).toBeLessThanOrEqual(3 * (2 * 40 + 2));
    // 4000 sheets of 6000 printed: 33.3 % left at 100 sheets/min -> 20 min.
    expect(last!.paper).toBeCloseTo(20, 0);
    expect(last!.ink[0]!.minutes).toBeGreaterThan(540); // 56 % at 0.1 %/min: 560 min
    expect(last!.ink[0]!.minutes).toBeLessThan(580);
  });

  it('is null when not consuming: no speed, not in production, or too few readings', () => {
    const tracker = new TimeToEmptyTracker({});
    const snapshots = [...steadyDrain({ speed: 12_000, paperPerSheet: 0.01, inkPerSheet: 0.001, paper: 100, ink: 60, minutes: 10 })];
    expect(tracker.observe(snapshots[0]!).paper).toBeNull(); // one reading
    for (const s of snapshots) tracker.observe(s);
    const last = snapshots.at(-1)!;
    expect(tracker.observe({ ...last, state: 'stopped', speed: 0 }).paper).toBeNull();
    expect(tracker.observe({ ...last, speed: null }).paper).toBeNull();
    expect(tracker.observe({ ...last, paper: { ...last.paper, quality: 'bad' } }).paper).toBeNull();
  });

  it('starts afresh after a refill instead of reading the refill as negative consumption', () => {
    const tracker = new TimeToEmptyTracker({});
    for (const s of steadyDrain({ speed: 12_000, paperPerSheet: 100 / 6000, inkPerSheet: 0.001, paper: 40, ink: 60, minutes: 10 })) tracker.observe(s);
    // New pile: 100 %. Right after, no estimate from one point; then the same rate again.
    const refilled = [
      ...steadyDrain({
        speed: 12_000,
        paperPerSheet: 100 / 6000,
        inkPerSheet: 0.001,
        paper: 100,
        ink: 50,
        minutes: 5,
        startSheets: 2000,
        startAt: START + 11 * MIN,
      }),
    ];
    expect(tracker.observe(refilled[0]!).paper).toBeNull();
    let result;
    for (const s of refilled.slice(1)) result = tracker.observe(s);
    expect(result!.paper).toBeCloseTo(25, 0); // 1000 sheets of the new 6000 used: 5000 left at 200/min
  });

  it('does not count a stop: the rate is per sheet, so minutes after a restart are right away right', () => {
    const tracker = new TimeToEmptyTracker({});
    const run = [...steadyDrain({ speed: 12_000, paperPerSheet: 100 / 6000, inkPerSheet: 0.001, paper: 100, ink: 60, minutes: 5 })];
    for (const s of run) tracker.observe(s);
    const last = run.at(-1)!;
    for (let i = 1; i <= 6; i++) tracker.observe({ ...last, state: 'stopped', speed: 0, paper: { ...last.paper, at: last.paper.at! + i * 30_000 } });
    const resumed = tracker.observe({ ...last, paper: { ...last.paper, at: last.paper.at! + 4 * MIN } });
    // 1/60 % per sheet at 200 sheets/min: level × 60 / 200 minutes, as before the stop.
    expect(resumed.paper).toBeCloseTo((last.paper.level! * 60) / 200, 0);
    expect(resumed.paper).toBeCloseTo(25, 0);
  });

  it('announces a pre-alarm once when a channel will run out within the threshold', () => {
    const alarms: PreAlarm[] = [];
    const tracker = new TimeToEmptyTracker({ settings: { preAlarmMinutes: 10 }, onPreAlarm: (a) => alarms.push(a) });
    for (const s of steadyDrain({ speed: 12_000, paperPerSheet: 100 / 6000, inkPerSheet: 0.001, paper: 100, ink: 60, minutes: 25 })) tracker.observe(s);
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({ pressId: 'press-1', kind: 'paper' });
    expect(alarms[0]!.minutes).toBeLessThanOrEqual(10);
    expect(alarms[0]!.minutes).toBeGreaterThan(9);
  });

  it('pure: levelPerSheet is the least-squares slope, minutesToEmpty uses the current speed', () => {
    const points = [0, 100, 200, 300].map((sheets) => ({ at: sheets, sheets, level: 50 - sheets * 0.01 }));
    expect(levelPerSheet(points)).toBeCloseTo(0.01, 10);
    expect(minutesToEmpty({ points, level: 47, speed: 6000 })).toBe(47);
    expect(minutesToEmpty({ points: points.map((p) => ({ ...p, level: 50 })), level: 50, speed: 6000 })).toBeNull();
  });
});

describe('time to empty through the supplies service', () => {
  it('answers the snapshot figures and emits supplies:pre-alarm on its event bus', async () => {
    const { startHarness } = await import('./harness.js');
    const h = await startHarness({ settings: { timeToEmpty: { preAlarmMinutes: 5 } } });
    try {
      const alarms: PreAlarm[] = [];
      h.supplies.events.on('supplies:pre-alarm', (a) => alarms.push(a));
      let figures;
      for (const s of steadyDrain({ speed: 12_000, paperPerSheet: 100 / 6000, inkPerSheet: 0.02, paper: 100, ink: 60, minutes: 12 }))
        figures = h.supplies.observeSnapshot(s);
      // ink unit 1 at 4 %/min from 60 %: empty after 15 min, 3 min left after 12
      expect(figures!.ink[0]!.minutes).toBeCloseTo(3, 0);
      expect(alarms).toEqual([{ pressId: 'press-1', kind: 'ink', unit: 1, minutes: expect.any(Number) }]);
    } finally {
      await h.dispose();
    }
  });
});
