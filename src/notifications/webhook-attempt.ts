/**
 * One POST of one outbox row, and what its outcome means:
 * - 2xx: delivered;
 * - no answer (refused, reset, DNS, timed out), 5xx, 408 or 429: try again later;
 * - any other 4xx, or a redirect (not followed: a POST must not turn into a GET elsewhere):
 *   dead, since sending the same request again cannot change the answer.
 */
import type { Clock } from '../lib/clock.js';
import type { OutboxEntry } from './outbox-repository.js';
import type { WebhookConfig } from './webhook-config.js';
import { webhookHeaders } from './webhook-payload.js';

export type FetchFunction = typeof globalThis.fetch;

export type AttemptResult =
  | { kind: 'delivered'; httpStatus: number }
  | { kind: 'retry'; reason: 'network' | 'timeout' | 'http'; httpStatus: number | null; error: string; retryAfter: string | null }
  | { kind: 'dead'; httpStatus: number; error: string }
  /** `stop()` cut the attempt short; it does not count. */
  | { kind: 'aborted' };

/** How much of a refusal's body goes into the log and `last_error`. */
const BODY_EXCERPT_CHARS = 200;
const BODY_READ_LIMIT_BYTES = 4096;

export interface AttemptOptions {
  fetch: FetchFunction;
  clock: Clock;
  webhook: WebhookConfig;
  entry: OutboxEntry;
  userAgent: string;
  /** The body's Content-Type; default application/json. */
  contentType?: string | undefined;
  /** Aborted by the sender's stop(). */
  stopSignal: AbortSignal;
}

export async function attemptDelivery(options: AttemptOptions): Promise<AttemptResult> {
  const { webhook, entry, clock } = options;
  const controller = new AbortController();
  let timedOut = false;
  // The injected clock times out the request, so tests drive it like every other timer.
  const timer = clock.setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`no answer within ${webhook.timeoutMs} ms`));
  }, webhook.timeoutMs);
  const onStop = () => controller.abort(new Error('notifications stopped'));
  options.stopSignal.addEventListener('abort', onStop, { once: true });
  try {
    const response = await options.fetch(webhook.url, {
      method: 'POST',
      headers: webhookHeaders({
        webhook,
        body: entry.body,
        event: entry.event,
        deliveryId: entry.deliveryId,
        userAgent: options.userAgent,
        contentType: options.contentType,
      }),
      body: entry.body,
      redirect: 'manual',
      signal: controller.signal,
    });
    const status = response.status;
    if (status >= 200 && status < 300) {
      await response.body?.cancel().catch(() => undefined); // free the connection; the content is not ours to read
      return { kind: 'delivered', httpStatus: status };
    }
    const excerpt = await readExcerpt(response);
    const error = `HTTP ${status}${excerpt ? `: ${excerpt}` : ''}`;
    if (status >= 500 || status === 408 || status === 429) {
      return { kind: 'retry', reason: 'http', httpStatus: status, error, retryAfter: response.headers.get('retry-after') };
    }
    if (status >= 300 && status < 400) return { kind: 'dead', httpStatus: status, error: `${error} (redirects are not followed; configure the final URL)` };
    return { kind: 'dead', httpStatus: status, error };
  } catch (error) {
    if (options.stopSignal.aborted) return { kind: 'aborted' };
    if (timedOut) return { kind: 'retry', reason: 'timeout', httpStatus: null, error: `timeout: no answer within ${webhook.timeoutMs} ms`, retryAfter: null };
    return { kind: 'retry', reason: 'network', httpStatus: null, error: networkMessage(error), retryAfter: null };
  } finally {
    clock.clearTimeout(timer);
    options.stopSignal.removeEventListener('abort', onStop);
  }
}

/** The start of a refusal's body, on one line: receivers usually say there what they disliked. */
async function readExcerpt(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < BODY_READ_LIMIT_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const text = Buffer.concat(chunks).toString('utf8').replace(/\s+/g, ' ').trim();
  return text.length > BODY_EXCERPT_CHARS ? `${text.slice(0, BODY_EXCERPT_CHARS)}…` : text;
}

/**
 * undici says only "fetch failed"; the reason (ECONNREFUSED 127.0.0.1:8123, ENOTFOUND …) is in
 * `cause`. The URL is left out on purpose: webhook URLs often carry a token in the path.
 */
function networkMessage(error: unknown): string {
  const outer = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return `${outer}: ${code && !cause.message.includes(code) ? `${code} ` : ''}${cause.message}`;
  }
  return outer;
}
