/**
 * Outbound webhooks for alarms, as written in the service configuration under
 * `notifications.webhooks`. One entry per receiver (a chat bridge, a pager gateway, the MIS):
 *
 *   notifications:
 *     webhooks:
 *       - id: shift-lead-pager
 *         url: https://pager.example.com/hooks/pressroom
 *         events: [raised, renotify]     # default
 *         minPriority: high              # default: critical and high
 *         presses: [sm-1, sm-2]          # default: every press
 *         headers: { Authorization: Bearer abc123 }
 *         secret: a-long-shared-secret   # signs the body: X-Pressroom-Signature: sha256=<hex>
 *         timeoutMs: 5000
 *
 * Types come from the schema (z.infer), never written by hand beside it.
 */
import { z } from 'zod';
import { alarmPriorities } from '../model/vocabulary.js';

const webhookId = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, dash and underscore');

/** The alarm events a webhook may ask for; `updated` (list bookkeeping) is not offered. */
export const webhookEvents = ['raised', 'cleared', 'acked', 'renotify'] as const;
export type WebhookEvent = (typeof webhookEvents)[number];

export { alarmPriorities };

/** RFC 9110 token: what a header name may be made of. */
const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'not a valid HTTP header name');
/** Header names Pressroom sets itself; a configured value would be overwritten, so refuse it. */
const reservedHeaders = new Set(['content-type', 'content-length', 'host', 'x-pressroom-signature', 'x-pressroom-event', 'x-pressroom-delivery']);

export const webhookConfigSchema = z.strictObject({
  id: webhookId,
  url: z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }),
  events: z.array(z.enum(webhookEvents)).min(1).default(['raised', 'renotify']),
  minPriority: z.enum(alarmPriorities).default('high'),
  /** Press ids; absent means every press. */
  presses: z.array(z.string().min(1)).min(1).optional(),
  headers: z
    .record(headerName, z.string().regex(/^[^\r\n]*$/, 'no line breaks in a header value'))
    .refine((headers) => Object.keys(headers).every((name) => !reservedHeaders.has(name.toLowerCase())), {
      message: `these headers are set by Pressroom: ${[...reservedHeaders].join(', ')}`,
    })
    .optional(),
  timeoutMs: z.number().int().min(100).max(120_000).default(5000),
  /** HMAC-SHA256 key; when set every body is signed so the receiver can check it came from us. */
  secret: z.string().min(16, 'at least 16 characters').optional(),
});
export type WebhookConfig = z.infer<typeof webhookConfigSchema>;
export type WebhookConfigInput = z.input<typeof webhookConfigSchema>;

export const notificationsConfigSchema = z.strictObject({ webhooks: z.array(webhookConfigSchema).default([]) }).superRefine((config, ctx) => {
  const seen = new Set<string>();
  config.webhooks.forEach((webhook, i) => {
    if (seen.has(webhook.id)) ctx.addIssue({ code: 'custom', path: ['webhooks', i, 'id'], message: `duplicate webhook id "${webhook.id}"` });
    seen.add(webhook.id);
  });
});
export type NotificationsConfig = z.infer<typeof notificationsConfigSchema>;

/**
 * Issues for webhooks naming presses the configuration does not have, for the config file's
 * cross-field check (a typo in `presses` would otherwise silently send nothing).
 */
export function unknownWebhookPresses(config: NotificationsConfig, pressIds: ReadonlySet<string>): { path: (string | number)[]; message: string }[] {
  const issues: { path: (string | number)[]; message: string }[] = [];
  config.webhooks.forEach((webhook, i) => {
    webhook.presses?.forEach((pressId, j) => {
      if (!pressIds.has(pressId)) {
        issues.push({ path: ['webhooks', i, 'presses', j], message: `unknown press "${pressId}"; known: ${[...pressIds].join(', ')}` });
      }
    });
  });
  return issues;
}
