/** Adapts the store's samples and transitions to the HTTP layer's history port. */
import type { HistoryReadModel, HistoryResult } from '../http/ports.js';
import type { Store } from '../store/index.js';

export function createHistoryReadModel(store: Store): HistoryReadModel {
  return {
    history(query): HistoryResult {
      const result = store.samples.history(query);
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
    transitions(pressId, from, to) {
      return store.transitions.list({ pressId, from, to }).map((t) => ({ at: t.at, state: t.state, reason: t.reason, detail: t.detail }));
    },
    transitionInForce(pressId, at) {
      const t = store.transitions.inForceAt(pressId, at);
      return t && { at: t.at, state: t.state, reason: t.reason, detail: t.detail };
    },
  };
}
