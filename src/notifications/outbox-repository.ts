import type { StoreDatabase } from '../store/database.js';

/**
 * The webhook outbox in SQLite (`webhook_outbox`, migration `notifications-001-outbox`).
 *
 * Writes use the store's normal transactions (WAL, synchronous=NORMAL): a committed row
 * survives a crash or restart of the process; only a power cut can take the last commits,
 * and then it takes the alarm rows that caused them with it (they are written the same way).
 * Every write joins the caller's transaction when there is one.
 */
export type OutboxStatus = 'pending' | 'delivered' | 'dead' | 'dropped';

export interface NewOutboxEntry {
  deliveryId: string;
  webhookId: string;
  event: string;
  alarmId: string;
  pressId: string;
  /** 0 critical, 1 high, 2 medium, 3 low. */
  priorityRank: number;
  body: string;
  createdAt: number;
}

export interface OutboxEntry extends NewOutboxEntry {
  id: number;
  status: OutboxStatus;
  attempts: number;
  lastAttemptAt: number | null;
  nextAttemptAt: number | null;
  lastError: string | null;
  httpStatus: number | null;
  doneAt: number | null;
}

export type OutboxCounts = Record<OutboxStatus, number>;

export interface AttemptOutcome {
  at: number;
  /** The HTTP status, or null when no answer came (refused, reset, timed out). */
  httpStatus: number | null;
  error: string | null;
}

interface Row {
  id: number;
  delivery_id: string;
  webhook_id: string;
  event: string;
  alarm_id: string;
  press_id: string;
  priority_rank: number;
  body: string;
  created_at: number;
  status: OutboxStatus;
  attempts: number;
  last_attempt_at: number | null;
  next_attempt_at: number | null;
  last_error: string | null;
  http_status: number | null;
  done_at: number | null;
}

export class OutboxRepository {
  private readonly insert;
  private readonly selectNext;
  private readonly selectById;
  private readonly selectAll;
  private readonly countPending;
  private readonly dropOldestLowest;
  private readonly finish;
  private readonly fail;
  private readonly countByStatus;
  private readonly selectLastAttempt;
  private readonly deleteFinished;
  private readonly selectAnnounced;
  private readonly dropByKey;
  private readonly dropAll;

