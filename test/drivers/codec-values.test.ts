/**
 * Registers ⇄ values, with register contents written by hand: 0x12345678 as a u32 is
 * [0x1234, 0x5678] in the Modbus (big/big) order; "word swap" puts the low word first;
 * "byte swap" swaps the two bytes inside each register.
 */
import { describe, expect, it } from 'vitest';
import { decodeRaw, decodeSignal, encodeRaw, encodeSignal, signalWidth, type ByteWordOrder } from '../../drivers/codec/values.js';
import { signalSchema } from '../../src/model/profile-schema.js';
import { mulberry32 } from '../fuzz/prng.js';

const BIG: ByteWordOrder = { wordOrder: 'big', byteOrder: 'big' };
const WORD_SWAP: ByteWordOrder = { wordOrder: 'little', byteOrder: 'big' };
const BYTE_SWAP: ByteWordOrder = { wordOrder: 'big', byteOrder: 'little' };
const BOTH_SWAPPED: ByteWordOrder = { wordOrder: 'little', byteOrder: 'little' };

describe('32-bit values in the four orders', () => {
  it.each([
    ['big/big (Modicon)', BIG, [0x1234, 0x5678]],
    ['word swap', WORD_SWAP, [0x5678, 0x1234]],
    ['byte swap', BYTE_SWAP, [0x3412, 0x7856]],
    ['word and byte swap', BOTH_SWAPPED, [0x7856, 0x3412]],
  ] as const)('u32 0x12345678 in %s', (_name, order, registers) => {
    expect(decodeRaw('u32', registers, 0, order)).toBe(0x12345678);
    expect(encodeRaw('u32', 0x12345678, order)).toEqual(registers);
  });

  it('u32 reads at an offset inside a block read', () => {
    expect(decodeRaw('u32', [0xaaaa, 0x0001, 0x0000, 0xbbbb], 1, BIG)).toBe(65536);
  });

  it('u32 above 2^31 stays positive; i32 of the same bits is negative', () => {
    expect(decodeRaw('u32', [0xffff, 0xfffe], 0, BIG)).toBe(4294967294);
    expect(decodeRaw('i32', [0xffff, 0xfffe], 0, BIG)).toBe(-2);
    expect(decodeRaw('i32', [0xfffe, 0xffff], 0, WORD_SWAP)).toBe(-2);
    expect(encodeRaw('i32', -2, WORD_SWAP)).toEqual([0xfffe, 0xffff]);
    expect(encodeRaw('i32', -100000, BIG)).toEqual([0xfffe, 0x7960]); // -100000 = 0xFFFE7960
  });

  it('f32: IEEE 754 single, 1.0 = 0x3F800000, -2.5 = 0xC0200000, 123.456 ≈ 0x42F6E979', () => {
    expect(decodeRaw('f32', [0x3f80, 0x0000], 0, BIG)).toBe(1);
    expect(decodeRaw('f32', [0x0000, 0x3f80], 0, WORD_SWAP)).toBe(1);
    expect(decodeRaw('f32', [0x803f, 0x0000], 0, BYTE_SWAP)).toBe(1);
    expect(decodeRaw('f32', [0x0000, 0x803f], 0, BOTH_SWAPPED)).toBe(1);
    expect(encodeRaw('f32', -2.5, BIG)).toEqual([0xc020, 0x0000]);
    expect(encodeRaw('f32', -2.5, BOTH_SWAPPED)).toEqual([0x0000, 0x20c0]);
    expect(encodeRaw('f32', 123.456, BIG)).toEqual([0x42f6, 0xe979]);
    expect(decodeRaw('f32', [0x42f6, 0xe979], 0, BIG)).toBeCloseTo(123.456, 4);
  });
});

describe('16-bit values', () => {
  it('u16 and i16, with and without byte swap', () => {
    expect(decodeRaw('u16', [0xfffe], 0, BIG)).toBe(65534);
    expect(decodeRaw('i16', [0xfffe], 0, BIG)).toBe(-2);
    expect(decodeRaw('i16', [0x8000], 0, BIG)).toBe(-32768);
    expect(decodeRaw('u16', [0x3412], 0, BYTE_SWAP)).toBe(0x1234);
    expect(encodeRaw('i16', -2, BIG)).toEqual([0xfffe]);
    expect(encodeRaw('u16', 0x1234, BYTE_SWAP)).toEqual([0x3412]);
  });
});

