/**
 * The press profile: a declarative register map for one press model.
 *
 * A profile says where each signal lives (area, address, data type, word and byte order,
 * scale and offset) and what it means to Pressroom (its role: run state, speed, a counter,
 * the ink level of a printing unit, paper level, an alarm bit). Supporting a new press
 * model means writing one profile file; no code reads register addresses any other way.
 *
 * Cross-field rules live here too (register count fits the type, no two signals overlap,
 * the request timeout is below the fastest scan period) so a bad profile is refused
 * before the service starts, with the path of the offending field.
 */
import { z } from 'zod';
import {
  dataTypes,
  isBitArea,
  registerAreas,
  registerCount,
  registerOrders,
  type Area,
  type ByteOrder,
  type DataType,
  type WordOrder,
} from '../../drivers/codec/values.js';

import { alarmPriorities, counterKinds, runStates, stopReasons, type AlarmPriority, type CounterKind, type RunState, type StopReason } from './vocabulary.js';

export { isBitArea, registerCount };

/**
 * An enum whose error names every allowed value and what was given: a profile is written by
 * hand, from the docs, and "Invalid input" sends its author guessing.
 */
function namedEnum<const T extends readonly [string, ...string[]]>(what: string, values: T) {
  return z.enum(values, {
    error: (issue) =>
      issue.input === undefined
        ? `required: ${what}, one of: ${values.join(', ')}`
        : `${describeGiven(issue.input)} is not ${what}; use one of: ${values.join(', ')}`,
  });
}

function describeGiven(input: unknown): string {
  return JSON.stringify(input) ?? String(input);
}

export const areaSchema = namedEnum('a register area', registerAreas);
export type { Area, ByteOrder, DataType, WordOrder };

export const dataTypeSchema = namedEnum('a data type', dataTypes);

/** big: high word first (Modicon convention); little: low word first ("word swap"). */
export const wordOrderSchema = namedEnum('a word order', registerOrders);
/** big: high byte first in each register (the Modbus standard); little: bytes swapped. */
export const byteOrderSchema = namedEnum('a byte order', registerOrders);

export const runStateSchema = namedEnum('a run state', runStates);
export type { RunState };

export const stopReasonSchema = namedEnum('a stop reason', stopReasons);
export type { StopReason };

export const prioritySchema = namedEnum('an alarm priority', alarmPriorities);
export type Priority = AlarmPriority;

export const counterKindSchema = namedEnum('a counter', counterKinds);
export type { CounterKind };

const stateCodeObjectSchema = z.strictObject({ state: runStateSchema, reason: stopReasonSchema.optional(), detail: z.string().optional() });

/**
 * A code from the PLC's state register, mapped to a run state (and a stop reason). Either form
 * failing made zod say only "Invalid input"; the error says what is wrong with the form the
 * author used: an unknown state word, or the object's own field errors (`reason: "paperjam"
 * is not a stop reason; use one of: jam, …`).
 */
const stateCodeSchema = z.union([runStateSchema, stateCodeObjectSchema], {
  error: (issue) => {
    if (issue.code !== 'invalid_union') return undefined;
    const input = issue.input;
    if (typeof input === 'string') return runStateSchema.safeParse(input).error?.issues[0]?.message;
    if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
      const problems = stateCodeObjectSchema.safeParse(input).error?.issues ?? [];
      return problems.map((problem) => `${problem.path.length ? `${problem.path.join('.')}: ` : ''}${problem.message}`).join('; ');
    }
    return `${describeGiven(input)} is not a state: write a run state (${runStateSchema.options.join(', ')}) or { state, reason, detail }`;
  },
});

const alarmDefinitionSchema = z.strictObject({
  /** Stable code used in the journal and API, e.g. `jam.feeder`. */
  code: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'lower-case letters, digits, dots and dashes'),
  label: z.string().min(1),
  priority: prioritySchema,
  /** A stop that follows this alarm gets this reason. */
  stopReason: stopReasonSchema.optional(),
  /** The bit means "alarm" when it reads this value (most PLCs: true). */
  activeWhen: z.boolean().default(true),
  onDelayMs: z.number().int().min(0).default(0),
  offDelayMs: z.number().int().min(0).default(0),
  /** Run states during which this alarm is suppressed by design (door open during make-ready). */
  suppressIn: z.array(runStateSchema).default([]),
});
export type AlarmDefinition = z.infer<typeof alarmDefinitionSchema>;

