/**
 * The service configuration file (`config/default.yaml` or `PRESSROOM_CONFIG`): buses
 * (one per physical link), presses (a profile on a bus at a unit id), server, storage and
 * access settings. Press models are not described here but in profile files.
 */
import { z } from 'zod';
import { busConfigSchema, pressConfigSchema } from '../model/plant.js';
import { notificationsConfigSchema, unknownWebhookPresses } from '../notifications/webhook-config.js';
import { alarmsConfigSchema, suppliesConfigSchema } from './settings-schema.js';
import { downtimeConfigSchema, shiftsConfigSchema } from '../production/production-config.js';
import { metricsConfigSchema } from '../metrics/metrics-config.js';
import { xjmfConfigSchema } from '../xjmf/xjmf-config.js';
import { hubConfigSchema, sparkplugConfigSchema } from '../sparkplug/sparkplug-config.js';

export { busConfigSchema, pressConfigSchema, simulationSchema, type BusConfig, type PressConfig } from '../model/plant.js';

const serverSchema = z.strictObject({
  port: z.number().int().min(0).max(65535).default(8080),
  host: z.string().default('0.0.0.0'),
  /**
   * The names this server answers to (the Host header); any other gets 421 (DNS rebinding).
   * Absent: this machine's host name, `<hostname>.local` and its interface addresses. A list:
   * exactly those names (a leading dot, `.shop.lan`, admits every name under it). `'*'`: any.
   * `localhost`, `127.0.0.1` and `::1` are always admitted.
   */
  allowedHosts: z
    .union([z.literal('*'), z.array(z.string().regex(/^\.?[A-Za-z0-9._:-]+$/, 'a host name, an IP address, or .domain for every name under it')).min(1)])
    .optional(),
  /**
   * Open socket.io connections (dashboards) one client address may hold; the next is refused
   * until one closes. Behind a reverse proxy every client has the proxy's address: raise it.
   */
  maxSocketsPerAddress: z.number().int().min(1).max(100_000).default(50),
});

export const configSchema = z
  .strictObject({
    server: serverSchema.default(serverSchema.parse({})),
    dataDir: z.string().default('./data'),
    profilesDir: z.string().default('profiles'),
    retention: z
      .strictObject({
        samplesDays: z.number().positive().default(30),
        transitionsDays: z.number().positive().default(365),
        // Per-hour trend summaries (min/avg/max), kept after the samples behind them are gone;
        // never fewer days than samplesDays. About 0.3 MB per signal and year.
        hourRollupsDays: z.number().positive().default(400),
      })
      .default({ samplesDays: 30, transitionsDays: 365, hourRollupsDays: 400 }),
    access: z.strictObject({ anonymousRead: z.boolean().default(true) }).default({ anonymousRead: true }),
    notifications: notificationsConfigSchema.default({ webhooks: [] }),
    alarms: alarmsConfigSchema.default(alarmsConfigSchema.parse({})),
    supplies: suppliesConfigSchema.default(suppliesConfigSchema.parse({})),
    /** The shift calendar (docs/production.md): shifts, planned breaks, working days, holidays, time zone. */
    shifts: shiftsConfigSchema.optional(),
    /** Downtime causes (docs/downtime.md): the settle window of stop alarms and the reason catalogue. */
    downtime: downtimeConfigSchema.default(downtimeConfigSchema.parse({})),
    /** GET /metrics for Prometheus (docs/metrics.md): a bearer token, or anonymous. */
    metrics: metricsConfigSchema.default({ anonymous: false }),
    /** The MIS link (docs/xjmf.md): POST /xjmf, where signals may go, the tokens commands need. */
    xjmf: xjmfConfigSchema.default(xjmfConfigSchema.parse({})),
    /** Publish this box's presses to the plant's MQTT broker as a Sparkplug B edge node (docs/multi-site.md). */
    sparkplug: sparkplugConfigSchema.optional(),
    /** Hub mode: show every site's presses, read from the broker as a Sparkplug host application (docs/multi-site.md). */
    hub: hubConfigSchema.optional(),
    /** At least one, except in hub mode, which may have no press of its own. */
    buses: z.array(busConfigSchema).default([]),
    presses: z.array(pressConfigSchema).default([]),
  })
  .superRefine((config, ctx) => {
    if (config.hub === undefined) {
      if (config.buses.length === 0) ctx.addIssue({ code: 'custom', path: ['buses'], message: 'at least one bus is needed (only a hub may have none)' });
      if (config.presses.length === 0) ctx.addIssue({ code: 'custom', path: ['presses'], message: 'at least one press is needed (only a hub may have none)' });
    }
    const busIds = new Set<string>();
    config.buses.forEach((bus, i) => {
      if (busIds.has(bus.id)) ctx.addIssue({ code: 'custom', path: ['buses', i, 'id'], message: `duplicate bus id "${bus.id}"` });
      busIds.add(bus.id);
    });
    const pressIds = new Set<string>();
    const slots = new Map<string, string>();
    config.presses.forEach((press, i) => {
      if (pressIds.has(press.id)) ctx.addIssue({ code: 'custom', path: ['presses', i, 'id'], message: `duplicate press id "${press.id}"` });
      pressIds.add(press.id);
      if (!busIds.has(press.bus)) {
        ctx.addIssue({ code: 'custom', path: ['presses', i, 'bus'], message: `unknown bus "${press.bus}"; known: ${[...busIds].join(', ')}` });
      }
      const slot = `${press.bus}/${press.unitId}`;
      const other = slots.get(slot);
      if (other)
        ctx.addIssue({
          code: 'custom',
          path: ['presses', i, 'unitId'],
          message: `unit id ${press.unitId} on bus "${press.bus}" is already used by press "${other}"`,
        });
      slots.set(slot, press.id);
    });
    if (config.shifts !== undefined && config.supplies.shifts !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['supplies', 'shifts'],
        message: 'the shift calendar moved to the top-level `shifts:`; remove supplies.shifts (both are given)',
      });
    }
    for (const issue of unknownWebhookPresses(config.notifications, pressIds)) {
      ctx.addIssue({ code: 'custom', path: ['notifications', ...issue.path], message: issue.message });
    }
  });
export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
