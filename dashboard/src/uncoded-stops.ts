/**
 * The stops that wait for an operator's word (`GET /api/downtime?uncoded=true`) and the
 * reason catalogue to code them with. Asked again on every snapshot (connect, reconnect) and
 * on every socket.io `downtime:updated`, so the tablet's list and the nag follow the presses.
 */
import { request } from './api.js';
import type { LiveStore } from './live-store.js';
import type { DowntimeEventView, DowntimeReason } from './types.js';

type Listener = () => void;

export class UncodedStops {
  events: DowntimeEventView[] = [];
  reasons: DowntimeReason[] = [];
  /** Stops uncoded for longer than this are nagged about (`downtime.uncodedAfterMinutes`). */
  uncodedAfterMinutes = 5;
  loaded = false;
  private readonly listeners = new Set<Listener>();
  private readonly store: LiveStore;
  private asked = 0;
  private overdueTimer: number | undefined;

  constructor(options: { store: LiveStore }) {
    this.store = options.store;
    this.store.subscribe((change) => {
      if (change.kind === 'snapshot' || change.kind === 'downtime') void this.load();
    });
    // a stop becomes overdue by time alone: at its moment (nextOverdue), and every 10 s for the durations shown
    window.setInterval(() => this.notify(), 10_000);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** How long a stop has lasted (up to now while it lasts). */
  lastedMs(event: DowntimeEventView): number {
    return (event.to ?? this.store.now()) - event.from;
  }

  /** The uncoded stops that have lasted longer than the configured minutes. */
  overdue(): DowntimeEventView[] {
    return this.events.filter((event) => this.lastedMs(event) >= this.uncodedAfterMinutes * 60_000);
  }

  async load(): Promise<void> {
    const asked = ++this.asked;
    try {
      const [catalogue, list] = await Promise.all([
        this.reasons.length > 0 ? null : request<{ reasons: DowntimeReason[]; uncodedAfterMinutes: number }>('/api/downtime/reasons'),
        request<{ events: DowntimeEventView[] }>('/api/downtime', { query: { uncoded: true } }),
      ]);
      // an older answer arriving after a newer one must not bring back a coded stop
      if (asked !== this.asked) return;
      if (catalogue) {
        this.reasons = catalogue.reasons;
        this.uncodedAfterMinutes = catalogue.uncodedAfterMinutes;
      }
      this.events = list.events;
      this.loaded = true;
      this.notify();
    } catch (error) {
      console.warn('dashboard: could not load the uncoded stops', error);
    }
  }

  /** Codes a stop (operator session needed); the list updates from the answer and from `downtime:updated`. */
  async code(eventId: number, code: string): Promise<void> {
    await request(`/api/downtime/${eventId}/cause`, { method: 'POST', body: { code } });
    this.events = this.events.filter((event) => event.id !== eventId);
    this.notify();
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
    this.nextOverdue();
  }

  /** Wakes the listeners when the next uncoded stop crosses the threshold, not up to 10 s later. */
  private nextOverdue(): void {
    if (this.overdueTimer !== undefined) window.clearTimeout(this.overdueTimer);
    this.overdueTimer = undefined;
    const thresholdMs = this.uncodedAfterMinutes * 60_000;
    let soonest = Infinity;
    for (const event of this.events) {
      const leftMs = thresholdMs - this.lastedMs(event);
      if (event.to === null && leftMs > 0) soonest = Math.min(soonest, leftMs);
    }
    if (soonest !== Infinity) this.overdueTimer = window.setTimeout(() => this.notify(), soonest + 50);
  }
}
