/**
 * Admission control for report reads, so readers can never take the event loop from polling,
 * alarms and the socket:
 * - one read is worked at a time, in its own turn of the loop (never inside the I/O callback
 *   that brought it), and after it the reads rest in proportion to what it cost, so that all
 *   report reads together take at most `share` of the main thread (default a quarter: a 6 ms
 *   answer is followed by 18 ms in which the loop belongs to everything else);
 * - each client (its address) has one read being answered at a time, until its response is
 *   written or the client went away, and at most `perClient` waiting; clients are served in
 *   turn, so one hammering client waits for itself, not the others;
 * - past `perClient` waiting for that client, or `maxQueued` for all, a read is refused at once
 *   with 503 and Retry-After: the queue stays small, and a refused read costs nothing.
 * A kept answer (report-answers.ts) costs well under a millisecond, so the share leaves room
 * for hundreds of those a second; the bound holds whatever the clients ask.
 */
import type { Request, RequestHandler, Response } from 'express';
import { clientAddress } from '../http/auth-guard.js';
import { HttpError } from '../http/http-error.js';

export interface ReportTurnsOptions {
  /** Of the main thread, the part report reads may take (0 < share ≤ 1). Default 0.25. */
  share?: number;
  /** Reads one client may have waiting besides the one being answered. Default 4. */
  perClient?: number;
  /** Reads waiting at most, all clients. Default 64. */
  maxQueued?: number;
  /** Retry-After of a refusal, in seconds. Default 1. */
  retryAfterS?: number;
}

export interface ReportTurns {
  /** Express middleware: the rest of the request's handling runs in the read's turn. Throws 503 (HttpError) when refused. */
  readonly middleware: RequestHandler;
  /** Reads waiting now, refused since start, and the main-thread time spent on reads (ms). */
  load(): { waiting: number; refused: number; workedMs: number };
}

interface Read {
  run: () => void;
  gone: () => boolean;
  res: Response;
}
interface Lane {
  waiting: Read[];
  answering: boolean;
}

export function createReportTurns(options: ReportTurnsOptions = {}): ReportTurns {
  const share = Math.min(1, Math.max(0.01, options.share ?? 0.25));
  const perClient = options.perClient ?? 4;
  const maxQueued = options.maxQueued ?? 64;
  const retryAfterS = options.retryAfterS ?? 1;
  /** In the order they are served next (a served lane goes to the back). */
  const lanes = new Map<string, Lane>();
  let waiting = 0;
  let refused = 0;
  let workedMs = 0;
  let scheduled = false;
  /** performance.now() before which no read starts (the rest after the last one). */
  let restUntil = 0;

  const refuse = (res: Response, why: string): never => {
    refused += 1;
    res.setHeader('Retry-After', String(retryAfterS));
    throw new HttpError(503, 'overloaded', `${why}; try again in ${retryAfterS} s`);
  };

  const next = (): { client: string; lane: Lane; read: Read } | undefined => {
    for (const [client, lane] of lanes) {
      if (lane.answering) continue;
      let read = lane.waiting.shift();
      while (read && read.gone()) {
        waiting -= 1;
        read = lane.waiting.shift();
      }
      if (!read) {
        lanes.delete(client);
        continue;
      }
      waiting -= 1;
      return { client, lane, read };
    }
    return undefined;
  };

  const turn = () => {
    scheduled = false;
    const picked = next();
    if (!picked) return;
    const { client, lane, read } = picked;
    // served: to the back of the order
    lanes.delete(client);
    lanes.set(client, lane);
    lane.answering = true;
    read.res.once('close', () => {
      lane.answering = false;
      if (lane.waiting.length === 0 && lanes.get(client) === lane) lanes.delete(client);
      schedule();
    });
    const started = performance.now();
    scheduled = true; // a response closing inside the read schedules nothing before its rest is known
    try {
      read.run(); // express catches what the handler throws and answers it
    } finally {
      const ended = performance.now();
      workedMs += ended - started;
      restUntil = ended + ((ended - started) * (1 - share)) / share;
      scheduled = false;
      schedule();
    }
  };
  function schedule(): void {
    if (scheduled || waiting === 0) return;
    scheduled = true;
    const restMs = restUntil - performance.now();
    if (restMs >= 1) setTimeout(turn, restMs);
    else setImmediate(turn);
  }

  return {
    middleware(req: Request, res: Response, proceed) {
      const client = clientAddress(req) ?? 'unknown';
      let lane = lanes.get(client);
      if (lane && lane.waiting.length >= perClient) refuse(res, `this client has ${perClient} report reads waiting`);
      if (waiting >= maxQueued) refuse(res, 'too many report reads are waiting');
      if (!lane) lanes.set(client, (lane = { waiting: [], answering: false }));
      lane.waiting.push({ run: () => proceed(), gone: () => req.destroyed || res.writableEnded, res });
      waiting += 1;
      schedule();
    },
    load: () => ({ waiting, refused, workedMs }),
  };
}
