/**
 * The two Sparkplug B roles a Pressroom can take (docs/multi-site.md): `sparkplug:` makes the
 * box an edge node publishing its presses to the plant's MQTT broker; `hub:` makes it a host
 * application that shows every site's presses. Both are optional: the embedded default runs
 * with neither.
 */
import { accessSync, constants, openSync, readSync, closeSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { ConfigProblem } from '../model/config-error.js';

/** A Sparkplug id (group, edge node, host): MQTT topic level characters only. */
const sparkplugId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[^/+#\s]+$/, 'a Sparkplug id may not contain /, +, # or spaces');

const brokerUrl = z.string().regex(/^(mqtts?|wss?|tcp|ssl):\/\/[^\s]+$/, 'an MQTT broker URL, e.g. mqtt://broker.plant.lan:1883 or mqtts://broker:8883');

/**
 * Files (PEM) for a TLS link to the broker; a relative path is taken from the working directory.
 * `ca`: the CA that signed the broker's certificate (absent: Node's public CAs); `cert` and `key`:
 * this box's client certificate, for a broker that asks for one (mutual TLS).
 */
const tlsSchema = z
  .strictObject({
    ca: z.string().min(1).optional(),
    cert: z.string().min(1).optional(),
    key: z.string().min(1).optional(),
  })
  .superRefine((tls, ctx) => {
    if (tls.cert && !tls.key)
      ctx.addIssue({ code: 'custom', path: ['key'], message: 'tls.cert needs tls.key (the client certificate and its private key go together)' });
    if (tls.key && !tls.cert)
      ctx.addIssue({ code: 'custom', path: ['cert'], message: 'tls.key needs tls.cert (the client certificate and its private key go together)' });
  });

/** TLS files with a broker URL that is not TLS would be ignored (MQTT.js connects in clear): refused instead. */
function tlsNeedsSecureBroker(section: { broker: string; tls?: unknown }, ctx: z.RefinementCtx): void {
  if (section.tls && !/^(mqtts|wss|ssl):/.test(section.broker)) {
    ctx.addIssue({
      code: 'custom',
      path: ['broker'],
      message: `tls is set but ${section.broker.split(':')[0]}:// does not use TLS: write mqtts:// (or wss://) so the files are used`,
    });
  }
}

export const sparkplugConfigSchema = z
  .strictObject({
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
  })
  .superRefine(tlsNeedsSecureBroker);
export type SparkplugConfig = z.infer<typeof sparkplugConfigSchema>;

export const hubConfigSchema = z
  .strictObject({
    broker: brokerUrl,
    /** This hub's Sparkplug host id: its STATE topic is spBv1.0/STATE/<hostId>; boxes name it as primaryHostId. */
    hostId: sparkplugId,
    /** The Sparkplug groups (sites, plants) to show; absent: every group on the broker. */
    groups: z.array(sparkplugId).min(1).optional(),
    username: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    tls: tlsSchema.optional(),
    reconnectSeconds: z.number().min(0.05).max(600).default(5),
  })
  .superRefine(tlsNeedsSecureBroker);
export type HubConfig = z.infer<typeof hubConfigSchema>;

/**
 * The TLS files a section names that cannot be used (missing, unreadable, not PEM), checked at
 * load so a typo stops the service at start with the field and the file, not a reconnect loop.
 */
export function tlsFileProblems(section: 'sparkplug' | 'hub', tls: { ca?: string; cert?: string; key?: string } | undefined): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const field of ['ca', 'cert', 'key'] as const) {
    const file = tls?.[field];
    if (!file) continue;
    const resolved = path.resolve(file);
    const where = path.isAbsolute(file) ? resolved : `${resolved}, relative to the working directory`;
    const problem = unusablePem(resolved);
    if (problem) problems.push({ path: `${section}.tls.${field}`, message: `${problem}: ${file}${where === file ? '' : ` (${where})`}` });
  }
  return problems;
}

function unusablePem(file: string): string | undefined {
  try {
    if (!statSync(file).isFile()) return 'not a file';
    accessSync(file, constants.R_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'file not found' : `cannot read the file (${code ?? (error as Error).message})`;
  }
  const head = Buffer.alloc(4096);
  const fd = openSync(file, 'r');
  try {
    const read = readSync(fd, head, 0, head.length, 0);
    if (!head.subarray(0, read).toString('latin1').includes('-----BEGIN '))
      return 'not a PEM file (no -----BEGIN line; convert DER with openssl x509 -inform der)';
  } finally {
    closeSync(fd);
  }
  return undefined;
}
