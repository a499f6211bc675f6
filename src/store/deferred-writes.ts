/**
 * Machine writes that must survive a database hiccup (a busy lock, a full disk, a file gone
 * read-only): run-state transitions, counters, alarm journal lines and alarm rows. Each is
 * tried at once; while the store refuses, writes queue in memory in their original order and
 * are replayed in that order when it accepts again. Once something is queued, later writes
 * go behind it without touching the database, so a replay never overwrites a newer row with
 * an older one. A write with a `key` replaces a queued one with the same key (the latest
 * counter state is all that matters).
 *
 * What is never silent:
 * - past `maxPending` the oldest queued writes are dropped: logged at error once per episode,
 *   counted in `dropped()` (shown in /api/health). These writes are rare (a transition or an
 *   alarm change every few seconds per press), so the bound only guards memory in an outage
 *   of many hours.
 * - a write refused for what it holds rather than for the medium (a constraint or SQL error,
 *   or not a store error at all) would fail forever and hold up everything behind it: it is
 *   dropped at once, logged at error and counted too.
 */
import type { Logger } from 'pino';

export interface DeferredWrites {
  run(label: string, write: () => void, key?: string): void;
  pending(): number;
  /** The last failure while writes are queued, for /api/health. */
  trouble(): string | undefined;
  /** The error that keeps writes queued (a StoreError), or undefined when nothing is queued. */
  troubleError(): unknown;
  /** Writes lost since start (queue overflow or refused for their content). */
  dropped(): number;
  /** Try the queued writes now, in order; stops at the first the store refuses. */
  flush(): void;
  stop(): void;
}

interface QueuedWrite {
  label: string;
  key: string | undefined;
  write: () => void;
}

/** StoreError kinds that are about the medium and may pass: worth retrying. */
const RETRYABLE = new Set(['busy', 'read-only', 'disk-full', 'io', 'corrupt']);

function retryable(error: unknown): boolean {
  const kind = (error as { kind?: unknown } | null)?.kind;
  return typeof kind === 'string' && RETRYABLE.has(kind);
}

export function createDeferredWrites(options: { logger: Logger; retryMs?: number; maxPending?: number }): DeferredWrites {
  const { logger } = options;
  const maxPending = options.maxPending ?? 50_000;
  let queue: QueuedWrite[] = [];
  let lastError: unknown;
  let lastMessage: string | undefined;
  let dropped = 0;
  let droppedThisEpisode = 0;

  const refusedForContent = (label: string, error: unknown) => {
    dropped += 1;
    logger.error({ err: error, write: label, droppedTotal: dropped }, 'database refused a write for its content; it cannot succeed on retry and is lost');
  };

  const flush = () => {
    while (queue.length > 0) {
      const head = queue[0]!;
      try {
        head.write();
      } catch (error) {
        if (retryable(error)) {
          lastError = error;
          lastMessage = `${head.label}: ${(error as Error).message}`;
          return;
        }
        refusedForContent(head.label, error);
      }
      queue.shift();
    }
    if (lastError !== undefined) {
      if (droppedThisEpisode > 0)
        logger.error({ dropped: droppedThisEpisode }, 'database accepts writes again; queued writes replayed, but some were dropped while it refused');
      else logger.info('database accepts writes again; queued writes replayed in order, none lost');
    }
    lastError = undefined;
    lastMessage = undefined;
    droppedThisEpisode = 0;
  };
  const timer = setInterval(flush, options.retryMs ?? 2000);
  timer.unref();

  return {
    run(label, write, key) {
      if (queue.length === 0) {
        try {
          write();
          return;
        } catch (error) {
          if (!retryable(error)) {
            refusedForContent(label, error);
            return;
          }
          lastError = error;
          lastMessage = `${label}: ${(error as Error).message}`;
          logger.error({ err: error, write: label }, 'database refused a write; queueing writes in order until it recovers');
        }
      }
      if (key !== undefined) {
        const index = queue.findIndex((q) => q.key === key);
        if (index >= 0) queue.splice(index, 1);
      }
      queue.push({ label, key, write });
      if (queue.length > maxPending) {
        const excess = queue.length - maxPending;
        if (droppedThisEpisode === 0) {
          logger.error(
            { maxPending, lost: queue.slice(0, excess).map((q) => q.label) },
            'write queue full: dropping the oldest queued writes (transitions, alarm changes); they are lost',
          );
        }
        dropped += excess;
        droppedThisEpisode += excess;
        queue = queue.slice(excess);
      }
    },
    pending: () => queue.length,
    trouble: () => lastMessage,
    troubleError: () => (queue.length > 0 ? lastError : undefined),
    dropped: () => dropped,
    flush,
    stop() {
      clearInterval(timer);
      flush();
    },
  };
}