const signalBase = {
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, dot, dash and underscore'),
  area: areaSchema,
  address: z.number().int().min(0).max(65535),
  type: dataTypeSchema,
  /** Bit number inside the register, for type `bit`. */
  bit: z.number().int().min(0).max(15).optional(),
  wordOrder: wordOrderSchema.optional(),
  byteOrder: byteOrderSchema.optional(),
  /** engineering value = raw * scale + offset */
  scale: z.number().default(1),
  offset: z.number().default(0),
  /** Scan class name (see `polling.scanClasses`). */
  scan: z.string().optional(),
  /** Whether Pressroom (or a simulator CLI) may write it, e.g. a level register a refill sets. */
  writable: z.boolean().default(false),
};

export const signalSchema = z.discriminatedUnion('role', [
  z.strictObject({ ...signalBase, role: z.literal('runState'), states: z.record(z.string().regex(/^\d+$/), stateCodeSchema) }),
  z.strictObject({ ...signalBase, role: z.literal('speed') }),
  z.strictObject({ ...signalBase, role: z.literal('counter'), counter: counterKindSchema }),
  z.strictObject({ ...signalBase, role: z.literal('ink'), unit: z.number().int().min(1).max(32), color: z.string().min(1) }),
  z.strictObject({ ...signalBase, role: z.literal('paper') }),
  z.strictObject({ ...signalBase, role: z.literal('level'), label: z.string().min(1) }),
  z.strictObject({ ...signalBase, role: z.literal('alarm'), alarm: alarmDefinitionSchema }),
  z.strictObject({ ...signalBase, role: z.literal('info') }),
]);
export type Signal = z.infer<typeof signalSchema>;
export type SignalRole = Signal['role'];

const levelThresholdsSchema = z.strictObject({
  /** Level in % at or below which the alarm of that priority is raised. */
  medium: z.number().min(0).max(100).optional(),
  high: z.number().min(0).max(100).optional(),
  deadband: z.number().min(0).max(50).default(2),
});

export const pollingSchema = z.strictObject({
  scanClasses: z.record(z.string(), z.number().int().min(10).max(3_600_000)).default({ fast: 250, slow: 2000 }),
  defaultScan: z.string().default('fast'),
  timeoutMs: z.number().int().min(10).max(60_000).default(200),
  retries: z.number().int().min(0).max(5).default(1),
  /** Unused registers a block read may span to merge two neighbours. */
  maxGap: z.number().int().min(0).max(124).default(10),
  maxRegistersPerRead: z.number().int().min(1).max(125).default(125),
  maxBitsPerRead: z.number().int().min(1).max(2000).default(2000),
});
export type PollingSettings = z.infer<typeof pollingSchema>;

export const profileSchema = z
  .strictObject({
    model: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
    name: z.string().min(1),
    vendor: z.string().optional(),
    ratedSpeed: z.number().positive().describe('Rated speed in sheets per hour'),
    paper: z.strictObject({ kind: z.enum(['pile', 'roll']).default('pile'), sheetsPerFullPile: z.number().positive().optional() }).default({ kind: 'pile' }),
    wordOrder: wordOrderSchema.default('big'),
    byteOrder: byteOrderSchema.default('big'),
    polling: pollingSchema.default(pollingSchema.parse({})),
    levelAlarms: z.strictObject({ ink: levelThresholdsSchema.optional(), paper: levelThresholdsSchema.optional() }).default({}),
    signals: z.array(signalSchema).min(1),
  })
  .superRefine((profile, ctx) => {
    checkSignals(profile.signals, profile.polling, ctx);
    checkTimeout(profile.polling, ctx);
  });
export type Profile = z.infer<typeof profileSchema>;
export type ProfileInput = z.input<typeof profileSchema>;

