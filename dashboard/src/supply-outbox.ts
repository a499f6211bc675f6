/**
 * The tablet's outbox for supply entries. An entry is written to localStorage *before* it
 * is sent, with the clientId that makes the service's POST idempotent; it stays "pending"
 * until the service answers 200/201, and is retried when the network returns. So a dropped
 * connection loses nothing, and a retry after a lost answer stores nothing twice.
 *
 * Each entry carries `loggedAt`, the tablet's time when it was made, so one that waited offline
 * is reconciled with the refill it describes, not with the moment it arrived. If the service
 * refuses that time alone (the tablet's clock is far off), the entry is sent again without it
 * and stored as of its arrival: a wrong clock must not cost the entry.
 */
import { ApiError, requestWithStatus } from './api.js';
import type { SupplyDraft, SupplyEntry } from './types.js';

export type OutboxStatus = 'pending' | 'sent' | 'rejected';

export interface OutboxItem {
  draft: SupplyDraft;
  status: OutboxStatus;
  createdAt: number;
  sentAt: number | null;
  attempts: number;
  /** Why the last attempt failed (network, login needed, or the service's reason). */
  error: string | null;
  /** Who was signed in when the entry was made. */
  by: string | null;
  /** Set when the service refused the tablet's time and the entry was sent without it. */
  clockNote?: string | null;
}

const STORAGE_KEY = 'pressroom.supplyOutbox.v1';
const KEEP_SENT = 30;
const RETRY_MS = 10_000;

/** An RFC 4122 v4 id; crypto.randomUUID needs a secure context, which a shop-floor http:// tablet is not. */
export function newClientId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export class SupplyOutbox {
  private items: OutboxItem[] = [];
  private flushing: Promise<void> | null = null;
  private retryTimer: number | null = null;
  private readonly listeners = new Set<() => void>();
  /** True after the service said 401: entries wait for a login. */
  needsLogin = false;

  constructor(private readonly options: { onSent?: (item: OutboxItem, entry: SupplyEntry | null) => void; onUnauthenticated?: () => void } = {}) {
    this.items = this.load();
    window.addEventListener('online', () => void this.flush());
    // another tab of the same tablet changed the outbox
    window.addEventListener('storage', (event) => {
      if (event.key === STORAGE_KEY) {
        this.items = this.load();
        this.changed();
      }
    });
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(): readonly OutboxItem[] {
    return this.items;
  }

  pendingCount(): number {
    return this.items.filter((item) => item.status === 'pending').length;
  }

  /** Keeps the entry on the tablet first, then tries to send it. */
  add(draft: SupplyDraft, by: string | null): OutboxItem {
    const createdAt = Date.now();
    const item: OutboxItem = {
      draft: { ...draft, loggedAt: draft.loggedAt ?? createdAt },
      status: 'pending',
      createdAt,
      sentAt: null,
      attempts: 0,
      error: null,
      by,
    };
    this.items.push(item);
    this.save();
    void this.flush();
    return item;
  }

  /** Removes a rejected entry the user gave up on. Pending entries cannot be discarded by accident. */
  discard(clientId: string): void {
    this.items = this.items.filter((item) => !(item.draft.clientId === clientId && item.status === 'rejected'));
    this.save();
  }

  /** Sends every pending entry, oldest first; one flush at a time. */
  flush(): Promise<void> {
    this.flushing ??= this.sendPending().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async sendPending(): Promise<void> {
    for (const item of this.items.filter((candidate) => candidate.status === 'pending')) {
      if (!navigator.onLine) break;
      item.attempts += 1;
      try {
        const { body } = await requestWithStatus<SupplyEntry | { entry: SupplyEntry }>('/api/supplies', { method: 'POST', body: item.draft });
        item.status = 'sent';
        item.sentAt = Date.now();
        item.error = null;
        this.needsLogin = false;
        this.save();
        this.options.onSent?.(item, body && 'entry' in body ? body.entry : (body as SupplyEntry | null));
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        if (onlyTheClockRefused(error, item)) {
          // keep the entry, lose only the tablet's time: sent again at once, as of its arrival
          const { loggedAt: _refused, ...withoutTime } = item.draft;
          item.draft = withoutTime;
          item.clockNote = `this tablet's clock was off (${error.message.replace(/^invalid body: loggedAt: /, '')}): logged as of when it reached the service`;
          this.save();
          return this.sendPending(); // still the one flush: this item first, then the rest
        }
        item.error = error.kind === 'network' ? 'waiting for the network' : error.message;
        if (error.kind === 'rejected' || error.kind === 'forbidden') {
          item.status = 'rejected';
          this.save();
          continue;
        }
        if (error.kind === 'unauthenticated') {
          item.error = 'waiting for a login';
          this.needsLogin = true;
          this.options.onUnauthenticated?.();
        }
        this.save();
        break; // network, server or login: the rest would fail the same way; retry later
      }
    }
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.retryTimer !== null) window.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.pendingCount() > 0 && !this.needsLogin) this.retryTimer = window.setTimeout(() => void this.flush(), RETRY_MS);
  }

  private load(): OutboxItem[] {
    const text = localStorage.getItem(STORAGE_KEY);
    if (!text) return [];
    try {
      const parsed: unknown = JSON.parse(text);
      return Array.isArray(parsed) ? (parsed as OutboxItem[]) : [];
    } catch (error) {
      // never silently drop a tablet's entries: keep the unreadable text aside for a person to recover
      console.error('dashboard: supply outbox unreadable, kept as pressroom.supplyOutbox.corrupt', error);
      localStorage.setItem(`${STORAGE_KEY}.corrupt`, text);
      return [];
    }
  }

  private save(): void {
    const sent = this.items.filter((item) => item.status === 'sent');
    const dropSent = new Set(sent.slice(0, Math.max(0, sent.length - KEEP_SENT)));
    this.items = this.items.filter((item) => !dropSent.has(item));
    localStorage.setItem(STORAGE_KEY, JSON.stringify(this.items));
    this.changed();
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}

/** A 400 whose every problem is `loggedAt`, for an entry that sent one. */
function onlyTheClockRefused(error: ApiError, item: OutboxItem): boolean {
  if (error.kind !== 'rejected' || error.status !== 400 || item.draft.loggedAt === undefined || !Array.isArray(error.details)) return false;
  const details = error.details as { path?: unknown }[];
  return details.length > 0 && details.every((detail) => detail.path === 'loggedAt');
}
