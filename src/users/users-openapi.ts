/** /api/auth, /api/users and /api/audit in the OpenAPI description. */
import { z } from 'zod';
import { csvResponse, jsonBody, jsonResponse, operation, type FeaturePaths } from '../http/openapi-document.js';
import type { SameShape } from '../model/same-shape.js';
import { auditEntrySchema, sessionUserSchema, userAccountSchema } from '../model/user-schema.js';
import { csvQuery, jsonQuery } from './audit-routes.js';
import { loginBody } from './auth-routes.js';
import { createBody, patchBody } from './user-routes.js';
import type { UserView } from './user-service.js';

true satisfies SameShape<z.output<typeof userAccountSchema>, UserView>;

const userPath = z.object({ id: z.string().meta({ description: 'a user id' }) });
const oneUser = z.object({ user: userAccountSchema });

export const usersPaths: FeaturePaths = {
  '/api/auth/login': {
    post: operation('public', {
      tags: ['users'],
      summary: 'Sign in with a password or a PIN; sets the session cookie',
      description: '401 for a wrong name, password or PIN; 429 with Retry-After after repeated failures.',
      requestBody: jsonBody(loginBody),
      responses: { '200': jsonResponse('signed in', z.object({ user: sessionUserSchema })) },
    }),
  },
  '/api/auth/logout': {
    post: operation('public', {
      tags: ['users'],
      summary: 'End the session (if any) and clear its cookie',
      responses: { '204': { description: 'signed out' } },
    }),
  },
  '/api/auth/me': {
    get: operation('public', {
      tags: ['users'],
      summary: 'Who is signed in: the user, or null',
      responses: { '200': jsonResponse('the session user or null', z.object({ user: sessionUserSchema.nullable() })) },
    }),
  },
  '/api/users': {
    get: operation('admin', {
      tags: ['users'],
      summary: 'Every user account',
      responses: { '200': jsonResponse('the accounts', z.object({ users: z.array(userAccountSchema) })) },
    }),
    post: operation('admin', {
      tags: ['users'],
      summary: 'Create a user',
      description: '409 when the username is taken.',
      requestBody: jsonBody(createBody),
      responses: { '201': jsonResponse('created', oneUser) },
    }),
  },
  '/api/users/{id}': {
    get: operation('admin', {
      tags: ['users'],
      summary: 'One user account',
      requestParams: { path: userPath },
      responses: { '200': jsonResponse('the account', oneUser) },
    }),
    patch: operation('admin', {
      tags: ['users'],
      summary: 'Change a user: display name, role, disabled, password, PIN (null removes it)',
      description: '409 when it would leave no enabled admin.',
      requestParams: { path: userPath },
      requestBody: jsonBody(patchBody),
      responses: { '200': jsonResponse('changed', oneUser) },
    }),
  },
  '/api/audit': {
    get: operation('admin', {
      tags: ['users'],
      summary: 'The audit log: every write, newest first',
      requestParams: { query: jsonQuery },
      responses: { '200': jsonResponse('audit lines', z.object({ entries: z.array(auditEntrySchema) })) },
    }),
  },
  '/api/audit.csv': {
    get: operation('admin', {
      tags: ['users'],
      summary: 'The audit log as CSV',
      requestParams: { query: csvQuery },
      responses: { '200': csvResponse('pressroom-audit-<day>.csv') },
    }),
  },
};
