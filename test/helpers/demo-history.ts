/**
 * A long recorded history at the embedded demo's recording rate, made deterministically for
 * tests and benchmarks (running the demo for 30 days is not an option). Rates per press, as
 * measured on the demo's database (3 presses, time scale 20, ~4.9 rows/s in all): paper one
 * row every 2.1 s (30 days: 1.2 M rows), speed every 4 s, the fountain level every 5 s, each
 * ink unit every 8 s, each counter every 10 s. Values move like the demo's: levels fall and are
 * refilled, speed runs with stops, counters count; now and then a reading is bad (comm loss).
 */
import type { Sample } from '../../src/recording/samples-repository.js';

export interface DemoSeries {
  pressId: string;
  signal: string;
  periodMs: number;
  value: (at: number, index: number) => { value: number | null; quality: 'good' | 'bad' };
}

const MINUTE = 60_000;

/** A stable pseudo-random number in [0, 1) for an integer key. */
function noise(key: number): number {
  let x = (key ^ 0x9e3779b9) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
  return ((x ^ (x >>> 16)) >>> 0) / 2 ** 32;
}

/** One bad reading in about 2,000: the comm losses a long trend must still show. */
function withCommLoss(seed: number, value: (at: number, index: number) => number) {
  return (at: number, index: number) =>
    noise(seed * 7919 + index) < 0.0005 ? { value: null, quality: 'bad' as const } : { value: value(at, index), quality: 'good' as const };
}

function level(seed: number, cycleMs: number) {
  return withCommLoss(seed, (at) => {
    const phase = ((at + seed * 977_531) % cycleMs) / cycleMs;
    return Math.round((100 - 95 * phase) * 10) / 10;
  });
}

/** The demo's three presses: press-2 has a fifth (spot) unit and no fountain level, like the profiles. */
export function demoSeries(pressIds: readonly string[] = ['press-1', 'press-2', 'press-3']): DemoSeries[] {
  const series: DemoSeries[] = [];
  pressIds.forEach((pressId, p) => {
    const seed = p + 1;
    const inkUnits = p === 1 ? 5 : 4;
    series.push({ pressId, signal: 'paper', periodMs: 2_100, value: level(seed * 10, 47 * MINUTE) });
    series.push({
      pressId,
      signal: 'speed',
      periodMs: 4_000,
      value: withCommLoss(seed * 10 + 1, (at, i) =>
        noise(seed * 31 + Math.floor(at / (20 * MINUTE))) < 0.15 ? 0 : 11_000 + Math.round(2_000 * noise(seed * 131 + i)),
      ),
    });
    if (inkUnits === 4) series.push({ pressId, signal: 'level.fountain', periodMs: 5_000, value: level(seed * 10 + 2, 6 * 60 * MINUTE) });
    for (let unit = 1; unit <= inkUnits; unit++)
      series.push({ pressId, signal: `ink.${unit}`, periodMs: 8_000, value: level(seed * 100 + unit, (3 + unit) * 60 * MINUTE) });
    for (const [k, kind] of ['total', 'good', 'waste'].entries()) {
      series.push({
        pressId,
        signal: `counter.${kind}`,
        periodMs: 10_000,
        value: (at) => ({ value: Math.floor((at / 1000) * (k === 2 ? 0.1 : 3)), quality: 'good' }),
      });
    }
  });
  return series;
}

/**
 * The samples of `series` with from <= at < to, in batches of `batchMs` of recorded time (the
 * recorder writes one batch every 2 s; a seed uses bigger ones to be quick). Each series is
 * offset by a few hundred ms so rows of different series do not share a timestamp.
 */
export function* demoBatches(options: { series: readonly DemoSeries[]; from: number; to: number; batchMs: number }): Generator<Sample[]> {
  const { series, from, to, batchMs } = options;
  const offsets = series.map((_, i) => (i * 137) % 1000);
  for (let start = from; start < to; start += batchMs) {
    const end = Math.min(start + batchMs, to);
    const batch: Sample[] = [];
    series.forEach((s, i) => {
      const offset = offsets[i]!;
      let index = Math.ceil((start - from - offset) / s.periodMs);
      for (let at = from + offset + index * s.periodMs; at < end; index++, at += s.periodMs) {
        const { value, quality } = s.value(at, index);
        batch.push({ pressId: s.pressId, signal: s.signal, at, value, quality });
      }
    });
    yield batch;
  }
}
