/**
 * The webhook outbox for other features' receivers that come and go at run time (the XJMF
 * subscriptions of src/xjmf): the same table, the same one-row-at-a-time senders with
 * retries, back-off and at-least-once delivery, but targets added and removed by the
 * feature, bodies of any content type, and two ways to queue:
 * - `coalesce`: state that is sent whole (a status, the levels): a new row supersedes every
 *   row still pending under the same key, so a receiver back after an hour gets the current
 *   state, not an hour of stale ones;
 * - otherwise events (an alarm raised), kept in order up to `cap` pending rows per target.
 * Target ids carry a colon (`xjmf:ch-…`) so they never meet a configured webhook's id.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../lib/clock.js';
import { TypedEmitter } from '../lib/typed-emitter.js';
import type { StoreDatabase } from '../store/database.js';
import { migrate } from '../store/migrate.js';
import { notificationsMigrations } from './notification-migrations.js';
import type { NotificationEvents } from './notification-events.js';
import { OutboxRepository } from './outbox-repository.js';
import { defaultRetryPolicy, type RetryPolicy } from './retry-policy.js';
import type { FetchFunction } from './webhook-attempt.js';
import { WebhookSender } from './webhook-sender.js';

export interface OutboxTarget {
  /** Must contain a colon, e.g. `xjmf:ch-1a2b`. */
  id: string;
  url: string;
  contentType: string;
  timeoutMs: number;
}

export interface OutboxDeliveryOptions {
  db: StoreDatabase;
  clock: Clock;
  logger: Logger;
  fetch?: FetchFunction;
  random?: () => number;
  retryPolicy?: Partial<RetryPolicy>;
  userAgent: string;
}

export interface QueuedBody {
  /** Sent as X-Pressroom-Event. */
  event: string;
  /** What a coalescing row supersedes: rows of the same target and key. */
  key: string;
  pressId: string;
  body: string;
}

export class OutboxDelivery {
  readonly events: TypedEmitter<NotificationEvents>;
  private readonly repository: OutboxRepository;
  private readonly senders = new Map<string, WebhookSender>();
  private started = false;

  constructor(private readonly o: OutboxDeliveryOptions) {
    migrate(o.db, notificationsMigrations);
    this.repository = new OutboxRepository(o.db);
    this.events = new TypedEmitter<NotificationEvents>((error, event) => o.logger.error({ err: error, event }, 'outbox listener failed'));
  }

  addTarget(target: OutboxTarget): void {
    if (!target.id.includes(':')) throw new Error(`outbox target id "${target.id}" must contain a colon`);
    if (this.senders.has(target.id)) return;
    const sender = new WebhookSender({
      webhook: { id: target.id, url: target.url, events: ['raised'], minPriority: 'low', timeoutMs: target.timeoutMs },
      repository: this.repository,
      clock: this.o.clock,
      fetch: this.o.fetch ?? globalThis.fetch,
      logger: this.o.logger.child({ target: target.id }),
      random: this.o.random ?? Math.random,
      retryPolicy: { ...defaultRetryPolicy, ...this.o.retryPolicy },
      userAgent: this.o.userAgent,
      contentType: target.contentType,
      events: this.events,
    });
    this.senders.set(target.id, sender);
    if (this.started) sender.start();
  }

  /** Stops sending to a target and drops what it had pending. */
  async removeTarget(id: string, reason: string): Promise<void> {
    const sender = this.senders.get(id);
    this.senders.delete(id);
    await sender?.stop();
    this.repository.dropPending(id, this.o.clock.now(), reason);
  }

  /** Commits the row (superseding older ones under its key when `coalesce`), then wakes the target's sender. */
  enqueue(targetId: string, row: QueuedBody, options: { coalesce: boolean; cap: number; priorityRank?: number }): void {
    const at = this.o.clock.now();
    this.o.db.write('queue outbox row', () => {
      if (options.coalesce) this.repository.supersede(targetId, row.key, at);
      this.repository.enqueue(
        [
          {
            deliveryId: randomUUID(),
            webhookId: targetId,
            event: row.event,
            alarmId: row.key,
            pressId: row.pressId,
            priorityRank: options.priorityRank ?? 3,
            body: row.body,
            createdAt: at,
          },
        ],
        { cap: options.cap, at },
      );
    });
    this.senders.get(targetId)?.wake();
  }

  /** Runs `work` (enqueues) as one transaction: one commit for many rows. */
  batch(work: () => void): void {
    this.o.db.write('queue outbox rows', work);
  }

  /** Rows per status of one target. */
  counts(targetId: string): { pending: number; delivered: number; dead: number; dropped: number } {
    return this.repository.counts().get(targetId) ?? { pending: 0, delivered: 0, dead: 0, dropped: 0 };
  }

  /** Rows waiting to be sent, over all of this delivery's targets (the outbox depth metric). */
  pendingTotal(): number {
    let pending = 0;
    for (const [targetId, counts] of this.repository.counts()) if (this.senders.has(targetId)) pending += counts.pending;
    return pending;
  }

  start(): void {
    this.started = true;
    for (const sender of this.senders.values()) sender.start();
  }

  async stop(): Promise<void> {
    this.started = false;
    await Promise.all([...this.senders.values()].map((sender) => sender.stop()));
  }
}
