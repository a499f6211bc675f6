import type { Request } from 'express';
import type { z } from 'zod';
import { validationError } from './http-error.js';

export function parseQuery<S extends z.ZodType>(schema: S, req: Request): z.infer<S> {
  const result = schema.safeParse(req.query);
  if (!result.success) throw validationError(result.error, 'query');
  return result.data;
}

export function parseBody<S extends z.ZodType>(schema: S, req: Request): z.infer<S> {
  const result = schema.safeParse(req.body ?? {});
  if (!result.success) throw validationError(result.error, 'body');
  return result.data;
}
