import { describe, expect, it } from 'vitest';
import { createDeferredWrites } from '../../src/store/deferred-writes.js';
import { captureLogs } from '../helpers/log-capture.js';

class FakeStoreError extends Error {
  override name = 'StoreError';
  constructor(readonly kind: string) {
    super(`refused [${kind}]`);
  }
}

/** A database that refuses while `refusing` is set, recording what it accepted. */
function fakeDatabase() {
  const stored: string[] = [];
  const db = { refusing: undefined as string | undefined, stored };
  const write = (what: string) => () => {
    if (db.refusing) throw new FakeStoreError(db.refusing);
    stored.push(what);
  };
  return { db, write };
}

describe('DeferredWrites', () => {
  it('queues writes in order while the database refuses them and replays them in that order', () => {
    const { db, write } = fakeDatabase();
    const writes = createDeferredWrites({ logger: captureLogs().logger, retryMs: 3_600_000 });
    writes.run('a', write('a'));
    db.refusing = 'busy';
    writes.run('b', write('b'));
    db.refusing = undefined;
    // accepted again, but 'c' must not overtake the queued 'b'
    writes.run('c', write('c'));
    expect(db.stored).toEqual(['a']);
    expect(writes.pending()).toBe(2);
    expect(writes.trouble()).toMatch(/^b: refused \[busy\]/);
    expect(writes.troubleError()).toMatchObject({ kind: 'busy' });
    writes.flush();
    expect(db.stored).toEqual(['a', 'b', 'c']);
    expect(writes.trouble()).toBeUndefined();
    expect(writes.troubleError()).toBeUndefined();
    writes.stop();
  });

  it('a keyed write replaces the queued one with the same key', () => {
    const { db, write } = fakeDatabase();
    const writes = createDeferredWrites({ logger: captureLogs().logger, retryMs: 3_600_000 });
    db.refusing = 'read-only';
    writes.run('counters 1', write('counters 1'), 'counters:p1');
    writes.run('transition', write('transition'));
    writes.run('counters 2', write('counters 2'), 'counters:p1');
    db.refusing = undefined;
    writes.flush();
    expect(db.stored).toEqual(['transition', 'counters 2']);
    writes.stop();
  });

  it('past its bound it drops the oldest, logs an error once per outage, and counts them', () => {
    const { db, write } = fakeDatabase();
    const log = captureLogs();
    const writes = createDeferredWrites({ logger: log.logger, retryMs: 3_600_000, maxPending: 3 });
    db.refusing = 'disk-full';
    for (const n of [1, 2, 3, 4, 5]) writes.run(`w${n}`, write(`w${n}`));
    expect(writes.pending()).toBe(3);
    expect(writes.dropped()).toBe(2);
    expect(log.at('error').filter((m) => /write queue full/.test(m))).toHaveLength(1);
    db.refusing = undefined;
    writes.flush();
    expect(db.stored).toEqual(['w3', 'w4', 'w5']);
    expect(log.at('error').some((m) => /some were dropped/.test(m))).toBe(true);
    writes.stop();
  });

  it('a write refused for its content is not retried forever: dropped, logged at error and counted; the queue moves on', () => {
    const { db, write } = fakeDatabase();
    const log = captureLogs();
    const writes = createDeferredWrites({ logger: log.logger, retryMs: 3_600_000 });
    db.refusing = 'busy';
    writes.run('a', write('a'));
    writes.run('bad', () => {
      throw new FakeStoreError('constraint');
    });
    writes.run('b', write('b'));
    db.refusing = undefined;
    writes.flush();
    expect(db.stored).toEqual(['a', 'b']);
    expect(writes.dropped()).toBe(1);
    expect(log.at('error').some((m) => /for its content/.test(m))).toBe(true);
    writes.stop();
  });
});
