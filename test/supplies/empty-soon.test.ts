/**
 * The time-to-empty pre-alarm as a state per channel (`TimeToEmptyTracker.emptySoon`), which
 * the alarm engine turns into `paper.empty-soon` / `ink.empty-soon.<unit>`: unknown until there
 * is an estimate, on at or below the threshold (with one `supplies:pre-alarm`), off after a
 * refill or above the threshold + 20 %, unchanged while there is no estimate (press stopped).
 */
import { describe, expect, it } from 'vitest';
import type { PressSnapshot } from '../../src/model/press-snapshot.js';
import { TimeToEmptyTracker, type PreAlarm } from '../../src/supplies/time-to-empty-tracker.js';
import { pressSnapshot, START } from './harness.js';

const EVERY = 30_000;

/**
 * Press `id` printing 12,000 sheets/h (200 a minute) from a 6000-sheet pile: 1/60 % a sheet,
 * 100 % lasts 30 min. One snapshot every 30 s from `from` for `minutes`; ink does not move.
 */
function drain(options: { id?: string; paper: number; minutes: number; at?: number; sheets?: number }): PressSnapshot[] {
  const base = pressSnapshot(options.id ?? 'press-1', { units: 2 });
  const snapshots: PressSnapshot[] = [];
  for (let t = 0; t <= (options.minutes * 60_000) / EVERY; t++) {
    const at = (options.at ?? START) + t * EVERY;
    const printed = 100 * t;
    const sheets = (options.sheets ?? 0) + printed;
    const level = Math.round(Math.max(0, options.paper - printed / 60) * 10) / 10;
    snapshots.push({
      ...base,
      speed: 12_000,
      counters: { total: sheets, good: sheets, waste: 0 },
      paper: { kind: 'pile', level, quality: 'good', at },
      updatedAt: at,
    });
  }
  return snapshots;
}

describe('the pre-alarm state of a channel', () => {
  it('is unknown without an estimate, off above the threshold, on at or below it (with one event), and off after a refill', () => {
    const events: PreAlarm[] = [];
    const tracker = new TimeToEmptyTracker({ settings: { preAlarmMinutes: 10 }, onPreAlarm: (a) => events.push(a) });
    const run = drain({ paper: 100, minutes: 25 });
    tracker.observe(run[0]!);
    expect(tracker.emptySoon('press-1')).toEqual({ ink: [] }); // one reading: no estimate, nothing decided

    const states: (boolean | undefined)[] = [];
    for (const snapshot of run.slice(1)) {
      tracker.observe(snapshot);
      states.push(tracker.emptySoon('press-1').paper);
    }
    // 30 min a pile: below 10 min left after 20 min
    expect(states.indexOf(true)).toBeGreaterThan(states.indexOf(false));
    expect(states.at(-1)).toBe(true);
    expect(events).toEqual([{ pressId: 'press-1', kind: 'paper', minutes: expect.any(Number) }]);

    // a new pile: off at once, no estimate needed
    const last = run.at(-1)!;
    tracker.observe(drain({ paper: 100, minutes: 0, at: last.updatedAt + EVERY, sheets: last.counters.total })[0]!);
    expect(tracker.emptySoon('press-1').paper).toBe(false);
    expect(tracker.emptySoon('other-press')).toEqual({ ink: [] });
  });

  it('stays on while the press is stopped (no estimate), and goes off only above the threshold + 20 %', () => {
    const tracker = new TimeToEmptyTracker({ settings: { preAlarmMinutes: 10 } });
    const run = drain({ paper: 100, minutes: 22 });
    for (const snapshot of run) tracker.observe(snapshot);
    expect(tracker.emptySoon('press-1').paper).toBe(true);
    const last = run.at(-1)!;
    const later = (n: number, change: Partial<PressSnapshot>) =>
      tracker.observe({ ...last, ...change, paper: { ...last.paper, at: last.paper.at! + n * EVERY }, updatedAt: last.updatedAt + n * EVERY });
    expect(later(1, { state: 'stopped', speed: 0 }).paper).toBeNull();
    expect(tracker.emptySoon('press-1').paper).toBe(true);
    // 26.7 % left is 1600 sheets: at 150 sheets a minute about 10.7 min: above 10, not above 12
    const slower = later(2, { speed: 9000 }).paper!;
    expect(slower).toBeGreaterThan(10);
    expect(slower).toBeLessThan(12);
    expect(tracker.emptySoon('press-1').paper).toBe(true);
    // at 100 a minute 16 min: off
    expect(later(3, { speed: 6000 }).paper).toBeGreaterThan(12);
    expect(tracker.emptySoon('press-1').paper).toBe(false);
  });

  it('follows the threshold of each press and kind, and reports off everywhere when the threshold is 0', () => {
    const thresholds: Record<string, number> = { 'press-1': 25, 'press-2': 0 };
    const tracker = new TimeToEmptyTracker({
      settings: { preAlarmMinutes: 10 },
      preAlarmMinutesFor: (pressId, kind) => (kind === 'paper' ? (thresholds[pressId] ?? 10) : 10),
    });
    // after 3 min: about 27 min left. press-1 (25 min): not yet; after 6 min (24 min left): on
    for (const snapshot of drain({ paper: 100, minutes: 3 })) tracker.observe(snapshot);
    expect(tracker.emptySoon('press-1').paper).toBe(false);
    for (const snapshot of drain({ paper: 100, minutes: 6 }).slice(7)) tracker.observe(snapshot);
    expect(tracker.emptySoon('press-1').paper).toBe(true);
    // press-2 (off): off even at 3 min left, and the ink channels say so too
    for (const snapshot of drain({ id: 'press-2', paper: 100, minutes: 27 })) tracker.observe(snapshot);
    expect(tracker.emptySoon('press-2').paper).toBe(false);
    // press-3 (the default 10 min)
    for (const snapshot of drain({ id: 'press-3', paper: 100, minutes: 21 })) tracker.observe(snapshot);
    expect(tracker.emptySoon('press-3').paper).toBe(true);
  });
});
