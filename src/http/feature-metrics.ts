/**
 * What a feature tells GET /metrics, without knowing Prometheus or prom-client: plain
 * descriptions the metrics feature (src/metrics) turns into metric families.
 *
 * - `gauge` and `counter` are read when Prometheus scrapes (`read()`), from figures the feature
 *   keeps anyway (counts in memory, a cheap query): nothing is added to the live path.
 * - `histogram` is fed by the feature as things happen (`watch` hands it the function to call
 *   with each observation); keep the call cheap, it may come with every Modbus transaction.
 *
 * Families of the same `name` from several features are merged into one (same kind, labels and
 * buckets): e.g. each feature with an outbox adds its rows to `pressroom_outbox_depth` with its
 * own `outbox` label (see `outboxDepth`).
 */
export type MetricLabels = Readonly<Record<string, string>>;

export interface MetricSample {
  labels?: MetricLabels;
  value: number;
}

interface MetricBase {
  /** Prometheus name, `pressroom_…`, with the unit as suffix (`_seconds`, `_total` for counters). */
  name: string;
  help: string;
  labelNames?: readonly string[];
}

export interface ReadMetric extends MetricBase {
  kind: 'gauge' | 'counter';
  /** Called at scrape time. A counter's values only grow (since the start of the process). */
  read(): readonly MetricSample[];
}

export interface HistogramMetric extends MetricBase {
  kind: 'histogram';
  /** Upper bounds of the buckets, in the metric's unit. */
  buckets: readonly number[];
  /** Start feeding observations; returns the function that stops it. */
  watch(observe: (value: number, labels?: MetricLabels) => void): () => void;
}

export type FeatureMetric = ReadMetric | HistogramMetric;

/** The shared outbox-depth gauge: messages waiting to leave the box through one outbox (webhook, xjmf, sparkplug). */
export function outboxDepth(outbox: string, depth: () => number): ReadMetric {
  return {
    kind: 'gauge',
    name: 'pressroom_outbox_depth',
    help: 'Messages waiting in an outbox to be sent (webhook, xjmf, sparkplug store-and-forward)',
    labelNames: ['outbox'],
    read: () => [{ labels: { outbox }, value: depth() }],
  };
}
