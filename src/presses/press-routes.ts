import { Router } from 'express';
import { z } from 'zod';
import { notFound } from '../http/http-error.js';
import type { PressReadModel, TransitionView } from '../http/ports.js';
import { parseQuery } from '../http/validate.js';
import { instant, orderedRange } from '../http/query-params.js';

const DAY = 24 * 3600_000;

export const transitionsQuery = z.strictObject({ from: instant.optional(), to: instant.optional() });

/** The stored run-state transitions, as the transitions route needs them. */
export interface TransitionsReader {
  list(query: { pressId: string; from: number; to: number }): TransitionView[];
  inForceAt(pressId: string, at: number): TransitionView | null;
}

export function pressRoutes(options: { presses: PressReadModel; transitions: TransitionsReader; now: () => number }): Router {
  const router = Router();
  const { presses, transitions, now } = options;

  router.get('/presses', (_req, res) => {
    res.json(presses.list());
  });

  router.get('/presses/:id', (req, res) => {
    const press = presses.get(req.params.id);
    if (!press) throw notFound(`press "${req.params.id}"`);
    res.json(press);
  });

  router.get('/presses/:id/transitions', (req, res) => {
    const press = presses.get(req.params.id);
    if (!press) throw notFound(`press "${req.params.id}"`);
    const query = parseQuery(transitionsQuery, req);
    const to = query.to ?? now();
    const from = query.from ?? to - DAY;
    orderedRange({ from, to });
    // `previous`: the transition in force at `from` (before it), so a client can draw the whole range
    res.json({
      pressId: press.id,
      from,
      to,
      transitions: transitions.list({ pressId: press.id, from, to }).map(view),
      previous: nullable(transitions.inForceAt(press.id, from)),
    });
  });

  return router;
}

function view(t: TransitionView): TransitionView {
  return { at: t.at, state: t.state, reason: t.reason, detail: t.detail };
}

function nullable(t: TransitionView | null): TransitionView | null {
  return t && view(t);
}