  constructor(private readonly db: StoreDatabase) {
    const c = db.connection;
    this.insert = c.prepare<[string, string, string, string, string, number, string, number]>(
      `INSERT INTO webhook_outbox (delivery_id, webhook_id, event, alarm_id, press_id, priority_rank, body, created_at, status)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending')`,
    );
    this.selectNext = c.prepare<[string], Row>(`SELECT * FROM webhook_outbox WHERE webhook_id = ? AND status = 'pending' ORDER BY id LIMIT 1`);
    this.selectById = c.prepare<[number], Row>('SELECT * FROM webhook_outbox WHERE id = ?');
    this.selectAll = c.prepare<[string], Row>('SELECT * FROM webhook_outbox WHERE webhook_id = ? ORDER BY id');
    this.countPending = c.prepare<[string], number>(`SELECT COUNT(*) FROM webhook_outbox WHERE webhook_id = ? AND status = 'pending'`).pluck();
    // The head (lowest pending id) is never dropped: it may be on the wire right now.
    this.dropOldestLowest = c.prepare<[number, string, string, number, string]>(
      `UPDATE webhook_outbox SET status = 'dropped', done_at = ?, last_error = 'dropped: backlog over its cap'
       WHERE id IN (
         SELECT id FROM webhook_outbox
         WHERE webhook_id = ? AND status = 'pending'
           AND id > (SELECT MIN(id) FROM webhook_outbox WHERE webhook_id = ? AND status = 'pending')
         ORDER BY priority_rank DESC, id ASC
         LIMIT ?
       ) AND webhook_id = ?`,
    );
    this.finish = c.prepare<[OutboxStatus, number, number, number | null, string | null, number]>(
      `UPDATE webhook_outbox SET status = ?, done_at = ?, last_attempt_at = ?, attempts = attempts + 1,
         http_status = ?, last_error = ?, next_attempt_at = NULL
       WHERE id = ? AND status = 'pending'`,
    );
    this.fail = c.prepare<[number, number | null, string | null, number, number]>(
      `UPDATE webhook_outbox SET last_attempt_at = ?, attempts = attempts + 1, http_status = ?, last_error = ?, next_attempt_at = ?
       WHERE id = ? AND status = 'pending'`,
    );
    this.countByStatus = c.prepare<[], { webhook_id: string; status: OutboxStatus; n: number }>(
      'SELECT webhook_id, status, COUNT(*) AS n FROM webhook_outbox GROUP BY webhook_id, status',
    );
    this.selectLastAttempt = c.prepare<[string], { last_error: string | null; last_attempt_at: number }>(
      `SELECT last_error, last_attempt_at FROM webhook_outbox
       WHERE webhook_id = ? AND last_attempt_at IS NOT NULL ORDER BY last_attempt_at DESC, id DESC LIMIT 1`,
    );
    this.selectAnnounced = c
      .prepare<[string, string], 1>(
        `SELECT 1 FROM webhook_outbox WHERE alarm_id = ? AND webhook_id = ? AND event IN ('alarm.raised', 'alarm.renotify') AND status <> 'dropped' LIMIT 1`,
      )
      .pluck();
    this.dropByKey = c.prepare<[number, string, string]>(
      `UPDATE webhook_outbox SET status = 'dropped', done_at = ?, last_error = 'dropped: superseded by a newer one'
       WHERE webhook_id = ? AND alarm_id = ? AND status = 'pending'`,
    );
    this.dropAll = c.prepare<[number, string, string]>(
      `UPDATE webhook_outbox SET status = 'dropped', done_at = ?, last_error = ? WHERE webhook_id = ? AND status = 'pending'`,
    );
    this.deleteFinished = c.prepare<[number, number]>(
      `DELETE FROM webhook_outbox WHERE (status = 'delivered' AND done_at < ?) OR (status IN ('dead', 'dropped') AND done_at < ?)`,
    );
  }

  /**
   * Adds entries as `pending`, in the order given, in one transaction, then trims each touched
   * webhook's backlog to `cap` pending rows: the lowest priority goes first, the oldest first
   * within a priority. Returns the new row ids and how many rows were dropped per webhook.
   */
  enqueue(entries: readonly NewOutboxEntry[], options: { cap: number; at: number }): { ids: number[]; dropped: Map<string, number> } {
    return this.db.write('enqueue webhook deliveries', () => {
      const ids = entries.map((e) =>
        Number(this.insert.run(e.deliveryId, e.webhookId, e.event, e.alarmId, e.pressId, e.priorityRank, e.body, e.createdAt).lastInsertRowid),
      );
      const dropped = new Map<string, number>();
      for (const webhookId of new Set(entries.map((e) => e.webhookId))) {
        const excess = (this.countPending.get(webhookId) ?? 0) - options.cap;
        if (excess <= 0) continue;
        const changes = this.dropOldestLowest.run(options.at, webhookId, webhookId, excess, webhookId).changes;
        if (changes > 0) dropped.set(webhookId, changes);
      }
      return { ids, dropped };
    });
  }

  /**
   * Marks every pending row of this receiver queued under `key` (alarm_id) as dropped, the
   * head included: for state that is re-sent whole, only the newest row matters. A head on
   * the wire stays dropped whatever its answer (the marks apply to pending rows only).
   */
  supersede(webhookId: string, key: string, at: number): number {
    return this.db.write('supersede outbox rows', () => this.dropByKey.run(at, webhookId, key).changes);
  }

