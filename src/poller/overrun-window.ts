/**
 * Is a scan class overrunning? One press's one scan class, judged over its recent ticks.
 *
 * Every tick that falls due is either run or skipped (the previous cycle was still on the
 * bus, or the event loop slept through it). A class is *overrunning* once `startSkipped` of
 * its last `windowTicks` ticks were skipped, and stops being so when no more than
 * `stopSkipped` of them were: the gap between the two thresholds keeps a class that sits on
 * the edge from flapping. With the defaults (5 and 1 of 20): a fast class at 250 ms that
 * skips every other tick is flagged within about 2.5 s and cleared about 5 s after its
 * cycles fit again; a single late tick (a GC pause) flags nothing.
 */

export interface OverrunSettings {
  /** How many recent ticks are judged. */
  windowTicks: number;
  /** Skipped ticks in the window that make the class overrunning. */
  startSkipped: number;
  /** Skipped ticks in the window at or below which it stops. */
  stopSkipped: number;
}

export const defaultOverrunSettings: OverrunSettings = { windowTicks: 20, startSkipped: 5, stopSkipped: 1 };

export type OverrunChange = 'started' | 'stopped';

export class OverrunWindow {
  /** 1 = skipped, 0 = run; a ring over the last `windowTicks` ticks. */
  private readonly ticks: Uint8Array;
  private next = 0;
  private skippedInWindow = 0;
  private overrunningNow = false;

  constructor(private readonly settings: OverrunSettings = defaultOverrunSettings) {
    if (!(settings.stopSkipped < settings.startSkipped && settings.startSkipped <= settings.windowTicks)) {
      throw new RangeError(`overrun thresholds need stopSkipped < startSkipped <= windowTicks, got ${JSON.stringify(settings)}`);
    }
    this.ticks = new Uint8Array(settings.windowTicks);
  }

  get overrunning(): boolean {
    return this.overrunningNow;
  }

  /** Skipped ticks among the last `windowTicks`. */
  get skipped(): number {
    return this.skippedInWindow;
  }

  /** `due` ticks fell due since the last call, `skipped` of them were not run. Returns a change of the flag, if any. */
  record(due: number, skipped: number): OverrunChange | undefined {
    // Older than the window: only the newest `windowTicks` ticks count (skipped ones first, the run one last).
    const kept = Math.min(due, this.ticks.length);
    const keptSkipped = Math.max(0, Math.min(skipped, kept - (due - skipped > 0 ? 1 : 0)));
    for (let i = 0; i < kept; i++) this.push(i < keptSkipped ? 1 : 0);
    if (!this.overrunningNow && this.skippedInWindow >= this.settings.startSkipped) {
      this.overrunningNow = true;
      return 'started';
    }
    if (this.overrunningNow && this.skippedInWindow <= this.settings.stopSkipped) {
      this.overrunningNow = false;
      return 'stopped';
    }
    return undefined;
  }

  /** Forget the window (the press went off-scan: its ticks are not being judged). */
  reset(): void {
    this.ticks.fill(0);
    this.next = 0;
    this.skippedInWindow = 0;
    this.overrunningNow = false;
  }

  private push(skipped: 0 | 1): void {
    this.skippedInWindow += skipped - this.ticks[this.next]!;
    this.ticks[this.next] = skipped;
    this.next = (this.next + 1) % this.ticks.length;
  }
}
