/** GET /api/health in the OpenAPI description. */
import { healthReportSchema } from '../model/health-schema.js';
import { jsonResponse, operation, type FeaturePaths } from '../http/openapi-document.js';

export const healthPaths: FeaturePaths = {
  '/api/health': {
    get: operation('public', {
      tags: ['health'],
      summary: 'Service health: presses, buses, store, event-loop delay, webhooks',
      description: '200 even when degraded: read `status` and `reasons`.',
      responses: { '200': jsonResponse('the health report', healthReportSchema) },
    }),
  },
};
