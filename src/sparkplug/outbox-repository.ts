/**
 * The store-and-forward queue in SQLite (`sparkplug_outbox`): bounded, oldest dropped first.
 * Writes use the store's normal transactions (WAL, synchronous=NORMAL): a queued change
 * survives a restart of the process.
 */
import type { StoreDatabase } from '../store/database.js';
import type { MetricValue } from './press-metrics.js';

export interface QueuedData {
  id: number;
  pressId: string;
  at: number;
  metrics: [string, MetricValue][];
}

export class SparkplugOutbox {
  private readonly insert;
  private readonly selectBatch;
  private readonly deleteUpTo;
  private readonly dropOldest;
  private readonly count;
  private readonly readKey;
  private readonly writeKey;
  private depthNow: number;
  private droppedSinceStart = 0;

  constructor(
    private readonly db: StoreDatabase,
    readonly maxMessages: number,
  ) {
    const c = db.connection;
    this.insert = c.prepare<[string, number, string]>('INSERT INTO sparkplug_outbox (press_id, at, metrics) VALUES (?, ?, ?)');
    this.selectBatch = c.prepare<[number, number]>('SELECT id, press_id, at, metrics FROM sparkplug_outbox WHERE id > ? ORDER BY id LIMIT ?');
    this.deleteUpTo = c.prepare<[number]>('DELETE FROM sparkplug_outbox WHERE id <= ?');
    this.dropOldest = c.prepare<[number]>('DELETE FROM sparkplug_outbox WHERE id IN (SELECT id FROM sparkplug_outbox ORDER BY id LIMIT ?)');
    this.count = c.prepare('SELECT count(*) FROM sparkplug_outbox').pluck();
    this.readKey = c.prepare<[string]>('SELECT value FROM sparkplug_node WHERE key = ?').pluck();
    this.writeKey = c.prepare<[string, number]>('INSERT INTO sparkplug_node (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
    this.depthNow = this.count.get() as number;
  }

  /** Queues one DDATA; past the bound the oldest rows go. Returns how many were dropped. */
  enqueue(entry: Omit<QueuedData, 'id'>): number {
    return this.db.write('queue sparkplug data', () => {
      this.insert.run(entry.pressId, entry.at, JSON.stringify(entry.metrics));
      this.depthNow += 1;
      const excess = this.depthNow - this.maxMessages;
      if (excess <= 0) return 0;
      this.dropOldest.run(excess);
      this.depthNow -= excess;
      this.droppedSinceStart += excess;
      return excess;
    });
  }

  /** The next queued rows after `afterId`, oldest first. */
  batch(afterId: number, limit: number): QueuedData[] {
    const rows = this.selectBatch.all(afterId, limit) as { id: number; press_id: string; at: number; metrics: string }[];
    return rows.map((r) => ({ id: r.id, pressId: r.press_id, at: r.at, metrics: JSON.parse(r.metrics) as [string, MetricValue][] }));
  }

  /** Forgets every row up to `id` (published). */
  sent(id: number): void {
    this.db.write('forget sent sparkplug data', () => {
      const removed = this.deleteUpTo.run(id).changes;
      this.depthNow -= removed;
    });
  }

  depth(): number {
    return this.depthNow;
  }

  dropped(): number {
    return this.droppedSinceStart;
  }

  /** The next birth/death sequence number (0-255), advanced and stored for the next connection. */
  nextBdSeq(): number {
    return this.db.write('advance sparkplug bdSeq', () => {
      const stored = this.readKey.get('bdSeq') as number | undefined;
      const bdSeq = stored === undefined ? 0 : (stored + 1) % 256;
      this.writeKey.run('bdSeq', bdSeq);
      return bdSeq;
    });
  }
}
