/** /api/alarms in the OpenAPI description. */
import { z } from 'zod';
import { alarmViewSchema, chatterStatSchema } from '../model/alarm-view-schema.js';
import { alarmPriorities } from '../model/vocabulary.js';
import { csvResponse, idPath, jsonBody, jsonResponse, operation, type FeaturePaths } from '../http/openapi-document.js';
import type { SameShape } from '../model/same-shape.js';
import type { StoredJournalEntry } from './alarm-repository.js';
import { ackBody, chatterQuery, csvQuery, journalQuery, listQuery, shelveBody, unshelveBody } from './alarm-routes.js';
import { journalActions } from './alarm-types.js';

const journalLine = z
  .object({
    seq: z.number().int(),
    alarmId: z.string(),
    pressId: z.string(),
    code: z.string(),
    action: z.enum(journalActions),
    at: z.number(),
    user: z.string().nullable(),
    note: z.string().nullable(),
    priority: z.enum(alarmPriorities),
  })
  .meta({ id: 'AlarmJournalLine' });
true satisfies SameShape<z.output<typeof journalLine>, StoredJournalEntry>;

const command = (summary: string, body: z.ZodType) =>
  operation('operator', {
    tags: ['alarms'],
    summary,
    description: 'Stored (fsynced) with its audit line before the answer. 404: no such alarm; 409: not in a state that allows it.',
    requestParams: { path: idPath },
    requestBody: jsonBody(body),
    responses: { '200': jsonResponse('the alarm after the command', alarmViewSchema) },
  });

export const alarmPaths: FeaturePaths = {
  '/api/alarms': {
    get: operation('reader', {
      tags: ['alarms'],
      summary: 'The live alarm list; with `all` or a time range, the alarm history',
      requestParams: { query: listQuery },
      responses: { '200': jsonResponse('the alarms', z.array(alarmViewSchema)) },
    }),
  },
  '/api/alarms/journal': {
    get: operation('reader', {
      tags: ['alarms'],
      summary: 'The alarm journal: every raise, clear, ack, shelve…, newest first',
      requestParams: { query: journalQuery },
      responses: { '200': jsonResponse('journal lines', z.array(journalLine)) },
    }),
  },
  '/api/alarms/chatter': {
    get: operation('reader', {
      tags: ['alarms'],
      summary: 'Conditions that raise too often, worst first',
      requestParams: { query: chatterQuery },
      responses: { '200': jsonResponse('chatter statistics', z.array(chatterStatSchema)) },
    }),
  },
  '/api/alarms.csv': {
    get: operation('reader', {
      tags: ['alarms'],
      summary: 'The journal as CSV (of the alarms GET /api/alarms lists for the same query, with all/active/unacknowledged/priority)',
      requestParams: { query: csvQuery },
      responses: { '200': csvResponse('alarm-journal.csv') },
    }),
  },
  '/api/alarms/{id}/ack': { post: command('Acknowledge an alarm', ackBody) },
  '/api/alarms/{id}/shelve': { post: command('Shelve an alarm for some minutes (at most 8 h)', shelveBody) },
  '/api/alarms/{id}/unshelve': { post: command('Unshelve an alarm', unshelveBody) },
};
