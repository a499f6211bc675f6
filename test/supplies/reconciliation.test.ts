import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../helpers/manual-clock.js';
import { Reconciler } from '../../src/supplies/reconciler.js';
import type { SupplyEntry, UnloggedRefill } from '../../src/model/supply.js';
import { clientId, inkEntry, START, startHarness, type Harness } from './harness.js';

const MIN = 60_000;

describe('Reconciler (pure)', () => {
  const clock = new ManualClock(START);
  const reading = (unit: number, level: number, at: number) => ({ pressId: 'p', kind: 'ink' as const, unit, color: 'cyan', level, at });
  const entry = (id: number, unit: number, at: number) => ({ id, pressId: 'p', kind: 'ink' as const, unit, color: 'cyan', at });

  it('ignores noise and slow drift below the jump, and merges a fill seen over several readings', () => {
    const r = new Reconciler({ clock, settings: { jumpPoints: 10 } });
    const out = [50, 49.5, 51, 48, 55, 47].flatMap((level, i) => r.observeLevel(reading(1, level, START + i * MIN)));
    expect(out).toEqual([]);
    const fill = [20, 35, 60, 85, 84.5].flatMap((level, i) => r.observeLevel(reading(2, level, START + i * 20_000)));
    expect(fill).toEqual([
      { type: 'suggested', suggestion: expect.objectContaining({ from: 20, to: 35, unit: 2 }) },
      { type: 'suggestion-raised', suggestionId: expect.any(String), to: 60 },
      { type: 'suggestion-raised', suggestionId: expect.any(String), to: 85 },
    ]);
  });

  it('matches a rise to the entry on the same unit only, within the window either side', () => {
    const r = new Reconciler({ clock, settings: { windowMs: 15 * MIN } });
    r.observeLevel(reading(1, 20, START));
    r.observeLevel(reading(2, 20, START));
    expect(r.observeEntry(entry(1, 1, START))).toEqual([]);
    // unit 2 rises: not the entry's unit
    expect(r.observeLevel(reading(2, 60, START + 5 * MIN))[0]?.type).toBe('suggested');
    // unit 1 rises 20 min later: outside the window
    expect(r.observeLevel(reading(1, 60, START + 20 * MIN))[0]?.type).toBe('suggested');
    // an entry for unit 2 logged 10 min after its rise claims that rise
    const late = r.observeEntry(entry(2, 2, START + 15 * MIN));
    expect(late).toEqual([expect.objectContaining({ type: 'confirmed', entryId: 2, from: 20, to: 60, suggestionId: expect.stringContaining(':ink.2:') })]);
  });
});

describe('Reconciler memory', () => {
  it('forgets rises older than two windows: a press refilled every 5 min for 4 h keeps a handful', () => {
    const clock = new ManualClock(START);
    const r = new Reconciler({ clock, settings: { windowMs: 15 * MIN, mergeMs: 2 * MIN } });
    let most = 0;
    for (let minute = 0; minute < 240; minute++) {
      if (minute > 0) clock.advance(MIN);
      // drains 10 points a minute, refilled to 100 every 5 minutes
      r.observeLevel({ pressId: 'p', kind: 'ink', unit: 1, color: 'cyan', level: 100 - (minute % 5) * 10, at: clock.now() });
      r.tick();
      most = Math.max(most, r.riseCount);
    }
    expect(most).toBeLessThanOrEqual((2 * 15) / 5 + 1);
    // the last refill is still there to confirm an entry logged for it
    expect(r.observeEntry({ id: 1, pressId: 'p', kind: 'ink', unit: 1, color: 'cyan', at: clock.now() })[0]?.type).toBe('confirmed');
  });
});

