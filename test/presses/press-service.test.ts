import { afterEach, describe, expect, it } from 'vitest';
import { loadProfileFile } from '../../src/model/profile-load.js';
import { ManualClock } from '../helpers/manual-clock.js';
import type { PressSnapshot } from '../../src/model/press-snapshot.js';
import type { PressHealth, Reading } from '../../src/poller/reading.js';
import type { AlarmBits, CountersChanged, StateTransition } from '../../src/presses/events.js';
import { MIN_UPDATE_INTERVAL_MS, PressService, type PressServiceOptions } from '../../src/presses/press-service.js';

const profile = loadProfileFile('config/profiles/demo-sheetfed-4c.yaml');
const link = { kind: 'tcp' as const, bus: 'line-1', unitId: 1, address: '127.0.0.1:1502' };

let clock: ManualClock;
let service: PressService;
afterEach(() => service?.stop());

function setup(options: Partial<PressServiceOptions> = {}) {
  clock = new ManualClock();
  service = new PressService({ presses: [{ id: 'p1', name: 'Heidelberg 1', link, profile }], clock, ...options });
  const updates: PressSnapshot[] = [];
  const transitions: StateTransition[] = [];
  const alarmBits: AlarmBits[] = [];
  const counters: CountersChanged[] = [];
  service.on('press:update', (s) => updates.push(s));
  service.on('state:transition', (t) => transitions.push(t));
  service.on('alarm-bits', (a) => alarmBits.push(a));
  service.on('counters:changed', (c) => counters.push(c));
  return { updates, transitions, alarmBits, counters };
}

/** A reading of `scanClass` taken now, after moving the clock by `afterMs`. */
function read(scanClass: string, values: Reading['values'], options: { afterMs?: number; ok?: boolean } = {}): Reading {
  clock.advance(options.afterMs ?? 0);
  const reading: Reading = { pressId: 'p1', scanClass, at: clock.now(), values, ok: options.ok ?? true, latencyMs: 5 };
  if (reading.ok === false) reading.error = { kind: 'timeout', message: 'no answer' };
  service.applyReading(reading);
  return reading;
}
const fast = (values: Reading['values'], afterMs = 250) =>
  read(
    'fast',
    { state: 2, speed: 12_000, 'jam.feeder': false, 'jam.delivery': false, 'double-sheet': false, 'door-open': false, 'e-stop': false, ...values },
    { afterMs },
  );

function health(online: boolean, extra: Partial<PressHealth> = {}): PressHealth {
  return {
    pressId: 'p1',
    online,
    lastOkAt: null,
    lastErrorAt: null,
    lastError: null,
    latencyMs: 4,
    errors: {},
    reads: 10,
    offScanUntil: null,
    overruns: {},
    overrunning: [],
    ...extra,
  };
}

describe('PressService: the snapshot before any reading', () => {
  it('lists the press offline with its ink units, paper and levels from the profile, values unknown', () => {
    setup();
    const snap = service.snapshot('p1')!;
    expect(snap).toMatchObject({
      id: 'p1',
      name: 'Heidelberg 1',
      model: 'demo-sheetfed-4c',
      link,
      online: false,
      state: 'offline',
      speed: null,
      ratedSpeed: 15_000,
    });
    expect(snap.ink.map((i) => [i.unit, i.color, i.level])).toEqual([
      [1, 'cyan', null],
      [2, 'magenta', null],
      [3, 'yellow', null],
      [4, 'black', null],
    ]);
    expect(snap.paper).toMatchObject({ kind: 'pile', level: null });
    expect(snap.levels).toMatchObject([{ name: 'fountain', label: 'Fountain solution', level: null }]);
    expect(snap.counters).toEqual({ total: 0, good: 0, waste: 0 });
  });

  it('starts from persisted counters', () => {
    setup({ restoreCounters: () => ({ counters: { total: 1000, good: 950, waste: 50 }, lastRaw: { total: null, good: null, waste: null } }) });
    expect(service.snapshot('p1')!.counters).toEqual({ total: 1000, good: 950, waste: 50 });
  });
});

