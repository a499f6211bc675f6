import { describe, expect, it } from 'vitest';
import { PRESS, makeEngine } from './harness.js';

describe('shelving', () => {
  it('a shelved alarm is not announced again; at expiry, still active, it is re-announced', () => {
    const h = makeEngine();
    h.bits({ 'door-open': true });
    const id = h.only('door-open').id;
    const shelved = h.engine.shelve(id, { user: 'carl', minutes: 30, reason: 'door switch faulty, service called' });
    expect(shelved).toMatchObject({
      ok: true,
      alarm: { shelvedBy: 'carl', shelvedUntil: h.clock.now() + 30 * 60_000, shelveReason: 'door switch faulty, service called' },
    });

    // While shelved, the chattering switch goes off and on: listed, journaled, never announced.
    h.bits({ 'door-open': false });
    h.clock.advance(60_000);
    h.bits({ 'door-open': true });
    expect(h.trail()).toEqual([
      'raised:door-open:unack-active',
      'updated:door-open:unack-active',
      'cleared:door-open:unack-cleared',
      'updated:door-open:unack-active',
    ]);

    h.clock.advance(29 * 60_000);
    const expiry = h.events.at(-1)!;
    expect(expiry).toMatchObject({ type: 'raised', alarm: { id, shelvedUntil: null, state: 'unack-active' } });
    expect(h.journal.at(-1)).toMatchObject({ action: 'unshelve', user: null, note: 'shelving expired', alarmId: id });
  });

  it('at expiry an alarm that has cleared is only updated, not re-announced', () => {
    const h = makeEngine();
    h.bits({ 'door-open': true });
    const id = h.only('door-open').id;
    h.engine.shelve(id, { user: 'carl', minutes: 10, reason: 'maintenance' });
    h.bits({ 'door-open': false });
    h.clock.advance(10 * 60_000);
    expect(h.events.at(-1)).toMatchObject({ type: 'updated', alarm: { state: 'unack-cleared', shelvedUntil: null } });
  });

  it('an occurrence born and gone while shelved needs no acknowledgement', () => {
    const h = makeEngine();
    h.bits({ 'door-open': true });
    const first = h.only('door-open').id;
    h.engine.shelve(first, { user: 'carl', minutes: 60, reason: 'switch faulty' });
    h.engine.acknowledge(first, { user: 'carl' });
    h.bits({ 'door-open': false }); // first → normal, shelving stays on the condition
    h.bits({ 'door-open': true });
    const second = h.only('door-open');
    expect(second).toMatchObject({ state: 'unack-active', shelvedBy: 'carl' });
    expect(h.events.at(-1)!.type).toBe('updated');
    h.bits({ 'door-open': false });
    expect(h.engine.list()).toEqual([]);
    expect(h.journal.at(-1)).toMatchObject({ action: 'clear', note: 'never announced; closed without acknowledgement' });
  });

  it('manual unshelve ends shelving at once and records who', () => {
    const h = makeEngine();
    h.bits({ 'jam.feeder': true });
    const id = h.only('jam.feeder').id;
    h.engine.shelve(id, { user: 'carl', minutes: 60, reason: 'sensor check' });
    h.clock.advance(5 * 60_000);
    const result = h.engine.unshelve(id, { user: 'dora' });
    expect(result).toMatchObject({ ok: true, alarm: { shelvedUntil: null }, journal: { action: 'unshelve', user: 'dora' } });
    expect(h.events.at(-1)!.type).toBe('raised');
    h.clock.advance(60 * 60_000);
    expect(h.journal.filter((j) => j.action === 'unshelve')).toHaveLength(1);
  });

  it('refuses a shelving without reason or with minutes out of range', () => {
    const h = makeEngine();
    h.bits({ 'jam.feeder': true });
    const id = h.only('jam.feeder').id;
    expect(h.engine.shelve(id, { user: 'carl', minutes: 30, reason: ' ' })).toMatchObject({ ok: false, error: { kind: 'invalid' } });
    expect(h.engine.shelve(id, { user: 'carl', minutes: 0, reason: 'x' })).toMatchObject({ ok: false, error: { kind: 'invalid' } });
    expect(h.engine.shelve(id, { user: 'carl', minutes: 9 * 60, reason: 'x' })).toMatchObject({
      ok: false,
      error: { kind: 'invalid', message: expect.stringContaining('480') },
    });
    expect(h.engine.shelve('nope', { user: 'carl', minutes: 5, reason: 'x' })).toMatchObject({ ok: false, error: { kind: 'not-found' } });
  });
});

