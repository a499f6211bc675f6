/**
 * Delivers one webhook's outbox, one row at a time, in id order: the receiver sees events in
 * the order they happened. A row that fails to send blocks the rows behind it until it is
 * delivered, refused for good (dead) or dropped; a retry waits on the injected clock.
 */
import type { Logger } from 'pino';
import type { Clock, TimerHandle } from '../lib/clock.js';
import type { TypedEmitter } from '../lib/typed-emitter.js';
import type { OutboxEntry, OutboxRepository } from './outbox-repository.js';
import type { NotificationEvents } from './notification-events.js';
import { backoffDelay, parseRetryAfter, type RetryPolicy } from './retry-policy.js';
import { attemptDelivery, type AttemptResult, type FetchFunction } from './webhook-attempt.js';
import type { WebhookConfig } from './webhook-config.js';

export interface WebhookSenderOptions {
  webhook: WebhookConfig;
  repository: OutboxRepository;
  clock: Clock;
  fetch: FetchFunction;
  logger: Logger;
  random: () => number;
  retryPolicy: RetryPolicy;
  userAgent: string;
  /** The bodies' Content-Type; default application/json. */
  contentType?: string | undefined;
  events: TypedEmitter<NotificationEvents>;
}

export class WebhookSender {
  private started = false;
  private stopped = false;
  private running: Promise<void> | null = null;
  private retryTimer: TimerHandle | null = null;
  private wakeAgain = false;
  private readonly stopController = new AbortController();
  /** Failures in a row; the first is logged at warn, the rest at debug until one succeeds. */
  private failing = 0;
  nextAttemptAt: number | null = null;
  lastDeliveredAt: number | null = null;
  /** The latest failed attempt's error; cleared by a delivery. Seeded from the outbox. */
  lastError: { error: string; at: number } | null = null;

  constructor(private readonly o: WebhookSenderOptions) {
    const last = o.repository.lastAttempt(o.webhook.id);
    if (last?.error) this.lastError = { error: last.error, at: last.at };
    else if (last) this.lastDeliveredAt = last.at;
  }

  get webhookId(): string {
    return this.o.webhook.id;
  }

  /** Sends what is pending now, a restart counting as the retry a waiting row was due. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.wake();
  }

  /** New rows were queued: send them unless a send is under way or a retry is waiting. */
  wake(): void {
    if (!this.started || this.stopped || this.retryTimer) return;
    if (this.running) {
      // `running` is cleared a microtask after drain() found nothing more to send: a row
      // queued in between would wait for the next event without this.
      this.wakeAgain = true;
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = null;
      if (this.wakeAgain) {
        this.wakeAgain = false;
        this.wake();
      }
    });
  }

  /** Cancels a waiting retry and aborts a request on the wire (the row stays pending). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) this.o.clock.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.stopController.abort();
    await this.running;
  }

  private async drain(): Promise<void> {
    const { webhook, repository, logger } = this.o;
    try {
      for (let entry = repository.nextPending(webhook.id); entry && !this.stopped; entry = repository.nextPending(webhook.id)) {
        const result = await attemptDelivery({ ...this.o, entry, stopSignal: this.stopController.signal });
        if (result.kind === 'aborted') return;
        if (!this.settle(entry, result)) return; // a retry is scheduled: the rows behind wait
      }
    } catch (error) {
      // The store failed (disk full, read-only): nothing can be marked, so try again later.
      // A row sent but not marked delivered goes out again: delivery is at least once.
      this.failing += 1;
      const delayMs = backoffDelay(this.o.retryPolicy, this.failing, this.o.random);
      logger.error({ err: error, webhook: webhook.id, retryInMs: delayMs }, 'webhook outbox unreadable or unwritable; deliveries paused');
      this.scheduleRetry(delayMs);
    }
  }

  /** Records an attempt's outcome; true when the next row may go. */
  private settle(entry: OutboxEntry, result: Exclude<AttemptResult, { kind: 'aborted' }>): boolean {
    const { webhook, repository, logger, clock, events } = this.o;
    const at = clock.now();
    const attempts = entry.attempts + 1;
    const context = { webhook: webhook.id, event: entry.event, alarmId: entry.alarmId, deliveryId: entry.deliveryId, attempts };
    if (result.kind === 'delivered') {
      repository.markDelivered(entry.id, { at, httpStatus: result.httpStatus, error: null });
      if (this.failing > 0) logger.info({ ...context, failedBefore: this.failing }, 'webhook delivering again');
      this.failing = 0;
      this.nextAttemptAt = null;
      this.lastDeliveredAt = at;
      this.lastError = null;
      events.emit('delivered', {
        webhookId: webhook.id,
        entryId: entry.id,
        deliveryId: entry.deliveryId,
        event: entry.event,
        attempts,
        httpStatus: result.httpStatus,
      });
      return true;
    }
    if (result.kind === 'dead') {
      repository.markDead(entry.id, { at, httpStatus: result.httpStatus, error: result.error });
      this.lastError = { error: result.error, at };
      // The receiver answered, so it is up; the next row may fare better.
      this.failing = 0;
      this.nextAttemptAt = null;
      logger.warn({ ...context, httpStatus: result.httpStatus, error: result.error }, 'webhook refused a delivery; not retrying');
      events.emit('dead', {
        webhookId: webhook.id,
        entryId: entry.id,
        deliveryId: entry.deliveryId,
        event: entry.event,
        attempts,
        httpStatus: result.httpStatus,
        error: result.error,
      });
      return true;
    }
    this.failing += 1;
    const retryAfterMs = parseRetryAfter(result.retryAfter, at);
    const delayMs =
      retryAfterMs !== undefined ? Math.min(retryAfterMs, this.o.retryPolicy.maxRetryAfterMs) : backoffDelay(this.o.retryPolicy, attempts, this.o.random);
    repository.recordFailure(entry.id, { at, httpStatus: result.httpStatus, error: result.error, nextAttemptAt: at + delayMs });
    this.lastError = { error: result.error, at };
    const log = { ...context, reason: result.reason, httpStatus: result.httpStatus, error: result.error, retryInMs: delayMs };
    if (this.failing === 1) logger.warn(log, 'webhook delivery failed; will retry');
    else logger.debug(log, 'webhook delivery failed again');
    this.scheduleRetry(delayMs);
    events.emit('retry-scheduled', {
      webhookId: webhook.id,
      entryId: entry.id,
      deliveryId: entry.deliveryId,
      event: entry.event,
      attempts,
      httpStatus: result.httpStatus,
      error: result.error,
      delayMs,
    });
    return false;
  }

  private scheduleRetry(delayMs: number): void {
    if (this.stopped) return;
    this.nextAttemptAt = this.o.clock.now() + delayMs;
    this.retryTimer = this.o.clock.setTimeout(() => {
      this.retryTimer = null;
      this.wake();
    }, delayMs);
  }
}
