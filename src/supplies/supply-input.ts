/**
 * What an operator may log, checked per kind (zod, discriminated by `kind`) and against the
 * press it names: ink goes into a printing unit that exists on that press, paper has no unit,
 * plates are counted in pieces. Messages say what to fix, in the operator's words, and a 400
 * lists every problem at once: the shape's and the press's (unit 7 on a 4-unit press) together,
 * not the second kind only on the next try.
 */
import { z } from 'zod';
import type { PressSnapshot } from '../model/press-snapshot.js';
import { supplyKinds, type SupplyInput, type UnitOfMeasure } from '../model/supply.js';
import { freeText, type FreeTextOptions } from '../lib/free-text.js';

/** The largest quantity one entry may carry: a typo guard (a pallet is ~10,000 sheets). */
export const MAX_QUANTITY = 1_000_000;

/**
 * Bounds of the tablet's `loggedAt` against the service's clock. Ahead by up to this much is
 * clock skew (the entry counts as logged when it arrived); further ahead is a wrong clock.
 */
export const MAX_LOGGED_AHEAD_MS = 2 * 60_000;
/** An entry queued on a tablet longer than this is refused with its time (the outbox then sends it without). */
export const MAX_LOGGED_AGE_MS = 24 * 3600_000;

/** Reads the press a request names; the supplies service gets it from the press service. */
export interface PressLookup {
  get(pressId: string): PressSnapshot | undefined;
}

const text = (max: number, options: FreeTextOptions = {}) =>
  freeText(z.string().trim().max(max, `at most ${max} characters`), options)
    .transform((s) => (s === '' ? null : s))
    .nullish()
    .transform((s) => s ?? null);

const unitNumber = z
  .number({ error: 'a printing unit number (1, 2, …)' })
  .int('a whole printing unit number')
  .min(1, 'printing units start at 1')
  .max(32, 'at most 32 printing units');

const requiredUnit = (kind: string) =>
  unitNumber
    .nullish()
    .refine((u) => u != null, `required for ${kind}: which printing unit?`)
    .transform((u) => u as number);

const noUnit = (kind: string) =>
  z
    .null({ error: `${kind} has no printing unit; leave unit out` })
    .optional()
    .transform(() => null);

const optionalUnit = unitNumber.nullish().transform((u) => u ?? null);

/**
 * How finely each unit of measure is counted: sheets, pieces and rolls whole; kg and litres to
 * the gram or millilitre (3 decimals); g and ml whole; metres to the centimetre. The step is
 * also the smallest amount, so 5e-324 kg (a typo or a probe, not a refill) is refused.
 */
export const QUANTITY_DECIMALS: Record<UnitOfMeasure, number> = { sheets: 0, pcs: 0, rolls: 0, g: 0, ml: 0, kg: 3, l: 3, m: 2 };

/** What is wrong with `quantity` counted in `uom`, or undefined. */
export function quantityProblem(quantity: number, uom: UnitOfMeasure): string | undefined {
  // zero and negatives are the positivity rule's to report, once
  if (!(quantity > 0)) return undefined;
  const decimals = QUANTITY_DECIMALS[uom];
  const step = 10 ** -decimals;
  const smallest = decimals === 0 ? '1' : step.toFixed(decimals);
  const rule = decimals === 0 ? `${uom} are counted in whole numbers, at least 1` : `${uom}: at least ${smallest}, with at most ${decimals} decimals`;
  if (quantity < step) return rule;
  const scaled = quantity * 10 ** decimals;
  // tolerance for binary fractions: 0.1 + 0.2 kg is 0.3 kg
  if (Math.abs(scaled - Math.round(scaled)) > 1e-6) return rule;
  return undefined;
}

/** The quantity's step, per unit of measure, on one kind's entry (issue on `quantity`). */
function countedIn<T extends z.ZodType<{ quantity: number; uom: UnitOfMeasure }>>(entry: T): T {
  return entry.superRefine((value, ctx) => {
    const problem = quantityProblem(value.quantity, value.uom);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', path: ['quantity'], message: problem });
  }) as T;
}

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
  note: text(500, { multiline: true }),
  suggestionId: z
    .string()
    .min(1)
    .max(200)
    .nullish()
    .transform((s) => s ?? null),
  loggedAt: z
    .number({ error: "epoch milliseconds: the tablet's clock when the entry was made" })
    .int('whole epoch milliseconds')
    .positive('epoch milliseconds')
    .nullish()
    .transform((t) => t ?? null),
};

