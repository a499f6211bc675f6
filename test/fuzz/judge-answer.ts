/**
 * What a good answer to bad input looks like: never a 5xx, never a stack trace, and a 4xx
 * always carries `{ error: { code, message } }` with a code a program can switch on and a
 * message a person can act on.
 */
import type { RawResponse } from './raw-http.js';

/** 'client-error': any 4xx; 'any': whatever the route decides, as long as it is not a 5xx; or exact statuses. */
export type Expectation = 'client-error' | 'any' | readonly number[];

const STACK_TRACE = /\n\s+at |node_modules|\.(ts|js):\d+:\d+/;

/** The problem with `response`, or undefined when it is a proper answer. */
export function judgeAnswer(response: RawResponse, expectation: Expectation): string | undefined {
  const { status } = response;
  if (status >= 500) return `server error ${status}`;
  if (Array.isArray(expectation) && !expectation.includes(status)) return `status ${status}, expected ${expectation.join(' or ')}`;
  if (expectation === 'client-error' && status < 400) return `status ${status}, expected a 4xx`;
  if (STACK_TRACE.test(response.text)) return 'a stack trace in the answer';
  if (status < 400) return undefined;
  if (!String(response.headers['content-type']).startsWith('application/json')) return `a ${status} without a JSON body (${response.headers['content-type']})`;
  let body: { error?: { code?: unknown; message?: unknown } };
  try {
    body = JSON.parse(response.text) as typeof body;
  } catch {
    return `a ${status} whose body is not JSON`;
  }
  const { code, message } = body.error ?? {};
  if (typeof code !== 'string' || !/^[a-z_]+$/.test(code)) return `a ${status} without an error code`;
  if (typeof message !== 'string' || message.trim().length < 5) return `a ${status} without a message`;
  return undefined;
}
