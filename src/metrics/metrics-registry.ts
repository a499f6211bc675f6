/**
 * Turns the features' metric descriptions (src/http/feature-metrics.ts) into one prom-client
 * registry, with Node's default process metrics (CPU, memory, handles, GC, event-loop delay).
 * Gauges and counters are filled at scrape time by `collect`; histograms are fed by the
 * features' `watch` as things happen. Families of the same name from several features merge.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { FeatureMetric, HistogramMetric, ReadMetric } from '../http/feature-metrics.js';

export interface MetricsRegistry {
  readonly contentType: string;
  /** The Prometheus text exposition of every family. */
  scrape(): Promise<string>;
  /** Metric names in the registry (for the docs test and the dashboard check). */
  names(): string[];
  /** Stop the histograms' feeds. */
  stop(): void;
}

/**
 * The process metrics, once per process: collectDefaultMetrics starts an event-loop monitor
 * and a GC observer that cannot be stopped, so an app created again in the same process (the
 * tests do) shares them instead of adding more.
 */
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    // eventLoopMonitoringPrecision: the sampling interval of the event-loop delay histogram (ms)
    collectDefaultMetrics({ register: processRegistry, eventLoopMonitoringPrecision: 10 });
  }
  return processRegistry;
}

export function createMetricsRegistry(options: { metrics: readonly FeatureMetric[] }): MetricsRegistry {
  const registry = new Registry();
  const processFamilies = processMetrics();

  const families = new Map<string, FeatureMetric[]>();
  for (const metric of options.metrics) {
    const same = families.get(metric.name);
    if (!same) families.set(metric.name, [metric]);
    else if (same[0]!.kind !== metric.kind || String(same[0]!.labelNames ?? []) !== String(metric.labelNames ?? []))
      throw new Error(`metric ${metric.name} is described twice with different kinds or labels`);
    else same.push(metric);
  }

  const unwatch: (() => void)[] = [];
  for (const [name, parts] of families) {
    const first = parts[0]!;
    const labelNames = [...(first.labelNames ?? [])];
    if (first.kind === 'histogram') {
      const histogram = new Histogram({ name, help: first.help, labelNames, buckets: [...first.buckets], registers: [registry] });
      for (const part of parts as HistogramMetric[]) {
        unwatch.push(part.watch((value, labels) => (labels ? histogram.observe(labels, value) : histogram.observe(value))));
      }
      continue;
    }
    const read = () => (parts as ReadMetric[]).flatMap((part) => part.read());
    if (first.kind === 'gauge') {
      new Gauge({
        name,
        help: first.help,
        labelNames,
        registers: [registry],
        collect() {
          this.reset();
          for (const sample of read()) this.set(sample.labels ?? {}, sample.value);
        },
      });
    } else {
      new Counter({
        name,
        help: first.help,
        labelNames,
        registers: [registry],
        collect() {
          this.reset();
          for (const sample of read()) this.inc(sample.labels ?? {}, sample.value);
        },
      });
    }
  }

  return {
    contentType: registry.contentType,
    scrape: async () => `${await registry.metrics()}\n${await processFamilies.metrics()}`,
    names: () => [...registry.getMetricsAsArray(), ...processFamilies.getMetricsAsArray()].map((metric) => metric.name),
    stop: () => unwatch.splice(0).forEach((off) => off()),
  };
}
