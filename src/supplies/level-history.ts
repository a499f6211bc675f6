import type { SamplesRepository } from '../recording/samples-repository.js';
import type { LevelHistory, SignalPoint } from './consumption.js';

/** More raw samples than this in one range are read as buckets (first and last of each). */
const MAX_RAW_POINTS = 200_000;

/** The consumption report's view of the recorded samples: good readings only. */
export function levelHistoryFromSamples(samples: Pick<SamplesRepository, 'history'>): LevelHistory {
  return {
    series(pressId, signal, from, to): SignalPoint[] {
      const history = samples.history({ pressId, signal, from, to, maxPoints: MAX_RAW_POINTS });
      const points: { at: number; value: number | null; quality: string }[] = history.previous ? [history.previous] : [];
      if (history.kind === 'raw') points.push(...history.points);
      // Buckets keep their edges: enough for counter increases and for drops between refills.
      else for (const bucket of history.buckets) points.push(bucket.first, bucket.last);
      return points.filter((p): p is SignalPoint & { quality: string } => p.value !== null && p.quality === 'good').map((p) => ({ at: p.at, value: p.value }));
    },
  };
}
