import { describe, expect, it } from 'vitest';
import { alarmConfigFromProfile } from '../../src/alarms/alarm-config.js';
import { PRESS, makeEngine, profile } from './harness.js';

describe('the alarm list of one press', () => {
  it("is the whole list's entries of that press, in the same order", () => {
    const { engine, clock, bits } = makeEngine();
    engine.configurePress('sm-2', alarmConfigFromProfile(profile));
    bits({ 'jam.feeder': true, 'door-open': true });
    clock.advance(1000);
    engine.updateBits('sm-2', clock.now(), { 'jam.feeder': true });
    engine.updateLevels(PRESS, clock.now(), { ink: [{ unit: 1, level: 12 }] });

    const all = engine.list();
    expect(new Set(all.map((a) => a.pressId))).toEqual(new Set([PRESS, 'sm-2']));
    expect(engine.list(PRESS)).toEqual(all.filter((a) => a.pressId === PRESS));
    expect(engine.list('sm-2').map((a) => a.code)).toEqual(['jam.feeder']);
    expect(engine.list('sm-3')).toEqual([]);
  });
});
