/**
 * Drives the built-in simulator of presses on `simulate: true` buses: a trainer (or a test)
 * makes a jam, opens a door or refills ink, and watches Pressroom react over real Modbus.
 * Absent for presses on real buses. Every event is a write like any other and is audited
 * (`simulation.<action>`, target `press:<id>`, the event as details).
 *
 * Only what was audited is applied: the event is checked against the press first (an event
 * the simulator refuses, 400, changes nothing and is not audited), then its audit line is
 * committed, then it is applied. When the database refuses the audit line (503 "nothing was
 * saved"), the press is left as it was, so the answer tells the truth.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { AuditLog } from '../model/audit.js';
import { clientAddress, currentUser, requireRole } from '../http/auth-guard.js';
import { notFound } from '../http/http-error.js';
import { parseBody } from '../http/validate.js';
import { freeText } from '../lib/free-text.js';
import { stopReasons } from '../model/vocabulary.js';

const stopCodeReason = z.enum([...stopReasons, 'none'], { error: `one of ${[...stopReasons, 'none'].join(', ')}` });

export const simulationEventSchema = z.discriminatedUnion('action', [
  z.strictObject({
    action: z.literal('jam'),
    code: freeText(z.string().max(64)).optional(),
    /** The jam's alarm bit follows the stop code this much later (the press stops at once with `stopCode`). */
    lagMs: z.number().min(0).max(60_000).optional(),
    stopCode: stopCodeReason.optional(),
  }),
  z.strictObject({ action: z.enum(['clear-jam', 'open-door', 'close-door', 'e-stop', 'release-e-stop', 'start', 'finish-job', 'clear-faults']) }),
  /** An operator stop; `reason` is what the PLC's state code says ('none': a plain stop code). */
  z.strictObject({ action: z.literal('stop'), reason: stopCodeReason.optional() }),
  /** The next job begins at once (counters reset), of `goodSheets` good sheets if given. */
  z.strictObject({ action: z.literal('new-job'), goodSheets: z.number().int().min(1).max(100_000_000).optional() }),
  /** The total counter reads `value` (default 4,294,967,290) for `durationMs` (default 1.5 s). */
  z.strictObject({
    action: z.literal('counter-glitch'),
    value: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .optional(),
    durationMs: z.number().min(0).max(60_000).optional(),
  }),
  z.strictObject({ action: z.literal('refill-ink'), unit: z.number().int().min(1).max(32), level: z.number().min(0).max(100).optional() }),
  z.strictObject({ action: z.literal('refill-paper'), level: z.number().min(0).max(100).optional() }),
  z.strictObject({ action: z.literal('set-level'), name: freeText(z.string().max(64)), level: z.number().min(0).max(100) }),
  z.strictObject({
    action: z.literal('fault'),
    silent: z.number().min(0).max(1).optional(),
    delayMs: z.number().min(0).max(60_000).optional(),
    badCrc: z.number().min(0).max(1).optional(),
    garbageBytes: z.number().int().min(0).max(256).optional(),
    drop: z.number().min(0).max(1).optional(),
    lateMs: z.number().min(0).max(60_000).optional(),
  }),
]);
export type SimulationEvent = z.infer<typeof simulationEventSchema>;

/** An event the press accepts, not yet applied. */
export interface PreparedSimulationEvent {
  /** What the event resolved to (the jam code chosen), for the answer and the audit line. */
  outcome: { result?: string };
  /** Applies it; does not throw for an event that was prepared. */
  apply(): void;
}

export interface SimulationControl {
  /** False when the press is not simulated. */
  has(pressId: string): boolean;
  /** Checks the event against the press (HttpError 400 when the press cannot do it); changes nothing. */
  prepare(pressId: string, event: SimulationEvent): PreparedSimulationEvent;
}

export function simulationRoutes(options: { control: SimulationControl; audit: AuditLog }): Router {
  const router = Router();
  const { control, audit } = options;
  router.post('/simulation/presses/:id/events', requireRole('operator'), (req, res) => {
    const pressId = req.params.id as string;
    if (!control.has(pressId)) throw notFound(`simulated press "${pressId}"`);
    const event = parseBody(simulationEventSchema, req);
    const prepared = control.prepare(pressId, event);
    const user = currentUser(res)!;
    const { action, ...details } = event;
    // a StoreError here answers 503 and the press never sees the event
    audit.record({
      userId: user.id,
      username: user.username,
      action: `simulation.${action}`,
      target: `press:${pressId}`,
      ip: clientAddress(req),
      details: { ...details, ...prepared.outcome },
    });
    prepared.apply();
    res.json({ pressId, ...event, ...prepared.outcome });
  });
  return router;
}
