/**
 * The press snapshot (press-snapshot.ts) as a zod schema, for the OpenAPI description of
 * GET /api/presses. The interface stays the type the code uses; the check below keeps the two equal.
 */
import { z } from 'zod';
import type { PressSnapshot } from './press-snapshot.js';
import type { SameShape } from './same-shape.js';
import { linkKinds, qualities, runStates, stopReasons } from './vocabulary.js';

const epochMs = z.number().meta({ description: 'ms since epoch' });
const quality = z.enum(qualities);

const levelReading = z.object({
  level: z.number().nullable().meta({ description: 'percent full, 0-100; null before the first good read' }),
  quality,
  at: epochMs.nullable(),
});

export const pressSnapshotSchema = z
  .object({
    id: z.string(),
    site: z.string().optional().meta({ description: 'on a hub: the Sparkplug site (group/edgeNode) of a remote press' }),
    name: z.string(),
    model: z.string(),
    link: z.object({ kind: z.enum(linkKinds), bus: z.string(), unitId: z.number().int(), address: z.string() }),
    online: z.boolean(),
    state: z.enum(runStates),
    stopReason: z.enum(stopReasons).nullable(),
    stateDetail: z.string().nullable(),
    stateSince: epochMs,
    speed: z.number().nullable().meta({ description: 'sheets per hour' }),
    speedQuality: quality.optional(),
    ratedSpeed: z.number(),
    timeScale: z.number().optional().meta({ description: 'a simulated press runs this many times faster than the wall clock (1 on a real press)' }),
    counters: z.object({ total: z.number(), good: z.number(), waste: z.number() }),
    counterGlitch: z
      .object({ at: epochMs, counter: z.enum(['total', 'good', 'waste']), from: z.number(), to: z.number() })
      .nullable()
      .optional(),
    counterResetAt: epochMs.nullable().optional(),
    jobCounters: z.object({ total: z.number().nullable(), good: z.number().nullable(), waste: z.number().nullable() }),
    ink: z.array(levelReading.extend({ unit: z.number().int(), color: z.string() })),
    paper: levelReading.extend({ kind: z.enum(['pile', 'roll']) }),
    levels: z.array(levelReading.extend({ name: z.string(), label: z.string() })),
    activeAlarms: z.number().int(),
    comm: z.object({
      lastOkAt: epochMs.nullable(),
      lastErrorAt: epochMs.nullable(),
      lastError: z.string().nullable(),
      latencyMs: z.number().nullable(),
      errors: z.record(z.string(), z.number()).meta({ description: 'error counts by kind: timeout, offline, exception, crc, protocol' }),
      reads: z.number(),
      offScanUntil: epochMs.nullable(),
      overruns: z.record(z.string(), z.number()),
      overrunning: z.array(z.string()),
    }),
    updatedAt: epochMs,
    timeToEmpty: z
      .object({ paper: z.number().nullable(), ink: z.array(z.object({ unit: z.number().int(), minutes: z.number().nullable() })) })
      .optional()
      .meta({ description: 'minutes until empty at the current use' }),
  })
  .meta({ id: 'PressSnapshot' });

true satisfies SameShape<z.output<typeof pressSnapshotSchema>, PressSnapshot>;
