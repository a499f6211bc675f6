/**
 * The notifications feature: alarm events beyond the dashboard, as outbound webhooks with a
 * persisted outbox (retries with back-off, bounded, pruned). It applies its own migrations.
 *
 *   const notifications = createNotifications({ db, logger, clock, webhooks, pressInfo });
 *   notifications.attach(alarms);   // before alarms start, so events at restore are queued too
 *   notifications.start();          // resumes rows left pending by the last run
 *   await notifications.stop();     // before the database closes
 */
import { pino, type Logger } from 'pino';
import { systemClock, type Clock } from '../lib/clock.js';
import type { TypedEmitter } from '../lib/typed-emitter.js';
import type { FeatureModule } from '../http/feature-module.js';
import { outboxDepth } from '../http/feature-metrics.js';
import type { StoreDatabase } from '../store/database.js';
import { migrate } from '../store/migrate.js';
import { notificationsMigrations } from './notification-migrations.js';
import { OutboxRepository } from './outbox-repository.js';
import type { NotificationEvents } from './notification-events.js';
import { defaultRetryPolicy, type RetryPolicy } from './retry-policy.js';
import type { FetchFunction } from './webhook-attempt.js';
import type { WebhookConfig } from './webhook-config.js';
import { WebhookNotifier, type AlarmEventSource, type WebhookStatus } from './webhook-notifier.js';
import type { WebhookPress } from './webhook-payload.js';

export { notificationsMigrations };
export {
  notificationsConfigSchema,
  webhookConfigSchema,
  unknownWebhookPresses,
  webhookEvents,
  type NotificationsConfig,
  type WebhookConfig,
  type WebhookConfigInput,
  type WebhookEvent,
} from './webhook-config.js';
export { signBody, SIGNATURE_HEADER, DELIVERY_HEADER, EVENT_HEADER, type WebhookBody, type WebhookPress } from './webhook-payload.js';
export type { NotificationEvents } from './notification-events.js';
export type { RetryPolicy } from './retry-policy.js';
export type { AlarmEventSource, WebhookStatus } from './webhook-notifier.js';
export type { FetchFunction } from './webhook-attempt.js';

const DAY_MS = 86_400_000;

export interface NotificationLimits {
  /** Pending rows per webhook before the oldest lowest-priority ones are dropped (default 10,000). */
  maxPendingPerWebhook: number;
  /** Days delivered rows are kept (default 7). */
  deliveredRetentionDays: number;
  /** Days dead and dropped rows are kept, for support (default 30). */
  deadRetentionDays: number;
  /** How often finished rows are pruned (default hourly). */
  pruneIntervalMs: number;
}

export const defaultNotificationLimits: NotificationLimits = {
  maxPendingPerWebhook: 10_000,
  deliveredRetentionDays: 7,
  deadRetentionDays: 30,
  pruneIntervalMs: 3_600_000,
};

export interface CreateNotificationsOptions {
  db: StoreDatabase;
  webhooks: readonly WebhookConfig[];
  logger?: Logger;
  clock?: Clock;
  /** Default: the global fetch (undici). */
  fetch?: FetchFunction;
  /** Jitter source, [0, 1); default Math.random. */
  random?: () => number;
  /** The press named in the body (`press: { id, name }`); absent leaves `press` out. */
  pressInfo?: (pressId: string) => WebhookPress | undefined;
  retryPolicy?: Partial<RetryPolicy>;
  limits?: Partial<NotificationLimits>;
  /** Sent as User-Agent unless a webhook sets its own. */
  userAgent?: string;
}

export interface Notifications extends FeatureModule {
  /** Queue the alarm events of this source (the AlarmService). Returns the function that stops it. */
  attach(source: AlarmEventSource): () => void;
  /** Resume pending rows and send new ones as they come. */
  start(): void;
  /** Detach, stop sending; a request on the wire is aborted and its row stays pending. */
  stop(): Promise<void>;
  health(): { fields: { notifications: WebhookStatus[] } };
  /** Per configured webhook: pending, delivered, dead and dropped rows, last error, next attempt. */
  status(): WebhookStatus[];
  readonly events: TypedEmitter<NotificationEvents>;
}

export function createNotifications(options: CreateNotificationsOptions): Notifications {
  migrate(options.db, notificationsMigrations);
  const limits = { ...defaultNotificationLimits, ...options.limits };
  const notifier = new WebhookNotifier({
    repository: new OutboxRepository(options.db),
    webhooks: options.webhooks,
    clock: options.clock ?? systemClock,
    fetch: options.fetch ?? globalThis.fetch,
    logger: options.logger ?? pino({ level: 'silent' }),
    random: options.random ?? Math.random,
    retryPolicy: { ...defaultRetryPolicy, ...options.retryPolicy },
    maxPendingPerWebhook: limits.maxPendingPerWebhook,
    deliveredRetentionMs: limits.deliveredRetentionDays * DAY_MS,
    deadRetentionMs: limits.deadRetentionDays * DAY_MS,
    pruneIntervalMs: limits.pruneIntervalMs,
    pressInfo: options.pressInfo ?? (() => undefined),
    userAgent: options.userAgent ?? 'Pressroom-Webhooks/0.1',
  });
  return {
    name: 'notifications',
    migrations: notificationsMigrations,
    routes: [],
    health: () => ({ fields: { notifications: notifier.status() } }),
    // one GROUP BY over the outbox at scrape time
    metrics: () => [outboxDepth('webhook', () => notifier.status().reduce((sum, webhook) => sum + webhook.pending, 0))],
    attach: (source) => notifier.attach(source),
    start: () => notifier.start(),
    stop: () => notifier.stop(),
    status: () => notifier.status(),
    events: notifier.events,
  };
}
export { OutboxDelivery, type OutboxTarget, type OutboxDeliveryOptions, type QueuedBody } from './outbox-delivery.js';
