import type { Migration } from '../store/migrate.js';

/**
 * XJMF persistent channels (subscriptions). A row is written when a query with a Subscription
 * is answered and outlives restarts; it leaves `active` when the MIS stops it
 * (CommandStopPersistentChannel), a newer subscription replaces it, or the subscriber failed
 * for too long (`dropped`). Ended rows are kept for support and /api/health.
 */
export const xjmfMigrations: Migration[] = [
  {
    id: 'xjmf-001-subscriptions',
    sql: `
      CREATE TABLE xjmf_subscriptions (
        channel_id TEXT PRIMARY KEY,        -- ours (ch-…), named in SubscriptionInfo
        ref_id TEXT,                        -- the subscribing query's ID: each signal's refID
        press_id TEXT,                      -- null: the controller (every press)
        message_type TEXT NOT NULL CHECK (message_type IN ('Status', 'Resource', 'QueueStatus', 'Notification')),
        url TEXT NOT NULL,
        repeat_ms INTEGER,                  -- null: on change only
        channel_mode TEXT,                  -- FireAndForget | Reliable, as asked
        subscriber TEXT,                    -- the MIS's DeviceID, for display
        created_at INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('active', 'stopped', 'replaced', 'dropped')),
        ended_at INTEGER,
        end_reason TEXT
      );
      CREATE INDEX xjmf_subscriptions_active ON xjmf_subscriptions (state, url, message_type);
    `,
  },
];
