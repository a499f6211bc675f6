/**
 * GET /api/openapi.json (the description) and GET /api/docs (a small reference page that
 * reads it). The page is one HTML file and one script served from here: no inline script or
 * style, so the dashboard's Content-Security-Policy holds, and no third-party renderer.
 */
import { Router } from 'express';
import { z } from 'zod';
import { apiDocsHtml, apiDocsScript } from './api-docs-page.js';
import { jsonResponse, operation, type FeaturePaths } from './openapi-document.js';

export function openApiRoutes(options: { document: () => object }): Router {
  const router = Router();
  let json: string | undefined;
  router.get('/openapi.json', (_req, res) => {
    json ??= JSON.stringify(options.document());
    res.setHeader('Cache-Control', 'no-cache');
    res.type('application/json').send(json);
  });
  router.get('/docs', (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(apiDocsHtml);
  });
  router.get('/docs/reference.js', (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.type('text/javascript').send(apiDocsScript);
  });
  return router;
}

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
