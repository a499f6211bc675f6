/**
 * What a feature folder hands the composition root: one object. The feature has applied its
 * own migrations when it was created (so its repositories find their tables); `migrations`
 * lists them for tooling and tests. The root mounts `routes` under /api, starts the modules
 * in the order it lists them, stops them in reverse, and merges their health into
 * GET /api/health, its `metrics` into GET /metrics and its `openapi` paths into
 * GET /api/openapi.json.
 */
import type { Router } from 'express';
import type { HealthPart } from '../model/health.js';
import type { FeatureMetric } from './feature-metrics.js';
import type { FeaturePaths } from './openapi-document.js';
import type { Migration } from '../store/migrate.js';

export interface FeatureModule {
  readonly name: string;
  readonly migrations: readonly Migration[];
  /** Mounted under /api, in order; each applies its own guards. */
  readonly routes: readonly Router[];
  /** Mounted at the root, outside /api (GET /metrics, POST /xjmf); each applies its own guards. */
  readonly rootRoutes?: readonly Router[];
  /**
   * The OpenAPI description of its routes (path → operations), assembled by
   * src/http/openapi-document.ts. Loaded when GET /api/openapi.json is first asked (a dynamic
   * import of the feature's *-openapi.ts), so the response schemas cost no heap before.
   */
  readonly openapi?: () => Promise<FeaturePaths>;
  health?(): HealthPart;
  /** What it tells GET /metrics (src/http/feature-metrics.ts); asked once, when the metrics feature is created. */
  metrics?(): readonly FeatureMetric[];
  start?(): void | Promise<void>;
  stop?(): void | Promise<void>;
}
