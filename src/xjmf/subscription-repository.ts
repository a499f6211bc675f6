/** XJMF subscriptions in SQLite (`xjmf_subscriptions`, migration xjmf-001-subscriptions). */
import type { StoreDatabase } from '../store/database.js';

export const subscriptionTypes = ['Status', 'Resource', 'QueueStatus', 'Notification'] as const;
export type SubscriptionType = (typeof subscriptionTypes)[number];
export type SubscriptionState = 'active' | 'stopped' | 'replaced' | 'dropped';

export interface Subscription {
  channelId: string;
  /** The subscribing query's ID, each signal's refID. */
  refId: string | null;
  pressId: string | null;
  messageType: SubscriptionType;
  url: string;
  repeatMs: number | null;
  channelMode: string | null;
  subscriber: string | null;
  createdAt: number;
  state: SubscriptionState;
  endedAt: number | null;
  endReason: string | null;
}

interface Row {
  channel_id: string;
  ref_id: string | null;
  press_id: string | null;
  message_type: SubscriptionType;
  url: string;
  repeat_ms: number | null;
  channel_mode: string | null;
  subscriber: string | null;
  created_at: number;
  state: SubscriptionState;
  ended_at: number | null;
  end_reason: string | null;
}

export class SubscriptionRepository {
  private readonly insert;
  private readonly selectActive;
  private readonly selectById;
  private readonly selectEnded;
  private readonly end;

  constructor(private readonly db: StoreDatabase) {
    const c = db.connection;
    this.insert = c.prepare<[string, string | null, string | null, string, string, number | null, string | null, string | null, number]>(
      `INSERT INTO xjmf_subscriptions (channel_id, ref_id, press_id, message_type, url, repeat_ms, channel_mode, subscriber, created_at, state)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'active')`,
    );
    this.selectActive = c.prepare<[], Row>(`SELECT * FROM xjmf_subscriptions WHERE state = 'active' ORDER BY created_at, channel_id`);
    this.selectById = c.prepare<[string], Row>('SELECT * FROM xjmf_subscriptions WHERE channel_id = ?');
    this.selectEnded = c.prepare<[string, number], Row>(`SELECT * FROM xjmf_subscriptions WHERE state = ? ORDER BY ended_at DESC LIMIT ?`);
    this.end = c.prepare<[SubscriptionState, number, string, string]>(
      `UPDATE xjmf_subscriptions SET state = ?, ended_at = ?, end_reason = ? WHERE channel_id = ? AND state = 'active'`,
    );
  }

  add(subscription: Omit<Subscription, 'state' | 'endedAt' | 'endReason'>): void {
    const s = subscription;
    this.db.durableWrite('add xjmf subscription', () =>
      this.insert.run(s.channelId, s.refId, s.pressId, s.messageType, s.url, s.repeatMs, s.channelMode, s.subscriber, s.createdAt),
    );
  }

  get(channelId: string): Subscription | undefined {
    const row = this.db.run('read xjmf subscription', () => this.selectById.get(channelId));
    return row && toSubscription(row);
  }

  active(): Subscription[] {
    return this.db.run('read xjmf subscriptions', () => this.selectActive.all()).map(toSubscription);
  }

  ended(state: 'dropped' | 'stopped', limit: number): Subscription[] {
    return this.db.run('read xjmf subscriptions', () => this.selectEnded.all(state, limit)).map(toSubscription);
  }

  /** True when the channel was active and is now ended. */
  finish(channelId: string, state: Exclude<SubscriptionState, 'active'>, at: number, reason: string): boolean {
    return this.db.durableWrite('end xjmf subscription', () => this.end.run(state, at, reason, channelId).changes > 0);
  }
}

function toSubscription(row: Row): Subscription {
  return {
    channelId: row.channel_id,
    refId: row.ref_id,
    pressId: row.press_id,
    messageType: row.message_type,
    url: row.url,
    repeatMs: row.repeat_ms,
    channelMode: row.channel_mode,
    subscriber: row.subscriber,
    createdAt: row.created_at,
    state: row.state,
    endedAt: row.ended_at,
    endReason: row.end_reason,
  };
}
