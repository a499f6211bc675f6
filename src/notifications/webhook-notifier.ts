/**
 * Alarm events to webhooks, through a persisted outbox. For each alarm event and each
 * configured webhook that wants it, a row is committed to `webhook_outbox` (one transaction
 * for all webhooks of one event) before anything is sent; each webhook's sender then delivers
 * its rows in order. Rows leave `pending` only on an answer, so a stop, crash or restart
 * loses none: `start()` resumes them. Delivery is at least once; receivers drop repeats by
 * the `X-Pressroom-Delivery` header.
 *
 * Which events go to a webhook (its `events`, `minPriority`, `presses`):
 * - `raised`, `renotify`: when the alarm's priority is at or above `minPriority`;
 * - a level alarm raised below `minPriority` that escalates into it (medium → high) arrives
 *   as `updated`; it is sent as `alarm.raised`, since for this receiver that is the raise;
 * - `cleared`, `acked`: at or above `minPriority`, and also below it when the alarm was
 *   announced to this webhook (it de-escalated since), so a receiver's incident always closes.
 */
import { randomUUID } from 'node:crypto';
import { priorityRank } from '../model/vocabulary.js';
import type { Logger } from 'pino';
import type { AlarmEvent } from '../alarms/alarm-types.js';
import type { Clock, TimerHandle } from '../lib/clock.js';
import { TypedEmitter } from '../lib/typed-emitter.js';
import type { NewOutboxEntry, OutboxRepository } from './outbox-repository.js';
import type { NotificationEvents } from './notification-events.js';
import type { RetryPolicy } from './retry-policy.js';
import type { FetchFunction } from './webhook-attempt.js';
import type { WebhookConfig, WebhookEvent } from './webhook-config.js';
import { webhookBody, type WebhookPress } from './webhook-payload.js';
import { WebhookSender } from './webhook-sender.js';

/** Anything that announces alarm events after storing them: the AlarmService. */
export interface AlarmEventSource {
  on(event: 'alarm', listener: (event: AlarmEvent) => void): () => void;
}

export interface WebhookNotifierOptions {
  repository: OutboxRepository;
  webhooks: readonly WebhookConfig[];
  clock: Clock;
  fetch: FetchFunction;
  logger: Logger;
  random: () => number;
  retryPolicy: RetryPolicy;
  /** Pending rows per webhook above which the lowest-priority, oldest ones are dropped. */
  maxPendingPerWebhook: number;
  /** Delivered rows are deleted this long after delivery; dead and dropped ones after `deadRetentionMs`. */
  deliveredRetentionMs: number;
  deadRetentionMs: number;
  pruneIntervalMs: number;
  pressInfo: (pressId: string) => WebhookPress | undefined;
  userAgent: string;
}

export interface WebhookStatus {
  webhookId: string;
  pending: number;
  delivered: number;
  dead: number;
  dropped: number;
  /** The latest failed attempt's error (a refusal or a retry); null once a delivery succeeded after it. */
  lastError: string | null;
  lastErrorAt: number | null;
  lastDeliveredAt: number | null;
  /** When the waiting row will be tried again; null when nothing waits. */
  nextAttemptAt: number | null;
}

export class WebhookNotifier {
  readonly events: TypedEmitter<NotificationEvents>;
  private readonly senders = new Map<string, WebhookSender>();
  private readonly detach: (() => void)[] = [];
  private pruneTimer: TimerHandle | null = null;
  private started = false;

  constructor(private readonly o: WebhookNotifierOptions) {
    this.events = new TypedEmitter<NotificationEvents>((error, event) => o.logger.error({ err: error, event }, 'notification listener failed'));
    for (const webhook of o.webhooks) {
      const logger = o.logger.child({ webhook: webhook.id, host: new URL(webhook.url).host });
      this.senders.set(webhook.id, new WebhookSender({ ...o, webhook, logger, events: this.events }));
    }
  }

  /** Queue this source's alarm events from now on. Returns the function that stops it. */
  attach(source: AlarmEventSource): () => void {
    const off = source.on('alarm', (event) => this.onAlarm(event));
    this.detach.push(off);
    return off;
  }

  /** Resume pending rows, then send new ones as they are queued; prune old rows now and periodically. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.prune();
    const counts = this.o.repository.counts();
    // ids with a colon belong to other outbox users (xjmf:…); webhook ids cannot hold one
    const unknown = [...counts.entries()].filter(([id, c]) => !this.senders.has(id) && !id.includes(':') && c.pending > 0);
    if (unknown.length > 0) {
      // Kept, not deleted: the webhook may come back into the configuration.
      this.o.logger.info(
        { webhooks: unknown.map(([id, c]) => ({ id, pending: c.pending })) },
        'pending webhook deliveries for webhooks no longer configured are kept, not sent',
      );
    }
    const pending = [...this.senders.keys()].map((id) => ({ id, pending: counts.get(id)?.pending ?? 0 })).filter((w) => w.pending > 0);
    if (pending.length > 0) this.o.logger.info({ webhooks: pending }, 'resuming pending webhook deliveries');
    for (const sender of this.senders.values()) sender.start();
  }

  /** Stop listening and sending; an unfinished request is aborted and its row stays pending. */
  async stop(): Promise<void> {
    for (const off of this.detach.splice(0)) off();
    if (this.pruneTimer) this.o.clock.clearTimeout(this.pruneTimer);
    this.pruneTimer = null;
    await Promise.all([...this.senders.values()].map((sender) => sender.stop()));
  }

