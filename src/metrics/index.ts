/**
 * The metrics feature: GET /metrics in the Prometheus text format (docs/metrics.md). It owns no
 * figures of its own: each feature module describes what it counts (`metrics()` on the module
 * object, src/http/feature-metrics.ts), the store its write times, and this folder turns them
 * into one prom-client registry with the process metrics beside them.
 *
 *   const metrics = createMetricsModule({ config: config.metrics, modules, db });
 *   // list it with the other modules: its rootRoutes hold GET /metrics
 */
import type { FeatureModule } from '../http/feature-module.js';
import type { FeatureMetric } from '../http/feature-metrics.js';
import type { WriteTiming } from '../store/index.js';
import type { MetricsConfig } from './metrics-config.js';
import { createMetricsRegistry, type MetricsRegistry } from './metrics-registry.js';
import { metricsRoutes } from './metrics-routes.js';
import { metricsPaths } from './metrics-openapi.js';
import { storeWriteMetric } from './store-metrics.js';

export { metricsConfigSchema, type MetricsConfig } from './metrics-config.js';
export type { MetricsRegistry } from './metrics-registry.js';

export interface MetricsModuleOptions {
  config: MetricsConfig;
  /** The modules whose `metrics()` are collected. */
  modules: readonly FeatureModule[];
  db: { onWrite(listener: (timing: WriteTiming) => void): () => void };
  /** Further metrics of the composition root (realtime clients, …). */
  extra?: readonly FeatureMetric[];
}

export interface MetricsModule extends FeatureModule {
  readonly registry: MetricsRegistry;
}

export function createMetricsModule(options: MetricsModuleOptions): MetricsModule {
  const registry = createMetricsRegistry({
    metrics: [...options.modules.flatMap((module) => module.metrics?.() ?? []), storeWriteMetric(options.db), ...(options.extra ?? [])],
  });
  return {
    name: 'metrics',
    migrations: [],
    routes: [],
    rootRoutes: [metricsRoutes({ registry, config: options.config })],
    openapi: metricsPaths,
    registry,
    stop: () => registry.stop(),
  };
}
