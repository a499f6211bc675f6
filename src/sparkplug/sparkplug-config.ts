/**
 * The two Sparkplug B roles a Pressroom can take (docs/multi-site.md): `sparkplug:` makes the
 * box an edge node publishing its presses to the plant's MQTT broker; `hub:` makes it a host
 * application that shows every site's presses. Both are optional: the embedded default runs
 * with neither.
 */
import { z } from 'zod';

/** A Sparkplug id (group, edge node, host): MQTT topic level characters only. */
const sparkplugId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[^/+#\s]+$/, 'a Sparkplug id may not contain /, +, # or spaces');

const brokerUrl = z.string().regex(/^(mqtts?|wss?|tcp|ssl):\/\/[^\s]+$/, 'an MQTT broker URL, e.g. mqtt://broker.plant.lan:1883 or mqtts://broker:8883');

/** Files (PEM) for a TLS link to the broker; a relative path is taken from the working directory. */
const tlsSchema = z.strictObject({
  ca: z.string().min(1).optional(),
  cert: z.string().min(1).optional(),
  key: z.string().min(1).optional(),
});

export const sparkplugConfigSchema = z.strictObject({
  broker: brokerUrl,
  groupId: sparkplugId,
  edgeNodeId: sparkplugId,
  username: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  tls: tlsSchema.optional(),
  /** The SCADA/hub host whose STATE must be online before this box publishes (Sparkplug 3.0 primary host). */
  primaryHostId: sparkplugId.optional(),
  /** DDATA kept in SQLite while the broker or the primary host is away; the oldest go first past the bound. */
  storeAndForward: z.strictObject({ maxMessages: z.number().int().min(1).max(10_000_000).default(100_000) }).default({ maxMessages: 100_000 }),
  /**
   * Speed, counters, levels and comm latency move at almost every read: they are reported at most
   * once per this many seconds per press (their latest value). Run state, stop cause, online,
   * alarms and job go at once, with any pending value. 0: every change at once.
   */
  analogIntervalSeconds: z.number().min(0).max(3600).default(1),
  /** Wait between connection attempts to the broker. */
  reconnectSeconds: z.number().min(0.05).max(600).default(5),
});
export type SparkplugConfig = z.infer<typeof sparkplugConfigSchema>;

export const hubConfigSchema = z.strictObject({
  broker: brokerUrl,
  /** This hub's Sparkplug host id: its STATE topic is spBv1.0/STATE/<hostId>; boxes name it as primaryHostId. */
  hostId: sparkplugId,
  /** The Sparkplug groups (sites, plants) to show; absent: every group on the broker. */
  groups: z.array(sparkplugId).min(1).optional(),
  username: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  tls: tlsSchema.optional(),
  reconnectSeconds: z.number().min(0.05).max(600).default(5),
});
export type HubConfig = z.infer<typeof hubConfigSchema>;
