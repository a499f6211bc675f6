/**
 * Report reads wait their turn: never run inside the I/O callback that brought them, worked in
 * order in slices that give the event loop back (timers run between two slices), refused (503)
 * past the queue's bound.
 */
import type { NextFunction, Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { HttpError } from '../../src/http/http-error.js';
import { createReportTurns } from '../../src/production/report-turns.js';

function request(): { req: Request; res: Response } {
  const headers: Record<string, string> = {};
  return {
    req: { destroyed: false } as unknown as Request,
    res: { writableEnded: false, setHeader: (k: string, v: string) => (headers[k] = v), headers } as unknown as Response,
  };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('report turns', () => {
  it('runs reads in their order, after the current callback, in slices that let a timer in between', async () => {
    const turns = createReportTurns({ sliceMs: 5 });
    const ran: string[] = [];
    const busy = (label: string, ms: number) => () => {
      const until = performance.now() + ms;
      while (performance.now() < until);
      ran.push(label);
    };
    let timerRanAfter: number | undefined;
    for (const label of ['a', 'b', 'c', 'd']) {
      const { req, res } = request();
      const read = busy(label, 3);
      // the first read sets a timer (as a poll would be due): it runs after this slice, before the rest
      turns.middleware(req, res, (label === 'a' ? () => (read(), setTimeout(() => (timerRanAfter = ran.length), 0)) : read) as NextFunction);
    }
    expect(ran).toEqual([]); // not in the callback that brought them
    while (ran.length < 4) await new Promise((resolve) => setTimeout(resolve, 2));
    expect(ran).toEqual(['a', 'b', 'c', 'd']);
    // a 5 ms slice holds two 3 ms reads: the timer got the loop before all four were done
    expect(timerRanAfter).toBeLessThan(4);
    expect(turns.load().waiting).toBe(0);
  });

  it('skips a read whose client went away, and refuses past the bound with 503 and Retry-After', async () => {
    const turns = createReportTurns({ maxQueued: 2, retryAfterS: 3 });
    const ran: number[] = [];
    const first = request();
    turns.middleware(first.req, first.res, (() => ran.push(1)) as NextFunction);
    const second = request();
    turns.middleware(second.req, second.res, (() => ran.push(2)) as NextFunction);
    const third = request();
    expect(() => turns.middleware(third.req, third.res, (() => ran.push(3)) as NextFunction)).toThrow(HttpError);
    expect((third.res as unknown as { headers: Record<string, string> }).headers['Retry-After']).toBe('3');
    (first.req as { destroyed: boolean }).destroyed = true;
    await turn();
    expect(ran).toEqual([2]);
    expect(turns.load()).toEqual({ waiting: 0, refused: 1 });
  });
});
