/**
 * GET /api/openapi.json: the OpenAPI 3.1 description assembled from what each feature module
 * says about its own routes (`openapi` on the module object, in a `*-openapi.ts` beside its
 * routes). Request schemas are the zod schemas the routes validate with; response schemas are
 * the wire types' zod schemas (src/model/*-schema.ts). zod-openapi renders both with zod's own
 * JSON Schema output (draft 2020-12, which OpenAPI 3.1 uses).
 *
 * Roles: each operation says who may call it with `operation(access, …)`: `security` (the
 * session cookie, or the scrape token) and `x-roles` (the roles that may call it). Errors are
 * `{ error: { code, message, details? } }` (component `Error`) for every status not listed.
 */
import { z } from 'zod';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject, type ZodOpenApiResponseObject } from 'zod-openapi';
import { userRoles } from '../model/vocabulary.js';

/** One feature's paths, from the server root (`/api/alarms/{id}/ack`, `/metrics`). */
export type FeaturePaths = ZodOpenApiPathsObject;

/**
 * public: anyone; reader: anyone when `access.anonymousRead` is on, else any session; operator,
 * admin: a session of that role or higher; metrics-token: the bearer token of `metrics.token`
 * (or anyone with `metrics.anonymous`).
 */
export type ApiAccess = 'public' | 'reader' | 'operator' | 'admin' | 'metrics-token';

export const apiErrorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'machine-readable: invalid_request, not_found, unauthenticated, forbidden, conflict, …' }),
      message: z.string().meta({ description: 'what went wrong, in words a person can act on' }),
      details: z.unknown().optional().meta({ description: 'for invalid input: [{ path, message }] per field' }),
    }),
  })
  .meta({ id: 'Error' });

const errorResponse = (description: string): ZodOpenApiResponseObject => ({ description, content: { 'application/json': { schema: apiErrorSchema } } });

const ACCESS: Record<ApiAccess, { security: Record<string, string[]>[]; roles: string[]; errors: Record<string, string> }> = {
  public: { security: [{}], roles: ['anonymous', ...userRoles], errors: {} },
  reader: {
    security: [{}, { session: [] }],
    roles: ['anonymous (when access.anonymousRead)', ...userRoles],
    errors: { '401': 'not signed in, and anonymous read is off' },
  },
  operator: { security: [{ session: [] }], roles: ['operator', 'admin'], errors: { '401': 'not signed in', '403': 'needs the operator role' } },
  admin: { security: [{ session: [] }], roles: ['admin'], errors: { '401': 'not signed in', '403': 'needs the admin role' } },
  'metrics-token': {
    security: [{ metricsToken: [] }, {}],
    roles: ['metrics.token bearer', 'anonymous (when metrics.anonymous)'],
    errors: { '401': 'no or wrong scrape token', '403': 'metrics closed: no token configured' },
  },
};

/** An operation with its access: security requirement, `x-roles`, the 401/403 it may answer and the error shape for any other failure. */
export function operation(access: ApiAccess, op: ZodOpenApiOperationObject): ZodOpenApiOperationObject {
  const { security, roles, errors } = ACCESS[access];
  const responses = { ...op.responses };
  for (const [status, description] of Object.entries(errors)) responses[status as '401'] ??= errorResponse(description);
  responses.default ??= errorResponse('an error: bad input (400), not found (404), conflict (409), storage unavailable (503), …');
  return { ...op, security, 'x-roles': roles, responses };
}

/** A JSON response. */
export function jsonResponse(description: string, schema: z.ZodType): ZodOpenApiResponseObject {
  return { description, content: { 'application/json': { schema } } };
}

/** A CSV download. */
export function csvResponse(description: string): ZodOpenApiResponseObject {
  return { description, content: { 'text/csv': { schema: { type: 'string' } } } };
}

/** A JSON request body. */
export function jsonBody(schema: z.ZodType, description?: string) {
  return { required: true, ...(description ? { description } : {}), content: { 'application/json': { schema } } };
}

/** `{ id }` as the path parameter. */
export const idPath = z.object({ id: z.string().meta({ description: 'the id' }) });

export interface OpenApiDocumentOptions {
  version: string;
  paths: readonly (FeaturePaths | undefined)[];
}

export function createOpenApiDocument(options: OpenApiDocumentOptions): ReturnType<typeof createDocument> {
  const paths: FeaturePaths = {};
  for (const part of options.paths) {
    for (const [path, item] of Object.entries(part ?? {})) {
      if (path.startsWith('x-')) continue;
      paths[path] = { ...paths[path], ...item };
    }
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Pressroom',
      version: options.version,
      description:
        'Press operations: live presses over Modbus, alarms (ISA-18.2), the supply log, jobs, downtime and OEE. JSON under /api; errors are `{ error: { code, message, details? } }`. Writes need a session cookie (POST /api/auth/login); reads follow `access.anonymousRead`.',
    },
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'pressroom_session', description: 'set by POST /api/auth/login' },
        metricsToken: { type: 'http', scheme: 'bearer', description: 'config metrics.token' },
      },
    },
    paths,
  });
}
