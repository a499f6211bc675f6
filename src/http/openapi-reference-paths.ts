/** The OpenAPI description of the description itself and of its reference page (src/http/openapi-routes.ts). */
import { z } from 'zod';
import { jsonResponse, operation, type FeaturePaths } from './openapi-document.js';

export const openApiPaths: FeaturePaths = {
  '/api/openapi.json': {
    get: operation('public', {
      tags: ['reference'],
      summary: 'This description (OpenAPI 3.1)',
      responses: { '200': jsonResponse('the OpenAPI document', z.object({ openapi: z.string() }).catchall(z.unknown())) },
    }),
  },
  '/api/docs': {
    get: operation('public', {
      tags: ['reference'],
      summary: 'The API reference, rendered from /api/openapi.json',
      responses: { '200': { description: 'an HTML page', content: { 'text/html': { schema: { type: 'string' } } } } },
    }),
  },
  '/api/docs/reference.js': {
    get: operation('public', {
      tags: ['reference'],
      summary: 'The script of the reference page',
      responses: { '200': { description: 'JavaScript', content: { 'text/javascript': { schema: { type: 'string' } } } } },
    }),
  },
};
