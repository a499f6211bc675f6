import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Sample } from '../../src/recording/samples-repository.js';
import { shiftWindows, defaultShifts } from '../../src/supplies/shifts.js';
import { inkEntry, startHarness, type Harness } from './harness.js';

describe('shift windows', () => {
  it('cuts a day into early, late and night, the night one crossing midnight', () => {
    const from = new Date(2026, 2, 3, 0, 0).getTime();
    const to = new Date(2026, 2, 3, 23, 59).getTime();
    const windows = shiftWindows(defaultShifts, from, to).map(
      (w) => `${w.name} ${new Date(w.start).getHours()}-${new Date(w.end).getHours()} ${new Date(w.start).getDate()}`,
    );
    expect(windows).toEqual(['night 22-6 2', 'early 6-14 3', 'late 14-22 3', 'night 22-6 3']);
  });
});

describe('GET /api/supplies/consumption', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.dispose();
  });

  /**
   * 06:00-22:00 at 1000 sheets/h, 90 % good. Ink unit 1 uses 2 points per 1000 sheets and is
   * refilled (+30) at 14:00; a 6000-sheet paper pile is replaced at 12:00 and 18:00.
   */
  function recordDay(day: Date): void {
    const samples: Sample[] = [];
    for (let minute = 6 * 60; minute <= 22 * 60; minute += 10) {
      const at = new Date(day.getFullYear(), day.getMonth(), day.getDate(), 0, minute).getTime();
      const sheets = Math.round(((minute - 360) / 60) * 1000);
      samples.push({ pressId: 'press-1', signal: 'counter.total', at, value: sheets });
      samples.push({ pressId: 'press-1', signal: 'counter.good', at, value: Math.round(sheets * 0.9) });
      samples.push({ pressId: 'press-1', signal: 'ink.1', at, value: 80 - 0.002 * sheets + (minute >= 14 * 60 ? 30 : 0) });
      samples.push({ pressId: 'press-1', signal: 'paper', at, value: 100 - (sheets % 6000) / 60 });
    }
    h.samples.insertMany(samples);
  }

  it('gives ink per 1000 sheets per unit from level drops, and paper per shift from the counters', async () => {
    const day = new Date(2026, 2, 3);
    const at = (hours: number) => new Date(2026, 2, 3, hours, 5).getTime();
    recordDay(day);
    h.clock.advance(at(12) - h.clock.now());
    await h.request('POST', '/api/supplies', { body: inkEntry({ kind: 'paper', unit: undefined, uom: 'sheets', quantity: 6000 }) });
    h.clock.advance(at(14) - h.clock.now());
    await h.request('POST', '/api/supplies', { body: inkEntry({ unit: 1, quantity: 2.5, uom: 'kg' }) });

    const from = new Date(2026, 2, 3, 6).getTime();
    const to = new Date(2026, 2, 3, 22).getTime();
    const res = await h.request('GET', `/api/supplies/consumption?pressId=press-1&from=${from}&to=${to}`, { role: 'viewer' });
    expect(res.status).toBe(200);
    expect(res.body.sheets).toEqual({ total: 16_000, good: 14_400 });
    expect(res.body.ink[0]).toEqual({
      unit: 1,
      color: 'cyan',
      // 32 points used, less what went in the 10 min holding the refill (the reading only sees
      // the net rise): a refill hides at most one sample interval of use.
      levelUsed: 31.67,
      refillsSeen: 1,
      perThousandSheets: 1.98,
      perThousandGood: 2.2,
      logged: [{ uom: 'kg', quantity: 2.5 }],
    });
    expect(res.body.ink[1]).toMatchObject({ unit: 2, levelUsed: 0, perThousandSheets: 0, logged: [] });
    const shifts = res.body.paper.shifts.map((s: any) => ({ name: s.name, sheets: s.sheets.total, piles: s.pilesLoaded, logged: s.logged }));
    expect(shifts).toEqual([
      { name: 'early', sheets: 8000, piles: 1, logged: [{ uom: 'sheets', quantity: 6000 }] },
      { name: 'late', sheets: 8000, piles: 1, logged: [] },
    ]);
    expect(res.body.method.ink).toMatch(/percentage points/);

    // the same answer as CSV, for the shift report's "supplies used" table
    const csv = await h.request('GET', `/api/supplies/consumption.csv?pressId=press-1&from=${from}&to=${to}`, { role: 'viewer' });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('press,from,to,supply,unit,color,shift,used_percent_points,refills,sheets_total,sheets_good,used_per_1000_sheets,logged');
    const cells = lines.slice(1).map((line) => line.split(','));
    expect(cells.map((c) => [c[0], c[3], c[4], c[6], c[7], c[8], c[9], c[11], c[12]])).toEqual([
      ['press-1', 'ink', '1', '', '31.67', '1', '16000', '1.98', '2.5 kg'],
      ['press-1', 'ink', '2', '', '0', '0', '16000', '0', ''],
      ...res.body.ink
        .slice(2)
        .map((i: any) => ['press-1', 'ink', String(i.unit), '', String(i.levelUsed), String(i.refillsSeen), '16000', String(i.perThousandSheets), '']),
      ['press-1', 'paper', '', 'early', String(res.body.paper.shifts[0].pileUsed), '1', '8000', '', '6000 sheets'],
      ['press-1', 'paper', '', 'late', String(res.body.paper.shifts[1].pileUsed), '1', '8000', '', ''],
    ]);
    // without a press: every press, one after the other
    const all = await h.request('GET', `/api/supplies/consumption.csv?from=${from}&to=${to}`, { role: 'viewer' });
    expect(all.status).toBe(200);
    expect(all.text.trim().split('\r\n').length).toBeGreaterThan(lines.length);
  });

  it('answers 404 for an unknown press and 400 for a reversed range', async () => {
    expect((await h.request('GET', '/api/supplies/consumption?pressId=nope')).status).toBe(404);
    const reversed = await h.request('GET', '/api/supplies/consumption?pressId=press-1&from=2000&to=1000');
    expect(reversed.body.error.message).toMatch(/^invalid query: from \(.*\) is after to/);
    expect((await h.request('GET', '/api/supplies/consumption.csv?pressId=nope')).status).toBe(404);
  });
});