export const supplyInputShape = z.discriminatedUnion(
  'kind',
  [
    countedIn(z.strictObject({ ...common, kind: z.literal('ink'), unit: requiredUnit('ink'), uom: uomFor('ink', ['kg', 'g', 'l', 'ml']) })),
    countedIn(z.strictObject({ ...common, kind: z.literal('paper'), unit: noUnit('paper'), uom: uomFor('paper', ['sheets', 'rolls', 'kg', 'm', 'pcs']) })),
    countedIn(z.strictObject({ ...common, kind: z.literal('plate'), unit: requiredUnit('plate'), uom: uomFor('plate', ['pcs']) })),
    countedIn(z.strictObject({ ...common, kind: z.literal('blanket'), unit: requiredUnit('blanket'), uom: uomFor('blanket', ['pcs', 'm']) })),
    countedIn(
      z.strictObject({ ...common, kind: z.literal('fountain-solution'), unit: optionalUnit, uom: uomFor('fountain solution', ['l', 'ml', 'kg', 'g']) }),
    ),
    countedIn(
      z
        .strictObject({ ...common, kind: z.literal('other'), unit: optionalUnit, uom: uomFor('other', ['kg', 'g', 'l', 'ml', 'sheets', 'pcs', 'rolls', 'm']) })
        .refine((entry) => entry.product !== null || entry.note !== null, {
          path: ['product'],
          message: 'for other supplies, say what it was in product or note',
        }),
    ),
  ],
  { error: (issue) => (issue.code === 'invalid_union' ? `one of ${supplyKinds.join(', ')}` : undefined) },
);

interface Problem {
  path: PropertyKey[];
  message: string;
}

/**
 * The full check, in one pass: the shape per kind, and what only the press and the clock can
 * say (the press exists, ink goes into one of its units, `loggedAt` is within the bounds).
 * Every problem found is reported; a field whose shape is wrong is not checked again.
 */
export function supplyInputSchema(presses: PressLookup, clock: { now(): number }) {
  return z.unknown().transform((raw, ctx): SupplyInput => {
    const shaped = supplyInputShape.safeParse(raw);
    const problems: Problem[] = (shaped.error?.issues ?? []).map((issue) => ({ path: issue.path, message: issue.message }));
    const badShape = new Set(problems.map((problem) => String(problem.path[0] ?? '')));
    const fields = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
    const press = typeof fields.pressId === 'string' && !badShape.has('pressId') ? presses.get(fields.pressId) : undefined;
    if (typeof fields.pressId === 'string' && !badShape.has('pressId') && !press)
      problems.push({ path: ['pressId'], message: `unknown press "${fields.pressId}"` });
    if (press && fields.kind === 'ink' && typeof fields.unit === 'number' && !badShape.has('unit') && !press.ink.some((ink) => ink.unit === fields.unit)) {
      problems.push({ path: ['unit'], message: `printing unit ${fields.unit} does not exist on ${press.id} (${describeUnits(press)})` });
    }
    if (typeof fields.loggedAt === 'number' && !badShape.has('loggedAt')) {
      const problem = loggedAtProblem(fields.loggedAt, clock.now());
      if (problem) problems.push({ path: ['loggedAt'], message: problem });
    }
    if (problems.length > 0 || !shaped.success) {
      for (const problem of problems) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message, input: raw });
      return z.NEVER;
    }
    const input = shaped.data;
    let color = input.color;
    // The tablet may leave colour out: the press knows what each unit prints.
    if (input.kind === 'ink') color ??= press?.ink.find((ink) => ink.unit === input.unit)?.color ?? null;
    return { ...input, color };
  });
}

/**
 * The time an entry counts as logged: the tablet's, never after the service received it (a
 * clock a little ahead is skew) nor more than MAX_LOGGED_AGE_MS before; the received time when
 * the tablet gave none. The HTTP check refuses what is out of bounds; this keeps any other
 * caller within them too.
 */
export function boundLoggedAt(claimed: number | null, receivedAt: number): number {
  if (claimed === null) return receivedAt;
  return Math.max(receivedAt - MAX_LOGGED_AGE_MS, Math.min(claimed, receivedAt));
}

/** Why the tablet's time cannot be taken, or null. */
function loggedAtProblem(loggedAt: number, now: number): string | null {
  if (loggedAt - now > MAX_LOGGED_AHEAD_MS) {
    return `${span(loggedAt - now)} ahead of the service's clock (up to ${span(MAX_LOGGED_AHEAD_MS)} is taken as clock skew): check the tablet's clock`;
  }
  if (now - loggedAt > MAX_LOGGED_AGE_MS) {
    return `${span(now - loggedAt)} before it reached the service, more than ${span(MAX_LOGGED_AGE_MS)}: send it without loggedAt (and the time in the note)`;
  }
  return null;
}

/** "90 s", "12 min", "5 h", "3 d". */
function span(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} d`;
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
