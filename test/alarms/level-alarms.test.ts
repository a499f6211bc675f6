import { describe, expect, it } from 'vitest';
import { nextLevelSeverity } from '../../src/alarms/level-severity.js';
import { PRESS, makeEngine } from './harness.js';

describe('level alarms: one condition per ink unit and for paper', () => {
  it('ink running down: medium at 15 %, escalates to high at 5 %, clears only above 15 % + deadband after a refill', () => {
    const h = makeEngine();
    const ink = (level: number) => {
      h.clock.advance(2_000);
      h.engine.updateLevels(PRESS, h.clock.now(), { ink: [{ unit: 2, level }] });
    };
    ink(40);
    ink(15.5);
    expect(h.engine.list()).toEqual([]);
    ink(15);
    const low = h.only('ink.low.2');
    expect(low).toMatchObject({ priority: 'medium', label: 'Ink low, unit 2 (magenta)', state: 'unack-active' });
    h.engine.acknowledge(low.id, { user: 'anna', note: 'cartridge ordered' });

    ink(5);
    // Same occurrence, now high, and the operator must acknowledge again.
    expect(h.only('ink.low.2')).toMatchObject({ id: low.id, priority: 'high', state: 'unack-active', ackedBy: null });
    expect(h.journal.at(-1)).toMatchObject({ action: 'reprioritize', priority: 'high', note: 'medium → high; acknowledgement reset' });

    ink(6.5); // inside the 2 % deadband above 5 %: stays high
    expect(h.only('ink.low.2').priority).toBe('high');
    ink(7.5); // above 5 + 2: back to medium
    expect(h.only('ink.low.2').priority).toBe('medium');
    ink(16.9); // refilled a bit, within the deadband of 15 %: still active
    expect(h.only('ink.low.2').active).toBe(true);
    ink(60);
    expect(h.only('ink.low.2')).toMatchObject({ state: 'unack-cleared', priority: 'medium' });
    expect(h.actions()).toEqual(['raise:ink.low.2', 'ack:ink.low.2', 'reprioritize:ink.low.2', 'reprioritize:ink.low.2', 'clear:ink.low.2']);
  });

  it('a level wobbling around the threshold raises once, not on every reading', () => {
    const h = makeEngine();
    for (const level of [15.2, 14.8, 15.3, 14.9, 15.4, 14.7, 16.5]) {
      h.clock.advance(2_000);
      h.engine.updateLevels(PRESS, h.clock.now(), { paper: level });
    }
    expect(h.actions()).toEqual(['raise:paper.low']);
  });

  it('an empty pile raises paper.low at high priority directly; a null reading changes nothing', () => {
    const h = makeEngine();
    h.engine.updateLevels(PRESS, h.clock.now(), { paper: 3, ink: [{ unit: 1, level: null }] });
    expect(h.engine.list().map((a) => `${a.code}:${a.priority}`)).toEqual(['paper.low:high']);
    h.engine.updateLevels(PRESS, h.clock.now(), { paper: null });
    expect(h.only('paper.low').active).toBe(true);
  });

  it('per-press overrides: thresholds, and disabling one unit', () => {
    const h = makeEngine({ overrides: { levelAlarms: { ink: { medium: 25, high: 10 } }, alarms: { 'ink.low.4': { enabled: false } } } });
    h.engine.updateLevels(PRESS, h.clock.now(), {
      ink: [
        { unit: 1, level: 20 },
        { unit: 4, level: 1 },
      ],
    });
    expect(h.engine.list().map((a) => `${a.code}:${a.priority}`)).toEqual(['ink.low.1:medium']);
  });

  it('severity function: thresholds are "at or below", deadband only on the way up', () => {
    const t = { medium: 15, high: 5, deadband: 2 };
    expect(nextLevelSeverity({ level: 15, current: null, thresholds: t })).toBe('medium');
    expect(nextLevelSeverity({ level: 16, current: null, thresholds: t })).toBeNull();
    expect(nextLevelSeverity({ level: 16, current: 'high', thresholds: t })).toBe('medium');
    expect(nextLevelSeverity({ level: 17.5, current: 'high', thresholds: t })).toBeNull();
    expect(nextLevelSeverity({ level: 6, current: null, thresholds: { medium: null, high: 5, deadband: 2 } })).toBeNull();
  });
});

describe('communication lost', () => {
  it('raises comm.lost (high) when the press stays offline 2 s and clears it when it answers again', () => {
    const h = makeEngine();
    h.engine.updateComm(PRESS, h.clock.now(), true);
    expect(h.engine.list()).toEqual([]);
    h.engine.updateComm(PRESS, h.clock.now(), false);
    h.clock.advance(1_999);
    expect(h.engine.list()).toEqual([]);
    h.clock.advance(1);
    expect(h.only('comm.lost')).toMatchObject({ priority: 'high', label: 'Communication lost', state: 'unack-active', stopReason: null });
    h.clock.advance(30_000);
    h.engine.updateComm(PRESS, h.clock.now(), true);
    expect(h.only('comm.lost').state).toBe('unack-cleared');
  });

  it('priority and on-delay are overridable per press', () => {
    const h = makeEngine({ overrides: { alarms: { 'comm.lost': { priority: 'critical', onDelayMs: 5_000 } } } });
    h.engine.updateComm(PRESS, h.clock.now(), false);
    h.clock.advance(4_000);
    h.engine.updateComm(PRESS, h.clock.now(), true); // one dropped TCP connection, reconnected
    expect(h.engine.list()).toEqual([]);
    h.engine.updateComm(PRESS, h.clock.now(), false);
    h.clock.advance(4_999);
    expect(h.engine.list()).toEqual([]);
    h.clock.advance(1);
    expect(h.only('comm.lost').priority).toBe('critical');
    expect(h.actions()).toEqual(['raise:comm.lost']);
  });
});

describe('overrides straight from the service configuration', () => {
  it('a parsed presses[] entry is accepted as the overrides object', async () => {
    const { pressConfigSchema } = await import('../../src/config/schema.js');
    const press = pressConfigSchema.parse({
      id: 'sm-1',
      name: 'SM 1',
      profile: 'demo-sheetfed-4c',
      bus: 'line-1',
      unitId: 1,
      alarms: { 'door-open': { priority: 'low' } },
      levelAlarms: { paper: { medium: 30 } },
    });
    const h = makeEngine({ overrides: press });
    h.bits({ 'door-open': true });
    h.engine.updateLevels(PRESS, h.clock.now(), { paper: 29 });
    expect(h.engine.list().map((a) => `${a.code}:${a.priority}`)).toEqual(['paper.low:medium', 'door-open:low']);
  });
});
