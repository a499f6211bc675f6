import type { FilterReading } from '../../src/recording/sample-filter.js';
import { mulberry32 } from '../../simulators/prng.js';

/**
 * A deterministic day of three sheet-fed presses, as the poller would deliver it: speed and the
 * three counters every second, ink (4 units), paper and fountain levels every 5 s. Two shifts
 * (06:00-22:00) of jobs: make-ready with test sheets (waste), production near 85 % of rated speed
 * with sensor noise, a jam now and then, ink and paper running down and being refilled; the
 * presses stand still at night; one press loses communication for 10 minutes.
 */
export interface SimulatedPress {
  pressId: string;
  ratedSpeed: number;
}

export const dayPresses: SimulatedPress[] = [
  { pressId: 'sm52', ratedSpeed: 15_000 },
  { pressId: 'rapida-105', ratedSpeed: 18_000 },
  { pressId: 'gto-52', ratedSpeed: 13_000 },
];

export const FAST_SCAN_MS = 1_000;
export const SLOW_SCAN_MS = 5_000;
const DAY_MS = 86_400_000;

type Phase = 'night' | 'setup' | 'production' | 'jam';

/** Calls `deliver` with every reading of one day, in time order per press. */
export function simulateDay(options: { start: number; seed: number; deliver: (reading: FilterReading) => void }): void {
  dayPresses.forEach((press, index) => simulatePress(press, options.start, mulberry32(options.seed + index), index === 2, options.deliver));
}

function simulatePress(press: SimulatedPress, start: number, random: () => number, losesComm: boolean, deliver: (reading: FilterReading) => void): void {
  const target = press.ratedSpeed * 0.85;
  let speed = 0;
  let total = 1_000_000;
  let good = 900_000;
  let waste = 100_000;
  let sheetFraction = 0;
  const ink = [80, 65, 70, 90];
  let paper = 100;
  let fountain = 75;
  let phase: Phase = 'night';
  let phaseLeftMs = 0;

  for (let t = 0; t < DAY_MS; t += FAST_SCAN_MS) {
    const at = start + t;
    const hour = t / 3_600_000;
    const working = hour >= 6 && hour < 22;
    phaseLeftMs -= FAST_SCAN_MS;
    if (!working) phase = 'night';
    else if (phase === 'night' || phaseLeftMs <= 0) {
      if (phase === 'setup' || phase === 'jam') {
        phase = 'production';
        phaseLeftMs = (40 + random() * 80) * 60_000;
      } else {
        phase = random() < 0.3 ? 'jam' : 'setup';
        phaseLeftMs = phase === 'jam' ? (2 + random() * 6) * 60_000 : (15 + random() * 15) * 60_000;
      }
    }
    // Make-ready runs test sheets at 3,000/h for 20 s in every minute.
    const setpoint = phase === 'production' ? target : phase === 'setup' && t % 60_000 < 20_000 ? 3_000 : 0;
    speed += Math.max(-600, Math.min(600, setpoint - speed)); // ramps of ~600 sheets/h per second
    const noise = speed > 0 ? (random() - 0.5) * press.ratedSpeed * 0.003 : 0;
    const measuredSpeed = Math.max(0, Math.round(speed + noise));

    sheetFraction += speed / 3_600;
    const sheets = Math.floor(sheetFraction);
    sheetFraction -= sheets;
    total += sheets;
    if (phase === 'production' && speed >= target * 0.95) good += sheets;
    else waste += sheets;

    const offline = losesComm && hour >= 14 && hour < 14 + 1 / 6;
    const quality = offline ? 'bad' : 'good';
    const read = (signal: string, value: number) => deliver({ pressId: press.pressId, signal, at, value: offline ? null : value, quality });
    read('speed', measuredSpeed);
    read('counter.total', total);
    read('counter.good', good);
    read('counter.waste', waste);

    if (t % SLOW_SCAN_MS !== 0) continue;
    const sheetsPerSlowScan = (speed / 3_600) * (SLOW_SCAN_MS / 1_000);
    ink.forEach((level, unit) => {
      let next = level - sheetsPerSlowScan * (0.000_012 + unit * 0.000_004) * 100;
      if (next < 15) next = 95; // refilled
      ink[unit] = next;
      read(`ink.${unit + 1}`, round1(next + (random() - 0.5) * 0.3));
    });
    paper -= (sheetsPerSlowScan / 8_000) * 100; // a pile of 8,000 sheets
    if (paper < 3) paper = 100;
    read('paper', round1(paper));
    fountain += (random() - 0.5) * 0.05 - (speed > 0 ? 0.002 : 0);
    if (fountain < 60) fountain = 80;
    read('level.fountain', round1(fountain + (random() - 0.5) * 0.3));
  }
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
