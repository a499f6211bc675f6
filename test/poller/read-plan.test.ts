import { describe, expect, it } from 'vitest';
import { encodeSignal } from '../../drivers/codec/values.js';
import { loadProfileFile } from '../../src/model/profile-load.js';
import { profileSchema, type ProfileInput } from '../../src/model/profile-schema.js';
import { decodeBlock, planReads, ReadPlanError, type ReadBlock } from '../../src/poller/read-plan.js';

type SignalInput = ProfileInput['signals'][number];

function profile(signals: SignalInput[], polling: ProfileInput['polling'] = {}, extra: Partial<ProfileInput> = {}) {
  return profileSchema.parse({
    model: 'test',
    name: 'Test',
    ratedSpeed: 10000,
    polling: { scanClasses: { fast: 250, slow: 2000 }, ...polling },
    signals,
    ...extra,
  });
}
const info = (name: string, address: number, type: SignalInput['type'] = 'u16', more: Partial<SignalInput> = {}): SignalInput =>
  ({ name, role: 'info', area: 'holding', address, type, ...more }) as SignalInput;

function blocksOf(plan: ReturnType<typeof planReads>, scanClass = 'fast'): { area: string; address: number; count: number; signals: string[] }[] {
  const cls = plan.scanClasses.find((c) => c.name === scanClass);
  return (cls?.blocks ?? []).map((b) => ({ area: b.area, address: b.address, count: b.count, signals: b.items.map((i) => i.signal.name) }));
}

describe('planReads: coalescing neighbours into block reads', () => {
  it('reads adjacent registers in one block, whatever order the profile lists them in', () => {
    const plan = planReads(profile([info('c', 2), info('a', 0), info('b', 1)]));
    expect(blocksOf(plan)).toEqual([{ area: 'holding', address: 0, count: 3, signals: ['a', 'b', 'c'] }]);
  });

  it('bridges a gap up to maxGap unused registers, and no further', () => {
    expect(blocksOf(planReads(profile([info('a', 0), info('b', 11)], { maxGap: 10 })))).toEqual([
      { area: 'holding', address: 0, count: 12, signals: ['a', 'b'] },
    ]);
    expect(blocksOf(planReads(profile([info('a', 0), info('b', 12)], { maxGap: 10 })))).toEqual([
      { area: 'holding', address: 0, count: 1, signals: ['a'] },
      { area: 'holding', address: 12, count: 1, signals: ['b'] },
    ]);
  });

  it('with maxGap 0 merges only touching signals', () => {
    expect(blocksOf(planReads(profile([info('a', 0), info('b', 1), info('c', 3)], { maxGap: 0 })))).toEqual([
      { area: 'holding', address: 0, count: 2, signals: ['a', 'b'] },
      { area: 'holding', address: 3, count: 1, signals: ['c'] },
    ]);
  });

  it('never reads more than 125 registers in one block', () => {
    // 130 consecutive registers: one full block of 125 and one of 5
    const signals = Array.from({ length: 130 }, (_, i) => info(`r${i}`, i));
    const blocks = blocksOf(planReads(profile(signals)));
    expect(blocks.map((b) => [b.address, b.count])).toEqual([
      [0, 125],
      [125, 5],
    ]);
  });

  it('honours a smaller maxRegistersPerRead from the profile', () => {
    const signals = Array.from({ length: 10 }, (_, i) => info(`r${i}`, i));
    expect(blocksOf(planReads(profile(signals, { maxRegistersPerRead: 4 }))).map((b) => b.count)).toEqual([4, 4, 2]);
  });

  it('never splits a 32-bit signal across blocks: it starts a new block at the 125 boundary', () => {
    const signals = [...Array.from({ length: 124 }, (_, i) => info(`r${i}`, i)), info('counter', 124, 'u32')];
    const blocks = blocksOf(planReads(profile(signals)));
    expect(blocks.map((b) => [b.address, b.count])).toEqual([
      [0, 124],
      [124, 2],
    ]);
    expect(blocks[1]!.signals).toEqual(['counter']);
  });

  it('fits a 32-bit signal that ends exactly at register 125 in the same block', () => {
    const signals = [...Array.from({ length: 123 }, (_, i) => info(`r${i}`, i)), info('counter', 123, 'u32')];
    expect(blocksOf(planReads(profile(signals))).map((b) => [b.address, b.count])).toEqual([[0, 125]]);
  });

  it('reads bit signals sharing one register once, and hands each its own bit', () => {
    const plan = planReads(
      profile([info('b3', 20, 'bit', { bit: 3 }), info('b0', 20, 'bit', { bit: 0 }), info('b15', 20, 'bit', { bit: 15 }), info('after', 21)]),
    );
    expect(blocksOf(plan)).toEqual([{ area: 'holding', address: 20, count: 2, signals: ['b0', 'b3', 'b15', 'after'] }]);
    const block = plan.scanClasses[0]!.blocks[0]!;
    expect(decodeBlock(block, [0b1000_0000_0000_1000, 7], plan.order)).toEqual({ b0: false, b3: true, b15: true, after: 7 });
  });

  it('reads coils and discrete inputs with the bit functions, merging gaps counted in bits', () => {
    const plan = planReads(
      profile([
        info('c0', 0, 'bool', { area: 'coil' }),
        info('c100', 100, 'bool', { area: 'coil' }), // 99 bits of gap: within 10 registers' worth (160 bits)
        info('c300', 300, 'bool', { area: 'coil' }), // 199 bits: too far
        info('d5', 5, 'bool', { area: 'discrete' }),
      ]),
    );
    expect(blocksOf(plan)).toEqual([
      { area: 'coil', address: 0, count: 101, signals: ['c0', 'c100'] },
      { area: 'coil', address: 300, count: 1, signals: ['c300'] },
      { area: 'discrete', address: 5, count: 1, signals: ['d5'] },
    ]);
    const coils = plan.scanClasses[0]!.blocks[0]!;
    const answer = Array.from({ length: 101 }, (_, i) => i === 100);
    expect(decodeBlock(coils, answer, plan.order)).toEqual({ c0: false, c100: true });
  });

  it('limits bit blocks to maxBitsPerRead', () => {
    const signals = Array.from({ length: 5 }, (_, i) => info(`d${i}`, i, 'bool', { area: 'discrete' }));
    expect(blocksOf(planReads(profile(signals, { maxBitsPerRead: 2 }))).map((b) => b.count)).toEqual([2, 2, 1]);
  });

  it('never merges across areas or scan classes, and lists the fastest class first', () => {
    const plan = planReads(profile([info('level', 1, 'u16', { scan: 'slow' }), info('h', 0), info('i', 1, 'u16', { area: 'input' })]));
    expect(plan.scanClasses.map((c) => [c.name, c.periodMs])).toEqual([
      ['fast', 250],
      ['slow', 2000],
    ]);
    expect(blocksOf(plan, 'fast').map((b) => [b.area, b.address, b.count])).toEqual([
      ['holding', 0, 1],
      ['input', 1, 1],
    ]);
    expect(blocksOf(plan, 'slow').map((b) => [b.area, b.address, b.count])).toEqual([['holding', 1, 1]]);
  });

  it('refuses a signal wider than the read limit instead of splitting it', () => {
    expect(() => planReads(profile([info('counter', 0, 'u32')], { maxRegistersPerRead: 1 }))).toThrow(ReadPlanError);
    expect(() => planReads(profile([info('counter', 0, 'u32')], { maxRegistersPerRead: 1 }))).toThrow(/"counter" spans 2 registers/);
  });
});

