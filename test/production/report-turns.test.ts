/**
 * Report reads are admitted so that they cannot take the event loop: never run inside the I/O
 * callback that brought them, one client's turn at a time with a rest in proportion to its cost
 * (a timer due meanwhile runs between two turns), a client's next turn only once its answers
 * are written, clients served in turn, refused (503, Retry-After) past a small queue.
 */
import { EventEmitter } from 'node:events';
import type { NextFunction, Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { HttpError } from '../../src/http/http-error.js';
import { createReportTurns } from '../../src/production/report-turns.js';

type FakeRes = Response & { headers: Record<string, string>; finish(): void };

function request(client = '127.0.0.1'): { req: Request; res: FakeRes } {
  const headers: Record<string, string> = {};
  const res = Object.assign(new EventEmitter(), {
    writableEnded: false,
    headers,
    setHeader: (k: string, v: string) => (headers[k] = v),
    finish() {
      res.writableEnded = true;
      res.emit('close');
    },
  });
  return { req: { destroyed: false, socket: { remoteAddress: client } } as unknown as Request, res: res as unknown as FakeRes };
}

const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};
const until = async (done: () => boolean) => {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 1));
};

describe('report turns', () => {
  it('runs one read per turn, after the current callback, resting so a due timer runs between two reads', async () => {
    const turns = createReportTurns({ share: 0.5 });
    const ran: string[] = [];
    let timerRanAfter: number | undefined;
    for (const client of ['a', 'b', 'c']) {
      const { req, res } = request(client);
      turns.middleware(req, res, (() => {
        busy(4);
        ran.push(client);
        if (client === 'a') setTimeout(() => (timerRanAfter = ran.length), 0); // as a poll falling due
        res.finish();
      }) as NextFunction);
    }
    expect(ran).toEqual([]); // not in the callback that brought them
    await until(() => ran.length === 3);
    expect(ran).toEqual(['a', 'b', 'c']);
    expect(timerRanAfter).toBe(1); // the timer got the loop in the rest after the first read
    expect(turns.load().workedMs).toBeGreaterThanOrEqual(12);
  });

  it("answers a client's reads asked together in its turn, up to a slice, and its next turn after they are written", async () => {
    const turns = createReportTurns({ share: 1, sliceMs: 4 });
    const ran: string[] = [];
    const open = new Map<string, FakeRes>();
    const ask = (client: string, label: string, ms = 0) => {
      const { req, res } = request(client);
      turns.middleware(req, res, (() => (busy(ms), ran.push(label), open.set(label, res))) as NextFunction);
    };
    ask('greedy', 'g1', 5); // longer than a slice: g2 waits for the next turn of its client
    ask('greedy', 'g2');
    ask('greedy', 'g3');
    ask('other', 'o1');
    await until(() => ran.length === 2);
    await new Promise((resolve) => setTimeout(resolve, 5));
    // g2 waits until g1's response is written, though the loop is free; the other client is served meanwhile
    expect(ran).toEqual(['g1', 'o1']);
    open.get('g1')!.finish();
    await until(() => ran.length === 4);
    expect(ran).toEqual(['g1', 'o1', 'g2', 'g3']); // g2 and g3 in one turn
  });

  it("skips a read whose client went away, and refuses past a client's queue or the total with 503 and Retry-After", async () => {
    const turns = createReportTurns({ perClient: 2, maxQueued: 3, retryAfterS: 3 });
    const ran: number[] = [];
    const reads = [1, 2, 3].map((n) => {
      const { req, res } = request('greedy');
      if (n <= 2) turns.middleware(req, res, (() => ran.push(n)) as NextFunction);
      return { req, res, n };
    });
    const third = reads[2]!;
    expect(() => turns.middleware(third.req, third.res, (() => ran.push(3)) as NextFunction)).toThrow(HttpError);
    expect(third.res.headers['Retry-After']).toBe('3');
    const other = request('other');
    turns.middleware(other.req, other.res, (() => ran.push(4)) as NextFunction);
    const fifth = request('third');
    expect(() => turns.middleware(fifth.req, fifth.res, (() => ran.push(5)) as NextFunction)).toThrow(HttpError); // 3 waiting in all
    (reads[0]!.req as { destroyed: boolean }).destroyed = true;
    await until(() => ran.length === 2);
    expect(ran.sort()).toEqual([2, 4]);
    expect(turns.load()).toMatchObject({ waiting: 0, refused: 2 });
  });
});
