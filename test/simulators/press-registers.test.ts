import { describe, expect, it } from 'vitest';
import { ExceptionCode } from '../../drivers/codec/pdu.js';
import { PressModel } from '../../simulators/press-model.js';
import { PressRegisters } from '../../simulators/press-registers.js';
import { profile4c, profile5c } from './helpers.js';

function press(profile = profile4c, strict = false) {
  const model = new PressModel({ profile, seed: 1, jamMeanIntervalMs: 0, assistant: false, initial: { ink: 50, paper: 50, levels: 50 } });
  return { model, registers: new PressRegisters(profile, model, { strict }) };
}

describe('PressRegisters', () => {
  it('maps run state and stop reason to the profile state codes', () => {
    const { model, registers } = press(profile5c);
    expect(registers.read('input', 100, 1)).toEqual({ values: [20] }); // setup
    model.injectJam('jam.feeder');
    expect(registers.read('input', 100, 1)).toEqual({ values: [41] });
    expect(registers.read('discrete', 0, 4)).toEqual({ values: [1, 0, 0, 0] });
    model.pressEStop();
    expect(registers.read('input', 100, 1)).toEqual({ values: [43] }); // e-stop outranks the jam
    // paper out has no code of its own in this profile: the operator-stop code stands in
    expect(registers.stateCode('stopped', 'other')).toBe(40);
  });

  it('packs alarm bits of one register without disturbing each other', () => {
    const { model, registers } = press();
    model.injectJam('double-sheet');
    model.openDoor();
    expect(registers.read('holding', 20, 1)).toEqual({ values: [0b1100] });
  });

  it('shows counters as u32 that wrap', () => {
    const { model, registers } = press();
    model.setCounters({ total: 2 ** 32 + 5, good: 0xffff_ffff });
    expect(registers.read('holding', 2, 4)).toEqual({ values: [0, 5, 0xffff, 0xffff] });
  });

  it('reads unmapped registers as 0, or exception 2 when strict', () => {
    expect(press().registers.read('holding', 30, 2)).toEqual({ values: [0, 0] });
    expect(press(profile4c, true).registers.read('holding', 15, 2)).toEqual({ exception: ExceptionCode.illegalDataAddress });
    expect(press(profile4c, true).registers.read('holding', 10, 6)).toEqual({ values: [500, 500, 500, 500, 500, 500] });
  });

  it('takes refills as writes to writable level registers, keeping the other word of an f32', () => {
    const { model, registers } = press(profile5c);
    expect(registers.write('holding', 202, [0x0000, 0x42b4])).toBeUndefined(); // 90.0, low word first
    expect(model.inkLevel(2)).toBe(90);
    expect(registers.write('holding', 203, [0x42c8])).toBeUndefined(); // high word only: 0x42c80000 = 100.0
    expect(model.inkLevel(2)).toBe(100);
    expect(registers.read('holding', 202, 2)).toEqual({ values: [0x0000, 0x42c8] });
  });

  it('refuses writes to read-only or unmapped registers with exception 2, changing nothing', () => {
    const { model, registers } = press();
    expect(registers.write('holding', 0, [2])).toEqual({ exception: ExceptionCode.illegalDataAddress });
    expect(registers.write('holding', 14, [1000, 1000, 0])).toEqual({ exception: ExceptionCode.illegalDataAddress }); // 16 is unmapped
    expect(model.paperLevel).toBe(50);
    expect(registers.write('coil', 0, [1])).toEqual({ exception: ExceptionCode.illegalDataAddress });
  });
});
