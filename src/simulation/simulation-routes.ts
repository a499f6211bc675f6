/**
 * Drives the built-in simulator of presses on `simulate: true` buses: a trainer (or a test)
 * makes a jam, opens a door or refills ink, and watches Pressroom react over real Modbus.
 * Absent for presses on real buses. Every event is a write like any other: it is audited
 * (`simulation.<action>`, target `press:<id>`, the event as details) once the simulator took it;
 * an event the simulator refuses (400) changes nothing and is not audited.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { AuditLog } from '../model/audit.js';
import { clientAddress, currentUser, requireRole } from '../http/auth-guard.js';
import { notFound } from '../http/http-error.js';
import { parseBody } from '../http/validate.js';

export const simulationEventSchema = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('jam'), code: z.string().max(64).optional() }),
  z.strictObject({ action: z.enum(['clear-jam', 'open-door', 'close-door', 'e-stop', 'release-e-stop', 'stop', 'start', 'finish-job', 'clear-faults']) }),
  z.strictObject({ action: z.literal('refill-ink'), unit: z.number().int().min(1).max(32), level: z.number().min(0).max(100).optional() }),
  z.strictObject({ action: z.literal('refill-paper'), level: z.number().min(0).max(100).optional() }),
  z.strictObject({ action: z.literal('set-level'), name: z.string().max(64), level: z.number().min(0).max(100) }),
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

export interface SimulationControl {
  /** False when the press is not simulated. */
  has(pressId: string): boolean;
  apply(pressId: string, event: SimulationEvent): { result?: string };
}

export function simulationRoutes(options: { control: SimulationControl; audit: AuditLog }): Router {
  const router = Router();
  const { control, audit } = options;
  router.post('/simulation/presses/:id/events', requireRole('operator'), (req, res) => {
    const pressId = req.params.id as string;
    if (!control.has(pressId)) throw notFound(`simulated press "${pressId}"`);
    const event = parseBody(simulationEventSchema, req);
    const outcome = control.apply(pressId, event);
    const user = currentUser(res)!;
    const { action, ...details } = event;
    audit.record({ userId: user.id, username: user.username, action: `simulation.${action}`, target: `press:${pressId}`, ip: clientAddress(req), details: { ...details, ...outcome } });
    res.json({ pressId, ...event, ...outcome });
  });
  return router;
}
