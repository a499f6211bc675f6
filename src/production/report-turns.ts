/**
 * Report reads take their turn on the event loop: each request, once past the read guard, waits
 * in one queue, and the queue is worked in slices of a few milliseconds, one slice per turn of
 * the loop, with a rest as long as the slice before the next one while reads keep coming, so
 * polling, alarms and the socket always get the loop between slices. Without
 * it, eight clients asking at once had all their reports computed and serialised back to back
 * in one turn (100 ms and more), and a jam waited behind them.
 *
 * A report of closed periods costs 1-3 ms on the main thread (the rollups keep the sums of whole
 * days and weeks), so a slice is several reports when many wait, and a lone report runs at once.
 * Past `maxQueued` waiting, a read is refused with 503 and Retry-After: a client hammering
 * reports cannot grow the queue without bound.
 */
import type { RequestHandler } from 'express';
import { HttpError } from '../http/http-error.js';

export interface ReportTurnsOptions {
  /** Work done in one turn before the loop is given back. Default 4 ms. */
  sliceMs?: number;
  /** Reads waiting at most; more are refused (503). Default 256. */
  maxQueued?: number;
  /** Retry-After of a refusal, in seconds. Default 1. */
  retryAfterS?: number;
}

export interface ReportTurns {
  /** Express middleware: the rest of the request's handling runs in the queue's turn. */
  readonly middleware: RequestHandler;
  /** Reads waiting now, and refused since start. */
  load(): { waiting: number; refused: number };
}

export function createReportTurns(options: ReportTurnsOptions = {}): ReportTurns {
  const sliceMs = options.sliceMs ?? 4;
  const maxQueued = options.maxQueued ?? 256;
  const retryAfterS = options.retryAfterS ?? 1;
  const queue: { run: () => void; gone: () => boolean }[] = [];
  let scheduled = false;
  let refused = 0;

  const slice = () => {
    scheduled = false;
    const started = performance.now();
    do {
      const next = queue.shift();
      if (!next) break;
      if (!next.gone()) next.run(); // express catches what the handler throws and answers it
    } while (performance.now() < started + sliceMs);
    // Reads still waiting: the next slice comes after a rest as long as this slice's own work
    // (up to a slice), so reports get at most about half of a loop that other work needs too.
    if (queue.length > 0) schedule(Math.min(sliceMs, performance.now() - started));
  };
  const schedule = (restMs: number) => {
    if (scheduled) return;
    scheduled = true;
    if (restMs >= 1) setTimeout(slice, restMs);
    else setImmediate(slice);
  };

  return {
    middleware(req, res, next) {
      if (queue.length >= maxQueued) {
        refused += 1;
        res.setHeader('Retry-After', String(retryAfterS));
        throw new HttpError(503, 'overloaded', `too many report reads are waiting; try again in ${retryAfterS} s`);
      }
      queue.push({ run: () => next(), gone: () => req.destroyed || res.writableEnded });
      schedule(0);
    },
    load: () => ({ waiting: queue.length, refused }),
  };
}
