/** /api/presses in the OpenAPI description. */
import { z } from 'zod';
import { pressSnapshotSchema } from '../model/press-snapshot-schema.js';
import { idPath, jsonResponse, operation, type FeaturePaths } from '../http/openapi-document.js';
import { runStates } from '../model/vocabulary.js';
import { transitionsQuery } from './press-routes.js';

const transition = z
  .object({ at: z.number(), state: z.enum(runStates), reason: z.string().nullable(), detail: z.string().nullable() })
  .meta({ id: 'Transition' });

export const pressPaths: FeaturePaths = {
  '/api/presses': {
    get: operation('reader', {
      tags: ['presses'],
      summary: 'Every press, live',
      responses: { '200': jsonResponse('the press snapshots', z.array(pressSnapshotSchema)) },
    }),
  },
  '/api/presses/{id}': {
    get: operation('reader', {
      tags: ['presses'],
      summary: 'One press, live',
      requestParams: { path: idPath },
      responses: { '200': jsonResponse('the press snapshot', pressSnapshotSchema) },
    }),
  },
  '/api/presses/{id}/transitions': {
    get: operation('reader', {
      tags: ['presses'],
      summary: 'Stored run-state transitions of a press (default: the last 24 h)',
      requestParams: { path: idPath, query: transitionsQuery },
      responses: {
        '200': jsonResponse(
          'the transitions in the range, and the one in force at `from`',
          z.object({ pressId: z.string(), from: z.number(), to: z.number(), transitions: z.array(transition), previous: transition.nullable() }),
        ),
      },
    }),
  },
};