describe('suppression by design', () => {
  it('door open during make-ready is suppressed: journaled, not announced, no ack needed', () => {
    const h = makeEngine();
    h.engine.updateRunState(PRESS, h.clock.now(), 'setup');
    h.bits({ 'door-open': true });
    expect(h.only('door-open')).toMatchObject({ suppressed: true, state: 'unack-active' });
    expect(h.engine.activeCount(PRESS)).toBe(0);
    expect(h.engine.activeStopReason(PRESS)).toBe('door-open');
    h.clock.advance(120_000);
    h.bits({ 'door-open': false });
    expect(h.engine.list()).toEqual([]);
    expect(h.trail()).toEqual(['updated:door-open:unack-active', 'cleared:door-open:normal']);
    expect(h.actions()).toEqual(['suppress:door-open', 'clear:door-open']);
  });

  it('door still open when production starts: suppression ends and the alarm is announced', () => {
    const h = makeEngine();
    h.engine.updateRunState(PRESS, h.clock.now(), 'setup');
    h.bits({ 'door-open': true });
    h.engine.updateRunState(PRESS, h.clock.now(), 'production');
    expect(h.events.at(-1)).toMatchObject({ type: 'raised', alarm: { code: 'door-open', suppressed: false } });
    expect(h.journal.at(-1)).toMatchObject({ action: 'raise', note: 'suppression ended (run state production)' });
  });

  it('an alarm already active when make-ready starts becomes suppressed', () => {
    const h = makeEngine();
    h.bits({ 'door-open': true, 'jam.feeder': true });
    h.engine.updateRunState(PRESS, h.clock.now(), 'setup');
    expect(h.only('door-open').suppressed).toBe(true);
    expect(h.only('jam.feeder').suppressed).toBe(false);
    expect(h.actions().at(-1)).toBe('suppress:door-open');
  });
});

describe('re-notification of unacknowledged critical alarms', () => {
  it('an unacknowledged jam is announced again every interval until acknowledged', () => {
    const h = makeEngine({ engine: { renotifyMs: { critical: 120_000 } } });
    h.bits({ 'jam.feeder': true, 'door-open': true });
    const id = h.only('jam.feeder').id;
    h.clock.advance(119_999);
    expect(h.events.filter((e) => e.type === 'renotify')).toEqual([]);
    h.clock.advance(1);
    h.clock.advance(120_000);
    const renotified = h.events.filter((e) => e.type === 'renotify');
    expect(renotified.map((e) => [e.alarm.code, e.at])).toEqual([
      ['jam.feeder', h.clock.now() - 120_000],
      ['jam.feeder', h.clock.now()],
    ]);
    h.engine.acknowledge(id, { user: 'anna' });
    h.clock.advance(600_000);
    expect(h.events.filter((e) => e.type === 'renotify')).toHaveLength(2);
    expect(h.journal.filter((j) => j.action === 'renotify')).toHaveLength(2);
  });

  it('does not re-notify a shelved jam', () => {
    const h = makeEngine({ engine: { renotifyMs: { critical: 60_000 } } });
    h.bits({ 'jam.feeder': true });
    h.engine.shelve(h.only('jam.feeder').id, { user: 'anna', minutes: 10, reason: 'known, waiting for mechanic' });
    h.clock.advance(9 * 60_000);
    expect(h.events.filter((e) => e.type === 'renotify')).toEqual([]);
  });
});
