/**
 * GET /api/openapi.json: the OpenAPI 3.1 description assembled from what each feature module
 * says about its own routes (`openapi` on the module object). The request schemas are the zod
 * schemas the routes validate with; zod-openapi renders them with zod's own JSON Schema output.
 */
import type { ZodOpenApiPathsObject } from 'zod-openapi';

/** One feature's paths, relative to the server root (`/api/alarms`, `/metrics`). */
export type FeaturePaths = ZodOpenApiPathsObject;
