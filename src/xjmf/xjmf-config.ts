/**
 * The MIS link's settings, under `xjmf:` in the service configuration (docs/xjmf.md):
 *
 *   xjmf:
 *     deviceId: pressroom-hall-a        # the controller's XJMF DeviceID; default "Pressroom"
 *     allowedSubscribers: [mis.shop.lan, 10.0.5.0/24]   # where signals may go; default: nowhere
 *     tokens:                           # bearer tokens for commands (queue entries, stopping channels)
 *       - { name: prinect-mis, token: a-long-random-secret }
 *
 * Types come from the schema (z.infer).
 */
import { isIP } from 'node:net';
import { z } from 'zod';

const hostOrCidr = z.string().refine(
  (value) => {
    const [address, prefix, extra] = value.split('/');
    if (extra !== undefined || address === undefined) return false;
    if (prefix !== undefined) {
      const family = isIP(address);
      const bits = Number(prefix);
      return family !== 0 && /^\d+$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
    }
    return isIP(address) !== 0 || /^\.?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(address);
  },
  { message: 'a host name (.domain for every name under it), an IP address, or a CIDR such as 10.0.5.0/24' },
);

export const xjmfTokenSchema = z.strictObject({
  /** Who holds it, for the audit log (`xjmf:<name>`). */
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, dot, dash and underscore'),
  token: z.string().min(16, 'at least 16 characters').max(512),
});

export const xjmfConfigSchema = z
  .strictObject({
    deviceId: z
      .string()
      .regex(/^[A-Za-z0-9._:-]{1,64}$/, 'an XML NMTOKEN: letters, digits, dot, dash, colon, underscore')
      .optional(),
    allowedSubscribers: z.array(hostOrCidr).default([]),
    tokens: z.array(xjmfTokenSchema).default([]),
    /** A subscriber that answers nothing but errors this long is dropped (logged, listed in /api/health). */
    dropSubscriberAfterMinutes: z.number().positive().max(525_600).default(1440),
    /** Longest wait between retries of a signal to a subscriber that is down. */
    retryMaxSeconds: z.number().min(1).max(3600).default(60),
    /** Shortest RepeatTime honoured; a shorter one is raised to it. */
    minRepeatSeconds: z.number().min(0.1).max(3600).default(1),
    /** Persistent channels held at once; a subscription beyond it is refused. */
    maxSubscriptions: z.number().int().min(1).max(10_000).default(200),
    /** Largest XJMF body accepted. */
    maxBodyKb: z.number().int().min(1).max(16_384).default(512),
  })
  .superRefine((config, ctx) => {
    const names = new Set<string>();
    config.tokens.forEach((token, i) => {
      if (names.has(token.name)) ctx.addIssue({ code: 'custom', path: ['tokens', i, 'name'], message: `duplicate token name "${token.name}"` });
      names.add(token.name);
    });
  });

export type XjmfConfig = z.infer<typeof xjmfConfigSchema>;
export const defaultXjmfConfig: XjmfConfig = xjmfConfigSchema.parse({});
