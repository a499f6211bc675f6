/**
 * What a receiver gets: the JSON body, fixed when the event is queued, and the headers,
 * made at each attempt from the webhook's current settings.
 *
 *   POST <url>
 *   content-type: application/json
 *   x-pressroom-event: alarm.raised
 *   x-pressroom-delivery: 7f0c…            same value on every retry of one delivery
 *   x-pressroom-signature: sha256=<hex>    only with a secret: HMAC-SHA256 of the raw body bytes
 *
 *   { "event": "alarm.raised", "at": 1700000000000, "alarm": AlarmView, "press": { "id": "sm-1", "name": "…" } }
 */
import { createHmac } from 'node:crypto';
import type { AlarmEvent } from '../alarms/alarm-types.js';
import type { AlarmView } from '../model/alarm-view.js';
import type { WebhookConfig, WebhookEvent } from './webhook-config.js';

/** What the body says about the press, when the composition root can tell. */
export interface WebhookPress {
  id: string;
  name: string;
}

export interface WebhookBody {
  event: `alarm.${WebhookEvent}`;
  /** When the alarm event happened, ms since epoch. */
  at: number;
  alarm: AlarmView;
  press?: WebhookPress;
}

export const SIGNATURE_HEADER = 'x-pressroom-signature';
export const DELIVERY_HEADER = 'x-pressroom-delivery';
export const EVENT_HEADER = 'x-pressroom-event';

export function webhookBody(event: AlarmEvent & { type: WebhookEvent }, press: WebhookPress | undefined): WebhookBody {
  return { event: `alarm.${event.type}`, at: event.at, alarm: event.alarm, ...(press ? { press: { id: press.id, name: press.name } } : {}) };
}

/** `sha256=<hex>`: HMAC-SHA256 of the exact body bytes sent, keyed with the webhook's secret. */
export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** Configured headers first, ours last, so a configured header can never replace ours. */
export function webhookHeaders(options: {
  webhook: WebhookConfig;
  body: string;
  event: string;
  deliveryId: string;
  userAgent: string;
  /** Default application/json; the XJMF signals of src/xjmf go out as application/vnd.cip4-xjmf+xml. */
  contentType?: string | undefined;
}): Record<string, string> {
  const configured = options.webhook.headers ?? {};
  const hasUserAgent = Object.keys(configured).some((name) => name.toLowerCase() === 'user-agent');
  const headers: Record<string, string> = {
    ...configured,
    ...(hasUserAgent ? {} : { 'user-agent': options.userAgent }),
    'content-type': options.contentType ?? 'application/json',
    [EVENT_HEADER]: options.event,
    [DELIVERY_HEADER]: options.deliveryId,
  };
  if (options.webhook.secret !== undefined) headers[SIGNATURE_HEADER] = signBody(options.body, options.webhook.secret);
  return headers;
}
