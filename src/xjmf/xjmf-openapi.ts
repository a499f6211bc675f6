/** POST /xjmf and /xjmf/{pressId} in the OpenAPI description: XML in, XML out (docs/xjmf.md). */
import { z } from 'zod';
import { operation, type FeaturePaths } from '../http/openapi-document.js';
import { XJMF_CONTENT_TYPE } from './subscription-manager.js';

const xml = { schema: { type: 'string' as const, description: 'one XJMF 2.x envelope (CIP4 xjdf.xsd)' } };
const xmlBody = { required: true, content: { [XJMF_CONTENT_TYPE]: xml, 'text/xml': xml, 'application/xml': xml } };
const xmlAnswer = (description: string) => ({ description, content: { [XJMF_CONTENT_TYPE]: xml } });

const exchange = (summary: string, pathParams?: z.ZodObject) =>
  operation('public', {
    tags: ['xjmf'],
    summary,
    description:
      'Queries (status, resources, queue, known devices, subscriptions) follow `access.anonymousRead` or a session; commands ' +
      '(CommandSubmitQueueEntry, CommandStopPersistentChannel) need a token of `xjmf.tokens` (bearer header, or the envelope Header). ' +
      'A refused or malformed message is answered in XJMF with a ReturnCode and a Notification, never a 5xx.',
    ...(pathParams ? { requestParams: { path: pathParams } } : {}),
    requestBody: xmlBody,
    responses: {
      '200': xmlAnswer('the responses, one per message, in one XJMF envelope'),
      '400': xmlAnswer('the body could not be read (a Notification)'),
      '413': xmlAnswer('the body is over xjmf.maxBodyKb (a Notification)'),
      '415': xmlAnswer('not an XJMF content type (a Notification)'),
    },
  });

export const xjmfPaths: FeaturePaths = {
  '/xjmf': { post: exchange('One XJMF envelope for the controller and all its presses') },
  '/xjmf/{pressId}': {
    post: exchange(
      'One XJMF envelope for one press (its XJMFURL in ResponseKnownDevices)',
      z.object({ pressId: z.string().meta({ description: 'the press id' }) }),
    ),
  },
};