describe('bits in a register', () => {
  it('reads bit n of the register, bit 0 the least significant', () => {
    expect(decodeRaw('bit', [0b0000_0000_0010_0000], 0, BIG, 5)).toBe(true);
    expect(decodeRaw('bit', [0b0000_0000_0010_0000], 0, BIG, 4)).toBe(false);
    expect(decodeRaw('bit', [0x8000], 0, BIG, 15)).toBe(true);
  });

  it('sets or clears one bit and keeps the others', () => {
    expect(encodeRaw('bit', true, BIG, 3, 0b1000_0001)).toEqual([0b1000_1001]);
    expect(encodeRaw('bit', false, BIG, 7, 0b1000_1001)).toEqual([0b0000_1001]);
    expect(encodeRaw('bit', false, BIG, 15, 0xffff)).toEqual([0x7fff]);
  });
});

describe('signals: scale, offset and the profile default order', () => {
  const temperature = signalSchema.parse({ name: 'dryer.temp', role: 'info', area: 'input', address: 4, type: 'i16', scale: 0.1, offset: -5 });
  const impressions = signalSchema.parse({ name: 'impressions', role: 'counter', counter: 'total', area: 'holding', address: 0, type: 'u32' });
  const swappedImpressions = signalSchema.parse({ ...impressions, wordOrder: 'little' });

  it('engineering value = raw × scale + offset, and back', () => {
    expect(decodeSignal(temperature, [1234], 0, BIG)).toBeCloseTo(118.4, 10);
    expect(decodeSignal(temperature, [0xfff6], 0, BIG)).toBeCloseTo(-6, 10); // raw -10
    expect(encodeSignal(temperature, 118.4, BIG)).toEqual([1234]);
  });

  it('uses the profile default order unless the signal says otherwise', () => {
    expect(decodeSignal(impressions, [0x0001, 0x86a0], 0, BIG)).toBe(100000);
    expect(decodeSignal(impressions, [0x86a0, 0x0001], 0, WORD_SWAP)).toBe(100000);
    expect(decodeSignal(swappedImpressions, [0x86a0, 0x0001], 0, BIG)).toBe(100000);
    expect(encodeSignal(swappedImpressions, 100000, BIG)).toEqual([0x86a0, 0x0001]);
  });

  it('knows how many registers a signal spans', () => {
    expect(signalWidth(temperature)).toBe(1);
    expect(signalWidth(impressions)).toBe(2);
  });
});

describe('engineering values as a person reads them', () => {
  const order: ByteWordOrder = { wordOrder: 'big', byteOrder: 'big' };
  it('carry no binary noise from the scaling (598 tenths of a percent is 59.8 %)', () => {
    const level = signalSchema.parse({ name: 'paper', role: 'paper', area: 'holding', address: 0, type: 'u16', scale: 0.1 });
    expect(decodeSignal(level, [598], 0, order)).toBe(59.8);
    expect(decodeSignal(level, [3], 0, order)).toBe(0.3);
  });

  it('give a float32 its 7 significant digits, not the noise of its double expansion', () => {
    const ink = signalSchema.parse({ name: 'ink.1', role: 'ink', unit: 1, color: 'cyan', area: 'holding', address: 0, type: 'f32' });
    // 50.59019 as float32 is 0x424A5C5B, whose exact value is 50.590190887451171875
    expect(decodeSignal(ink, [0x424a, 0x5c5b], 0, order)).toBe(50.59019);
  });

  it('scale by powers of ten exactly as the 12-digit rounding does, for every integer type (200,000 seeded draws)', () => {
    const random = mulberry32(20261207);
    const scales = [10, 100, 1000, 0.1, 0.01, 0.001, 0.0001, 0.00001, 1e-6, 1e-9];
    const kinds = [
      { type: 'u16', words: (raw: number) => [raw], range: [0, 0xffff] },
      { type: 'i16', words: (raw: number) => [raw & 0xffff], range: [-0x8000, 0x7fff] },
      { type: 'u32', words: (raw: number) => [Math.floor(raw / 0x10000), raw % 0x10000], range: [0, 0xffffffff] },
      { type: 'i32', words: (raw: number) => [(raw >>> 16) & 0xffff, raw & 0xffff], range: [-0x80000000, 0x7fffffff] },
    ] as const;
    let checked = 0;
    for (let i = 0; i < 200_000; i++) {
      const kind = random.pick(kinds);
      const scale = random.pick(scales);
      // small values as often as large ones: the digits of the result vary over the whole range
      const raw = random.chance(0.5) ? random.int(Math.max(kind.range[0], -1000), Math.min(kind.range[1], 1000)) : random.int(kind.range[0], kind.range[1]);
      const signal = { area: 'holding', type: kind.type, scale, offset: 0 } as const;
      const expected = Number((raw * scale).toPrecision(12));
      const got = decodeSignal(signal, kind.words(raw), 0, order);
      if (!Object.is(got, expected)) expect({ type: kind.type, raw, scale, got }).toEqual({ type: kind.type, raw, scale, got: expected });
      checked++;
    }
    expect(checked).toBe(200_000);
  });
});
