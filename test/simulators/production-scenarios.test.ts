/** The simulator plays what the production feature must handle: jobs, stops with and without a PLC reason, a late jam bit, a counter glitch. */
import { describe, expect, it } from 'vitest';
import { PressModel } from '../../simulators/press-model.js';
import { PressRegisters } from '../../simulators/press-registers.js';
import { profile4c } from './helpers.js';

const stateWord = (registers: PressRegisters) => (registers.read('holding', 0, 1) as { values: number[] }).values[0];

function printing() {
  const model = new PressModel({
    profile: profile4c,
    seed: 7,
    jamMeanIntervalMs: 0,
    job: { goodSheets: 1_000_000 },
    initial: { paper: 100, phase: 'production' },
  });
  const registers = new PressRegisters(profile4c, model, { strict: false });
  model.advance(60_000);
  return { model, registers };
}

describe('simulator: production scenarios', () => {
  it('a jam whose bit lags the stop code: the generic fault code at once, the jam bit 1.5 s later, the code kept', () => {
    const { model, registers } = printing();
    model.injectJam('jam.feeder', { lagMs: 1500 });
    expect([model.runState, stateWord(registers), model.isAlarmActive('jam.feeder')]).toEqual(['stopped', 9, false]);
    model.advance(1400);
    expect(model.isAlarmActive('jam.feeder')).toBe(false);
    model.advance(200);
    expect([model.runState, stateWord(registers), model.isAlarmActive('jam.feeder')]).toEqual(['stopped', 9, true]);
    model.clearJam();
    model.advance(200);
    expect(model.runState).toBe('production');
  });

  it('stops with and without a reason in the state code', () => {
    const { model, registers } = printing();
    model.stop('none');
    expect(stateWord(registers)).toBe(8);
    model.start();
    model.advance(100);
    model.stop();
    expect(stateWord(registers)).toBe(3);
  });

  it('a new job of a planned quantity resets the counters; the job ends after its good sheets', () => {
    const { model } = printing();
    model.newJob(50);
    expect([model.counter('total'), model.counter('good'), model.runState]).toEqual([0, 0, 'setup']);
    for (let i = 0; i < 600 && model.runState !== 'cleanup'; i++) model.advance(1000);
    expect([model.runState, model.counter('good')]).toEqual(['cleanup', 50]);
  });

  it('a counter glitch reads 4,294,967,290 for its duration, then the true count again', () => {
    const { model } = printing();
    const before = model.counter('total');
    model.counterGlitch({ durationMs: 1000 });
    expect(model.counter('total')).toBe(4_294_967_290);
    model.advance(1000);
    expect(model.counter('total')).toBeGreaterThanOrEqual(before);
    expect(model.counter('total')).toBeLessThan(before + 100);
  });
});
