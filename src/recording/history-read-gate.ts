/**
 * Per-client admission for trend reads: each client (an address) has at most `running` reads
 * in the worker pool at once; more wait in a short queue of their own, in order; past
 * `waiting`, or after `maxWaitMs` in the queue, a read is refused with HistoryRefused
 * ('client-limit', a 429 with Retry-After). One client hammering long trends then gets its own
 * share of the readers and no more, and the others (wall screens, the office) keep theirs.
 *
 * Sized for the dashboard: opening a press's page asks for speed, paper and each ink unit's
 * trend at once (up to 7), which wait their turn rather than being refused.
 */
import { HistoryRefused } from '../http/ports.js';

export interface HistoryReadGateOptions {
  /** Reads one client may have running at once. Default 2. */
  running?: number;
  /** Reads one client may have waiting behind those. Default 16. */
  waiting?: number;
  /** Longest wait for a turn before the read is refused. Default 10 s. */
  maxWaitMs?: number;
  /** Retry-After of a refusal, in seconds. Default 1. */
  retryAfterS?: number;
}

export interface HistoryReadGate {
  /** Resolves with the function that frees the turn (call it exactly once), when it is this read's turn. */
  enter(client: string, abort: AbortSignal): Promise<() => void>;
  /** Reads running and waiting, over all clients. */
  load(): { running: number; waiting: number; clients: number };
}

interface Waiter {
  admit: () => void;
  refuse: (error: Error) => void;
}

interface ClientTurns {
  running: number;
  queue: Waiter[];
}

export function createHistoryReadGate(options: HistoryReadGateOptions = {}): HistoryReadGate {
  const maxRunning = options.running ?? 2;
  const maxWaiting = options.waiting ?? 16;
  const maxWaitMs = options.maxWaitMs ?? 10_000;
  const retryAfterS = options.retryAfterS ?? 1;
  const clients = new Map<string, ClientTurns>();

  const release = (client: string, turns: ClientTurns) => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      turns.running -= 1;
      const next = turns.queue.shift();
      if (next) next.admit();
      else if (turns.running === 0) clients.delete(client);
    };
  };

  return {
    enter(client, abort) {
      let turns = clients.get(client);
      if (!turns) clients.set(client, (turns = { running: 0, queue: [] }));
      const own = turns;
      if (own.running < maxRunning && own.queue.length === 0) {
        own.running += 1;
        return Promise.resolve(release(client, own));
      }
      if (own.queue.length >= maxWaiting) {
        return Promise.reject(
          new HistoryRefused(
            'client-limit',
            `too many trend reads from ${client} at once (${maxRunning} running, ${maxWaiting} waiting); try again shortly`,
            retryAfterS,
          ),
        );
      }
      return new Promise((resolve, reject) => {
        const leave = () => {
          clearTimeout(timer);
          abort.removeEventListener('abort', onAbort);
          const index = own.queue.indexOf(waiter);
          if (index >= 0) own.queue.splice(index, 1);
          if (own.running === 0 && own.queue.length === 0) clients.delete(client);
        };
        const waiter: Waiter = {
          admit: () => {
            clearTimeout(timer);
            abort.removeEventListener('abort', onAbort);
            own.running += 1;
            resolve(release(client, own));
          },
          refuse: (error) => {
            leave();
            reject(error);
          },
        };
        const onAbort = () => waiter.refuse(abort.reason instanceof Error ? abort.reason : new Error('the client went away'));
        const timer = setTimeout(
          () =>
            waiter.refuse(
              new HistoryRefused(
                'client-limit',
                `trend read from ${client} waited ${maxWaitMs} ms for its turn behind the same client's reads; try again shortly`,
                retryAfterS,
              ),
            ),
          maxWaitMs,
        );
        timer.unref();
        if (abort.aborted) return onAbort();
        abort.addEventListener('abort', onAbort, { once: true });
        own.queue.push(waiter);
      });
    },
    load() {
      let running = 0;
      let waiting = 0;
      for (const turns of clients.values()) {
        running += turns.running;
        waiting += turns.queue.length;
      }
      return { running, waiting, clients: clients.size };
    },
  };
}
