import { describe, expect, it } from 'vitest';
import type { MetricType, MetricValue } from '../../src/sparkplug/press-metrics.js';
import { decode, encode, encodeChanged, metric } from '../../src/sparkplug/sparkplug-wire.js';
import { mulberry32 } from '../../simulators/prng.js';

const types: MetricType[] = ['Boolean', 'String', 'Double', 'Float', 'Int32', 'UInt64', 'DateTime'];
const strings = [
  '',
  'production',
  'stopped',
  'Pantone 286 C',
  'Fountain solution',
  'Ölstand – Farbwerk 3 ✓',
  'x'.repeat(300),
  '[{"id":"a1","code":"jam.feeder"}]',
];

function valueOf(type: MetricType, next: () => number): MetricValue {
  if (next() < 0.1) return null;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  switch (type) {
    case 'Boolean':
      return next() < 0.5;
    case 'String':
      return pick(strings);
    case 'Double':
      return pick([0, 12_500, -3.25, next() * 1e6, 1e300, Number.MIN_VALUE]);
    case 'Float':
      return pick([0, 100, 42.5, next() * 100, -0.5]);
    case 'Int32':
      return pick([0, 1, 127, 128, 16_383, 16_384, 2 ** 31 - 1, Math.floor(next() * 1000)]);
    case 'UInt64':
    case 'DateTime':
      return pick([0, 127, 128, 2 ** 28 - 1, 2 ** 28, 2 ** 32, 2 ** 35 + 17, 1_796_648_165_123, Number.MAX_SAFE_INTEGER, Math.floor(next() * 1e9)]);
  }
}

describe('the live DDATA encoder', () => {
  it("writes the bytes Tahu's encoder writes for the same payload (2,000 seeded payloads of every metric type, nulls, long strings, 64-bit times)", () => {
    const next = mulberry32(20261207);
    for (let n = 0; n < 2000; n++) {
      const definitions = Array.from({ length: 1 + Math.floor(next() * 40) }, (_, i) => ({ name: `M/${i}`, type: types[Math.floor(next() * types.length)]! }));
      const values = definitions.map((d) => valueOf(d.type, next));
      const changed = definitions.map((_, i) => i).filter(() => next() < 0.4);
      const timestamp = 1_796_000_000_000 + Math.floor(next() * 1e9);
      const seq = Math.floor(next() * 256);
      const aliasOf = (name: string) => 7000 + Number(name.slice(2));
      const ours = encodeChanged(timestamp, seq, definitions, values, changed, aliasOf);
      const tahus = encode({
        timestamp,
        seq,
        metrics: changed.map((i) => metric({ alias: aliasOf(definitions[i]!.name), type: definitions[i]!.type, value: values[i]! })),
      });
      expect(ours.equals(tahus), `payload ${n}: ${ours.toString('hex')} != ${tahus.toString('hex')}`).toBe(true);
    }
  });

  it('is read back by Tahu with every alias, type, value and null', () => {
    const definitions = [
      { name: 'Run State', type: 'String' as const },
      { name: 'Speed', type: 'Double' as const },
      { name: 'Counters/Total', type: 'UInt64' as const },
      { name: 'Ink/1/Level', type: 'Float' as const },
      { name: 'Online', type: 'Boolean' as const },
      { name: 'Stop Cause', type: 'String' as const },
      { name: 'Alarms/Active', type: 'Int32' as const },
      { name: 'Comm/Last OK', type: 'DateTime' as const },
    ];
    const values: MetricValue[] = ['stopped', 12_000.5, 4_000_000_123, 37.5, false, null, 3, 1_796_648_165_123];
    const decoded = decode(
      encodeChanged(1_796_648_165_000, 255, definitions, values, [0, 1, 2, 3, 4, 5, 6, 7], (name) => 1001 + definitions.findIndex((d) => d.name === name)),
    );
    expect(Number(decoded.timestamp)).toBe(1_796_648_165_000);
    expect(Number(decoded.seq)).toBe(255);
    expect(decoded.metrics!.map((m) => [Number(m.alias), m.type, typeof m.value === 'object' && m.value !== null ? Number(m.value) : m.value])).toEqual([
      [1001, 'String', 'stopped'],
      [1002, 'Double', 12_000.5],
      [1003, 'UInt64', 4_000_000_123],
      [1004, 'Float', 37.5],
      [1005, 'Boolean', false],
      [1006, 'String', null],
      [1007, 'Int32', 3],
      [1008, 'DateTime', 1_796_648_165_123],
    ]);
  });
});
