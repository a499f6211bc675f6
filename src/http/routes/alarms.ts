/**
 * Alarms: the live list, acknowledgement and shelving by operators, the journal and its
 * CSV export, and the chatter report (which conditions raise too often). Commands are stored
 * with synchronous=FULL before the answer (AlarmService), in one transaction with their audit line.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { AlarmPriority, AlarmView } from '../../domain/alarm-view.js';
import type { AuditLog } from '../../domain/audit.js';
import { clientAddress, currentUser, requireRole } from '../auth-guard.js';
import { HttpError } from '../http-error.js';
import { parseBody, parseQuery } from '../validate.js';
import { instant } from './query-params.js';

type CommandResult = { ok: true; alarm: AlarmView } | { ok: false; error: { kind: string; message: string } };

export interface AlarmPort {
  list(): AlarmView[];
  history(filters: { listed?: boolean; active?: boolean; unacknowledged?: boolean; pressId?: string; priority?: AlarmPriority[]; from?: number; to?: number; limit?: number }): AlarmView[];
  journal(filters: { pressId?: string; alarmId?: string; from?: number; to?: number; limit?: number }): unknown[];
  journalCsv(filters: { pressId?: string; from?: number; to?: number }): string;
  /** Conditions that chattered since the start or raised within the chatter window, worst first (`AlarmEngine.chatterReport()`). */
  chatter(): ChatterLine[];
  /** `alsoCommit` runs, on success, inside the command's durable transaction (the audit line). */
  acknowledge(id: string, command: { user: string; note?: string | null }, alsoCommit: (alarm: AlarmView) => void): CommandResult;
  shelve(id: string, command: { user: string; minutes: number; reason: string }, alsoCommit: (alarm: AlarmView) => void): CommandResult;
  unshelve(id: string, command: { user: string; note?: string | null }, alsoCommit: (alarm: AlarmView) => void): CommandResult;
}

/** One line of the chatter report (same shape as the engine's `ChatterStat`). */
export interface ChatterLine {
  pressId: string;
  code: string;
  raisesInWindow: number;
  chattering: boolean;
  episodes: number;
  lastEpisodeAt: number | null;
}

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const priority = z.enum(['critical', 'high', 'medium', 'low']);

const listQuery = z.strictObject({
  active: bool.optional(),
  unacknowledged: bool.optional(),
  /** all: the journal of alarm occurrences, not only the live list */
  all: bool.optional(),
  press: z.string().max(64).optional(),
  pressId: z.string().max(64).optional(),
  priority: z.union([priority, z.string().regex(/^(critical|high|medium|low)(,(critical|high|medium|low))*$/, 'critical, high, medium or low, comma separated')]).optional(),
  from: instant.optional(),
  to: instant.optional(),
  limit: z.string().regex(/^\d{1,5}$/).transform(Number).pipe(z.number().int().min(1).max(10_000)).optional(),
});

const journalQuery = z.strictObject({
  press: z.string().max(64).optional(),
  pressId: z.string().max(64).optional(),
  alarmId: z.string().max(64).optional(),
  from: instant.optional(),
  to: instant.optional(),
  limit: z.string().regex(/^\d{1,6}$/).transform(Number).pipe(z.number().int().min(1).max(100_000)).optional(),
});

const chatterQuery = z.strictObject({
  press: z.string().max(64).optional(),
  pressId: z.string().max(64).optional(),
  limit: z.string().regex(/^\d{1,5}$/).transform(Number).pipe(z.number().int().min(1).max(10_000)).optional(),
});

const note = z.string().trim().max(500).optional();
const ackBody = z.strictObject({ note });
const shelveBody = z.strictObject({
  minutes: z.number().int().min(1).max(8 * 60),
  reason: z.string().trim().min(1, 'give a reason for shelving').max(500),
});
const unshelveBody = z.strictObject({ note });

export function alarmRoutes(options: { alarms: AlarmPort; audit: AuditLog }): Router {
  const router = Router();
  const { alarms, audit } = options;

  router.get('/alarms', (req, res) => {
    const q = parseQuery(listQuery, req);
    const pressId = q.pressId ?? q.press;
    const priorities = q.priority ? (q.priority.split(',') as AlarmPriority[]) : undefined;
    if (q.all || q.from !== undefined || q.to !== undefined) {
      res.json(alarms.history({ active: q.active, unacknowledged: q.unacknowledged, pressId, priority: priorities, from: q.from, to: q.to, limit: q.limit }));
      return;
    }
    const list = alarms
      .list()
      .filter((a) => q.active === undefined || a.active === q.active)
      .filter((a) => q.unacknowledged === undefined || !a.acknowledged === q.unacknowledged)
      .filter((a) => pressId === undefined || a.pressId === pressId)
      .filter((a) => priorities === undefined || priorities.includes(a.priority));
    res.json(list.slice(0, q.limit ?? list.length));
  });

  router.get('/alarms/journal', (req, res) => {
    const q = parseQuery(journalQuery, req);
    res.json(alarms.journal({ pressId: q.pressId ?? q.press, alarmId: q.alarmId, from: q.from, to: q.to, limit: q.limit }));
  });

  router.get('/alarms/chatter', (req, res) => {
    const q = parseQuery(chatterQuery, req);
    const pressId = q.pressId ?? q.press;
    const lines = alarms.chatter().filter((line) => pressId === undefined || line.pressId === pressId);
    res.json(lines.slice(0, q.limit ?? lines.length));
  });

  router.get('/alarms.csv', (req, res) => {
    const q = parseQuery(journalQuery, req);
    res.type('text/csv; charset=utf-8').attachment('alarm-journal.csv').send(alarms.journalCsv({ pressId: q.pressId ?? q.press, from: q.from, to: q.to }));
  });

  type Audited = (alarm: AlarmView) => void;
  const command = (action: 'ack' | 'shelve' | 'unshelve', run: (id: string, user: string, body: unknown, audited: Audited) => CommandResult, schema: z.ZodType) =>
    router.post(`/alarms/:id/${action}`, requireRole('operator'), (req, res) => {
      const user = currentUser(res)!;
      const body = parseBody(schema, req);
      const audited: Audited = (alarm) =>
        audit.record({ userId: user.id, username: user.username, action: `alarm.${action}`, target: `alarm:${alarm.id}`, ip: clientAddress(req), details: { pressId: alarm.pressId, code: alarm.code, ...(body as object) } });
      const result = run(req.params.id as string, user.username, body, audited);
      if (!result.ok) {
        const status = result.error.kind === 'not-found' ? 404 : result.error.kind === 'invalid' ? 400 : 409;
        throw new HttpError(status, result.error.kind.replace(/-/g, '_'), result.error.message);
      }
      res.json(result.alarm);
    });
  command('ack', (id, user, body, audited) => alarms.acknowledge(id, { user, note: (body as z.infer<typeof ackBody>).note ?? null }, audited), ackBody);
  command('shelve', (id, user, body, audited) => alarms.shelve(id, { user, ...(body as z.infer<typeof shelveBody>) }, audited), shelveBody);
  command('unshelve', (id, user, body, audited) => alarms.unshelve(id, { user, note: (body as z.infer<typeof unshelveBody>).note ?? null }, audited), unshelveBody);

  return router;
}
