/**
 * XJMF persistent channels: a query with a Subscription makes Pressroom push the matching
 * Signal… to the subscriber's URL on every change and every RepeatTime seconds, until the MIS
 * stops it or the subscriber fails for too long. Channels are rows in SQLite (they survive a
 * restart); each signal is a row of the notifications outbox, sent with its retries and
 * back-off. Status, resource and queue signals coalesce (a subscriber back after an outage gets
 * the current state, not the backlog); notifications (alarms, supplies) are kept in order.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock, TimerHandle } from '../lib/clock.js';
import type { OutboxDelivery } from '../notifications/index.js';
import type { SubscriberCheck } from './allow-list.js';
import type { Subscription, SubscriptionRepository, SubscriptionType } from './subscription-repository.js';
import { signalEnvelope, type XjmfContent } from './xjmf-content.js';
import type { XjmfJob } from './xjmf-elements.js';
import type { XmlOut } from './xml.js';

export const XJMF_CONTENT_TYPE = 'application/vnd.cip4-xjmf+xml';
/** Pending notification signals kept per subscriber while it is down; older ones are dropped past it. */
const NOTIFICATION_BACKLOG = 500;

export interface SubscriptionManagerOptions {
  repository: SubscriptionRepository;
  delivery: OutboxDelivery;
  content: XjmfContent;
  /** The job running on a press, as the job events tell (signal-triggers.ts). */
  runningJob: (pressId: string) => XjmfJob | undefined;
  pressIds: readonly string[];
  controllerId: string;
  check: SubscriberCheck;
  clock: Clock;
  logger: Logger;
  minRepeatMs: number;
  maxSubscriptions: number;
  dropAfterMs: number;
  /** A fresh xs:ID for a Header. */
  newId: () => string;
}

export interface SubscribeRequest {
  pressId: string | null;
  messageType: SubscriptionType;
  url: string;
  repeatSeconds: number | undefined;
  channelMode: string | undefined;
  refId: string | undefined;
  subscriber: string | undefined;
}

export type SubscribeResult = { ok: true; subscription: Subscription } | { ok: false; reason: string };

export interface DroppedSubscriber {
  channelId: string;
  messageType: SubscriptionType;
  pressId: string | null;
  /** Host and port only: the path may carry a token. */
  host: string;
  droppedAt: number;
  reason: string;
}

export class SubscriptionManager {
  private readonly active = new Map<string, Subscription>();
  private readonly repeatTimers = new Map<string, TimerHandle>();
  private readonly failingSince = new Map<string, { since: number; lastError: string }>();
  private readonly offDelivery: (() => void)[] = [];
  private started = false;

  constructor(private readonly o: SubscriptionManagerOptions) {}

  start(): void {
    if (this.started) return;
    this.started = true;
    for (const subscription of this.o.repository.active()) {
      if (this.active.has(subscription.channelId)) continue;
      // the configuration may have changed since: a URL no longer allowed gets nothing more
      const checked = this.o.check(subscription.url);
      if (!checked.ok) {
        this.o.repository.finish(subscription.channelId, 'stopped', this.o.clock.now(), `no longer allowed: ${checked.reason}`);
        this.o.logger.warn({ channel: subscription.channelId, host: hostOf(subscription.url) }, 'xjmf subscription ended: its URL is no longer allowed');
        continue;
      }
      this.open(subscription);
    }
    if (this.active.size > 0) this.o.logger.info({ channels: this.active.size }, 'xjmf subscriptions resumed');
    const events = this.o.delivery.events;
    this.offDelivery.push(
      events.on('delivered', (e) => this.failingSince.delete(e.webhookId)),
      events.on('retry-scheduled', (e) => this.failed(e.webhookId, e.error)),
      events.on('dead', (e) => this.failed(e.webhookId, e.error)),
    );
    this.o.delivery.start();
  }

  async stop(): Promise<void> {
    this.started = false;
    for (const off of this.offDelivery.splice(0)) off();
    for (const timer of this.repeatTimers.values()) this.o.clock.clearTimeout(timer);
    this.repeatTimers.clear();
    await this.o.delivery.stop();
  }

  list(): Subscription[] {
    return [...this.active.values()];
  }

  subscribe(request: SubscribeRequest): SubscribeResult {
    const checked = this.o.check(request.url);
    if (!checked.ok) return { ok: false, reason: `subscription refused: ${checked.reason}` };
    const same = [...this.active.values()].find((s) => s.url === request.url && s.messageType === request.messageType && s.pressId === request.pressId);
    if (!same && this.active.size >= this.o.maxSubscriptions) {
      return { ok: false, reason: `subscription refused: ${this.o.maxSubscriptions} channels are open already (xjmf.maxSubscriptions)` };
    }
    const now = this.o.clock.now();
    if (same) this.close(same, 'replaced', 'replaced by a new subscription to the same URL and message type');
    const repeatMs =
      request.repeatSeconds !== undefined && request.repeatSeconds > 0 ? Math.max(this.o.minRepeatMs, Math.round(request.repeatSeconds * 1000)) : null;
    const subscription: Subscription = {
      channelId: `ch-${randomUUID().slice(0, 8)}`,
      refId: request.refId ?? null,
      pressId: request.pressId,
      messageType: request.messageType,
      url: request.url,
      repeatMs,
      channelMode: request.channelMode ?? null,
      subscriber: request.subscriber ?? null,
      createdAt: now,
      state: 'active',
      endedAt: null,
      endReason: null,
    };
    this.o.repository.add(subscription);
    this.open(subscription);
    this.o.logger.info(
      { channel: subscription.channelId, type: subscription.messageType, pressId: subscription.pressId, host: checked.url.host, repeatMs },
      'xjmf subscription opened',
    );
    return { ok: true, subscription };
  }

