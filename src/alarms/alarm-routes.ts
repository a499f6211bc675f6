/**
 * Alarms: the live list, acknowledgement and shelving by operators, the journal and its
 * CSV export, and the chatter report (which conditions raise too often). Commands are stored
 * with synchronous=FULL before the answer (AlarmService), in one transaction with their audit line.
 */
import { Router } from 'express';
import { alarmPriorities } from '../model/vocabulary.js';
import { z } from 'zod';
import type { AlarmPriority, AlarmView, ChatterStat } from '../model/alarm-view.js';
import type { AuditLog } from '../model/audit.js';
import { clientAddress, currentUser, requireRole } from '../http/auth-guard.js';
import { HttpError } from '../http/http-error.js';
import { parseBody, parseQuery } from '../http/validate.js';
import { instant } from '../http/query-params.js';
import { freeText } from '../lib/free-text.js';
import { orderedRange } from '../http/query-params.js';

type CommandResult = { ok: true; alarm: AlarmView } | { ok: false; error: { kind: string; message: string } };

export interface AlarmPort {
  list(): AlarmView[];
  history(filters: {
    listed?: boolean;
    active?: boolean;
    unacknowledged?: boolean;
    pressId?: string;
    priority?: AlarmPriority[];
    from?: number;
    to?: number;
    limit?: number;
  }): AlarmView[];
  journal(filters: { pressId?: string; alarmId?: string; from?: number; to?: number; limit?: number }): unknown[];
  /** `alarmIds`: only the journal lines of these alarm occurrences. */
  journalCsv(filters: { pressId?: string; alarmId?: string; alarmIds?: readonly string[]; from?: number; to?: number; limit?: number }): string;
  /** Conditions that chattered since the start or raised within the chatter window, worst first (`AlarmEngine.chatterReport()`). */
  chatter(): ChatterStat[];
  /** `alsoCommit` runs, on success, inside the command's durable transaction (the audit line). */
  acknowledge(id: string, command: { user: string; note?: string | null }, alsoCommit: (alarm: AlarmView) => void): CommandResult;
  shelve(id: string, command: { user: string; minutes: number; reason: string }, alsoCommit: (alarm: AlarmView) => void): CommandResult;
  unshelve(id: string, command: { user: string; note?: string | null }, alsoCommit: (alarm: AlarmView) => void): CommandResult;
}

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const priority = z.enum(alarmPriorities);

export const listQuery = z.strictObject({
  active: bool.optional(),
  unacknowledged: bool.optional(),
  /** all: the journal of alarm occurrences, not only the live list */
  all: bool.optional(),
  press: z.string().max(64).optional(),
  pressId: z.string().max(64).optional(),
  priority: z
    .union([
      priority,
      z
        .string()
        .regex(
          new RegExp(`^(${alarmPriorities.join('|')})(,(${alarmPriorities.join('|')}))*$`),
          `${alarmPriorities.slice(0, -1).join(', ')} or ${alarmPriorities.at(-1)}, comma separated`,
        ),
    ])
    .optional(),
  from: instant.optional(),
  to: instant.optional(),
  limit: z
    .string()
    .regex(/^\d{1,5}$/)
    .transform(Number)
    .pipe(z.number().int().min(1).max(10_000))
    .optional(),
});

export const journalQuery = z.strictObject({
  press: z.string().max(64).optional(),
  pressId: z.string().max(64).optional(),
  alarmId: z.string().max(64).optional(),
  from: instant.optional(),
  to: instant.optional(),
  limit: z
    .string()
    .regex(/^\d{1,6}$/)
    .transform(Number)
    .pipe(z.number().int().min(1).max(100_000))
    .optional(),
});

/**
 * The CSV takes the journal's parameters and the list's. With any of `all`, `active`,
 * `unacknowledged` or `priority` it exports the journal lines of exactly the alarms that
 * `GET /alarms` lists for the same query (what the alarms page shows; `from`/`to` then select
 * alarms by when they were raised, as in the list); without them, as before, the journal
 * lines of a press (or one alarm) and of a time range. `limit` caps the alarms, or the lines.
 */
export const csvQuery = journalQuery.extend({
  active: bool.optional(),
  unacknowledged: bool.optional(),
  all: bool.optional(),
  priority: listQuery.shape.priority,
});

export const chatterQuery = z.strictObject({
  press: z.string().max(64).optional(),
  pressId: z.string().max(64).optional(),
  limit: z
    .string()
    .regex(/^\d{1,5}$/)
    .transform(Number)
    .pipe(z.number().int().min(1).max(10_000))
    .optional(),
});

/** The most alarms a list answers (and a filtered CSV covers). */
const MAX_LISTED = 10_000;

