/**
 * Config `metrics:` (docs/metrics.md). GET /metrics answers a scraper that sends
 * `Authorization: Bearer <token>`; with `anonymous: true` it answers anyone who reaches the box
 * (a plant network where the figures are no secret). Neither set: /metrics is closed (403).
 */
import { z } from 'zod';

export const metricsConfigSchema = z.strictObject({
  /** Answer /metrics without a token. Default false. */
  anonymous: z.boolean().default(false),
  /** The bearer token Prometheus sends (`authorization.credentials` in its scrape config). */
  token: z
    .string()
    .min(16, 'at least 16 characters: a scrape token is a password')
    .max(256)
    .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces (it travels in an HTTP header)')
    .optional(),
});

export type MetricsConfig = z.infer<typeof metricsConfigSchema>;
