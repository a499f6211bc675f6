/**
 * The metrics feature: GET /metrics in the Prometheus text format (docs/metrics.md). It owns no
 * figures of its own: each feature module describes what it counts (`metrics()` on the module
 * object, src/http/feature-metrics.ts), the store its write times, and this folder turns them
 * into one prom-client registry with the process metrics beside them.
 *
 *   const metrics = await createMetricsModule({ config: config.metrics, modules, db });
 *   // list it with the other modules: its rootRoutes hold GET /metrics
 *
 * Closed metrics (neither `anonymous` nor a `token`, the default) cost nothing: no one can
 * scrape, so prom-client is not loaded, no histogram listens to the buses (one call per Modbus
 * answer) and no event-loop monitor wakes every 10 ms. GET /metrics then answers 403 as before.
 */
import type { FeatureModule } from '../http/feature-module.js';
import type { FeatureMetric } from '../http/feature-metrics.js';
import type { WriteTiming } from '../store/index.js';
import type { MetricsConfig } from './metrics-config.js';
import type { MetricsRegistry } from './metrics-registry.js';
import { metricsRoutes } from './metrics-routes.js';
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
  /** Undefined while metrics are closed. */
  readonly registry: MetricsRegistry | undefined;
}

export async function createMetricsModule(options: MetricsModuleOptions): Promise<MetricsModule> {
  const open = options.config.anonymous || options.config.token !== undefined;
  const registry = open
    ? (await import('./metrics-registry.js')).createMetricsRegistry({
        metrics: [...options.modules.flatMap((module) => module.metrics?.() ?? []), storeWriteMetric(options.db), ...(options.extra ?? [])],
      })
    : undefined;
  return {
    name: 'metrics',
    migrations: [],
    routes: [],
    rootRoutes: [metricsRoutes({ registry, config: options.config })],
    openapi: async () => (await import('./metrics-openapi.js')).metricsPaths,
    registry,
    stop: () => registry?.stop(),
  };
}
