import { describe, expect, it } from 'vitest';
import { deriveRunState, stateFromCode, type StateMap, type StopAlarm } from '../../src/presses/run-state.js';

const states: StateMap = {
  '0': 'idle',
  '2': 'production',
  '3': { state: 'stopped', reason: 'operator' },
  '4': { state: 'stopped', reason: 'jam' },
  '7': { state: 'stopped', reason: 'fault' },
  '8': 'stopped',
  '9': { state: 'setup', detail: 'plate change' },
};
const jam = (raisedAt: number, clearedAt: number | null = null): StopAlarm => ({
  code: 'jam.feeder',
  label: 'Paper jam at feeder',
  stopReason: 'jam',
  raisedAt,
  clearedAt,
});
const door = (raisedAt: number, clearedAt: number | null = null): StopAlarm => ({
  code: 'door-open',
  label: 'Guard door open',
  stopReason: 'door-open',
  raisedAt,
  clearedAt,
});
const derive = (code: number | null, stopAlarms: StopAlarm[] = [], stoppedSince = 1000, online = true) =>
  deriveRunState({ online, code, states, stoppedSince, stopAlarms });

describe('run state from the PLC state code', () => {
  it('maps codes through the profile, with reason and detail where given', () => {
    expect(stateFromCode(2, states)).toEqual({ state: 'production', reason: null, detail: null });
    expect(stateFromCode(4, states)).toEqual({ state: 'stopped', reason: 'jam', detail: null });
    expect(stateFromCode(9, states)).toEqual({ state: 'setup', reason: null, detail: 'plate change' });
  });

  it('treats an unknown code as a stop for another reason, naming the code', () => {
    expect(derive(77)).toEqual({ state: 'stopped', reason: 'other', detail: 'unknown state code 77' });
  });

  it('is offline when the press does not answer, whatever its last code', () => {
    expect(derive(2, [], 1000, false)).toEqual({ state: 'offline', reason: null, detail: 'no communication' });
  });

  it('is offline until the state code has been read once', () => {
    expect(derive(null).state).toBe('offline');
  });
});

describe('stop reason from alarms', () => {
  it('an operator stop with a jam alarm raised just before is a jam stop', () => {
    expect(derive(3, [jam(990)], 1000)).toEqual({ state: 'stopped', reason: 'jam', detail: 'Paper jam at feeder', alarmCode: 'jam.feeder' });
  });

  it('a stop without any PLC reason takes the alarm reason too, including one raised at the same instant', () => {
    expect(derive(8, [door(1000)], 1000)).toMatchObject({ reason: 'door-open' });
  });

  it('an alarm raised after the settle window does not rewrite why the press stopped', () => {
    expect(derive(3, [door(4001)], 1000)).toEqual({ state: 'stopped', reason: 'operator', detail: null });
    expect(derive(8, [door(4001)], 1000)).toEqual({ state: 'stopped', reason: null, detail: null });
  });

  it('a jam bit that arrives 1.5 s after the stop code (another read) names the stop', () => {
    expect(derive(8, [jam(2500)], 1000)).toEqual({ state: 'stopped', reason: 'jam', detail: 'Paper jam at feeder', alarmCode: 'jam.feeder' });
    expect(derive(3, [jam(4000)], 1000).reason).toBe('jam'); // the window's end is inside
  });

  it('the settle window is configurable', () => {
    expect(deriveRunState({ online: true, code: 8, states, stoppedSince: 1000, stopAlarms: [jam(2500)], settleMs: 1000 }).reason).toBeNull();
  });

  it('a generic fault code from the PLC does not hide an active jam', () => {
    expect(derive(7, [jam(900)], 1000)).toMatchObject({ state: 'stopped', reason: 'jam', detail: 'Paper jam at feeder' });
    expect(derive(7, [], 1000)).toEqual({ state: 'stopped', reason: 'fault', detail: null });
  });

  it('an alarm active at the stop comes before one raised in the settle window (first-out)', () => {
    expect(derive(8, [door(1200), jam(900)], 1000)).toMatchObject({ reason: 'jam' });
  });

  it('an alarm that had cleared before the stop is not its cause', () => {
    expect(derive(3, [jam(100, 500)], 1000).reason).toBe('operator');
  });

  it('an alarm that cleared after the stop still explains it', () => {
    expect(derive(3, [jam(900, 1200)], 1000).reason).toBe('jam');
  });

  it('with several alarms active at the stop the first one raised is the cause (first-out)', () => {
    expect(derive(3, [door(950), jam(900)], 1000)).toMatchObject({ reason: 'jam' });
  });

  it('a specific PLC reason wins over the alarms', () => {
    expect(derive(4, [door(900)], 1000)).toEqual({ state: 'stopped', reason: 'jam', detail: null });
  });

  it('alarms never turn a running press into a stopped one', () => {
    expect(derive(2, [jam(900)], 1000)).toEqual({ state: 'production', reason: null, detail: null });
  });
});
