/** GET /api/presses/{id}/history in the OpenAPI description. */
import { z } from 'zod';
import { idPath, jsonResponse, operation, type FeaturePaths } from '../http/openapi-document.js';
import { historyQuery } from './history-routes.js';

const point = z
  .object({
    at: z.number(),
    value: z.number().nullable().meta({ description: 'null where the press could not be read (a gap, not a zero)' }),
    quality: z.enum(['good', 'stale', 'bad']),
    min: z.number().nullable().optional(),
    max: z.number().nullable().optional(),
    count: z.number().int().optional(),
  })
  .meta({ id: 'HistoryPoint' });

export const historyPaths: FeaturePaths = {
  '/api/presses/{id}/history': {
    get: operation('reader', {
      tags: ['presses'],
      summary: 'The trend of one recorded signal (default: the last hour), downsampled to maxPoints',
      description: 'gzip when the client accepts it; answers 304 to a matching If-None-Match; 429/503 with Retry-After when too many reads wait.',
      requestParams: { path: idPath, query: historyQuery },
      responses: {
        '200': jsonResponse(
          'the points',
          z.object({
            pressId: z.string(),
            signal: z.string(),
            from: z.number(),
            to: z.number(),
            points: z.array(point),
            downsampled: z.boolean(),
            bucketMs: z.number().optional(),
            previous: point.nullable(),
          }),
        ),
        '304': { description: 'not modified (If-None-Match)' },
      },
    }),
  },
};
