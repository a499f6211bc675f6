/**
 * Reconnect delays: exponential with "equal jitter" (half fixed, half random), so a shop
 * full of controllers that lost the same switch do not all knock again at the same instant.
 */
export class Backoff {
  private failures = 0;

  constructor(private readonly options: { initialMs: number; maxMs: number; random: () => number }) {}

  /** Delay before the next attempt; each call counts one more failure. */
  next(): number {
    const ceiling = Math.min(this.options.maxMs, this.options.initialMs * 2 ** Math.min(this.failures, 30));
    this.failures++;
    return Math.round(ceiling / 2 + (ceiling / 2) * this.options.random());
  }

  reset(): void {
    this.failures = 0;
  }
}