  status(): WebhookStatus[] {
    const counts = this.o.repository.counts();
    return [...this.senders.values()].map((sender) => {
      const c = counts.get(sender.webhookId) ?? { pending: 0, delivered: 0, dead: 0, dropped: 0 };
      return {
        webhookId: sender.webhookId,
        ...c,
        lastError: sender.lastError?.error ?? null,
        lastErrorAt: sender.lastError?.at ?? null,
        lastDeliveredAt: sender.lastDeliveredAt,
        nextAttemptAt: sender.nextAttemptAt,
      };
    });
  }

  private onAlarm(event: AlarmEvent): void {
    const targets = this.o.webhooks
      .map((webhook) => ({ webhook, as: this.routeFor(webhook, event) }))
      .filter((t): t is { webhook: WebhookConfig; as: WebhookEvent } => t.as !== null);
    if (targets.length === 0) return;
    const at = this.o.clock.now();
    const press = this.o.pressInfo(event.alarm.pressId);
    const entries: NewOutboxEntry[] = targets.map(({ webhook, as }) => ({
      deliveryId: randomUUID(),
      webhookId: webhook.id,
      event: `alarm.${as}`,
      alarmId: event.alarm.id,
      pressId: event.alarm.pressId,
      priorityRank: priorityRank(event.alarm.priority),
      body: JSON.stringify(webhookBody({ ...event, type: as }, press)),
      createdAt: at,
    }));
    let queued: ReturnType<OutboxRepository['enqueue']>;
    try {
      queued = this.o.repository.enqueue(entries, { cap: this.o.maxPendingPerWebhook, at });
    } catch (error) {
      // The alarm itself is stored and on the dashboard; only its notification is lost.
      this.o.logger.error(
        { err: error, alarmId: event.alarm.id, event: event.type, webhooks: entries.map((e) => e.webhookId) },
        'alarm notification not queued',
      );
      return;
    }
    for (const [webhookId, count] of queued.dropped) {
      this.o.logger.warn(
        { webhook: webhookId, dropped: count, cap: this.o.maxPendingPerWebhook },
        'webhook backlog over its cap; dropped the oldest lowest-priority deliveries',
      );
      this.events.emit('dropped', { webhookId, count });
    }
    this.events.emit('queued', { entryIds: queued.ids, webhookIds: entries.map((e) => e.webhookId), event: event.type, alarmId: event.alarm.id });
    for (const { webhook } of targets) this.senders.get(webhook.id)?.wake();
  }

  /** The event this webhook gets for an alarm event, or null when it gets none (see the file comment). */
  private routeFor(webhook: WebhookConfig, event: AlarmEvent): WebhookEvent | null {
    const alarm = event.alarm;
    if (webhook.presses && !webhook.presses.includes(alarm.pressId)) return null;
    const inRange = priorityRank(alarm.priority) <= priorityRank(webhook.minPriority);
    switch (event.type) {
      case 'raised':
      case 'renotify':
        return webhook.events.includes(event.type) && inRange ? event.type : null;
      case 'cleared':
      case 'acked':
        if (!webhook.events.includes(event.type)) return null;
        return inRange || this.o.repository.wasAnnounced(webhook.id, alarm.id) ? event.type : null;
      case 'updated': {
        const announceable = alarm.active && !alarm.acknowledged && !alarm.suppressed && alarm.shelvedUntil === null;
        if (!webhook.events.includes('raised') || !inRange || !announceable) return null;
        return this.o.repository.wasAnnounced(webhook.id, alarm.id) ? null : 'raised';
      }
    }
  }

  private prune(): void {
    const now = this.o.clock.now();
    try {
      const removed = this.o.repository.pruneFinished({ deliveredBefore: now - this.o.deliveredRetentionMs, deadBefore: now - this.o.deadRetentionMs });
      if (removed > 0) this.o.logger.info({ removed }, 'pruned finished webhook deliveries');
    } catch (error) {
      this.o.logger.error({ err: error }, 'webhook outbox prune failed; will try again');
    }
    this.pruneTimer = this.o.clock.setTimeout(() => this.prune(), this.o.pruneIntervalMs);
  }
}
