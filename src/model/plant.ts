/**
 * The plant as configured: buses (one per physical link) and presses (a profile on a bus at a
 * unit id, with per-press alarm and level overrides and simulator settings). The config file's
 * schema (src/config/schema.ts) composes these; the features that run the plant (presses,
 * alarms, simulation) read these types and never the config module.
 */
import { z } from 'zod';
import { pollingSchema, prioritySchema, type PollingSettings, type Profile } from './profile-schema.js';

/** Minutes before empty at which the time-to-empty pre-alarm is raised (0 = off). */
export const preAlarmMinutes = z
  .number()
  .min(0)
  .max(24 * 60);

export const id = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, dash and underscore');

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
  z.strictObject({
    ...busCommon,
    kind: z.literal('tcp'),
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(502),
    connectTimeoutMs,
  }),
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

/** A press with its profile loaded and its polling settings resolved (profile defaults + press overrides). */
export interface ResolvedPress extends Omit<PressConfig, 'polling' | 'profile' | 'ratedSpeed'> {
  profile: Profile;
  profileFile: string;
  polling: PollingSettings;
  ratedSpeed: number;
}
