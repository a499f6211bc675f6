/**
 * What a feature folder hands the composition root: one object. The feature has applied its
 * own migrations when it was created (so its repositories find their tables); `migrations`
 * lists them for tooling and tests. The root mounts `routes` under /api, starts the modules
 * in the order it lists them, stops them in reverse, and merges their health into
 * GET /api/health.
 */
import type { Router } from 'express';
import type { HealthPart } from '../model/health.js';
import type { Migration } from '../store/migrate.js';

export interface FeatureModule {
  readonly name: string;
  readonly migrations: readonly Migration[];
  /** Mounted under /api, in order; each applies its own guards. */
  readonly routes: readonly Router[];
  /** Mounted at the root, for protocols with a path of their own (POST /xjmf); each applies its own guards. */
  readonly rootRoutes?: readonly Router[];
  health?(): HealthPart;
  start?(): void | Promise<void>;
  stop?(): void | Promise<void>;
}
