/** GET /metrics in the OpenAPI description. */
import { operation, type FeaturePaths } from '../http/openapi-document.js';

export const metricsPaths: FeaturePaths = {
  '/metrics': {
    get: operation('metrics-token', {
      tags: ['monitoring'],
      summary: 'Prometheus metrics (text exposition format 0.0.4)',
      description:
        'Anonymous when `metrics.anonymous` is true; else `Authorization: Bearer <metrics.token>`; 403 when neither is configured. See docs/metrics.md.',
      responses: {
        '200': { description: 'the metrics', content: { 'text/plain': { schema: { type: 'string' } } } },
      },
    }),
  },
};
