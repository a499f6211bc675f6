import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { UserError } from './user-errors.js';
import { displayNameSchema, passwordSchema, pinSchema, roleSchema, usernameSchema } from './user-rules.js';
import type { Actor, UserService } from './user-service.js';
import { clientAddress, currentUser, requireRole } from '../http/auth-guard.js';
import { HttpError, notFound } from '../http/http-error.js';
import { currentSession } from './session-middleware.js';
import { parseBody } from '../http/validate.js';

export const createBody = z.strictObject({
  username: usernameSchema,
  displayName: displayNameSchema.optional(),
  role: roleSchema,
  password: passwordSchema,
  pin: pinSchema.optional(),
});

export const patchBody = z
  .strictObject({
    displayName: displayNameSchema.optional(),
    role: roleSchema.optional(),
    disabled: z.boolean().optional(),
    password: passwordSchema.optional(),
    /** null removes the PIN. */
    pin: pinSchema.nullable().optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), 'give at least one of displayName, role, disabled, password, pin');

const idParam = z
  .string()
  .regex(/^[1-9]\d{0,12}$/, 'a user id')
  .transform(Number);

/** Admin only: GET /users, GET /users/:id, POST /users, PATCH /users/:id. Hashes never leave the service. */
export function userRoutes(options: { users: UserService }): Router {
  const router = Router();
  const admin = requireRole('admin');
  const { users } = options;

  router.get('/users', admin, (_req, res) => {
    res.json({ users: users.list() });
  });

  router.get('/users/:id', admin, (req, res) => {
    const id = userId(req);
    const user = users.get(id);
    if (!user) throw notFound(`user ${id}`);
    res.json({ user });
  });

  router.post('/users', admin, async (req, res) => {
    const body = parseBody(createBody, req);
    const user = await asHttp(() => users.create(body, actor(req, res)));
    res.status(201).json({ user });
  });

  router.patch('/users/:id', admin, async (req, res) => {
    const id = userId(req);
    const body = parseBody(patchBody, req);
    const keep = currentSession(res)?.tokenHash;
    const user = await asHttp(() => users.update(id, body, actor(req, res), keep === undefined ? {} : { keepSessionTokenHash: keep }));
    res.json({ user });
  });

  return router;
}

function userId(req: Request): number {
  const parsed = idParam.safeParse(req.params.id);
  if (!parsed.success) throw new HttpError(400, 'invalid_request', `invalid params: id: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

function actor(req: Request, res: Response): Actor {
  const user = currentUser(res);
  return { userId: user?.id ?? null, username: user?.username ?? null, ip: clientAddress(req) };
}

async function asHttp<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    const status = { invalid: 400, conflict: 409, 'not-found': 404, 'last-admin': 409 }[error.kind];
    const code = { invalid: 'invalid_request', conflict: 'username_taken', 'not-found': 'not_found', 'last-admin': 'last_admin' }[error.kind];
    throw new HttpError(status, code, error.message);
  }
}
