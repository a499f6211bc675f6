/**
 * Admission control for report reads, so readers can never take the event loop from polling,
 * alarms and the socket:
 * - one client's reads are worked at a time, in a turn of the loop of their own (never inside
 *   the I/O callback that brought them), and after the turn report reads rest in proportion to
 *   what it cost, so that all of them together take at most `share` of the main thread
 *   (default a quarter: a 6 ms turn is followed by 21 ms in which the loop belongs to everything
 *   else). The cost counted is the handlers' plus `overheadMs` per read for what a read costs
 *   around its handler (parsing, routing, the socket's write): a kept answer sent in 0.2 ms
 *   still costs about a millisecond in all, and without it eight clients fetching kept answers
 *   kept the thread 96 % busy;
 * - each client (its address) has one turn at a time: its reads waiting together (the reports
 *   page asks four at once) are answered in its turn while that has taken less than `sliceMs`,
 *   and its next turn comes once those responses are written (or the client went away); clients
 *   are served in turn, so one hammering client waits for itself, not the others;
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
  /**
   * What a read costs the main thread outside its handler (parsing, routing, headers, the
   * socket's write after it), added to the measured cost for the rest. Default 1 ms.
   */
  overheadMs?: number;
  /** A client's reads waiting together are answered in its turn while it has taken less than this. Default 4 ms. */
  sliceMs?: number;
  /**
   * Reads one client may have waiting besides the ones being answered. Default 48: the reports
   * page asks for a shift's OEE, jobs and downtime and, per press, its Pareto, timeline and
   * supplies at once (3 + 3 per press), and must not be refused its own page.
   */
  perClient?: number;
  /** Reads waiting at most, all clients. Default 256. */
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
  /** Responses of this client's last turn not yet written. */
  answering: number;
}

export function createReportTurns(options: ReportTurnsOptions = {}): ReportTurns {
  const share = Math.min(1, Math.max(0.01, options.share ?? 0.25));
  const overheadMs = options.overheadMs ?? 1;
  const sliceMs = options.sliceMs ?? 4;
  const perClient = options.perClient ?? 48;
  const maxQueued = options.maxQueued ?? 256;
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

  /** The lane's next read whose client is still there. */
  const nextOf = (lane: Lane): Read | undefined => {
    for (let read = lane.waiting.shift(); read; read = lane.waiting.shift()) {
      waiting -= 1;
      if (!read.gone()) return read;
    }
    return undefined;
  };

  const turn = () => {
    scheduled = false;
    let client: string | undefined;
    let lane: Lane | undefined;
    for (const [c, l] of lanes) {
      if (l.answering > 0) continue;
      if (l.waiting.length > 0) [client, lane] = [c, l];
      else lanes.delete(c);
      if (lane) break;
    }
    if (!client || !lane) return;
    // served: to the back of the order
    lanes.delete(client);
    lanes.set(client, lane);
    const served = lane;
    const started = performance.now();
    let reads = 0;
    scheduled = true; // a response closing inside the turn schedules nothing before its rest is known
    try {
      // the client's reads asked together (the reports page's four) go in its turn, up to a slice
      for (let read = nextOf(served); read; read = performance.now() - started < sliceMs ? nextOf(served) : undefined) {
        served.answering += 1;
        reads += 1;
        read.res.once('close', () => {
          served.answering -= 1;
          schedule();
        });
        read.run(); // express catches what the handler throws and answers it
      }
    } finally {
      const ended = performance.now();
      workedMs += ended - started;
      restUntil = ended + ((ended - started + reads * overheadMs) * (1 - share)) / share;
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
      if (!lane) lanes.set(client, (lane = { waiting: [], answering: 0 }));
      lane.waiting.push({ run: () => proceed(), gone: () => req.destroyed || res.writableEnded, res });
      waiting += 1;
      schedule();
    },
    load: () => ({ waiting, refused, workedMs }),
  };
}
