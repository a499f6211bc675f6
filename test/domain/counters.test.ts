import { describe, expect, it } from 'vitest';
import { advanceCounter, advancePressCounters, emptyPressCounters, type CounterTrack } from '../../src/presses/counters.js';

const run = (raws: number[], start: CounterTrack = { value: 0, lastRaw: null }) => {
  let track = start;
  const steps: string[] = [];
  for (const raw of raws) {
    const result = advanceCounter(track, raw);
    track = result.track;
    steps.push(result.step);
  }
  return { value: track.value, steps };
};

describe('monotonic counters from raw PLC counters', () => {
  it('takes the first reading as the baseline without counting the press past', () => {
    expect(run([123_456])).toEqual({ value: 0, steps: ['baseline'] });
  });

  it('adds what the PLC counted between readings', () => {
    expect(run([100, 105, 105, 130])).toEqual({ value: 30, steps: ['baseline', 'counted', 'unchanged', 'counted'] });
  });

  it('counts through the 32-bit wrap: 2^32 − 3 → 4 is 7 impressions', () => {
    expect(run([2 ** 32 - 3, 4])).toEqual({ value: 7, steps: ['baseline', 'wrapped'] });
  });

  it('treats a fall to a small value as a job reset and counts from zero', () => {
    // job A ends at 52 000, the PLC resets, and 40 sheets of job B are printed before the next read
    expect(run([50_000, 52_000, 40])).toEqual({ value: 2040, steps: ['baseline', 'counted', 'reset'] });
  });

  it('a reset from a high job count is still a reset, not a wrap', () => {
    expect(run([3_000_000_000, 3_000_000_010, 5]).steps.at(-1)).toBe('reset');
  });

  it('ignores impossible raw values instead of corrupting the count', () => {
    expect(run([10, -1, Number.NaN, 2 ** 32, 12])).toEqual({ value: 2, steps: ['baseline', 'invalid', 'invalid', 'invalid', 'counted'] });
  });

  it('resumes counting across a restart from a restored last raw value', () => {
    expect(run([1_100], { value: 5_000, lastRaw: 1_000 })).toEqual({ value: 5_100, steps: ['counted'] });
  });

  it('advances total, good and waste independently and says when something changed', () => {
    let state = emptyPressCounters();
    let result = advancePressCounters(state, { total: 10, good: 8, waste: 2 });
    expect(result.changed).toBe(true); // the baseline is worth persisting
    state = result.next;
    result = advancePressCounters(state, { total: 15, good: 12 });
    expect(result.next.counters).toEqual({ total: 5, good: 4, waste: 0 });
    expect(result.next.lastRaw).toEqual({ total: 15, good: 12, waste: 2 });
    expect(advancePressCounters(result.next, { total: 15, good: 12, waste: 2 }).changed).toBe(false);
  });
});