describe('decodeBlock: block answers into engineering values', () => {
  it('decodes each signal at its offset with word order, scale and offset', () => {
    const p = profile(
      [info('speed', 10, 'f32'), info('count', 13, 'u32', { wordOrder: 'big' }), info('temp', 15, 'i16', { scale: 0.1, offset: -5 })],
      {},
      { wordOrder: 'little' },
    );
    const plan = planReads(p);
    const block = plan.scanClasses[0]!.blocks[0]!;
    const words = new Array<number>(block.count).fill(0);
    const place = (name: string, value: number) => {
      const item = block.items.find((i) => i.signal.name === name)!;
      encodeSignal(item.signal, value, plan.order).forEach((w, k) => (words[item.offset + k] = w));
    };
    place('speed', 12_345.5);
    place('count', 4_000_000_000);
    place('temp', 21.5);
    const values = decodeBlock(block, words, plan.order);
    expect(values.speed).toBeCloseTo(12_345.5, 2);
    expect(values.count).toBe(4_000_000_000);
    expect(values.temp).toBeCloseTo(21.5, 6);
  });

  it('refuses an answer shorter than the block', () => {
    const plan = planReads(profile([info('a', 0), info('b', 1)]));
    const block: ReadBlock = plan.scanClasses[0]!.blocks[0]!;
    expect(() => decodeBlock(block, [1], plan.order)).toThrow(/answered with 1 values/);
  });
});

describe('planReads on the demo profiles', () => {
  it('reads the 4-colour press in 5 transactions per fast cycle or fewer', () => {
    const plan = planReads(loadProfileFile('config/profiles/demo-sheetfed-4c.yaml'));
    const summary = Object.fromEntries(plan.scanClasses.map((c) => [c.name, c.blocks.map((b) => `${b.area} ${b.address}+${b.count}`)]));
    expect(summary).toEqual({
      // state (0) and the alarm word (20) are 20 apart: more than maxGap 10, two reads
      fast: ['holding 0+1', 'holding 20+1', 'input 0+1', 'discrete 0+1'],
      counters: ['holding 2+6'],
      slow: ['holding 10+6'],
    });
  });

  it('reads the 5-colour press levels (word-swapped floats) in one block', () => {
    const plan = planReads(loadProfileFile('config/profiles/demo-sheetfed-5c.yaml'));
    const slow = plan.scanClasses.find((c) => c.name === 'slow')!;
    expect(slow.blocks.map((b) => `${b.area} ${b.address}+${b.count}`)).toEqual(['holding 200+12']);
  });
});