  /** Drops every pending row of a receiver that is gone for good (its subscription ended). */
  dropPending(webhookId: string, at: number, reason: string): number {
    return this.db.write('drop outbox rows', () => this.dropAll.run(at, `dropped: ${reason}`, webhookId).changes);
  }

  /** The oldest pending row of a webhook: the one its receiver must get next. */
  nextPending(webhookId: string): OutboxEntry | undefined {
    const row = this.db.run('read webhook outbox', () => this.selectNext.get(webhookId));
    return row && toEntry(row);
  }

  get(id: number): OutboxEntry | undefined {
    const row = this.db.run('read webhook outbox', () => this.selectById.get(id));
    return row && toEntry(row);
  }

  /** Every row of a webhook in delivery order (for tests and support). */
  list(webhookId: string): OutboxEntry[] {
    return this.db.run('read webhook outbox', () => this.selectAll.all(webhookId)).map(toEntry);
  }

  /** Whether a raise or re-notification of this alarm was queued for this webhook (and not dropped). */
  wasAnnounced(webhookId: string, alarmId: string): boolean {
    return this.db.run('read webhook outbox', () => this.selectAnnounced.get(alarmId, webhookId)) !== undefined;
  }

  /** A 2xx came back. False when the row was no longer pending (dropped meanwhile). */
  markDelivered(id: number, outcome: AttemptOutcome): boolean {
    return this.db.write(
      'mark webhook delivery delivered',
      () => this.finish.run('delivered', outcome.at, outcome.at, outcome.httpStatus, null, id).changes > 0,
    );
  }

  /** An answer that retrying cannot change (4xx other than 429, a redirect). */
  markDead(id: number, outcome: AttemptOutcome): boolean {
    return this.db.write(
      'mark webhook delivery dead',
      () => this.finish.run('dead', outcome.at, outcome.at, outcome.httpStatus, outcome.error, id).changes > 0,
    );
  }

  /** A failed attempt that will be retried at `nextAttemptAt`. */
  recordFailure(id: number, outcome: AttemptOutcome & { nextAttemptAt: number }): void {
    this.db.write('record webhook delivery failure', () => this.fail.run(outcome.at, outcome.httpStatus, outcome.error, outcome.nextAttemptAt, id));
  }

  /** Rows per status for every webhook that has any. */
  counts(): Map<string, OutboxCounts> {
    const result = new Map<string, OutboxCounts>();
    for (const { webhook_id, status, n } of this.db.run('count webhook outbox', () => this.countByStatus.all())) {
      let counts = result.get(webhook_id);
      if (!counts) result.set(webhook_id, (counts = { pending: 0, delivered: 0, dead: 0, dropped: 0 }));
      counts[status] = n;
    }
    return result;
  }

  /**
   * The outcome of a webhook's latest attempt: its error, or null when it was delivered.
   * Scans the webhook's rows (milliseconds at 10,000 rows): read it once at start, not per request.
   */
  lastAttempt(webhookId: string): { error: string | null; at: number } | undefined {
    const row = this.db.run('read webhook outbox', () => this.selectLastAttempt.get(webhookId));
    return row && { error: row.last_error, at: row.last_attempt_at };
  }

  /** Deletes delivered rows finished before `deliveredBefore`, dead and dropped ones before `deadBefore`. */
  pruneFinished(options: { deliveredBefore: number; deadBefore: number }): number {
    return this.db.write('prune webhook outbox', () => this.deleteFinished.run(options.deliveredBefore, options.deadBefore).changes);
  }
}

function toEntry(row: Row): OutboxEntry {
  return {
    id: row.id,
    deliveryId: row.delivery_id,
    webhookId: row.webhook_id,
    event: row.event,
    alarmId: row.alarm_id,
    pressId: row.press_id,
    priorityRank: row.priority_rank,
    body: row.body,
    createdAt: row.created_at,
    status: row.status,
    attempts: row.attempts,
    lastAttemptAt: row.last_attempt_at,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    httpStatus: row.http_status,
    doneAt: row.done_at,
  };
}
