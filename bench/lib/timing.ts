/** Clocks and bounded waits for benchmark loops: every loop has a deadline and stops by itself. */
import { setTimeout as sleepMs } from 'node:timers/promises';

export const now = (): number => performance.now();

export function sleep(ms: number): Promise<void> {
  return sleepMs(ms).then(() => undefined);
}

/** Runs `body` until `durationMs` has passed or it has run `maxIterations` times; returns iterations and elapsed ms. */
export async function runFor(options: {
  durationMs: number;
  maxIterations?: number;
  body: (i: number) => Promise<void>;
}): Promise<{ iterations: number; elapsedMs: number }> {
  const started = now();
  const max = options.maxIterations ?? Number.POSITIVE_INFINITY;
  let iterations = 0;
  while (iterations < max && now() - started < options.durationMs) {
    await options.body(iterations);
    iterations++;
  }
  return { iterations, elapsedMs: now() - started };
}

/** Rejects with a message naming `what` when `promise` does not settle within `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `check` every `intervalMs` until it returns a value, or rejects after `timeoutMs`. */
export async function until<T>(
  check: () => Promise<T | undefined> | T | undefined,
  options: { timeoutMs: number; intervalMs?: number; what: string },
): Promise<T> {
  const deadline = now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (now() > deadline) throw new Error(`timed out waiting for ${options.what}${lastError ? `: ${String(lastError)}` : ''}`);
    await sleep(options.intervalMs ?? 50);
  }
}