describe('PressService: run state and transitions', () => {
  it('goes from offline to production at the first reading and stays there without moving stateSince', () => {
    const { transitions } = setup();
    service.applyHealth(health(true));
    const first = fast({}, 0);
    fast({});
    fast({});
    expect(transitions).toEqual([
      { pressId: 'p1', at: first.at, from: 'offline', fromSince: expect.any(Number), to: 'production', reason: null, detail: null },
    ]);
    expect(service.snapshot('p1')).toMatchObject({ state: 'production', stateSince: first.at, speed: 12_000, online: true });
  });

  it('a jam raised as the press stops gives the stop its reason, which stays after the jam clears', () => {
    const { transitions } = setup();
    fast({}, 0);
    const stop = fast({ state: 3, 'jam.feeder': true }); // operator stop code, jam bit in the same cycle
    fast({ state: 3, 'jam.feeder': false });
    fast({ state: 3 });
    expect(transitions.slice(1)).toEqual([
      {
        pressId: 'p1',
        at: stop.at,
        from: 'production',
        fromSince: expect.any(Number),
        to: 'stopped',
        reason: 'jam',
        detail: 'Paper jam at feeder',
        alarmCode: 'jam.feeder',
      },
    ]);
    expect(service.snapshot('p1')).toMatchObject({ state: 'stopped', stopReason: 'jam', stateDetail: 'Paper jam at feeder', stateSince: stop.at });
  });

  it('a door opened after the settle window of an operator stop does not become its reason', () => {
    setup();
    fast({}, 0);
    fast({ state: 3 });
    fast({ state: 3, 'door-open': true }, 3100);
    expect(service.snapshot('p1')).toMatchObject({ state: 'stopped', stopReason: 'operator' });
  });

  it('a jam bit read 1.5 s after the stop code names the stop; the stop keeps its start', () => {
    const { transitions } = setup();
    fast({}, 0);
    const stop = fast({ state: 3 });
    fast({ state: 3, 'jam.feeder': true }, 1500);
    expect(service.snapshot('p1')).toMatchObject({ state: 'stopped', stopReason: 'jam', stateDetail: 'Paper jam at feeder', stateSince: stop.at });
    expect(transitions.at(-1)).toMatchObject({ from: 'stopped', to: 'stopped', fromSince: stop.at, reason: 'jam', revisesStop: true, alarmCode: 'jam.feeder' });
  });

  it('a new stop reason from the PLC while stopped is a transition of its own', () => {
    const { transitions } = setup();
    fast({}, 0);
    fast({ state: 4 });
    const change = fast({ state: 5 });
    expect(transitions.slice(1).map((t) => [t.from, t.to, t.reason])).toEqual([
      ['production', 'stopped', 'jam'],
      ['stopped', 'stopped', 'door-open'],
    ]);
    expect(service.snapshot('p1')!.stateSince).toBe(change.at);
  });

  it('an unknown state code stops the press for another reason, naming the code', () => {
    setup();
    fast({ state: 42 }, 0);
    expect(service.snapshot('p1')).toMatchObject({ state: 'stopped', stopReason: 'other', stateDetail: 'unknown state code 42' });
  });

  it('goes offline when comm is lost, and back to the PLC state at the first reading after', () => {
    const { transitions } = setup();
    service.applyHealth(health(true));
    fast({}, 0);
    clock.advance(1000);
    service.applyHealth(health(false, { offScanUntil: clock.now() + 2000, errors: { timeout: 3 } }));
    expect(service.snapshot('p1')).toMatchObject({ online: false, state: 'offline', speed: null, comm: { errors: { timeout: 3 } } });
    clock.advance(2000);
    service.applyHealth(health(true));
    const back = fast({}, 10); // same code as before the loss
    expect(transitions.map((t) => t.to)).toEqual(['production', 'offline', 'production']);
    expect(service.snapshot('p1')!.stateSince).toBe(back.at);
  });
});

