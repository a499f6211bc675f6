/**
 * Writes that must survive a database hiccup (a busy lock, a full disk, a file gone
 * read-only): each is tried at once; while the store refuses, writes queue in memory in
 * their original order and are replayed in that order when it accepts again. A write with a
 * `key` replaces a queued one with the same key (the latest counter state is all that
 * matters). Bounded: past `maxPending` the oldest are dropped, and that is logged.
 */
import type { Logger } from 'pino';

export interface DeferredWrites {
  run(label: string, write: () => void, key?: string): void;
  pending(): number;
  /** The last failure while writes are queued, for /api/health. */
  trouble(): string | undefined;
  flush(): void;
  stop(): void;
}

interface QueuedWrite {
  label: string;
  key: string | undefined;
  write: () => void;
}

export function createDeferredWrites(options: { logger: Logger; retryMs?: number; maxPending?: number }): DeferredWrites {
  const maxPending = options.maxPending ?? 50_000;
  let queue: QueuedWrite[] = [];
  let lastError: string | undefined;
  let dropped = 0;

  const flush = () => {
    while (queue.length > 0) {
      const head = queue[0]!;
      try {
        head.write();
      } catch (error) {
        lastError = `${head.label}: ${(error as Error).message}`;
        return;
      }
      queue.shift();
    }
    if (lastError !== undefined) options.logger.info({ dropped }, 'database accepts writes again; queued writes replayed');
    lastError = undefined;
    dropped = 0;
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
          lastError = `${label}: ${(error as Error).message}`;
          options.logger.error({ err: error, write: label }, 'database refused a write; queueing writes until it recovers');
        }
      }
      if (key !== undefined) {
        const index = queue.findIndex((q) => q.key === key);
        if (index >= 0) queue.splice(index, 1);
      }
      queue.push({ label, key, write });
      if (queue.length > maxPending) {
        dropped += queue.length - maxPending;
        queue = queue.slice(queue.length - maxPending);
        options.logger.warn({ dropped, maxPending }, 'write queue full: dropped the oldest queued writes');
      }
    },
    pending: () => queue.length,
    trouble: () => lastError,
    flush,
    stop() {
      clearInterval(timer);
      flush();
    },
  };
}
