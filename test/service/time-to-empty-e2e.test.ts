/**
 * Time to empty, through the real service process: while a simulated press prints, its
 * snapshot in GET /api/presses and in every socket `press:update` carries `timeToEmpty` for
 * the paper and each ink unit, and the figures agree with what the API's own readings say:
 * level ÷ (level used per sheet, from two readings' levels and counters × speed).
 *
 * Minutes are in the press's time: the press reports its speed in sheets per hour of its own
 * clock, and the demo's simulator runs 20× faster than the wall clock, so a pile that empties
 * in 12 s of test time shows about 4 minutes. A real press's clock is the wall clock.
 *
 * The service keeps time-to-empty readings 30 s apart and needs 3 of them: the first figures
 * come about 30–45 s after production starts.
 */
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PressSnapshot } from '../../src/model/press-snapshot.js';
import type { TimeToEmpty } from '../../src/supplies/index.js';
import { eventually, startService, type ServiceProcess } from '../helpers/service-process.js';
import { openSocket, recordEvents, removeTestConfig, signInCrew, writeTestConfig, type Crew } from '../e2e/e2e-kit.js';

type Decorated = PressSnapshot & { timeToEmpty?: TimeToEmpty };

const PRESS = 'press-1';
const config = writeTestConfig();
let service: ServiceProcess;
let crew: Crew;
let board: Socket;

beforeAll(async () => {
  service = await startService({ config });
  crew = await signInCrew(service.url, { createUsers: true });
  board = await openSocket(service.url);
});
afterAll(async () => {
  board?.close();
  await service?.stop({ cleanup: true });
  removeTestConfig(config);
});

const listed = async (): Promise<Decorated> => {
  const res = await crew.anonymous.get<Decorated[]>('/api/presses');
  expect(res.status).toBe(200);
  return res.body.find((p) => p.id === PRESS)!;
};

/** Every channel has a figure: printing, and enough readings since the start or a refill. */
const complete = (p: Decorated) =>
  p.state === 'production' && p.timeToEmpty !== undefined && p.timeToEmpty.paper !== null && p.timeToEmpty.ink.length === p.ink.length && p.timeToEmpty.ink.every((i) => i.minutes !== null);

/** One channel's level with the impression count when it was read (levels are scanned slower than counters). */
interface LevelReading {
  level: number;
  sheets: number;
}

/** The counter at the moment a level was read, from the counter's rate between two snapshots. */
function sheetsAt(snapshot: Decorated, at: number | null, sheetsPerMs: number): number {
  return snapshot.counters.total - sheetsPerMs * (snapshot.updatedAt - (at ?? snapshot.updatedAt));
}

/** The minutes to show, from two readings: level ÷ (percent per sheet × sheets per minute at the current speed). */
function expectedMinutes(earlier: LevelReading, later: LevelReading, speed: number): number {
  const perSheet = (earlier.level - later.level) / (later.sheets - earlier.sheets);
  return later.level / (perSheet * (speed / 60));
}

