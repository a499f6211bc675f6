import { describe, expect, it } from 'vitest';
import { OverrunWindow } from '../../src/poller/overrun-window.js';

const ran = (window: OverrunWindow, n: number) => Array.from({ length: n }, () => window.record(1, 0));
const skippedEveryOther = (window: OverrunWindow, n: number) => Array.from({ length: n }, (_, i) => window.record(1, i % 2 === 0 ? 1 : 0));

describe('a scan class overrunning, judged over its last 20 ticks', () => {
  it('starts when 5 of the last 20 ticks were skipped, once', () => {
    const window = new OverrunWindow();
    const changes = skippedEveryOther(window, 9);
    expect(changes.filter(Boolean)).toEqual(['started']);
    expect(changes.indexOf('started')).toBe(8); // the 5th skipped tick
    expect(window.overrunning).toBe(true);
    expect(skippedEveryOther(window, 40).filter(Boolean)).toEqual([]);
  });

  it('ignores an occasional late tick', () => {
    const window = new OverrunWindow();
    for (let i = 0; i < 10; i++) {
      expect(window.record(1, 1)).toBeUndefined();
      ran(window, 6);
    }
    expect(window.overrunning).toBe(false);
  });

  it('stops only when at most 1 of the last 20 ticks was skipped', () => {
    const window = new OverrunWindow();
    skippedEveryOther(window, 20);
    const changes = ran(window, 20);
    expect(changes.filter(Boolean)).toEqual(['stopped']);
    // skipped were the 1st, 3rd … 19th of the 20: after 17 good ticks only the 19th is left
    expect(changes.indexOf('stopped')).toBe(16);
    expect(window.overrunning).toBe(false);
  });

  it('counts ticks an event-loop stall slept through, but no more than the window holds', () => {
    const window = new OverrunWindow();
    expect(window.record(1000, 999)).toBe('started');
    expect(window.skipped).toBe(19); // the tick that ran is the newest
    expect(window.record(1, 1)).toBeUndefined(); // the oldest skipped tick leaves the window
    expect(window.skipped).toBe(19);
    expect(window.record(1, 0)).toBeUndefined();
    expect(window.skipped).toBe(18);
  });

  it('forgets everything on reset', () => {
    const window = new OverrunWindow();
    window.record(10, 10);
    window.reset();
    expect(window.overrunning).toBe(false);
    expect(window.skipped).toBe(0);
  });

  it('refuses thresholds that could not start and stop', () => {
    expect(() => new OverrunWindow({ windowTicks: 20, startSkipped: 2, stopSkipped: 2 })).toThrow(RangeError);
    expect(() => new OverrunWindow({ windowTicks: 4, startSkipped: 5, stopSkipped: 1 })).toThrow(RangeError);
  });
});
