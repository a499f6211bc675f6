/**
 * Counts the raises of one condition inside a sliding window (one minute by default).
 * Three or more raises in the window is chattering (ISA-18.2): a sensor on the edge, a
 * loose connector. Each time a condition starts chattering counts as one episode, so a
 * report can name the worst offenders.
 */
export interface ChatterSettings {
  windowMs: number;
  threshold: number;
}

export const DEFAULT_CHATTER: ChatterSettings = { windowMs: 60_000, threshold: 3 };

export class ChatterCounter {
  private raises: number[] = [];
  episodes = 0;
  lastEpisodeAt: number | null = null;

  constructor(private readonly settings: ChatterSettings) {}

  /** Records a raise; returns true when this raise starts a chattering episode. */
  recordRaise(at: number): boolean {
    const wasChattering = this.isChattering(at);
    this.raises.push(at);
    this.prune(at);
    const starts = !wasChattering && this.isChattering(at);
    if (starts) {
      this.episodes += 1;
      this.lastEpisodeAt = at;
    }
    return starts;
  }

  count(now: number): number {
    this.prune(now);
    return this.raises.length;
  }

  isChattering(now: number): boolean {
    return this.count(now) >= this.settings.threshold;
  }

  private prune(now: number): void {
    const from = now - this.settings.windowMs;
    // A raise exactly one window ago no longer counts: "in the last minute" is half-open.
    while (this.raises.length > 0 && this.raises[0]! <= from) this.raises.shift();
  }
}