describe('time to empty in the running service', () => {
  it('is in GET /api/presses and in press:update for paper and every ink unit while the press prints, and agrees with the levels', async () => {
    // A full pile, so the press does not run out of paper (the simulated assistant is off).
    await eventually(async () => ((await listed()).state === 'production' ? true : undefined), { what: `${PRESS} in production`, timeoutMs: 15_000 });
    expect((await crew.operator.post(`/api/simulation/presses/${PRESS}/events`, { action: 'refill-paper', level: 100 })).status).toBe(200);

    // Before there are enough readings: present, with null figures, never a made-up number.
    const early = await listed();
    expect(early.timeToEmpty).toBeDefined();
    expect(early.timeToEmpty!.ink.map((i) => i.unit)).toEqual(early.ink.map((i) => i.unit));

    const started = Date.now();
    // Two snapshots at least 10 s apart, printing all along (a job change in between starts over).
    let first: Decorated | undefined;
    let later: Decorated | undefined;
    for (let attempt = 1; later === undefined; attempt++) {
      const candidate = await eventually(async () => {
        const p = await listed();
        return complete(p) ? p : undefined;
      }, { what: `time to empty of every channel of ${PRESS}`, timeoutMs: 75_000, intervalMs: 500 });
      if (attempt === 1) console.log(`[figure] first complete time-to-empty ${((Date.now() - started) / 1000).toFixed(1)} s after the paper refill`);
      const updates = recordEvents<Decorated>(board, 'press:update');
      const next = await updates.next((p) => p.id === PRESS && p.updatedAt > candidate.updatedAt && (!complete(p) || p.updatedAt >= candidate.updatedAt + 10_000), 20_000);
      const between = updates.all.filter((p) => p.id === PRESS && p.updatedAt > candidate.updatedAt && p.updatedAt <= next.updatedAt);
      if (complete(next) && between.every(complete)) {
        first = candidate;
        later = next;
      } else if (attempt === 3) {
        throw new Error(`${PRESS} did not print for 10 s in a row three times; last: ${next.state}`);
      }
    }
    first = first!;
    const tte = later.timeToEmpty!;

    const report: string[] = [];
    const check = (name: string, minutes: number, expected: number) => {
      report.push(`${name} ${minutes} min (levels say ${expected.toFixed(1)})`);
      expect(Number.isFinite(minutes) && minutes > 0, `${name}: ${minutes}`).toBe(true);
      // The service fits a slope over readings 30 s apart; this check takes two readings 10 s
      // apart, with 0.1 % level steps: within 30 % (measured: within 8 %).
      expect(minutes, `${name}: ${minutes} min, levels say ${expected.toFixed(1)}`).toBeGreaterThan(expected / 1.3);
      expect(minutes, `${name}: ${minutes} min, levels say ${expected.toFixed(1)}`).toBeLessThan(expected * 1.3);
    };
    const sheetsPerMs = (later.counters.total - first.counters.total) / (later.updatedAt - first.updatedAt);
    const reading = (snapshot: Decorated, level: { level: number | null; at: number | null }): LevelReading => ({ level: level.level!, sheets: sheetsAt(snapshot, level.at, sheetsPerMs) });
    check('paper', tte.paper!, expectedMinutes(reading(first, first.paper), reading(later, later.paper), later.speed!));
    for (const unit of later.ink) {
      const before = first.ink.find((i) => i.unit === unit.unit)!;
      const minutes = tte.ink.find((i) => i.unit === unit.unit)!.minutes!;
      check(`ink ${unit.unit}`, minutes, expectedMinutes(reading(first, before), reading(later, unit), later.speed!));
    }
    console.log(`[figure] ${PRESS} time to empty at ${later.speed} sheets/h: ${report.join('; ')}`);

    // The REST answer and the socket agree on the shape (the same decorated snapshot).
    const again = await listed();
    expect(Object.keys(again.timeToEmpty!).sort()).toEqual(['ink', 'paper']);
  }, 120_000);

  it('goes null when the press stops printing: in the next press:update, and in GET /api/presses within a scan period', async () => {
    const updates = recordEvents<Decorated>(board, 'press:update');
    expect((await crew.operator.post(`/api/simulation/presses/${PRESS}/events`, { action: 'stop' })).status).toBe(200);
    const stopped = await updates.next((p) => p.id === PRESS && p.state !== 'production', 10_000);
    const allNull = (p: Decorated) => ({ paper: null, ink: p.ink.map((i) => ({ unit: i.unit, minutes: null })) });
    expect(stopped.timeToEmpty).toEqual(allNull(stopped));
    // GET decorates the newest snapshot with the figures of the last press:update, which is at
    // most one fast scan period (250 ms) older.
    const listedStopped = await eventually(async () => {
      const p = await listed();
      return p.state !== 'production' && p.timeToEmpty?.paper === null ? p : undefined;
    }, { what: `${PRESS} listed as stopped with no time to empty`, timeoutMs: 1000 });
    expect(listedStopped.timeToEmpty).toEqual(allNull(listedStopped));
  });
});
