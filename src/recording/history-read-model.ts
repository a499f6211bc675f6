/**
 * Adapts the recorded history to the HTTP layer's history port: trends are read in the history
 * worker pool (off the event loop, from rollups for long ranges), admitted per client by the
 * read gate.
 */
import type { HistoryReadModel } from '../http/ports.js';
import type { HistoryReadGate } from './history-read-gate.js';
import type { HistoryWorkerPool } from './history-worker-pool.js';

export function createHistoryReadModel(options: { pool: HistoryWorkerPool; gate: HistoryReadGate }): HistoryReadModel {
  const { pool, gate } = options;
  return {
    async history(query, caller) {
      const leave = await gate.enter(caller.client, caller.abort);
      try {
        return await pool.read(query, { abort: caller.abort, gzip: caller.gzip });
      } finally {
        leave();
      }
    },
  };
}
