/** The signed-in user, a user account and an audit line as zod schemas, for the OpenAPI description of /api/auth, /api/users, /api/audit. */
import { z } from 'zod';
import type { AuditEntry } from './audit.js';
import type { SameShape } from './same-shape.js';
import type { SessionUser } from './user.js';
import { userRoles } from './vocabulary.js';

export const sessionUserSchema = z
  .object({ id: z.number().int(), username: z.string(), displayName: z.string(), role: z.enum(userRoles) })
  .meta({ id: 'SessionUser' });

export const userAccountSchema = sessionUserSchema
  .extend({
    disabled: z.boolean(),
    hasPin: z.boolean(),
    createdAt: z.number(),
    updatedAt: z.number(),
    lastLoginAt: z.number().nullable(),
  })
  .meta({ id: 'UserAccount' });

export const auditEntrySchema = z
  .object({
    id: z.number().int(),
    at: z.number(),
    userId: z.number().int().nullable(),
    username: z.string().nullable(),
    action: z.string(),
    target: z.string().nullable(),
    ip: z.string().nullable(),
    details: z.record(z.string(), z.unknown()).nullable(),
  })
  .meta({ id: 'AuditEntry' });

true satisfies SameShape<z.output<typeof sessionUserSchema>, SessionUser>;
true satisfies SameShape<Omit<z.output<typeof auditEntrySchema>, 'id'>, AuditEntry>;
