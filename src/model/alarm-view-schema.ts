/** The alarm view (alarm-view.ts) and the chatter statistics as zod schemas, for the OpenAPI description of /api/alarms. */
import { z } from 'zod';
import type { AlarmView, ChatterStat } from './alarm-view.js';
import type { SameShape } from './same-shape.js';
import { alarmPriorities } from './vocabulary.js';

const epochMs = z.number().meta({ description: 'ms since epoch' });

export const alarmViewSchema = z
  .object({
    id: z.string(),
    pressId: z.string(),
    code: z.string(),
    label: z.string(),
    priority: z.enum(alarmPriorities),
    state: z.enum(['unack-active', 'acked-active', 'unack-cleared', 'normal']),
    active: z.boolean(),
    acknowledged: z.boolean(),
    raisedAt: epochMs,
    clearedAt: epochMs.nullable(),
    ackedAt: epochMs.nullable(),
    ackedBy: z.string().nullable(),
    ackNote: z.string().nullable(),
    shelvedUntil: epochMs.nullable(),
    shelvedBy: z.string().nullable(),
    shelveReason: z.string().nullable(),
    suppressed: z.boolean(),
    chatterCount: z.number().int(),
    chattering: z.boolean(),
    stopReason: z.string().nullable(),
  })
  .meta({ id: 'Alarm' });

export const chatterStatSchema = z
  .object({
    pressId: z.string(),
    code: z.string(),
    raisesInWindow: z.number().int(),
    chattering: z.boolean(),
    episodes: z.number().int(),
    lastEpisodeAt: epochMs.nullable(),
  })
  .meta({ id: 'ChatterStat' });

true satisfies SameShape<z.output<typeof alarmViewSchema>, AlarmView>;
true satisfies SameShape<z.output<typeof chatterStatSchema>, ChatterStat>;
