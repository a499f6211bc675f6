/**
 * The service configuration file (`config/default.yaml` or `PRESSROOM_CONFIG`): buses
 * (one per physical link), presses (a profile on a bus at a unit id), server, storage and
 * access settings. Press models are not described here but in profile files.
 */
import { z } from 'zod';
import { pollingSchema, prioritySchema } from '../../drivers/profile/schema.js';
import { notificationsConfigSchema, unknownWebhookPresses } from '../notifications/webhook-config.js';
import { alarmsConfigSchema, preAlarmMinutes, suppliesConfigSchema } from './settings-schema.js';

const id = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, dash and underscore');

const busCommon = {
  id,
  /** Overrides the profiles' request timeout for every press on this bus. */
  timeoutMs: z.number().int().min(10).max(60_000).optional(),
  retries: z.number().int().min(0).max(5).optional(),
  /**
   * Serve this bus's presses from the built-in simulator, in-process: TCP buses listen on
   * an OS-chosen loopback port, RTU buses run over an in-memory serial pair.
   */
  simulate: z.boolean().default(false),
  /** Simulated press time per real time on this bus (20: a 40 s make-ready takes 2 s). */
  simulationTimeScale: z.number().positive().max(1000).default(1),
};

/**
 * TCP connect timeout. The default (1500 ms) suits a shop LAN and keeps the reconnect within
 * 2 s of a powered-off PLC coming back; raise it for a slow link (a cellular router).
 */
const connectTimeoutMs = z.number().int().min(100).max(60_000).optional();

export const busConfigSchema = z.discriminatedUnion('kind', [
  z.strictObject({ ...busCommon, kind: z.literal('tcp'), host: z.string().default('127.0.0.1'), port: z.number().int().min(0).max(65535).default(502), connectTimeoutMs }),
  z.strictObject({
    ...busCommon,
    kind: z.literal('rtu-over-tcp'),
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(4001),
    connectTimeoutMs,
    /** Baud rate of the serial side of the device server, for the inter-frame gap. */
    baudRate: z.number().int().positive().default(19200),
  }),
  z.strictObject({
    ...busCommon,
    kind: z.literal('rtu'),
    path: z.string().min(1),
    baudRate: z.number().int().positive().default(19200),
    parity: z.enum(['none', 'even', 'odd']).default('even'),
    dataBits: z.union([z.literal(7), z.literal(8)]).default(8),
    stopBits: z.union([z.literal(1), z.literal(2)]).default(1),
  }),
]);
export type BusConfig = z.infer<typeof busConfigSchema>;

const alarmOverrideSchema = z.strictObject({
  priority: prioritySchema.optional(),
  onDelayMs: z.number().int().min(0).optional(),
  offDelayMs: z.number().int().min(0).optional(),
  enabled: z.boolean().optional(),
});

const levelOverrideSchema = z.strictObject({
  medium: z.number().min(0).max(100).optional(),
  high: z.number().min(0).max(100).optional(),
  deadband: z.number().min(0).max(50).optional(),
  /** This press's time-to-empty pre-alarm threshold for this kind (default `supplies.preAlarm.minutes`). */
  preAlarmMinutes: preAlarmMinutes.optional(),
});

export const simulationSchema = z.strictObject({
  seed: z.number().int().default(1),
  /** Mean minutes between random jams; 0 turns them off. */
  jamMeanIntervalMin: z.number().min(0).default(20),
  /** A simulated assistant refills low levels and clears jams, so the demo keeps running. */
  autoAssistant: z.boolean().default(true),
  startState: z.enum(['production', 'setup', 'idle']).default('production'),
});

export const pressConfigSchema = z.strictObject({
  id,
  name: z.string().min(1),
  /** Profile model name (a file `<profilesDir>/<name>.yaml`) or a path to a profile file. */
  profile: z.string().min(1),
  bus: id,
  unitId: z.number().int().min(1).max(247),
  ratedSpeed: z.number().positive().optional(),
  polling: pollingSchema.partial().optional(),
  alarms: z.record(z.string(), alarmOverrideSchema).default({}),
  levelAlarms: z.strictObject({ ink: levelOverrideSchema.optional(), paper: levelOverrideSchema.optional() }).default({}),
  simulation: simulationSchema.default(simulationSchema.parse({})),
});
export type PressConfig = z.infer<typeof pressConfigSchema>;

export const configSchema = z
  .strictObject({
    server: z.strictObject({ port: z.number().int().min(0).max(65535).default(8080), host: z.string().default('0.0.0.0') }).default({ port: 8080, host: '0.0.0.0' }),
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
    buses: z.array(busConfigSchema).min(1),
    presses: z.array(pressConfigSchema).min(1),
  })
  .superRefine((config, ctx) => {
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
      if (other) ctx.addIssue({ code: 'custom', path: ['presses', i, 'unitId'], message: `unit id ${press.unitId} on bus "${press.bus}" is already used by press "${other}"` });
      slots.set(slot, press.id);
    });
    for (const issue of unknownWebhookPresses(config.notifications, pressIds)) {
      ctx.addIssue({ code: 'custom', path: ['notifications', ...issue.path], message: issue.message });
    }
  });
export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
