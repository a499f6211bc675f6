/** Adapts the recorded samples to the HTTP layer's history port. */
import type { HistoryReadModel, HistoryResult } from '../http/ports.js';
import type { SamplesRepository } from './samples-repository.js';

export function createHistoryReadModel(samples: SamplesRepository): HistoryReadModel {
  return {
    history(query): HistoryResult {
      const result = samples.history(query);
      if (result.kind === 'raw') {
        return { downsampled: false, previous: result.previous, points: result.points };
      }
      return {
        downsampled: true,
        bucketMs: result.bucketMs,
        previous: result.previous,
        points: result.buckets.map((b) => ({ at: b.start, value: b.avg ?? b.last.value, quality: b.quality, min: b.min, max: b.max, count: b.count })),
      };
    },
  };
}
