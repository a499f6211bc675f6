import { describe, expect, it } from 'vitest';
import { ManualClock } from '../helpers/manual-clock.js';
import { AlarmEngine } from '../../src/alarms/alarm-engine.js';
import { alarmConfigFromProfile } from '../../src/alarms/alarm-config.js';
import { profileSchema } from '../../src/model/profile-schema.js';
import { PRESS, makeEngine, profile } from './harness.js';

describe('alarm states (ISA-18.2): a paper jam at the feeder', () => {
  it('raise → ack → clear: acknowledged while active, leaves the list when it clears', () => {
    const h = makeEngine();
    h.bits({ 'jam.feeder': true });
    const jam = h.only('jam.feeder');
    expect(jam).toMatchObject({ state: 'unack-active', priority: 'critical', label: 'Paper jam at feeder', stopReason: 'jam', raisedAt: h.clock.now() });

    h.clock.advance(30_000);
    const ack = h.engine.acknowledge(jam.id, { user: 'anna', note: 'clearing the feeder' });
    expect(ack).toMatchObject({ ok: true, alarm: { state: 'acked-active', ackedBy: 'anna', ackNote: 'clearing the feeder', ackedAt: h.clock.now() } });
    expect(h.engine.list()).toHaveLength(1);

    h.clock.advance(60_000);
    h.bits({ 'jam.feeder': false });
    expect(h.engine.list()).toEqual([]);
    expect(h.trail()).toEqual(['raised:jam.feeder:unack-active', 'acked:jam.feeder:acked-active', 'cleared:jam.feeder:normal']);
    expect(h.actions()).toEqual(['raise:jam.feeder', 'ack:jam.feeder', 'clear:jam.feeder']);
  });

  it('raise → clear → ack: stays listed (unack-cleared) until someone acknowledges it', () => {
    const h = makeEngine();
    h.bits({ 'jam.feeder': true });
    const id = h.only('jam.feeder').id;
    h.clock.advance(5_000);
    h.bits({ 'jam.feeder': false });
    expect(h.only('jam.feeder')).toMatchObject({ id, state: 'unack-cleared', active: false, clearedAt: h.clock.now() });

    // Hours later it is still there: nobody saw it.
    h.clock.advance(3 * 3_600_000);
    expect(h.engine.list().map((a) => a.id)).toEqual([id]);

    const ack = h.engine.acknowledge(id, { user: 'ben' });
    expect(ack).toMatchObject({ ok: true, alarm: { state: 'normal', ackNote: null } });
    expect(h.engine.list()).toEqual([]);
    expect(h.actions()).toEqual(['raise:jam.feeder', 'clear:jam.feeder', 'ack:jam.feeder']);
  });

  it('a condition that returns before acknowledgement re-activates the same listed alarm', () => {
    const h = makeEngine();
    h.bits({ 'jam.feeder': true });
    const id = h.only('jam.feeder').id;
    h.clock.advance(1_000);
    h.bits({ 'jam.feeder': false });
    h.clock.advance(1_000);
    h.bits({ 'jam.feeder': true });
    expect(h.only('jam.feeder')).toMatchObject({ id, state: 'unack-active', clearedAt: null, chatterCount: 2 });
    expect(h.actions()).toEqual(['raise:jam.feeder', 'clear:jam.feeder', 'raise:jam.feeder']);
  });

  it('after normal, the next jam is a new occurrence with a new id', () => {
    const h = makeEngine();
    h.bits({ 'jam.feeder': true });
    const first = h.only('jam.feeder').id;
    h.engine.acknowledge(first, { user: 'anna' });
    h.bits({ 'jam.feeder': false });
    h.clock.advance(10_000);
    h.bits({ 'jam.feeder': true });
    expect(h.only('jam.feeder').id).not.toBe(first);
  });

  it('refuses commands with typed errors: unknown id, double ack, no user', () => {
    const h = makeEngine();
    expect(h.engine.acknowledge('nope', { user: 'anna' })).toMatchObject({ ok: false, error: { kind: 'not-found', alarmId: 'nope' } });
    h.bits({ 'e-stop': true });
    const id = h.only('e-stop').id;
    expect(h.engine.acknowledge(id, { user: '  ' })).toMatchObject({ ok: false, error: { kind: 'invalid' } });
    expect(h.engine.acknowledge(id, { user: 'anna' }).ok).toBe(true);
    expect(h.engine.acknowledge(id, { user: 'ben' })).toMatchObject({ ok: false, error: { kind: 'already-acked', message: expect.stringContaining('anna') } });
    expect(h.engine.unshelve(id, { user: 'anna' })).toMatchObject({ ok: false, error: { kind: 'not-shelved' } });
    // After normal the id is off the list.
    h.bits({ 'e-stop': false });
    expect(h.engine.acknowledge(id, { user: 'anna' })).toMatchObject({ ok: false, error: { kind: 'not-found' } });
  });

  it('takes conditions with activeWhen already applied (a normally-closed air-pressure switch) and ignores codes it does not know', () => {
    const clock = new ManualClock();
    const engine = new AlarmEngine({ clock });
    const withNormallyClosed = profileSchema.parse({
      ...profile,
      signals: [
        ...profile.signals,
        {
          name: 'air',
          role: 'alarm',
          area: 'discrete',
          address: 9,
          type: 'bool',
          alarm: { code: 'air.low', label: 'Air pressure low', priority: 'high', activeWhen: false },
        },
      ],
    });
    engine.configurePress(PRESS, alarmConfigFromProfile(withNormallyClosed));
    // the press service turns the raw bit (false = low air) into "condition present"
    engine.updateBits(PRESS, clock.now(), { 'no-such-alarm': true, 'air.low': false, 'e-stop': false });
    expect(engine.list()).toEqual([]);
    engine.updateBits(PRESS, clock.now(), { 'air.low': true });
    expect(engine.list().map((a) => a.code)).toEqual(['air.low']);
  });

  it('unknown press is a wiring error, thrown with the press id', () => {
    const h = makeEngine();
    expect(() => h.engine.updateBits('ghost', 0, {})).toThrow(expect.objectContaining({ name: 'AlarmEngineError', kind: 'unknown-press', pressId: 'ghost' }));
  });

  it('gives a stop its cause: the most recent active alarm with a stop reason', () => {
    const h = makeEngine();
    expect(h.engine.activeStopReason(PRESS)).toBeNull();
    h.bits({ 'door-open': true });
    h.clock.advance(1_000);
    h.bits({ 'jam.delivery': true });
    expect(h.engine.activeStopReason(PRESS)).toBe('jam');
    h.bits({ 'jam.delivery': false });
    expect(h.engine.activeStopReason(PRESS)).toBe('door-open');
    expect(h.engine.activeCount(PRESS)).toBe(1);
  });

  it('lists the most urgent first', () => {
    const h = makeEngine();
    h.bits({ 'door-open': true });
    h.clock.advance(1_000);
    h.bits({ 'jam.feeder': true });
    h.engine.updateLevels(PRESS, h.clock.now(), { paper: 10 });
    expect(h.engine.list().map((a) => `${a.code}:${a.priority}`)).toEqual(['jam.feeder:critical', 'door-open:high', 'paper.low:medium']);
  });
});

describe('implausible counter jump', () => {
  it('is raised and cleared at once, journaled, and listed until acknowledged', () => {
    const { engine, clock, actions, only } = makeEngine();
    engine.counterImplausible(PRESS, clock.now());
    expect(actions()).toEqual(['raise:counter.implausible', 'clear:counter.implausible']);
    expect(only('counter.implausible')).toMatchObject({ label: 'Implausible counter jump (not counted)', priority: 'low', active: false, acknowledged: false });
  });
});
