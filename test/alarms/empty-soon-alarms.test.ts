/**
 * Time-to-empty pre-alarms in the engine: `paper.empty-soon` and `ink.empty-soon.<unit>` come
 * with the level update (the supplies module decides them) and are alarms like any other:
 * listed, journaled, acknowledged; medium unless the service configuration or a per-code
 * override says otherwise.
 */
import { describe, expect, it } from 'vitest';
import { alarmConfigFromProfile } from '../../src/alarms/alarm-config.js';
import { makeEngine, PRESS, profile } from './harness.js';

describe('time-to-empty pre-alarms', () => {
  it('raise and clear with the emptySoon flags of the level update, at medium by default, and stay listed until acknowledged', () => {
    const h = makeEngine();
    h.engine.updateLevels(PRESS, h.clock.now(), {
      paper: 40,
      ink: [{ unit: 2, level: 30 }],
      emptySoon: {
        paper: true,
        ink: [
          { unit: 2, emptySoon: true },
          { unit: 1, emptySoon: false },
        ],
      },
    });
    expect(h.trail()).toEqual(['raised:ink.empty-soon.2:unack-active', 'raised:paper.empty-soon:unack-active']);
    expect(h.only('paper.empty-soon')).toMatchObject({ label: 'Paper running out', priority: 'medium', active: true });
    expect(h.only('ink.empty-soon.2')).toMatchObject({ label: 'Ink running out, unit 2 (magenta)', priority: 'medium' });

    // left out: unchanged; false: cleared, still listed until acknowledged
    h.engine.updateLevels(PRESS, h.clock.now(), { paper: 38 });
    expect(h.only('paper.empty-soon').active).toBe(true);
    h.engine.updateLevels(PRESS, h.clock.now(), { paper: 95, emptySoon: { paper: false } });
    expect(h.only('paper.empty-soon').state).toBe('unack-cleared');
    const ack = h.engine.acknowledge(h.only('paper.empty-soon').id, { user: 'anna' });
    expect(ack.ok).toBe(true);
    expect(h.engine.list().map((a) => a.code)).toEqual(['ink.empty-soon.2']);
    expect(h.actions()).toEqual(['raise:ink.empty-soon.2', 'raise:paper.empty-soon', 'clear:paper.empty-soon', 'ack:paper.empty-soon']);
  });

  it('take the service-wide priority, a per-code override, and can be disabled per code', () => {
    const h = makeEngine({ overrides: { alarms: { 'ink.empty-soon.1': { priority: 'critical' }, 'ink.empty-soon.4': { enabled: false } } } });
    h.engine.configurePress(
      PRESS,
      alarmConfigFromProfile(
        profile,
        { alarms: { 'ink.empty-soon.1': { priority: 'critical' }, 'ink.empty-soon.4': { enabled: false } } },
        { emptySoonPriority: 'high' },
      ),
    );
    h.engine.updateLevels(PRESS, h.clock.now(), {
      emptySoon: {
        paper: true,
        ink: [
          { unit: 1, emptySoon: true },
          { unit: 4, emptySoon: true },
        ],
      },
    });
    expect(h.engine.list().map((a) => `${a.code}:${a.priority}`)).toEqual(['ink.empty-soon.1:critical', 'paper.empty-soon:high']);
  });

  it('an unacknowledged critical one is re-announced like any critical alarm', () => {
    const h = makeEngine({ overrides: { alarms: { 'paper.empty-soon': { priority: 'critical' } } }, engine: { renotifyMs: { critical: 60_000 } } });
    h.engine.updateLevels(PRESS, h.clock.now(), { emptySoon: { paper: true } });
    h.clock.advance(60_000);
    expect(h.trail()).toEqual(['raised:paper.empty-soon:unack-active', 'renotify:paper.empty-soon:unack-active']);
  });
});