describe('PressService: time in state across a restart (restoreState)', () => {
  const HOUR = 3_600_000;
  /** Stored two hours before the ManualClock's start, the service's "now". */
  const since = 1_700_000_000_000 - 2 * HOUR;

  it('continues the stored state when the first state derived is the same: stateSince is the stored time', () => {
    const { transitions } = setup({ restoreState: () => ({ state: 'production', reason: null, since }) });
    service.applyHealth(health(true));
    const first = fast({}, 0);
    expect(service.snapshot('p1')).toMatchObject({ state: 'production', stateSince: since });
    // announced (the alarm engine learns the state), marked as nothing new to store
    expect(transitions).toEqual([
      { pressId: 'p1', at: first.at, from: 'offline', fromSince: expect.any(Number), to: 'production', reason: null, detail: null, continued: true },
    ]);
  });

  it('starts the clock afresh when the first state derived differs from the stored one', () => {
    const { transitions } = setup({ restoreState: () => ({ state: 'setup', reason: null, since }) });
    const first = fast({ state: 2 }, 0);
    expect(service.snapshot('p1')).toMatchObject({ state: 'production', stateSince: first.at });
    expect(transitions[0]!.continued).toBeUndefined();
  });

  it('applies to the first state only: going back to the stored state later is a new stay', () => {
    setup({ restoreState: () => ({ state: 'setup', reason: null, since }) });
    fast({ state: 2 }, 0);
    const back = fast({ state: 1 });
    expect(service.snapshot('p1')).toMatchObject({ state: 'setup', stateSince: back.at });
  });

  it('an offline press found offline again keeps the stored offline time, without a transition', () => {
    const { transitions } = setup({ restoreState: () => ({ state: 'offline', reason: null, since }) });
    service.applyHealth(health(false, { lastError: 'timeout' }));
    expect(service.snapshot('p1')).toMatchObject({ state: 'offline', stateSince: since });
    expect(transitions).toEqual([]);
  });

  it('a press stored printing and found offline at the start goes offline by a transition (stored, seen by the reports)', () => {
    const since = 1_699_999_000_000;
    const { transitions } = setup({ restoreState: () => ({ state: 'production', reason: null, since }) });
    service.applyHealth(health(false));
    expect(transitions).toEqual([expect.objectContaining({ from: 'production', fromSince: since, to: 'offline', detail: 'no communication' })]);
    expect(transitions[0]!.continued).toBeUndefined();
  });

  it('without a stored state, stateSince is the first reading', () => {
    setup({ restoreState: () => undefined });
    const first = fast({}, 0);
    expect(service.snapshot('p1')!.stateSince).toBe(first.at);
  });
});

