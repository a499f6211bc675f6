import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestStore as openStore, type TestStore as Store } from '../helpers/test-store.js';
import type { RunStateTransition } from '../../src/presses/transitions-repository.js';
import { makeTempDir } from './temp-store.js';

let temp: ReturnType<typeof makeTempDir>;
let store: Store;
beforeEach(() => {
  temp = makeTempDir();
  store = openStore({ dataDir: temp.dir });
});
afterEach(() => {
  store.close();
  temp.cleanup();
});

const HOUR = 3_600_000;
const t0 = Date.UTC(2025, 2, 3, 6, 0, 0);
const shift: RunStateTransition[] = [
  { pressId: 'sm52', at: t0, state: 'setup', reason: null, detail: 'job 4711 make-ready' },
  { pressId: 'sm52', at: t0 + 0.5 * HOUR, state: 'production', reason: null, detail: null },
  { pressId: 'sm52', at: t0 + 2 * HOUR, state: 'stopped', reason: 'jam', detail: 'feeder double sheet' },
  { pressId: 'sm52', at: t0 + 2.1 * HOUR, state: 'production', reason: null, detail: null },
  { pressId: 'sm52', at: t0 + 6 * HOUR, state: 'cleanup', reason: null, detail: null },
];

describe('TransitionsRepository', () => {
  it('round-trips transitions with reason and detail, and lists one press in a time range', () => {
    for (const transition of shift) store.transitions.append(transition);
    store.transitions.append({ pressId: 'rapida', at: t0 + HOUR, state: 'idle', reason: null, detail: null });

    const listed = store.transitions.list({ pressId: 'sm52', from: t0 + HOUR, to: t0 + 6 * HOUR });
    expect(listed.map(({ id: _id, ...rest }) => rest)).toEqual(shift.slice(2));
    expect(store.transitions.list({ pressId: 'sm52', from: 0, to: t0 - 1 })).toEqual([]);
  });

  it('inForceAt is the last transition before a time: the state a range starts in', () => {
    for (const transition of shift) store.transitions.append(transition);
    expect(store.transitions.inForceAt('sm52', t0 + 3 * HOUR)).toMatchObject({ at: t0 + 2.1 * HOUR, state: 'production' });
    // strictly before: a transition at `from` itself is listed by list({ from }) instead
    expect(store.transitions.inForceAt('sm52', t0 + 2 * HOUR)).toMatchObject({ at: t0 + 0.5 * HOUR, state: 'production' });
    expect(store.transitions.inForceAt('sm52', t0)).toBeNull();
    expect(store.transitions.inForceAt('nowhere', t0)).toBeNull();
  });

  it('latest is the newest by time, not by insertion, and null for an unknown press', () => {
    store.transitions.append(shift[1]!);
    store.transitions.append(shift[0]!); // arrives late (e.g. replayed after a restart)
    expect(store.transitions.latest('sm52')?.state).toBe('production');
    expect(store.transitions.latest('nowhere')).toBeNull();
  });

  it('survives close and reopen', () => {
    const stored = store.transitions.append(shift[2]!);
    store.close();
    store = openStore({ dataDir: temp.dir });
    expect(store.transitions.latest('sm52')).toEqual(stored);
  });

  it('retention deletes transitions older than the cutoff but keeps the state in force at the cutoff', () => {
    for (const transition of shift) store.transitions.append(transition);
    const idleSinceLastYear = { pressId: 'gto', at: t0 - 400 * 24 * HOUR, state: 'idle' as const, reason: null, detail: null };
    store.transitions.append(idleSinceLastYear);

    const cutoff = t0 + 3 * HOUR;
    expect(store.transitions.purgeOlderThan(cutoff)).toBe(3); // setup, production, stopped
    const kept = store.transitions.list({ pressId: 'sm52', from: 0, to: Number.MAX_SAFE_INTEGER });
    expect(kept.map((t) => t.at)).toEqual([t0 + 2.1 * HOUR, t0 + 6 * HOUR]);
    expect(store.transitions.latest('gto')?.state).toBe('idle');
    expect(store.transitions.purgeOlderThan(cutoff)).toBe(0);
  });
});
