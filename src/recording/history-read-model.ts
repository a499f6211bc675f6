/**
 * Adapts the recorded history to the HTTP layer's history port: trends are read in the history
 * worker pool (off the event loop, from rollups for long ranges), admitted per client by the
 * read gate; transitions are few and read here.
 */
import type { HistoryReadModel } from '../http/ports.js';
import type { Store } from '../store/index.js';
import type { HistoryReadGate } from './history-read-gate.js';
import type { HistoryWorkerPool } from './history-worker-pool.js';

export function createHistoryReadModel(options: { store: Store; pool: HistoryWorkerPool; gate: HistoryReadGate }): HistoryReadModel {
  const { store, pool, gate } = options;
  return {
    async history(query, caller) {
      const leave = await gate.enter(caller.client, caller.abort);
      try {
        return await pool.read(query, { abort: caller.abort, gzip: caller.gzip });
      } finally {
        leave();
      }
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
