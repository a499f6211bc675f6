import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PressCounterState } from '../../src/presses/counters-repository.js';
import { openTestStore as openStore, type TestStore as Store } from '../helpers/test-store.js';
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

// Past a 32-bit wrap: the accumulated total is above 2^32 while the PLC shows a small value.
const afterWrap: PressCounterState = {
  pressId: 'sm52',
  total: 4_294_967_296 + 1_250,
  good: 4_294_000_000,
  waste: 968_546,
  raw: { total: 1_250, good: 1_100, waste: 150 },
  updatedAt: 1_741_000_000_000,
};

describe('CountersRepository', () => {
  it('keeps each press counter state across a restart, with values beyond 32 bits exact', () => {
    store.counters.save(afterWrap);
    store.counters.save({ ...afterWrap, pressId: 'rapida', raw: { total: null, good: null, waste: null } });
    store.close();
    store = openStore({ dataDir: temp.dir });
    expect(store.counters.get('sm52')).toEqual(afterWrap);
    expect(store.counters.get('rapida')?.raw).toEqual({ total: null, good: null, waste: null });
    expect(store.counters.get('unknown')).toBeNull();
  });

  it('save replaces the previous state; saveMany writes several presses at once', () => {
    store.counters.save(afterWrap);
    const later = { ...afterWrap, total: afterWrap.total + 10, raw: { ...afterWrap.raw, total: 1_260 }, updatedAt: afterWrap.updatedAt + 1_000 };
    store.counters.saveMany([later, { ...later, pressId: 'gto' }]);
    expect(store.counters.all().map((state) => [state.pressId, state.total])).toEqual([
      ['gto', later.total],
      ['sm52', later.total],
    ]);
  });
});
