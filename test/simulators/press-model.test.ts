import { describe, expect, it } from 'vitest';
import { PressModel } from '../../simulators/press-model.js';
import { profile4c, profile5c } from './helpers.js';

const MINUTE = 60_000;

function run(seed: number, steps: number[]): string[] {
  const press = new PressModel({ profile: profile4c, seed, jamMeanIntervalMs: 2 * MINUTE });
  return steps.map((ms) => {
    press.advance(ms);
    return JSON.stringify(press.snapshot());
  });
}

describe('PressModel', () => {
  it('replays exactly the same press for the same seed and clock, and another press for another seed', () => {
    const steps = [1000, 30_000, 5 * MINUTE, 20 * MINUTE, 60 * MINUTE];
    expect(run(42, steps)).toEqual(run(42, steps));
    expect(run(43, steps)).not.toEqual(run(42, steps));
  });

  it('makes ready with waste sheets, then ramps production up to rated speed', () => {
    const press = new PressModel({ profile: profile4c, seed: 1, jamMeanIntervalMs: 0, job: { goodSheets: 100_000 }, initial: { paper: 100 } });
    expect(press.runState).toBe('setup');
    press.advance(30_000); // plate change: no sheets yet
    expect(press.counter('total')).toBe(0);
    press.advance(2.5 * MINUTE);
    expect(press.runState).toBe('production');
    const { total, good, waste } = press.snapshot().counters;
    expect(waste).toBeGreaterThanOrEqual(150);
    expect(good + waste).toBe(total);
    expect(press.currentSpeed).toBeGreaterThan(4500);
    expect(press.currentSpeed).toBeLessThan(15_000);
    press.advance(MINUTE);
    expect(press.currentSpeed).toBe(15_000);
    // at rated speed: 15,000 sheets/h is 250 sheets a minute
    const before = press.counter('total');
    press.advance(MINUTE);
    expect(press.counter('total') - before).toBeGreaterThanOrEqual(249);
    expect(press.counter('total') - before).toBeLessThanOrEqual(251);
  });

  it('uses ink in proportion to each unit coverage, and paper by the pile', () => {
    const press = new PressModel({
      profile: profile4c,
      seed: 5,
      jamMeanIntervalMs: 0,
      job: { goodSheets: 100_000 },
      initial: { ink: 100, paper: 100, phase: 'production' },
    });
    press.advance(10 * MINUTE);
    const sheets = press.counter('total');
    const { ink, paper } = press.snapshot();
    for (const unit of ink) expect(100 - unit.level).toBeCloseTo((sheets * unit.coverage * 100) / 40_000, 6);
    expect(100 - paper).toBeCloseTo((sheets * 100) / 6000, 6);
  });

  it('stops when the paper runs out and resumes after a refill', () => {
    const press = new PressModel({
      profile: profile4c,
      seed: 2,
      jamMeanIntervalMs: 0,
      assistant: false,
      job: { goodSheets: 100_000 },
      initial: { paper: 1, phase: 'production' },
    });
    press.advance(5 * MINUTE);
    expect(press.paperLevel).toBe(0);
    expect(press.counter('total')).toBe(60); // 1 % of a 6,000-sheet pile
    expect(press.runState).toBe('stopped');
    expect(press.currentSpeed).toBe(0);
    press.refillPaper();
    press.advance(MINUTE);
    expect(press.runState).toBe('production');
    expect(press.counter('total')).toBeGreaterThan(60);
  });

  it('counters wrap at 2^32', () => {
    const press = new PressModel({
      profile: profile4c,
      seed: 3,
      jamMeanIntervalMs: 0,
      job: { goodSheets: 100_000 },
      initial: { phase: 'production', paper: 100, counters: { total: 0xffff_fff0, good: 0xffff_fff0 } },
    });
    press.advance(MINUTE);
    expect(press.counter('total')).toBeLessThan(1000);
    expect(press.counter('total')).toBe((0xffff_fff0 + press.counter('good') - 0xffff_fff0 + press.counter('waste')) >>> 0);
  });

  it('resets the counters at a job change, after wash-up and idle', () => {
    const press = new PressModel({
      profile: profile4c,
      seed: 4,
      jamMeanIntervalMs: 0,
      job: { goodSheets: 300, cleanupMs: 45_000, idleMs: 20_000 },
      initial: { paper: 100 },
    });
    const phases: string[] = ['setup'];
    for (let i = 0; i < 3600 && press.snapshot().job === 1; i++) {
      press.advance(1000);
      if (phases.at(-1) !== press.runState) phases.push(press.runState);
    }
    expect(phases).toEqual(['setup', 'production', 'cleanup', 'idle', 'setup']);
    expect(press.snapshot().counters).toEqual({ total: 0, good: 0, waste: 0 });
  });

  it('jams at random with the configured mean interval, and the assistant clears them', () => {
    const press = new PressModel({
      profile: profile4c,
      seed: 9,
      jamMeanIntervalMs: 5 * MINUTE,
      assistant: { clearJamAfterMs: 20_000 },
      job: { goodSheets: 1e9 },
      initial: { phase: 'production', paper: 100 },
    });
    let jams = 0;
    let wasJammed = false;
    for (let t = 0; t < 600 * MINUTE; t += 1000) {
      press.advance(1000);
      const jammed = press.stopReason === 'jam';
      if (jammed && !wasJammed) jams++;
      wasJammed = jammed;
    }
    // ~600 min of running / 5 min mean ≈ 120 jams (minus time stopped); Poisson spread is ~±11
    expect(jams).toBeGreaterThan(80);
    expect(jams).toBeLessThan(140);
  });

  it('the assistant refills low ink, paper and other levels after its delay, and closes an open door', () => {
    const press = new PressModel({
      profile: profile4c,
      seed: 4,
      jamMeanIntervalMs: 0,
      assistant: { refillBelowPercent: 10, refillAfterMs: 30_000, closeDoorAfterMs: 10_000 },
      job: { goodSheets: 1e9 },
      initial: { phase: 'production', ink: 5, paper: 5, levels: 5 },
    });
    press.advance(20_000);
    expect(Math.max(...press.inkUnits.map((u) => u.level), press.paperLevel)).toBeLessThan(10); // noticed, not yet done
    press.advance(15_000);
    for (const unit of press.inkUnits) expect(unit.level).toBeGreaterThan(95);
    expect(press.paperLevel).toBeGreaterThan(95);
    expect(press.level('fountain')).toBeGreaterThan(95);
    press.openDoor();
    press.advance(5_000);
    expect(press.stopReason).toBe('door-open');
    press.advance(6_000);
    expect(press.stopReason).toBeUndefined();
  });

  it('holds the press for a door, an e-stop and an operator stop, most serious reason first', () => {
    const press = new PressModel({ profile: profile5c, seed: 1, jamMeanIntervalMs: 0, assistant: false, initial: { phase: 'production', paper: 100 } });
    press.advance(MINUTE);
    press.openDoor();
    expect([press.runState, press.stopReason]).toEqual(['stopped', 'door-open']);
    press.pressEStop();
    expect(press.stopReason).toBe('e-stop');
    expect(press.snapshot().activeAlarms).toEqual(['door-open', 'e-stop']);
    press.releaseEStop();
    press.closeDoor();
    // without autoRun... autoRun is on by default: it resumes
    press.advance(1000);
    expect(press.runState).toBe('production');
    press.setAlarm('ink-pump-fault', true); // no stop reason: an alarm, not a stop
    expect(press.runState).toBe('production');
  });

  it('waits for the operator after a stop when autoRun is off', () => {
    const press = new PressModel({
      profile: profile4c,
      seed: 1,
      autoRun: false,
      jamMeanIntervalMs: 0,
      assistant: false,
      initial: { phase: 'production', paper: 100 },
    });
    press.injectJam('jam.delivery');
    press.clearJam();
    expect([press.runState, press.stopReason]).toEqual(['stopped', 'operator']);
    press.start();
    expect(press.runState).toBe('production');
  });

  it('refuses unknown alarm codes and printing units with the known ones in the message', () => {
    const press = new PressModel({ profile: profile4c, seed: 1 });
    expect(() => press.injectJam('door-open')).toThrow(/jam alarms: jam.feeder, jam.delivery, double-sheet/);
    expect(() => press.refillInk(9)).toThrow(/units: 1, 2, 3, 4/);
  });
});
