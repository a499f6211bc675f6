import { describe, expect, it } from 'vitest';
import { levelQuality } from '../../src/presses/quality.js';

describe('level reading quality', () => {
  const base = { now: 10_000, periodMs: 2000, lastReadOk: true };
  it('is good while the value is at most 3 scan periods old', () => {
    expect(levelQuality({ ...base, at: 10_000 })).toBe('good');
    expect(levelQuality({ ...base, at: 4_000 })).toBe('good');
  });
  it('is stale once older than 3 scan periods', () => {
    expect(levelQuality({ ...base, at: 3_999 })).toBe('stale');
  });
  it('is stale before the first read', () => {
    expect(levelQuality({ ...base, at: null })).toBe('stale');
  });
  it('is bad when the last read of its class failed, however fresh the old value', () => {
    expect(levelQuality({ ...base, at: 9_900, lastReadOk: false })).toBe('bad');
  });
});
