import { describe, expect, it } from 'vitest';
import { PRESS, makeEngine } from './harness.js';

describe('on-delay and off-delay against chatter', () => {
  it('a double-sheet blip shorter than its on-delay never becomes an alarm', () => {
    const h = makeEngine({ overrides: { alarms: { 'double-sheet': { onDelayMs: 500 } } } });
    h.bits({ 'double-sheet': true });
    h.clock.advance(300);
    h.bits({ 'double-sheet': false });
    h.clock.advance(10_000);
    expect(h.engine.list()).toEqual([]);
    expect(h.journal).toEqual([]);
    expect(h.clock.pendingCount).toBe(0);
  });

  it('a double sheet that lasts the on-delay is raised at the end of the delay', () => {
    const h = makeEngine({ overrides: { alarms: { 'double-sheet': { onDelayMs: 500 } } } });
    const start = h.clock.now();
    h.bits({ 'double-sheet': true });
    h.clock.advance(499);
    expect(h.engine.list()).toEqual([]);
    h.bits({ 'double-sheet': true }); // repeated readings do not restart the delay
    h.clock.advance(1);
    expect(h.only('double-sheet')).toMatchObject({ state: 'unack-active', raisedAt: start + 500 });
  });

  it('off-delay: a jam sensor dropping out briefly does not clear the alarm', () => {
    const h = makeEngine({ overrides: { alarms: { 'jam.feeder': { offDelayMs: 2_000 } } } });
    h.bits({ 'jam.feeder': true });
    h.clock.advance(1_000);
    h.bits({ 'jam.feeder': false });
    h.clock.advance(1_500);
    h.bits({ 'jam.feeder': true });
    h.clock.advance(5_000);
    expect(h.only('jam.feeder').state).toBe('unack-active');
    expect(h.actions()).toEqual(['raise:jam.feeder']);

    const goneAt = h.clock.now();
    h.bits({ 'jam.feeder': false });
    h.clock.advance(1_999);
    expect(h.only('jam.feeder').active).toBe(true);
    h.clock.advance(1);
    expect(h.only('jam.feeder')).toMatchObject({ state: 'unack-cleared', clearedAt: goneAt + 2_000 });
  });

  it('delays count from the reading time, not from when the reading arrives', () => {
    const h = makeEngine({ overrides: { alarms: { 'double-sheet': { onDelayMs: 500 } } } });
    // A slow-scan reading taken 400 ms ago arrives now: 100 ms of delay are left.
    h.engine.updateBits(PRESS, h.clock.now() - 400, { 'double-sheet': true });
    h.clock.advance(99);
    expect(h.engine.list()).toEqual([]);
    h.clock.advance(1);
    expect(h.engine.list()).toHaveLength(1);
  });
});

describe('chatter', () => {
  it('three raises within a minute flag the alarm as chattering, and the episode is counted', () => {
    const h = makeEngine();
    for (let i = 0; i < 3; i++) {
      h.bits({ 'door-open': true });
      h.clock.advance(5_000);
      h.bits({ 'door-open': false });
      h.clock.advance(5_000);
    }
    const raises = h.events.filter((e) => e.type === 'raised').map((e) => [e.alarm.chatterCount, e.alarm.chattering]);
    expect(raises).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
    expect(h.engine.chatterReport()).toEqual([
      { pressId: PRESS, code: 'door-open', raisesInWindow: 3, chattering: true, episodes: 1, lastEpisodeAt: expect.any(Number) },
    ]);

    // A minute of quiet and it is no longer chattering; the episode stays counted.
    h.clock.advance(60_000);
    expect(h.only('door-open')).toMatchObject({ chatterCount: 0, chattering: false });
    expect(h.engine.chatterReport()[0]).toMatchObject({ chattering: false, episodes: 1 });
  });

  it('raises spread over more than a minute are not chatter', () => {
    const h = makeEngine();
    for (let i = 0; i < 4; i++) {
      h.bits({ 'door-open': true });
      h.clock.advance(15_000);
      h.bits({ 'door-open': false });
      h.clock.advance(15_000);
    }
    expect(h.events.filter((e) => e.type === 'raised').every((e) => !e.alarm.chattering)).toBe(true);
  });
});