  /** Ends the channels that match; returns them. */
  stopChannels(filter: { channelId?: string | undefined; url?: string | undefined; messageType?: string | undefined }): Subscription[] {
    const matching = [...this.active.values()].filter(
      (s) =>
        (filter.channelId === undefined || s.channelId === filter.channelId || s.refId === filter.channelId) &&
        (filter.url === undefined || s.url === filter.url) &&
        (filter.messageType === undefined || s.messageType === filter.messageType),
    );
    for (const s of matching) this.close(s, 'stopped', 'stopped by CommandStopPersistentChannel');
    return matching;
  }

  health(): { subscriptions: number; dropped: DroppedSubscriber[] } {
    const dropped = this.o.repository.ended('dropped', 20).map((s) => ({
      channelId: s.channelId,
      messageType: s.messageType,
      pressId: s.pressId,
      host: hostOf(s.url),
      droppedAt: s.endedAt ?? 0,
      reason: s.endReason ?? '',
    }));
    return { subscriptions: this.active.size, dropped };
  }

  /** Open channels, for the triggers to skip work when there are none. */
  get size(): number {
    return this.active.size;
  }

  // ---- internals ----

  /**
   * Signals every channel of this type on this press, and the controller's channels of this
   * type: the content is built once per press (or controller) and the rows are committed in
   * one transaction, so 20 subscribers cost one commit, not 20.
   */
  signalAll(type: SubscriptionType, pressId: string | null, content?: () => XmlOut[]): void {
    const targets = [...this.active.values()].filter((s) => s.messageType === type && (s.pressId === null || s.pressId === pressId));
    if (targets.length === 0) return;
    const built = new Map<string | null, XmlOut[] | undefined>();
    const contentFor = (s: Subscription) => {
      if (content) return content();
      if (!built.has(s.pressId)) built.set(s.pressId, this.o.content.forChannel(s, this.o.runningJob));
      return built.get(s.pressId);
    };
    try {
      this.o.delivery.batch(() => {
        for (const s of targets) this.signal(s, contentFor(s));
      });
    } catch (error) {
      this.o.logger.error({ err: error, type, pressId }, 'xjmf signals not queued');
    }
  }

  private signal(s: Subscription, content: XmlOut[] | undefined): void {
    if (content === undefined) return;
    const body = signalEnvelope({ channel: s, deviceId: s.pressId ?? this.o.controllerId, content, at: this.o.clock.now(), newId: this.o.newId });
    try {
      this.o.delivery.enqueue(
        targetId(s),
        { event: `xjmf.Signal${s.messageType}`, key: s.channelId, pressId: s.pressId ?? this.o.controllerId, body },
        { coalesce: s.messageType !== 'Notification', cap: NOTIFICATION_BACKLOG, priorityRank: s.messageType === 'Notification' ? 1 : 3 },
      );
    } catch (error) {
      // the press goes on; only this signal is lost (the next change or repeat sends the state again)
      this.o.logger.error({ err: error, channel: s.channelId }, 'xjmf signal not queued');
    }
  }

  private open(s: Subscription): void {
    this.active.set(s.channelId, s);
    this.o.delivery.addTarget({ id: targetId(s), url: s.url, contentType: XJMF_CONTENT_TYPE, timeoutMs: 5000 });
    if (s.repeatMs !== null && s.messageType !== 'Notification') this.scheduleRepeat(s);
  }

  private scheduleRepeat(s: Subscription): void {
    const timer = this.o.clock.setTimeout(() => {
      if (!this.active.has(s.channelId)) return;
      this.signal(s, this.o.content.forChannel(s, this.o.runningJob));
      this.scheduleRepeat(s);
    }, s.repeatMs!);
    this.repeatTimers.set(s.channelId, timer);
  }

  private close(s: Subscription, state: 'stopped' | 'replaced' | 'dropped', reason: string): void {
    this.active.delete(s.channelId);
    this.failingSince.delete(targetId(s));
    const timer = this.repeatTimers.get(s.channelId);
    if (timer) this.o.clock.clearTimeout(timer);
    this.repeatTimers.delete(s.channelId);
    this.o.repository.finish(s.channelId, state, this.o.clock.now(), reason);
    void this.o.delivery
      .removeTarget(targetId(s), reason)
      .catch((error: unknown) => this.o.logger.error({ err: error, channel: s.channelId }, 'xjmf channel not closed cleanly'));
  }

  private failed(target: string, error: string): void {
    if (!target.startsWith('xjmf:')) return;
    const s = this.active.get(target.slice('xjmf:'.length));
    if (!s) return;
    const now = this.o.clock.now();
    const failing = this.failingSince.get(target) ?? { since: now, lastError: error };
    failing.lastError = error;
    this.failingSince.set(target, failing);
    if (now - failing.since < this.o.dropAfterMs) return;
    const minutes = Math.round((now - failing.since) / 6000) / 10;
    this.o.logger.warn(
      { channel: s.channelId, type: s.messageType, pressId: s.pressId, host: hostOf(s.url), failingForMs: now - failing.since, lastError: error },
      'xjmf subscriber dropped: it answered only errors for too long',
    );
    this.close(s, 'dropped', `answered only errors for ${minutes} min (last: ${error.slice(0, 200)})`);
  }
}

function targetId(s: Subscription): string {
  return `xjmf:${s.channelId}`;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '?';
  }
}
