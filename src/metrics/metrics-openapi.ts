/** GET /metrics in the OpenAPI description. */
import type { FeaturePaths } from '../http/openapi-document.js';

export const metricsPaths: FeaturePaths = {
  '/metrics': {
    get: {
      tags: ['monitoring'],
      summary: 'Prometheus metrics (text exposition format 0.0.4)',
      description: 'Anonymous when `metrics.anonymous` is true; else `Authorization: Bearer <metrics.token>`. See docs/metrics.md.',
      security: [{ metricsToken: [] }],
      'x-roles': ['metrics-token'],
      responses: {
        '200': { description: 'The metrics', content: { 'text/plain': { schema: { type: 'string' } } } },
      },
    },
  },
};