describe('PressService: counters', () => {
  it('counts impressions monotonically through a 32-bit wrap and a job reset, announcing each change', () => {
    const { counters } = setup();
    read('counters', { impressions: 2 ** 32 - 10, good: 500, waste: 20 });
    read('counters', { impressions: 5, good: 510, waste: 20 }, { afterMs: 1000 }); // wrap: 15 more
    expect(service.snapshot('p1')!.counterResetAt).toBeNull(); // a wrap is no job change
    const reset = read('counters', { impressions: 3, good: 2, waste: 1 }, { afterMs: 1000 }); // job change: reset
    expect(service.snapshot('p1')!.counterResetAt).toBe(reset.at);
    expect(service.snapshot('p1')).toMatchObject({ counters: { total: 18, good: 12, waste: 1 }, jobCounters: { total: 3, good: 2, waste: 1 } });
    expect(counters).toHaveLength(3);
    expect(counters.at(-1)).toMatchObject({ pressId: 'p1', counters: { total: 18, good: 12, waste: 1 }, lastRaw: { total: 3, good: 2, waste: 1 } });
  });

  it('continues from restored counters and raw values across a restart', () => {
    setup({ restoreCounters: () => ({ counters: { total: 1000, good: 900, waste: 100 }, lastRaw: { total: 5000, good: 4500, waste: 500 } }) });
    read('counters', { impressions: 5010, good: 4508, waste: 502 });
    expect(service.snapshot('p1')!.counters).toEqual({ total: 1010, good: 908, waste: 102 });
  });

  it('does not add a counter jump faster than 2x rated speed to the totals, and flags it', () => {
    const { counters } = setup();
    const glitches: unknown[] = [];
    service.on('counter:implausible', (g) => glitches.push(g));
    read('counters', { impressions: 100, good: 90, waste: 10 });
    const bad = read('counters', { impressions: 4_294_967_290, good: 92, waste: 10 }, { afterMs: 1500 });
    expect(service.snapshot('p1')!.jobCounters.total).toBe(100); // never shown: the next reading would look like a job reset
    read('counters', { impressions: 104, good: 94, waste: 10 }, { afterMs: 1000 });
    expect(service.snapshot('p1')).toMatchObject({
      counters: { total: 4, good: 4, waste: 0 },
      counterGlitch: { at: bad.at, counter: 'total', from: 100, to: 4_294_967_290 },
    });
    expect(glitches).toEqual([{ pressId: 'p1', at: bad.at, counter: 'total', from: 100, to: 4_294_967_290 }]);
    expect(counters.at(-1)!.counters.total).toBe(4);
  });

  it('takes a counter set to a new value as the baseline once it counts on plausibly from there', () => {
    setup();
    read('counters', { impressions: 100 });
    read('counters', { impressions: 50_000 }, { afterMs: 1000 });
    read('counters', { impressions: 50_003 }, { afterMs: 1000 });
    read('counters', { impressions: 50_006 }, { afterMs: 1000 });
    expect(service.snapshot('p1')!.counters.total).toBe(3);
  });

  it('stays silent while the press does not print', () => {
    const { counters } = setup();
    read('counters', { impressions: 100, good: 90, waste: 10 });
    read('counters', { impressions: 100, good: 90, waste: 10 }, { afterMs: 1000 });
    expect(counters).toHaveLength(1);
  });
});

describe('PressService: levels and their quality', () => {
  it('shows ink, paper and other levels with the time they were read', () => {
    setup();
    const r = read('slow', { 'ink.1': 80, 'ink.2': 55.5, 'ink.3': 30, 'ink.4': 12.5, paper: 64, fountain: 90 });
    const snap = service.snapshot('p1')!;
    expect(snap.ink.map((i) => [i.color, i.level, i.quality, i.at])).toEqual([
      ['cyan', 80, 'good', r.at],
      ['magenta', 55.5, 'good', r.at],
      ['yellow', 30, 'good', r.at],
      ['black', 12.5, 'good', r.at],
    ]);
    expect(snap.paper).toEqual({ kind: 'pile', level: 64, quality: 'good', at: r.at });
    expect(snap.levels[0]).toMatchObject({ name: 'fountain', level: 90, quality: 'good' });
  });

  it('marks levels stale when not refreshed for 3 slow periods, bad when their read failed', () => {
    setup();
    read('slow', { 'ink.1': 80 });
    clock.advance(6000);
    expect(service.snapshot('p1')!.ink[0]!.quality).toBe('good');
    clock.advance(1);
    expect(service.snapshot('p1')!.ink[0]).toMatchObject({ quality: 'stale', level: 80 });
    read('slow', {}, { ok: false });
    expect(service.snapshot('p1')!.ink[0]).toMatchObject({ quality: 'bad', level: 80 });
    read('slow', { 'ink.1': 79 }, { afterMs: 2000 });
    expect(service.snapshot('p1')!.ink[0]).toMatchObject({ quality: 'good', level: 79 });
  });

  it('marks a level outside 0-100 % and a negative speed bad', () => {
    setup();
    read('slow', { 'ink.1': 112.5, 'ink.2': -1, 'ink.3': 50, 'ink.4': 100 });
    fast({ speed: -5.25 }, 0);
    const snap = service.snapshot('p1')!;
    expect(snap.ink.map((i) => i.quality)).toEqual(['bad', 'bad', 'good', 'good']);
    expect(snap.speedQuality).toBe('bad');
    fast({ speed: 9000 });
    expect(service.snapshot('p1')!.speedQuality).toBe('good');
  });

  it('a fast reading does not touch the quality of slow levels', () => {
    setup();
    read('slow', { 'ink.1': 80 });
    fast({});
    read('fast', {}, { ok: false });
    expect(service.snapshot('p1')!.ink[0]!.quality).toBe('good');
  });
});