const note = freeText(z.string().trim().max(500), { multiline: true }).optional();
export const ackBody = z.strictObject({ note });
export const shelveBody = z.strictObject({
  minutes: z
    .number()
    .int()
    .min(1)
    .max(8 * 60),
  reason: freeText(z.string().trim().min(1, 'give a reason for shelving').max(500), { multiline: true }),
});
export const unshelveBody = z.strictObject({ note });

export function alarmRoutes(options: { alarms: AlarmPort; audit: AuditLog }): Router {
  const router = Router();
  const { alarms, audit } = options;

  /** What `GET /alarms` lists: the live list, or with `all` or a time range the alarm history. */
  function selectAlarms(q: Omit<z.infer<typeof listQuery>, 'limit'>, limit: number | undefined): AlarmView[] {
    const pressId = q.pressId ?? q.press;
    const priorities = q.priority ? (q.priority.split(',') as AlarmPriority[]) : undefined;
    if (q.all || q.from !== undefined || q.to !== undefined) {
      return alarms.history({ active: q.active, unacknowledged: q.unacknowledged, pressId, priority: priorities, from: q.from, to: q.to, limit });
    }
    const list = alarms
      .list()
      .filter((a) => q.active === undefined || a.active === q.active)
      .filter((a) => q.unacknowledged === undefined || !a.acknowledged === q.unacknowledged)
      .filter((a) => pressId === undefined || a.pressId === pressId)
      .filter((a) => priorities === undefined || priorities.includes(a.priority));
    return list.slice(0, limit ?? list.length);
  }

  router.get('/alarms', (req, res) => {
    const q = orderedRange(parseQuery(listQuery, req));
    res.json(selectAlarms(q, q.limit));
  });

  router.get('/alarms/journal', (req, res) => {
    const q = orderedRange(parseQuery(journalQuery, req));
    res.json(alarms.journal({ pressId: q.pressId ?? q.press, alarmId: q.alarmId, from: q.from, to: q.to, limit: q.limit }));
  });

  router.get('/alarms/chatter', (req, res) => {
    const q = parseQuery(chatterQuery, req);
    const pressId = q.pressId ?? q.press;
    const lines = alarms.chatter().filter((line) => pressId === undefined || line.pressId === pressId);
    res.json(lines.slice(0, q.limit ?? lines.length));
  });

  router.get('/alarms.csv', (req, res) => {
    const q = orderedRange(parseQuery(csvQuery, req));
    const byAlarm = q.all !== undefined || q.active !== undefined || q.unacknowledged !== undefined || q.priority !== undefined;
    const csv = byAlarm
      ? alarms.journalCsv({ alarmIds: selectAlarms(q, Math.min(q.limit ?? MAX_LISTED, MAX_LISTED)).map((alarm) => alarm.id) })
      : alarms.journalCsv({ pressId: q.pressId ?? q.press, alarmId: q.alarmId, from: q.from, to: q.to, limit: q.limit });
    res.type('text/csv; charset=utf-8').attachment('alarm-journal.csv').send(csv);
  });

  type Audited = (alarm: AlarmView) => void;
  const command = (
    action: 'ack' | 'shelve' | 'unshelve',
    run: (id: string, user: string, body: unknown, audited: Audited) => CommandResult,
    schema: z.ZodType,
  ) =>
    router.post(`/alarms/:id/${action}`, requireRole('operator'), (req, res) => {
      const user = currentUser(res)!;
      const body = parseBody(schema, req);
      const audited: Audited = (alarm) =>
        audit.record({
          userId: user.id,
          username: user.username,
          action: `alarm.${action}`,
          target: `alarm:${alarm.id}`,
          ip: clientAddress(req),
          details: { pressId: alarm.pressId, code: alarm.code, ...(body as object) },
        });
      const result = run(req.params.id as string, user.username, body, audited);
      if (!result.ok) {
        const status = result.error.kind === 'not-found' ? 404 : result.error.kind === 'invalid' ? 400 : 409;
        throw new HttpError(status, result.error.kind.replace(/-/g, '_'), result.error.message);
      }
      res.json(result.alarm);
    });
  command('ack', (id, user, body, audited) => alarms.acknowledge(id, { user, note: (body as z.infer<typeof ackBody>).note ?? null }, audited), ackBody);
  command('shelve', (id, user, body, audited) => alarms.shelve(id, { user, ...(body as z.infer<typeof shelveBody>) }, audited), shelveBody);
  command(
    'unshelve',
    (id, user, body, audited) => alarms.unshelve(id, { user, note: (body as z.infer<typeof unshelveBody>).note ?? null }, audited),
    unshelveBody,
  );

  return router;
}