/** Registers a data type occupies (coils and discrete inputs: one bit). */
function checkSignals(signals: Signal[], polling: PollingSettings, ctx: z.RefinementCtx): void {
  const names = new Map<string, number>();
  // area:address -> owners, to find overlaps; bit signals own (register, bit)
  const owners = new Map<string, { index: number; bit?: number }[]>();
  signals.forEach((signal, index) => {
    const path = ['signals', index];
    const seen = names.get(signal.name);
    if (seen !== undefined) {
      ctx.addIssue({ code: 'custom', path: [...path, 'name'], message: `duplicate signal name "${signal.name}" (also signals[${seen}])` });
    }
    names.set(signal.name, index);

    const bitArea = isBitArea(signal.area);
    if (bitArea && signal.type !== 'bool') {
      ctx.addIssue({ code: 'custom', path: [...path, 'type'], message: `a ${signal.area} holds one bit: use type "bool", not "${signal.type}"` });
    }
    if (!bitArea && signal.type === 'bool') {
      ctx.addIssue({
        code: 'custom',
        path: [...path, 'type'],
        message: `type "bool" is for coils and discrete inputs; for one bit of a ${signal.area} register use type "bit" with "bit: N"`,
      });
    }
    if (signal.type === 'bit' && signal.bit === undefined) {
      ctx.addIssue({ code: 'custom', path: [...path, 'bit'], message: 'type "bit" needs "bit" (0-15)' });
    }
    if (signal.type !== 'bit' && signal.bit !== undefined) {
      ctx.addIssue({ code: 'custom', path: [...path, 'bit'], message: `"bit" only applies to type "bit", not "${signal.type}"` });
    }
    const count = bitArea ? 1 : registerCount(signal.type);
    if (signal.address + count - 1 > 65535) {
      ctx.addIssue({
        code: 'custom',
        path: [...path, 'address'],
        message: `a ${signal.type} needs ${count} registers from ${signal.address}, past the last address 65535`,
      });
    }
    if (signal.role === 'alarm' && signal.type !== 'bit' && signal.type !== 'bool') {
      ctx.addIssue({ code: 'custom', path: [...path, 'type'], message: 'an alarm signal must be a bit ("bit" or "bool")' });
    }
    if (signal.scan !== undefined && !(signal.scan in polling.scanClasses)) {
      ctx.addIssue({
        code: 'custom',
        path: [...path, 'scan'],
        message: `unknown scan class "${signal.scan}"; known: ${Object.keys(polling.scanClasses).join(', ')}`,
      });
    }
    if (signal.writable && (signal.area === 'input' || signal.area === 'discrete')) {
      ctx.addIssue({ code: 'custom', path: [...path, 'writable'], message: `${signal.area} registers are read-only in Modbus` });
    }
    for (let r = 0; r < count; r++) {
      const key = `${signal.area}:${signal.address + r}`;
      const list = owners.get(key) ?? [];
      for (const other of list) {
        const bothBits = signal.type === 'bit' && signals[other.index]!.type === 'bit';
        if (!bothBits || other.bit === signal.bit) {
          ctx.addIssue({
            code: 'custom',
            path: [...path, 'address'],
            message: `overlaps signal "${signals[other.index]!.name}" at ${signal.area} ${signal.address + r}${bothBits ? ` bit ${signal.bit}` : ''}`,
          });
        }
      }
      list.push({ index, bit: signal.bit });
      owners.set(key, list);
    }
  });
  if (!(polling.defaultScan in polling.scanClasses)) {
    ctx.addIssue({ code: 'custom', path: ['polling', 'defaultScan'], message: `unknown scan class "${polling.defaultScan}"` });
  }
}

export function checkTimeout(polling: PollingSettings, ctx: z.RefinementCtx, path: (string | number)[] = ['polling']): void {
  const fastest = Math.min(...Object.values(polling.scanClasses));
  if (polling.timeoutMs >= fastest) {
    ctx.addIssue({
      code: 'custom',
      path: [...path, 'timeoutMs'],
      message: `timeout ${polling.timeoutMs} ms must be below the fastest scan period (${fastest} ms)`,
    });
  }
}

/** The scan class a signal is polled in. */
export function scanClassOf(signal: Signal, polling: PollingSettings): string {
  return signal.scan ?? polling.defaultScan;
}
