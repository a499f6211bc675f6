/**
 * Errors the REST layer answers with `{ error: { code, message, details? } }`. Every bad
 * input is a 4xx with a message a person can act on; a 5xx means a bug or a broken disk,
 * and its details stay in the log, not in the answer.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { formatPath } from '../model/config-error.js';

export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export function notFound(what: string): HttpError {
  return new HttpError(404, 'not_found', `${what} not found`);
}

export function validationError(error: z.ZodError, where: 'body' | 'query' | 'params'): HttpError {
  const details = error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
  const first = details[0];
  const summary = first ? `${first.path ? `${first.path}: ` : ''}${first.message}` : 'invalid input';
  return new HttpError(400, 'invalid_request', `invalid ${where}: ${summary}`, details);
}

export const unknownRoute: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, 'not_found', `no route ${req.method} ${req.path}`));
};

interface BodyParserError {
  type?: string;
  status?: number;
  expose?: boolean;
  message?: string;
}

export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    let httpError: HttpError;
    if (error instanceof HttpError) {
      httpError = error;
    } else if (isBadPathEncoding(error)) {
      // router: a path parameter such as %ff or %E0%A4 that is not percent-encoded UTF-8
      httpError = new HttpError(400, 'bad_path', 'the URL path is not valid percent-encoded UTF-8');
    } else if (isBodyParserError(error)) {
      // body-parser: malformed JSON, too large, bad charset or encoding
      const code = error.type === 'entity.too.large' ? 'payload_too_large' : error.type === 'entity.parse.failed' ? 'malformed_json' : 'bad_request';
      const message = error.type === 'entity.parse.failed' ? 'request body is not valid JSON' : (error.message ?? 'bad request');
      httpError = new HttpError(error.status ?? 400, code, message);
    } else if (isStorageTrouble(error)) {
      // The write was refused, not lost: the client keeps it and may retry (tablets do).
      logger.error({ err: error, method: req.method, path: req.path }, 'request refused: storage unavailable');
      httpError = new HttpError(503, 'storage_unavailable', `nothing was saved: ${STORAGE_TROUBLE[error.kind]}; try again later`);
      res.setHeader('Retry-After', '10');
    } else {
      logger.error({ err: error, method: req.method, path: req.path }, 'request failed');
      httpError = new HttpError(500, 'internal_error', 'internal error; see the service log');
    }
    if (res.headersSent) return;
    res
      .status(httpError.status)
      .json({ error: { code: httpError.code, message: httpError.message, ...(httpError.details !== undefined ? { details: httpError.details } : {}) } });
  };
}

const STORAGE_TROUBLE: Record<string, string> = {
  'read-only': 'the database is read-only',
  'disk-full': 'the disk is full',
  busy: 'the database is busy',
  corrupt: 'the database file is damaged',
  io: 'the database cannot be written',
};

/** A StoreError (duck-typed: the HTTP layer does not import the store) about the medium, not the request. */
function isStorageTrouble(error: unknown): error is { kind: string } {
  const e = error as { name?: unknown; kind?: unknown } | null;
  return typeof e === 'object' && e !== null && e.name === 'StoreError' && typeof e.kind === 'string' && e.kind in STORAGE_TROUBLE;
}

/** The router decodes path parameters itself and throws a URIError (status 400, not exposed) it cannot decode. */
function isBadPathEncoding(error: unknown): boolean {
  return error instanceof URIError && (error as { status?: unknown }).status === 400;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as BodyParserError;
  return typeof e.status === 'number' && e.status >= 400 && e.status < 500 && e.expose === true;
}
