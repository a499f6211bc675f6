/**
 * What the notifier reports as deliveries progress, for tests, metrics and the health page.
 * Every event names the webhook, the outbox row and its delivery id (X-Pressroom-Delivery).
 */
interface DeliveryRef {
  webhookId: string;
  entryId: number;
  deliveryId: string;
  /** `alarm.raised`, … */
  event: string;
  /** Attempts so far, this one included. */
  attempts: number;
}

export type NotificationEvents = {
  /** Rows committed to the outbox for one alarm event. */
  queued: (event: { entryIds: number[]; webhookIds: string[]; event: string; alarmId: string }) => void;
  delivered: (event: DeliveryRef & { httpStatus: number }) => void;
  /** The attempt failed in a way that may pass (no answer, 5xx, 408, 429); the row waits `delayMs`. */
  'retry-scheduled': (event: DeliveryRef & { httpStatus: number | null; error: string; delayMs: number }) => void;
  /** Refused for good (4xx, redirect); the row is kept as dead and the next one goes. */
  dead: (event: DeliveryRef & { httpStatus: number; error: string }) => void;
  /** A webhook's backlog went over its cap; this many pending rows were dropped. */
  dropped: (event: { webhookId: string; count: number }) => void;
};
