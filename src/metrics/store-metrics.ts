/** The store's part of GET /metrics: how long write transactions hold the database, by kind. */
import type { FeatureMetric } from '../http/feature-metrics.js';
import type { WriteTiming } from '../store/index.js';

/** Seconds: 0.1 ms (a NORMAL commit) to 1 s (an fsync on a worn SD card, a busy wait). */
const WRITE_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

export function storeWriteMetric(db: { onWrite(listener: (timing: WriteTiming) => void): () => void }): FeatureMetric {
  return {
    kind: 'histogram',
    name: 'pressroom_store_write_duration_seconds',
    help: 'Time of each write transaction, BEGIN to COMMIT: machine (synchronous=NORMAL) or durable (operator writes, fsynced)',
    labelNames: ['kind'],
    buckets: WRITE_BUCKETS,
    watch: (observe) => {
      const labels = { machine: { kind: 'machine' }, durable: { kind: 'durable' } };
      return db.onWrite((timing) => observe(timing.ms / 1000, labels[timing.kind]));
    },
  };
}
