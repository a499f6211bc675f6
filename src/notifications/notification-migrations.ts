import type { Migration } from '../store/migrate.js';

/**
 * The webhook outbox: one row per (webhook, alarm event) to deliver. A row is written before
 * any attempt to send it and changes status only on an answer: `pending` → `delivered` (2xx),
 * `dead` (a 4xx or redirect: retrying cannot help) or `dropped` (the webhook's backlog hit its
 * cap). `id` orders the rows: each webhook's receiver gets them in id order.
 */
export const notificationsMigrations: Migration[] = [
  {
    id: 'notifications-001-outbox',
    sql: `
      CREATE TABLE webhook_outbox (
        id INTEGER PRIMARY KEY,
        delivery_id TEXT NOT NULL UNIQUE,  -- sent as X-Pressroom-Delivery, for receivers to drop repeats
        webhook_id TEXT NOT NULL,
        event TEXT NOT NULL,               -- alarm.raised, alarm.cleared, alarm.acked, alarm.renotify
        alarm_id TEXT NOT NULL,
        press_id TEXT NOT NULL,
        priority_rank INTEGER NOT NULL,    -- 0 critical … 3 low: the cap drops the highest rank first
        body TEXT NOT NULL,                -- the JSON as it will be POSTed, fixed at enqueue time
        created_at INTEGER NOT NULL,       -- ms since epoch
        status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead', 'dropped')),
        attempts INTEGER NOT NULL DEFAULT 0,
        last_attempt_at INTEGER,
        next_attempt_at INTEGER,
        last_error TEXT,
        http_status INTEGER,
        done_at INTEGER                    -- when it left 'pending'
      );
      -- (webhook_id, status, id): the sender's next pending row, and the counts per status.
      CREATE INDEX webhook_outbox_webhook_status ON webhook_outbox (webhook_id, status);
      -- The cap's victims in order: lowest priority first, oldest first (a sort over 10,000 rows otherwise).
      CREATE INDEX webhook_outbox_drop_order ON webhook_outbox (webhook_id, priority_rank DESC, id) WHERE status = 'pending';
      -- "Was this alarm announced to this webhook?": its clear and ack follow even below minPriority.
      CREATE INDEX webhook_outbox_alarm ON webhook_outbox (alarm_id, webhook_id);
      -- Pruning finished rows by age.
      CREATE INDEX webhook_outbox_done ON webhook_outbox (done_at) WHERE status <> 'pending';
    `,
  },
];
