/** The health report (health.ts) as a zod schema, for the OpenAPI description of GET /api/health. */
import { z } from 'zod';
import type { HealthReport } from './health.js';
import type { SameShape } from './same-shape.js';

const counts = z.object({ writes: z.number(), samples: z.number() });

const healthReportFields = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  startedAt: z.number(),
  uptimeS: z.number(),
  presses: z.object({ total: z.number().int(), online: z.number().int() }),
  buses: z.array(
    z.object({
      id: z.string(),
      kind: z.string(),
      connected: z.boolean(),
      overrunning: z.array(z.object({ pressId: z.string(), scanClasses: z.array(z.string()) })),
    }),
  ),
  reasons: z.array(z.string()),
  store: z.object({ ok: z.boolean(), error: z.string().optional(), pending: counts, dropped: counts }),
  eventLoop: z.object({ p50Ms: z.number(), p99Ms: z.number(), maxMs: z.number() }),
  realtimeClients: z.number().int(),
  history: z
    .object({
      workers: z.number(),
      ready: z.number(),
      busy: z.number(),
      queued: z.number(),
      running: z.number(),
      waiting: z.number(),
      answered: z.number(),
      failed: z.number(),
      refused: z.number(),
    })
    .optional(),
  notifications: z.array(z.unknown()).meta({ description: 'per webhook: pending, delivered, dead, dropped, last error' }),
  xjmf: z
    .object({
      subscriptions: z.number().int(),
      dropped: z.array(
        z.object({
          channelId: z.string(),
          messageType: z.string(),
          pressId: z.string().nullable(),
          host: z.string(),
          droppedAt: z.number(),
          reason: z.string(),
        }),
      ),
    })
    .optional()
    .meta({ description: 'XJMF: open persistent channels, and the subscribers dropped for failing too long' }),
  sparkplug: z
    .object({
      groupId: z.string(),
      edgeNodeId: z.string(),
      connected: z.boolean(),
      brokerError: z.string().nullable(),
      publishing: z.boolean(),
      primaryHostId: z.string().nullable(),
      primaryHostOnline: z.boolean().nullable(),
      bdSeq: z.number().int(),
      seq: z.number().int(),
      devicesBorn: z.number().int(),
      replaying: z.boolean(),
      lastReplay: z.object({ at: z.number(), messages: z.number(), ms: z.number() }).nullable(),
      outbox: z.object({ depth: z.number(), maxMessages: z.number(), dropped: z.number() }),
      published: z.object({
        births: z.number(),
        deaths: z.number(),
        data: z.number(),
        historical: z.number(),
        queued: z.number(),
        rebirths: z.number(),
        deviceRebirths: z.number(),
        commandsRefused: z.number(),
        messages: z.number(),
      }),
    })
    .optional()
    .meta({ description: 'the Sparkplug B edge node (config sparkplug): link, sequence numbers, store-and-forward queue' }),
  hub: z
    .object({
      hostId: z.string(),
      connected: z.boolean(),
      brokerError: z.string().nullable(),
      edgeNodes: z.array(z.object({ site: z.string(), online: z.boolean(), bdSeq: z.number().nullable(), presses: z.number().int() })),
      received: z.object({ messages: z.number(), rebirthRequests: z.number(), seqGaps: z.number(), historical: z.number(), undecodable: z.number() }),
    })
    .optional()
    .meta({ description: 'hub mode (config hub): the Sparkplug host application and the edge nodes it hears' }),
});

// features add their own parts (Sparkplug's queue, …): more fields may come
export const healthReportSchema = healthReportFields.catchall(z.unknown()).meta({ id: 'HealthReport' });

true satisfies SameShape<z.output<typeof healthReportFields>, HealthReport>;
