/** POST /api/simulation/presses/{id}/events in the OpenAPI description. */
import { z } from 'zod';
import { idPath, jsonBody, jsonResponse, operation, type FeaturePaths } from '../http/openapi-document.js';
import { simulationEventSchema } from './simulation-routes.js';

export const simulationPaths: FeaturePaths = {
  '/api/simulation/presses/{id}/events': {
    post: operation('operator', {
      tags: ['simulation'],
      summary: 'Make something happen on a simulated press (jam, door, e-stop, refill, fault…); audited',
      description: '404 when the press is not on a `simulate: true` bus; 400 when the press cannot do it now.',
      requestParams: { path: idPath },
      requestBody: jsonBody(simulationEventSchema),
      responses: {
        '200': jsonResponse(
          'the event as applied, with what it resolved to',
          z.object({ pressId: z.string(), action: z.string(), result: z.string().optional() }).catchall(z.unknown()),
        ),
      },
    }),
  },
};
