/**
 * The OpenAPI description covers the service: every route express mounts is described (and
 * nothing else), every operation says who may call it and answers errors in the one shape, and
 * the reference page at /api/docs renders it in a real browser under the service's
 * Content-Security-Policy without a console error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, unexpectedConsoleErrors, watchConsole } from '../dashboard/dashboard-harness.js';
import { removeTestConfig, writeTestConfig } from '../e2e/e2e-kit.js';
import { startService, type ServiceProcess } from '../helpers/service-process.js';
import { mountedRoutes } from '../security/mounted-routes.js';
import { appRoutes, routeMatrix, type Need } from '../security/route-matrix.js';
import { loadSpec, type SpecCheck } from './spec-check.js';

const config = writeTestConfig();
let service: ServiceProcess;
let spec: SpecCheck;

beforeAll(async () => {
  service = await startService({ config });
  spec = await loadSpec(service.url);
}, 30_000);

afterAll(async () => {
  await service?.stop({ cleanup: true });
  removeTestConfig(config);
});

interface DescribedOperation {
  security?: unknown[];
  'x-roles'?: string[];
  requestBody?: { content: Record<string, { schema?: unknown }> };
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

const operations = () =>
  Object.entries(spec.document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op: op as DescribedOperation })),
  );

describe('/api/openapi.json', () => {
  it('is OpenAPI 3.1 and describes exactly the routes express mounts', async () => {
    const document = (await (await fetch(`${service.url}api/openapi.json`)).json()) as { openapi: string };
    expect(document.openapi).toBe('3.1.0');
    const mounted = (await mountedRoutes(config)).map((r) => r.key).filter((key) => !appRoutes.includes(key));
    const described = new Set(operations().map(({ key }) => key));
    const asOpenApi = (key: string) => key.replace(/:(\w+)/g, '{$1}');
    expect(
      mounted.filter((key) => !described.has(asOpenApi(key))),
      'routes without a description: add them to the feature’s *-openapi.ts',
    ).toEqual([]);
    const mountedKeys = new Set(mounted.map(asOpenApi));
    expect(
      [...described].filter((key) => !mountedKeys.has(key)),
      'described operations no longer mounted',
    ).toEqual([]);
    expect(described.size).toBeGreaterThan(40);
  });

  it('says for every operation who may call it, what a success returns and how errors look', () => {
    for (const { key, op } of operations()) {
      expect(op['x-roles']?.length, `${key}: x-roles`).toBeGreaterThan(0);
      expect(op.security?.length, `${key}: security`).toBeGreaterThan(0);
      expect(op.responses.default?.content?.['application/json']?.schema, `${key}: default error`).toEqual({ $ref: '#/components/schemas/Error' });
      const success = Object.entries(op.responses).filter(([status]) => /^2\d\d$/.test(status));
      expect(success.length, `${key}: a success response`).toBeGreaterThan(0);
      for (const [status, response] of success) {
        if (status === '204') continue;
        expect(Object.values(response.content ?? {})[0]?.schema, `${key} ${status}: a schema`).toBeDefined();
      }
      if (key.startsWith('POST') || key.startsWith('PATCH')) {
        if (key.endsWith('/finish') || key.endsWith('/logout')) continue;
        // XJMF takes XML (its schema is CIP4's xjdf.xsd, checked by test/xjmf), everything else JSON
        const bodyType = key.startsWith('POST /xjmf') ? 'application/vnd.cip4-xjmf+xml' : 'application/json';
        expect(op.requestBody?.content[bodyType]?.schema, `${key}: the request body`).toBeDefined();
      }
    }
  });

  it('gives each route the roles the role matrix enforces on the real service', () => {
    const rolesFor: Record<Need, string[] | undefined> = {
      public: ['anonymous', 'viewer', 'operator', 'admin'],
      reader: ['anonymous (when access.anonymousRead)', 'viewer', 'operator', 'admin'],
      session: ['viewer', 'operator', 'admin'],
      operator: ['operator', 'admin'],
      admin: ['admin'],
      'scrape-token': ['metrics.token bearer', 'anonymous (when metrics.anonymous)'],
    };
    const described = new Map(operations().map(({ key, op }) => [key, op]));
    for (const route of routeMatrix) {
      const op = described.get(route.key.replace(/:(\w+)/g, '{$1}'));
      expect(op?.['x-roles'], route.key).toEqual(rolesFor[route.need]);
      if (route.need === 'operator' || route.need === 'admin') expect(op?.security, route.key).toEqual([{ session: [] }]);
    }
  });

  it('uses the routes’ own validation schemas: what a route refuses, the description refuses too', () => {
    const shelve = spec.document.paths['/api/alarms/{id}/shelve']!.post!.requestBody!.content['application/json'] as { schema: object };
    expect(shelve.schema).toMatchObject({ properties: { minutes: { type: 'integer', minimum: 1, maximum: 480 } }, additionalProperties: false });
  });
});

describe('/api/docs', () => {
  it('renders every operation in Chromium under the Content-Security-Policy, without console errors', async () => {
    const browser = await launchBrowser();
    try {
      const context = await browser.newContext();
      watchConsole(context);
      const page = await context.newPage();
      const answer = await page.goto(`${service.url}api/docs`);
      expect(answer?.headers()['content-security-policy']).toMatch(/script-src 'self'/);
      await page.waitForSelector('#reference details');
      const summaries = await page.locator('#reference details > summary').allTextContents();
      expect(summaries).toContain('Schemas');
      expect(summaries.some((text) => text.startsWith('POST /api/alarms/{id}/ack'))).toBe(true);
      expect(summaries.length).toBeGreaterThan(40);
      expect(unexpectedConsoleErrors()).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
