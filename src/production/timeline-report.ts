/**
 * The run states of one press over a range as stretches, each stop in the cause of its
 * downtime event: what the shift report's timeline draws and its CSV lists, computed once here
 * so the picture and the file agree.
 */
import type { TransitionView } from '../http/ports.js';
import type { DowntimeEvent, TimelineStretch } from '../model/production.js';

/** The presses' stored transitions (src/presses' repository), as the timeline reads them. */
export interface TransitionsPort {
  list(query: { pressId: string; from: number; to: number }): TransitionView[];
  /** The transition in force at `at` (the last one before it), or null. */
  inForceAt(pressId: string, at: number): TransitionView | null;
}

export function timelineStretches(options: {
  transitions: readonly TransitionView[];
  /** The transition in force at `from`. */
  previous: TransitionView | null;
  events: readonly DowntimeEvent[];
  from: number;
  to: number;
}): TimelineStretch[] {
  const { from, to } = options;
  const sorted = [...options.transitions].sort((a, b) => a.at - b.at);
  const all = options.previous && (sorted[0]?.at ?? Infinity) > from ? [options.previous, ...sorted] : sorted;
  const stretches: TimelineStretch[] = [];
  all.forEach((t, i) => {
    const start = Math.max(from, t.at);
    const end = Math.min(to, all[i + 1]?.at ?? to);
    if (end <= start) return;
    // the event that holds the stretch's start: a stop that changed reason is still one event
    const event = t.state === 'production' ? undefined : options.events.find((e) => e.from <= start && (e.to ?? Infinity) > start);
    stretches.push({ from: start, to: end, state: t.state, reason: t.reason, cause: event?.cause ?? null });
  });
  return stretches;
}
