/**
 * GET /api/openapi.json (the description) and GET /api/docs (a small reference page that
 * reads it). The page is one HTML file and one script served from here: no inline script or
 * style, so the dashboard's Content-Security-Policy holds, and no third-party renderer.
 */
import { Router } from 'express';

/**
 * `document` is asked once, on the first request: the description, its response schemas and
 * zod-openapi are loaded then, not at start (~2.5 MB of heap a box that is never asked keeps free).
 */
export function openApiRoutes(options: { document: () => Promise<object> }): Router {
  const router = Router();
  let json: Promise<string> | undefined;
  router.get('/openapi.json', async (_req, res) => {
    json ??= options.document().then((document) => JSON.stringify(document));
    const body = await json.catch((error: unknown) => {
      json = undefined; // asked again next time instead of answering the same failure for good
      throw error;
    });
    res.setHeader('Cache-Control', 'no-cache');
    res.type('application/json').send(body);
  });
  router.get('/docs', async (_req, res) => {
    const { apiDocsHtml } = await import('./api-docs-page.js');
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(apiDocsHtml);
  });
  router.get('/docs/reference.js', async (_req, res) => {
    const { apiDocsScript } = await import('./api-docs-page.js');
    res.setHeader('Cache-Control', 'no-cache');
    res.type('text/javascript').send(apiDocsScript);
  });
  return router;
}
