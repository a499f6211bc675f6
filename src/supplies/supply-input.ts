/**
 * What an operator may log, checked per kind (zod, discriminated by `kind`) and against the
 * press it names: ink goes into a printing unit that exists on that press, paper has no unit,
 * plates are counted in pieces. Messages say what to fix, in the operator's words.
 */
import { z } from 'zod';
import type { PressSnapshot } from '../model/press-snapshot.js';
import { supplyKinds, type SupplyInput, type UnitOfMeasure } from './supply-types.js';

/** The largest quantity one entry may carry: a typo guard (a pallet is ~10,000 sheets). */
export const MAX_QUANTITY = 1_000_000;

/** Reads the press a request names; the supplies service gets it from the press service. */
export interface PressLookup {
  get(pressId: string): PressSnapshot | undefined;
}

const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `at most ${max} characters`)
    .transform((s) => (s === '' ? null : s))
    .nullish()
    .transform((s) => s ?? null);

const unitNumber = z.number({ error: 'a printing unit number (1, 2, …)' }).int('a whole printing unit number').min(1, 'printing units start at 1').max(32, 'at most 32 printing units');

const requiredUnit = (kind: string) => unitNumber.nullish().refine((u) => u != null, `required for ${kind}: which printing unit?`).transform((u) => u as number);

const noUnit = (kind: string) => z.null({ error: `${kind} has no printing unit; leave unit out` }).optional().transform(() => null);

const optionalUnit = unitNumber.nullish().transform((u) => u ?? null);

function uomFor(kind: string, allowed: readonly UnitOfMeasure[]) {
  const list = allowed.length === 1 ? allowed[0] : `${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}`;
  return z.enum(allowed as [UnitOfMeasure, ...UnitOfMeasure[]], { error: `${kind} is measured in ${list}` });
}

const common = {
  clientId: z
    .string({ error: 'required: a client-generated id (e.g. a UUID) so a retry is not logged twice' })
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{7,99}$/, '8-100 letters, digits, dot, colon, dash or underscore (e.g. a UUID)'),
  pressId: z.string({ error: 'required: which press?' }).min(1, 'required: which press?').max(64),
  color: text(40),
  product: text(100),
  lot: text(60),
  quantity: z
    .number({ error: 'required: how much was put in?' })
    .positive('must be more than 0')
    .max(MAX_QUANTITY, `at most ${withThousandsCommas(MAX_QUANTITY)} in one entry`),
  note: text(500),
  suggestionId: z.string().min(1).max(200).nullish().transform((s) => s ?? null),
};

export const supplyInputShape = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ ...common, kind: z.literal('ink'), unit: requiredUnit('ink'), uom: uomFor('ink', ['kg', 'g', 'l', 'ml']) }),
    z.strictObject({ ...common, kind: z.literal('paper'), unit: noUnit('paper'), uom: uomFor('paper', ['sheets', 'rolls', 'kg', 'm', 'pcs']) }),
    z.strictObject({ ...common, kind: z.literal('plate'), unit: requiredUnit('plate'), uom: uomFor('plate', ['pcs']) }),
    z.strictObject({ ...common, kind: z.literal('blanket'), unit: requiredUnit('blanket'), uom: uomFor('blanket', ['pcs', 'm']) }),
    z.strictObject({ ...common, kind: z.literal('fountain-solution'), unit: optionalUnit, uom: uomFor('fountain solution', ['l', 'ml', 'kg', 'g']) }),
    z
      .strictObject({ ...common, kind: z.literal('other'), unit: optionalUnit, uom: uomFor('other', ['kg', 'g', 'l', 'ml', 'sheets', 'pcs', 'rolls', 'm']) })
      .refine((entry) => entry.product !== null || entry.note !== null, { path: ['product'], message: 'for other supplies, say what it was in product or note' }),
  ],
  { error: (issue) => (issue.code === 'invalid_union' ? `one of ${supplyKinds.join(', ')}` : undefined) },
);

/** The full check: shape per kind, then the press: it exists, and ink goes into one of its units. */
export function supplyInputSchema(presses: PressLookup) {
  return supplyInputShape.transform((input, ctx): SupplyInput => {
    const press = presses.get(input.pressId);
    if (!press) {
      ctx.addIssue({ code: 'custom', path: ['pressId'], message: `unknown press "${input.pressId}"` });
      return z.NEVER;
    }
    let color = input.color;
    if (input.kind === 'ink') {
      const unit = press.ink.find((ink) => ink.unit === input.unit);
      if (!unit) {
        ctx.addIssue({ code: 'custom', path: ['unit'], message: `printing unit ${input.unit} does not exist on ${press.id} (${describeUnits(press)})` });
        return z.NEVER;
      }
      // The tablet may leave colour out: the press knows what each unit prints.
      color ??= unit.color;
    }
    return { ...input, color };
  });
}

function describeUnits(press: PressSnapshot): string {
  const units = press.ink.map((ink) => ink.unit).sort((a, b) => a - b);
  if (units.length === 0) return 'it has no inking units';
  const first = units[0]!;
  const last = units.at(-1)!;
  const contiguous = units.every((unit, i) => unit === first + i);
  return contiguous ? `units ${first}-${last}` : `units ${units.join(', ')}`;
}

/**
 * 1000000 as "1,000,000", as toLocaleString('en') writes it, without Intl: formatting one
 * number at start-up pulled ICU's number data into memory (about 6 MB of resident memory).
 */
function withThousandsCommas(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