describe('PressService: alarm bits for the alarm engine', () => {
  it('reports the alarm conditions of each reading, by code, with activeWhen applied, and counts the active ones', () => {
    const { alarmBits } = setup();
    fast({ 'jam.feeder': true }, 0);
    read('fast', { 'e-stop': true }); // a partial reading: only what was read is reported
    expect(alarmBits.map((a) => a.bits)).toEqual([
      { 'jam.feeder': true, 'jam.delivery': false, 'double-sheet': false, 'door-open': false, 'e-stop': false },
      { 'e-stop': true },
    ]);
    expect(alarmBits[0]!.state).toBe('production');
    expect(service.snapshot('p1')!.activeAlarms).toBe(2);
    service.setActiveAlarms('p1', 5);
    fast({});
    expect(service.snapshot('p1')!.activeAlarms).toBe(5);
  });
});

describe('PressService: press:update throttling', () => {
  it('sends at most one update per fast scan period, the last change included', () => {
    const { updates } = setup();
    for (let i = 0; i < 10; i++) read('fast', { speed: 1000 + i }, { afterMs: 20 }); // 10 readings in 200 ms
    expect(updates.map((u) => u.speed)).toEqual([1000]); // the first at once
    clock.advance(100);
    expect(updates.map((u) => u.speed)).toEqual([1000, 1009]); // one trailing update, 250 ms later
    clock.advance(1000);
    expect(updates).toHaveLength(2);
  });

  it('hands out copies: a listener cannot change the live snapshot', () => {
    const { updates } = setup();
    fast({}, 0);
    updates[0]!.ink[0]!.level = 999;
    updates[0]!.counters.total = 999;
    expect(service.snapshot('p1')!.counters.total).toBe(0);
    expect(service.snapshot('p1')!.ink[0]!.level).toBeNull();
  });

  it('ignores data for a press that is not configured', () => {
    const { updates } = setup();
    service.applyReading({ pressId: 'ghost', scanClass: 'fast', at: clock.now(), values: { state: 2 }, ok: true, latencyMs: 1 });
    expect(updates).toHaveLength(0);
  });
});

describe('PressService: the update rate of a press scanned faster than 10 times a second', () => {
  it('sends at most one press:update per 100 ms, the last value of a burst always, and every jam bit at once', () => {
    const fastProfile = { ...profile, polling: { ...profile.polling, scanClasses: { ...profile.polling.scanClasses, fast: 25 } } };
    clock = new ManualClock();
    service = new PressService({ presses: [{ id: 'p1', name: 'Heidelberg 1', link, profile: fastProfile }], clock });
    const updates: PressSnapshot[] = [];
    const sentAt: number[] = [];
    const alarmBits: AlarmBits[] = [];
    service.on('press:update', (s) => {
      updates.push(s);
      sentAt.push(clock.now());
    });
    service.on('alarm-bits', (a) => alarmBits.push(a));
    // one second of 25 ms reads, the speed rising every read, a jam for one read in the middle
    for (let i = 1; i <= 40; i++) fast({ speed: 10_000 + i, 'jam.feeder': i === 20 }, 25);
    clock.advance(100); // the trailing update of the last burst
    expect(updates.length).toBeGreaterThanOrEqual(10);
    expect(updates.length).toBeLessThanOrEqual(11);
    for (let i = 1; i < sentAt.length; i++) expect(sentAt[i]! - sentAt[i - 1]!).toBeGreaterThanOrEqual(100);
    expect(updates.at(-1)!.speed).toBe(10_040);
    expect(alarmBits.filter((a) => a.bits['jam.feeder'] === true)).toHaveLength(1);
    expect(MIN_UPDATE_INTERVAL_MS).toBe(100);
  });
});
