/**
 * GET /api/health: merges what each module says about itself (presses and buses, store
 * queues, webhooks, realtime clients) with the process's own figures (uptime, event-loop
 * delay). 200 even when degraded: the service itself answers; load balancers read `status`.
 */
import type { FeatureModule } from '../http/feature-module.js';
import type { HealthPart, HealthReport } from '../model/health.js';
import { createEventLoopMonitor } from './event-loop-monitor.js';
import { healthRoutes } from './health-routes.js';

export interface HealthModuleOptions {
  version: string;
  now: () => number;
  /** Each module's part, asked on every request. */
  parts: readonly (() => HealthPart | undefined)[];
}

export interface HealthModule extends FeatureModule {
  report(): HealthReport;
}

export function createHealthModule(options: HealthModuleOptions): HealthModule {
  const startedAt = options.now();
  const eventLoop = createEventLoopMonitor();
  const report = (): HealthReport => {
    const base: HealthReport = {
      status: 'ok',
      version: options.version,
      startedAt,
      uptimeS: Math.round((options.now() - startedAt) / 1000),
      presses: { total: 0, online: 0 },
      buses: [],
      reasons: [],
      store: { ok: true, pending: { writes: 0, samples: 0 }, dropped: { writes: 0, samples: 0 } },
      eventLoop: eventLoop.read(),
      realtimeClients: 0,
      notifications: [],
    };
    let storeError: string | undefined;
    for (const partOf of options.parts) {
      const part = partOf();
      if (!part) continue;
      Object.assign(base, part.fields);
      base.reasons.push(...(part.reasons ?? []));
      storeError ??= part.store?.error;
      for (const key of ['writes', 'samples'] as const) {
        base.store.pending[key] += part.store?.pending?.[key] ?? 0;
        base.store.dropped[key] += part.store?.dropped?.[key] ?? 0;
      }
    }
    if (storeError !== undefined) {
      base.store = { ok: false, error: storeError, pending: base.store.pending, dropped: base.store.dropped };
      base.reasons.push(`store: ${storeError}`);
    }
    base.status = base.reasons.length === 0 ? 'ok' : 'degraded';
    return base;
  };
  return {
    name: 'health',
    migrations: [],
    routes: [healthRoutes({ health: report })],
    openapi: async () => (await import('./health-openapi.js')).healthPaths,
    report,
    stop: () => eventLoop.stop(),
  };
}
