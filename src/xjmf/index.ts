/**
 * The MIS link: every press as a CIP4 XJMF 2.x device (docs/xjmf.md). POST /xjmf answers
 * queries and commands; subscriptions push signals through the notifications outbox. The
 * feature reads the presses and the job queue through ports (xjmf-ports.ts) and turns their
 * events into signals (`observe`). It applies its own migrations.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { FeatureModule } from '../http/feature-module.js';
import type { Clock } from '../lib/clock.js';
import { outboxDepth } from '../http/feature-metrics.js';
import { OutboxDelivery } from '../notifications/index.js';
import type { StoreDatabase } from '../store/database.js';
import { migrate } from '../store/migrate.js';
import { createSubscriberCheck } from './allow-list.js';
import { SignalTriggers } from './signal-triggers.js';
import { SubscriptionManager, type DroppedSubscriber } from './subscription-manager.js';
import { SubscriptionRepository } from './subscription-repository.js';
import type { XjmfConfig } from './xjmf-config.js';
import { XjmfContent } from './xjmf-content.js';
import { XjmfHandler } from './xjmf-handler.js';
import { xjmfMigrations } from './xjmf-migrations.js';
import type { XjmfEventSources, XjmfPorts } from './xjmf-ports.js';
import type { XjmfJob } from './xjmf-elements.js';
import { xjmfRoutes } from './xjmf-routes.js';
import { TokenBook } from './token-book.js';

export { xjmfConfigSchema, defaultXjmfConfig, type XjmfConfig } from './xjmf-config.js';
export type { XjmfPorts, XjmfEventSources, XjmfJobInput, XjmfRequester } from './xjmf-ports.js';
export type { XjmfDevice, XjmfJob } from './xjmf-elements.js';
export { xjmfMigrations };

export interface XjmfModuleOptions extends XjmfPorts {
  db: StoreDatabase;
  config: XjmfConfig;
  anonymousRead: boolean;
  clock: Clock;
  logger: Logger;
  /** Default: the global fetch. */
  fetch?: typeof globalThis.fetch;
}

export interface XjmfModule extends FeatureModule {
  /** Turns press, job, alarm and supply events into signals; returns the function that stops it. */
  observe(sources: XjmfEventSources): () => void;
  health(): { fields: { xjmf: { subscriptions: number; dropped: DroppedSubscriber[] } } };
}

export function createXjmfModule(options: XjmfModuleOptions): XjmfModule {
  const { db, config, clock, logger } = options;
  migrate(db, xjmfMigrations);
  const controllerId = config.deviceId ?? 'Pressroom';
  const check = createSubscriberCheck(config.allowedSubscribers);
  const idPrefix = `PR${randomBytes(3).toString('hex')}_`;
  let counter = 0;
  const newId = () => `${idPrefix}${(++counter).toString(36)}`;
  const now = () => clock.now();
  const ports: XjmfPorts = { presses: options.presses, devices: options.devices, jobs: options.jobs, audit: options.audit };
  const content = new XjmfContent(ports, now);
  const delivery = new OutboxDelivery({
    db,
    clock,
    logger: logger.child({ component: 'xjmf-signals' }),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    retryPolicy: { maxDelayMs: config.retryMaxSeconds * 1000 },
    userAgent: 'Pressroom-XJMF/0.1',
  });
  const subscriptions: SubscriptionManager = new SubscriptionManager({
    repository: new SubscriptionRepository(db),
    delivery,
    content,
    runningJob: (pressId): XjmfJob | undefined => triggers.runningJob(pressId),
    pressIds: options.devices.map((d) => d.id),
    controllerId,
    check,
    clock,
    logger,
    minRepeatMs: Math.round(config.minRepeatSeconds * 1000),
    maxSubscriptions: config.maxSubscriptions,
    dropAfterMs: Math.round(config.dropSubscriberAfterMinutes * 60_000),
    newId,
  });
  const tokens = new TokenBook(config.tokens);
  const triggers: SignalTriggers = new SignalTriggers(subscriptions);
  const handler = new XjmfHandler({
    ports,
    content,
    subscriptions,
    controllerId,
    submission: { check, fetch: options.fetch ?? globalThis.fetch, maxBytes: config.maxBodyKb * 1024, timeoutMs: 5000 },
    tokens,
    now,
    newId,
    logger,
  });
  return {
    name: 'xjmf',
    migrations: xjmfMigrations,
    routes: [],
    openapi: async () => (await import('./xjmf-openapi.js')).xjmfPaths,
    rootRoutes: [xjmfRoutes({ handler, tokens, anonymousRead: options.anonymousRead, maxBodyBytes: config.maxBodyKb * 1024, logger })],
    health: () => ({ fields: { xjmf: subscriptions.health() } }),
    metrics: () => [outboxDepth('xjmf', () => delivery.pendingTotal())],
    start: () => {
      triggers.seed(options.jobs.list({}).filter((job) => job.state === 'running'));
      subscriptions.start();
    },
    stop: () => subscriptions.stop(),
    observe(sources) {
      const offs = [
        sources.onPressUpdate((snapshot) => triggers.pressUpdated(snapshot)),
        // a stop goes out at once, not with the next throttled update (up to a scan period later)
        sources.onStateTransition((transition) => {
          const snapshot = options.presses.get(transition.pressId);
          if (snapshot) triggers.pressUpdated(snapshot);
        }),
        sources.onJobChanged((job) => triggers.jobChanged(job)),
        sources.onAlarm((event) => triggers.alarmEvent(event)),
        sources.onSupplyLogged((entry) => triggers.supplyLogged(entry)),
      ];
      return () => offs.forEach((off) => off());
    },
  };
}
