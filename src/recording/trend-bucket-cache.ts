/**
 * Buckets of rollup trends already computed, per (series, level, bucket width), in one history
 * worker: wall screens and office PCs refresh the same long trends, and everything but the
 * newest bucket is the same as a moment ago. A read then aggregates only the buckets it has
 * not seen (usually the last one or two) instead of a month of minute rows.
 *
 * Only complete buckets are kept: the one holding the query's `to` may still grow, so it is
 * always read afresh. An entry covers one interval [coverFrom, coverTo) of bucket starts, in
 * which every non-empty bucket is held, each with its JSON text.
 *
 * Exact because nothing changes a rollup without telling: the recorder reports, after each
 * commit, the oldest sample time it wrote per series (`changed`), which drops every bucket from
 * that time on (a late batch after a database outage drops more); a retention purge drops
 * everything (`clear`). A read that began before such a commit finishes before the worker
 * handles the notice, so what it stored is dropped too.
 */

/** bucket start, count, valued, sum, min, max, worst quality code */
export type BucketRow = [number, number, number, number | null, number | null, number | null, number];

export interface CachedBucket {
  row: BucketRow;
  json: string;
}

interface Entry {
  seriesId: number;
  width: number;
  coverFrom: number;
  coverTo: number;
  /** In start order, each in [coverFrom, coverTo). */
  buckets: CachedBucket[];
}

export class TrendBucketCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxEntries = 64) {}

  /**
   * The cached buckets from `first` on, and where cached knowledge ends (a bucket start): the
   * caller reads [knownTo, to] itself. Nothing cached for this start: knownTo === first.
   */
  lookup(key: { seriesId: number; level: string; width: number }, first: number): { buckets: CachedBucket[]; knownTo: number } {
    const entry = this.entries.get(keyOf(key));
    if (!entry || first < entry.coverFrom || first >= entry.coverTo) return { buckets: [], knownTo: first };
    // most recently used goes last, so the oldest is the one evicted
    this.entries.delete(keyOf(key));
    this.entries.set(keyOf(key), entry);
    return { buckets: entry.buckets.filter((b) => b.row[0] >= first), knownTo: entry.coverTo };
  }

  /**
   * Keep the complete buckets of a read that covered [first, last) (last: the start of the
   * bucket holding `to`, not kept), and the older ones already held when they join on, so a
   * month and a week read with the same bucket width share one entry. It grows by one bucket
   * per bucket width of time at most; a retention purge (hourly) clears it.
   */
  store(key: { seriesId: number; level: string; width: number }, first: number, last: number, buckets: readonly CachedBucket[]): void {
    const id = keyOf(key);
    const held = this.entries.get(id);
    this.entries.delete(id);
    if (last <= first) return;
    const kept = buckets.filter((b) => b.row[0] >= first && b.row[0] < last);
    const joins = held !== undefined && held.coverFrom < first && held.coverTo >= first;
    this.entries.set(id, {
      seriesId: key.seriesId,
      width: key.width,
      coverFrom: joins ? held.coverFrom : first,
      coverTo: last,
      buckets: joins ? [...held.buckets.filter((b) => b.row[0] < first), ...kept] : kept,
    });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  /** Samples of `seriesId` from `since` on were written: forget every bucket that may hold one. */
  changed(seriesId: number, since: number): void {
    for (const [id, entry] of this.entries) {
      if (entry.seriesId !== seriesId) continue;
      const from = Math.floor(since / entry.width) * entry.width;
      if (from >= entry.coverTo) continue;
      if (from <= entry.coverFrom) {
        this.entries.delete(id);
        continue;
      }
      entry.coverTo = from;
      entry.buckets = entry.buckets.filter((b) => b.row[0] < from);
    }
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

function keyOf(key: { seriesId: number; level: string; width: number }): string {
  return `${key.seriesId}:${key.level}:${key.width}`;
}
