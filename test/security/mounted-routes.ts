/**
 * Every route the composition root mounts, read from express itself rather than from a list
 * someone has to remember: while `createApp` builds the service (in this process, on a temp
 * data folder, never started), `Router.prototype.route` is wrapped so each route object any
 * router or the app creates is kept; afterwards each route's path and methods are read.
 * Routes of routers mounted under /api have paths relative to /api; routers the app mounts
 * at its root (`app.use(router)`: GET /metrics, POST /xjmf) are told apart by that call; the app's own routes (the dashboard's index and client-side routes) are told
 * apart by the router that created them.
 */
import express from 'express';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/load.js';

export interface MountedRoute {
  /** `GET /api/alarms`, or for the app's own routes `GET /` or `GET /^\/(?!api\/).*$/`. */
  key: string;
  method: string;
  path: string;
}

interface RouteLike {
  path: string | RegExp;
  methods: Record<string, boolean>;
}
type RouterProto = { route(this: unknown, path: string | RegExp): RouteLike };

export async function mountedRoutes(configFile: string): Promise<MountedRoute[]> {
  const proto = (express.Router as unknown as { prototype: RouterProto }).prototype;
  const original = proto.route;
  const made: { route: RouteLike; router: unknown }[] = [];
  proto.route = function route(this: unknown, routePath: string | RegExp) {
    const created = original.call(this, routePath);
    made.push({ route: created, router: this });
    return created;
  };
  // Routers the app mounts at its root (app.use(router), outside /api: GET /metrics).
  const application = express.application as unknown as { use(this: unknown, ...args: unknown[]): unknown };
  const originalUse = application.use;
  const rootMounted = new Set<unknown>();
  application.use = function use(this: unknown, ...args: unknown[]) {
    if (args.length === 1 && typeof args[0] === 'function') rootMounted.add(args[0]);
    return originalUse.apply(this, args);
  };
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pressroom-routes-'));
  let app: Awaited<ReturnType<typeof createApp>> | undefined;
  try {
    const config = loadConfig({ file: configFile, env: { PRESSROOM_DATA_DIR: dataDir, PORT: '0' } });
    app = await createApp({ config, logger: pino({ level: 'silent' }), env: { PRESSROOM_ADMIN_PASSWORD: 'route-walk-password' }, print: () => {} });
  } finally {
    proto.route = original;
    application.use = originalUse;
  }
  try {
    // The app's own router is the one that created a route for '/' or a RegExp path (app.get); routers under /api never do.
    // Feature routers mounted at the root (a module's rootRoutes) are told by their path: /xjmf.
    const appRouters = new Set(
      made.filter((m) => m.route.path instanceof RegExp || m.route.path === '/' || /^\/xjmf(\/|$)/.test(String(m.route.path))).map((m) => m.router),
    );
    const routes: MountedRoute[] = [];
    for (const { route, router } of made) {
      for (const method of Object.keys(route.methods).filter((m) => route.methods[m])) {
        const upper = method.toUpperCase();
        const fullPath = appRouters.has(router) || rootMounted.has(router) ? String(route.path) : `/api${String(route.path)}`;
        routes.push({ key: `${upper} ${fullPath}`, method: upper, path: fullPath });
      }
    }
    return routes;
  } finally {
    await app.stop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