describe('reconciliation in the service', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ settings: { reconciliation: { jumpPoints: 10, windowMs: 15 * MIN } } });
  });
  afterEach(async () => {
    await h.dispose();
  });

  /** The press reports levels now: ink by unit, paper. */
  function levels(pressId: string, values: { ink?: Record<number, number>; paper?: number }): void {
    const press = h.presses.get(pressId)!;
    const at = h.clock.now();
    const ink = press.ink.map((unit) => ({ ...unit, level: values.ink?.[unit.unit] ?? unit.level, at }));
    const paper = { ...press.paper, level: values.paper ?? press.paper.level, at };
    const next = { ...press, ink, paper, updatedAt: at };
    h.presses.set(pressId, next);
    h.supplies.observeSnapshot(next);
  }

  async function entry(id: number): Promise<SupplyEntry> {
    return (await h.request('GET', `/api/supplies/${id}`)).body;
  }

  it('confirms a logged refill when the level rises within the window', async () => {
    const reconciled: SupplyEntry[] = [];
    h.supplies.events.on('supply:reconciled', (e) => reconciled.push(e));
    levels('press-1', { ink: { 2: 18 } });
    const logged = (await h.request('POST', '/api/supplies', { body: inkEntry({ unit: 2 }) })).body;
    expect(logged.reconciliation.status).toBe('pending');
    h.clock.advance(3 * MIN);
    levels('press-1', { ink: { 2: 18.5 } });
    h.clock.advance(1 * MIN);
    levels('press-1', { ink: { 2: 64 } });
    expect((await entry(logged.id)).reconciliation).toEqual({
      status: 'confirmed',
      at: START + 4 * MIN,
      detail: 'ink unit 2 rose from 18 % to 64 %',
      levelFrom: 18,
      levelTo: 64,
    });
    expect(reconciled.map((e) => e.id)).toEqual([logged.id]);
    expect((await h.request('GET', '/api/supplies/suggestions')).body.unlogged).toEqual([]);
  });

  it('offers a rise nobody logged as an unlogged refill, resolved by logging it with its suggestionId', async () => {
    const suggested: UnloggedRefill[] = [];
    h.supplies.events.on('supplies:suggestion', (s) => suggested.push(s));
    levels('press-1', { ink: { 3: 25 } });
    h.clock.advance(MIN);
    levels('press-1', { ink: { 3: 80 } });
    const { unlogged } = (await h.request('GET', '/api/supplies/suggestions', { role: 'viewer' })).body;
    expect(unlogged).toEqual([{ id: expect.any(String), pressId: 'press-1', kind: 'ink', unit: 3, color: 'yellow', at: START + MIN, from: 25, to: 80 }]);
    expect(suggested).toEqual(unlogged);

    h.clock.advance(40 * MIN); // long after the window: an explicit completion still confirms
    const wrongUnit = await h.request('POST', '/api/supplies', { body: inkEntry({ unit: 2, suggestionId: unlogged[0].id }) });
    expect(wrongUnit.status).toBe(400);
    expect(wrongUnit.body.error.message).toBe(`suggestion "${unlogged[0].id}" is for ink unit 3 on press-1`);
    const done = await h.request('POST', '/api/supplies', { body: inkEntry({ unit: 3, suggestionId: unlogged[0].id }) });
    expect(done.status).toBe(201);
    expect(done.body.reconciliation).toMatchObject({ status: 'confirmed', levelFrom: 25, levelTo: 80 });
    expect((await h.request('GET', '/api/supplies/suggestions')).body.unlogged).toEqual([]);
    const twice = await h.request('POST', '/api/supplies', { body: inkEntry({ unit: 3, suggestionId: unlogged[0].id }) });
    expect(twice.status).toBe(409);
    expect(twice.body.error.message).toBe(`suggestion "${unlogged[0].id}" was already completed by entry ${done.body.id}`);
  });

  it('resolves the suggestion when the operator logs the refill shortly after, without its id', async () => {
    levels('press-1', { paper: 5 });
    h.clock.advance(MIN);
    levels('press-1', { paper: 100 });
    expect((await h.request('GET', '/api/supplies/suggestions')).body.unlogged).toHaveLength(1);
    h.clock.advance(4 * MIN);
    const res = await h.request('POST', '/api/supplies', { body: inkEntry({ kind: 'paper', unit: undefined, uom: 'sheets', quantity: 6000 }) });
    expect(res.body.reconciliation).toMatchObject({ status: 'confirmed', detail: 'paper rose from 5 % to 100 %' });
    expect((await h.request('GET', '/api/supplies/suggestions')).body.unlogged).toEqual([]);
  });

  it('reconciles an entry queued offline longer than the window on when it was logged: it confirms the refill and closes its suggestion', async () => {
    levels('press-1', { paper: 5 });
    h.clock.advance(MIN);
    levels('press-1', { paper: 100 }); // the pile is loaded; the tablet is offline, the entry waits on it
    const refillAt = h.clock.now();
    h.clock.advance(MIN);
    const loggedAt = h.clock.now();
    expect((await h.request('GET', '/api/supplies/suggestions')).body.unlogged).toEqual([expect.objectContaining({ kind: 'paper', at: refillAt })]);
    // 40 minutes later (more than the 15-min window, longer than rises are kept in memory) the
    // tablet is back and sends it, with the time it was made
    for (let minute = 0; minute < 40; minute++) {
      h.clock.advance(MIN);
      levels('press-1', { paper: 100 - minute });
    }
    const res = await h.request('POST', '/api/supplies', { body: inkEntry({ kind: 'paper', unit: undefined, uom: 'sheets', quantity: 6000, loggedAt }) });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ loggedAt, receivedAt: h.clock.now() });
    expect(res.body.reconciliation).toMatchObject({
      status: 'confirmed',
      levelFrom: 5,
      levelTo: 100,
      detail: `paper rose from 5 % to 100 % at ${new Date(refillAt).toISOString()}`,
    });
    // no second request to log the same refill
    expect((await h.request('GET', '/api/supplies/suggestions')).body.unlogged).toEqual([]);
    // and it stays so: nothing flags it later
    h.clock.advance(30 * MIN);
    expect((await entry(res.body.id)).reconciliation.status).toBe('confirmed');
  });

  it('flags an entry logged offline long ago for which no level rose around that time, at once', async () => {
    levels('press-1', { paper: 60 });
    h.clock.advance(40 * MIN);
    levels('press-1', { paper: 50 });
    const res = await h.request('POST', '/api/supplies', {
      body: inkEntry({ kind: 'paper', unit: undefined, uom: 'sheets', quantity: 6000, loggedAt: START + MIN }),
    });
    expect(res.body.reconciliation.status).toBe('flagged');
  });

  it('flags a logged refill when no rise comes within the window, and keeps the flag on disk', async () => {
    levels('press-1', { paper: 30 });
    const logged = (await h.request('POST', '/api/supplies', { body: inkEntry({ kind: 'paper', unit: undefined, uom: 'sheets', quantity: 6000 }) })).body;
    const ink = (await h.request('POST', '/api/supplies', { body: inkEntry({ pressId: 'press-2', unit: 5 }) })).body;
    h.clock.advance(10 * MIN);
    levels('press-1', { paper: 29 });
    expect((await entry(logged.id)).reconciliation.status).toBe('pending');
    h.clock.advance(5 * MIN); // the timer fires at the deadline, no reading needed
    expect((await entry(logged.id)).reconciliation).toMatchObject({
      status: 'flagged',
      at: START + 15 * MIN,
      detail: 'no level rise seen on paper within 15 min',
    });
    expect((await entry(ink.id)).reconciliation).toMatchObject({ status: 'flagged', detail: 'no level readings from ink unit 5 within 15 min' });
    // A rise after the window no longer confirms it: it is an unlogged refill to look into.
    levels('press-1', { paper: 95 });
    expect((await entry(logged.id)).reconciliation.status).toBe('flagged');
    expect((await h.request('GET', '/api/supplies/suggestions')).body.unlogged).toHaveLength(1);
  });

  it('awaits pending entries again after a restart', async () => {
    const logged = (await h.request('POST', '/api/supplies', { body: inkEntry({ unit: 1 }) })).body;
    await h.close();
    const again = await startHarness({ dir: h.dir });
    try {
      again.clock.advance(15 * MIN);
      const res = await again.request('GET', `/api/supplies/${logged.id}`);
      expect(res.body.reconciliation.status).toBe('flagged');
    } finally {
      await again.dispose();
    }
  });

  it('lists units below the low threshold as low-level suggestions', async () => {
    levels('press-2', { ink: { 4: 9 }, paper: 12 });
    const { low } = (await h.request('GET', '/api/supplies/suggestions')).body;
    expect(low).toEqual([
      { id: 'low:press-2:ink.4', pressId: 'press-2', kind: 'ink', unit: 4, color: 'black', level: 9, threshold: 15, at: START },
      { id: 'low:press-2:paper', pressId: 'press-2', kind: 'paper', unit: null, color: null, level: 12, threshold: 15, at: START },
    ]);
  });

  it('lets the correction of a confirmed entry keep its confirmation', async () => {
    levels('press-1', { ink: { 1: 10 } });
    const logged = (await h.request('POST', '/api/supplies', { body: inkEntry({ unit: 1, lot: 'typo' }) })).body;
    h.clock.advance(MIN);
    levels('press-1', { ink: { 1: 70 } });
    h.clock.advance(3 * 3600_000);
    const res = await h.request('POST', `/api/supplies/${logged.id}/void`, {
      body: { reason: 'lot number typo', replacement: inkEntry({ unit: 1, lot: 'L24-0815', clientId: clientId() }) },
    });
    expect(res.body.replacement.reconciliation).toMatchObject({ status: 'confirmed', levelFrom: 10, levelTo: 70 });
  });
});
