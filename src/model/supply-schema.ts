/** The supply entry and the suggestions (supply.ts) as zod schemas, for the OpenAPI description of /api/supplies. */
import { z } from 'zod';
import type { SameShape } from './same-shape.js';
import { supplyKinds, unitsOfMeasure, type LowLevelSuggestion, type SupplyEntry, type UnloggedRefill } from './supply.js';

const epochMs = z.number().meta({ description: 'ms since epoch' });
const actor = z.object({ id: z.number().int(), username: z.string() });

export const supplyEntrySchema = z
  .object({
    id: z.number().int(),
    clientId: z.string(),
    pressId: z.string(),
    kind: z.enum(supplyKinds),
    unit: z.number().int().nullable(),
    color: z.string().nullable(),
    product: z.string().nullable(),
    lot: z.string().nullable(),
    quantity: z.number(),
    uom: z.enum(unitsOfMeasure),
    note: z.string().nullable(),
    suggestionId: z.string().nullable(),
    at: epochMs,
    receivedAt: epochMs,
    loggedAt: epochMs,
    by: actor.nullable(),
    ip: z.string().nullable(),
    replaces: z.number().int().nullable(),
    voided: z.object({ at: epochMs, by: actor, reason: z.string(), replacedBy: z.number().int().nullable() }).nullable(),
    reconciliation: z.object({
      status: z.enum(['pending', 'confirmed', 'flagged', 'not-applicable']),
      at: epochMs.nullable(),
      detail: z.string().nullable(),
      levelFrom: z.number().nullable(),
      levelTo: z.number().nullable(),
    }),
  })
  .meta({ id: 'SupplyEntry' });

const measured = { pressId: z.string(), kind: z.enum(['ink', 'paper']), unit: z.number().int().nullable(), color: z.string().nullable() };

export const unloggedRefillSchema = z.object({ id: z.string(), ...measured, at: epochMs, from: z.number(), to: z.number() });
export const lowLevelSuggestionSchema = z.object({ id: z.string(), ...measured, level: z.number(), threshold: z.number(), at: epochMs.nullable() });

true satisfies SameShape<z.output<typeof supplyEntrySchema>, SupplyEntry>;
true satisfies SameShape<z.output<typeof unloggedRefillSchema>, UnloggedRefill>;
true satisfies SameShape<z.output<typeof lowLevelSuggestionSchema>, LowLevelSuggestion>;
