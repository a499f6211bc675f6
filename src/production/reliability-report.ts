/**
 * MTBF and MTTR of a stop cause per press (docs/downtime.md), the maintenance figures a
 * manager asks of jams:
 * - failures = downtime events of the cause that start in the range (an event counts once, a
 *   jam that an operator later codes as something else is no longer a jam);
 * - repair time = the summed durations of those events (an event still going counts up to now);
 * - run time = production time inside planned time over the range (the OEE's run time);
 * - MTBF = run time / failures; MTTR = repair time / failures; both null without failures.
 *
 * A cause asked for names a family: `jam` is the PLC's generic jam and every alarm code in
 * `jam.` (jam.feeder, jam.delivery). Without causes, each unplanned cause is its own row.
 */
import type { ReliabilityRow } from '../model/production.js';
import type { StoreDatabase } from '../store/database.js';
import { UNCODED } from './downtime-causes.js';
import { compareIds } from '../lib/compare-ids.js';

export interface ReliabilityQuery {
  from: number;
  to: number;
  pressId?: string;
  /** Cause families; empty: every unplanned cause. */
  causes: readonly string[];
}

export interface ReliabilityReportOptions {
  db: StoreDatabase;
  presses: readonly { id: string }[];
  /** Run time per press over the range (the OEE's). */
  runMsByPress(query: { from: number; to: number; pressId?: string }): Map<string, number>;
  now(): number;
}

interface CauseRow {
  pressId: string;
  code: string | null;
  label: string | null;
  category: string | null;
  failures: number;
  downtimeMs: number;
}

export function createReliabilityReport(o: ReliabilityReportOptions): (query: ReliabilityQuery) => ReliabilityRow[] {
  // grouped per exact code in SQL (an index range on press and start), families folded here
  const select = o.db.connection.prepare<[number, number, number, string | null, string | null], CauseRow>(`
    SELECT press_id AS pressId, cause_code AS code, MAX(cause_label) AS label, MAX(cause_category) AS category,
      COUNT(*) AS failures, SUM(COALESCE(to_at, ?) - from_at) AS downtimeMs
    FROM downtime_events
    WHERE from_at >= ? AND from_at < ? AND (? IS NULL OR press_id = ?)
    GROUP BY press_id, cause_code`);

  return (query) => {
    const pressId = query.pressId ?? null;
    const rows = o.db.run('read reliability', () => select.all(o.now(), query.from, query.to, pressId, pressId));
    const runMs = o.runMsByPress(query);
    const presses = o.presses.map((p) => p.id).filter((id) => pressId === null || id === pressId);
    const out: ReliabilityRow[] = [];
    const row = (press: string, cause: string, label: string, failures: number, downtimeMs: number): ReliabilityRow => {
      const run = runMs.get(press) ?? 0;
      return {
        pressId: press,
        cause,
        label,
        failures,
        runMs: run,
        downtimeMs,
        mtbfMs: failures > 0 ? Math.round(run / failures) : null,
        mttrMs: failures > 0 ? Math.round(downtimeMs / failures) : null,
      };
    };
    if (query.causes.length > 0) {
      for (const press of presses) {
        for (const family of query.causes) {
          const matching = rows.filter((r) => r.pressId === press && r.code !== null && (r.code === family || r.code.startsWith(`${family}.`)));
          const failures = matching.reduce((sum, r) => sum + r.failures, 0);
          const downtimeMs = matching.reduce((sum, r) => sum + r.downtimeMs, 0);
          const label = family === 'jam' ? 'Paper jams' : (matching.find((r) => r.code === family)?.label ?? family);
          out.push(row(press, family, label, failures, downtimeMs));
        }
      }
      return out;
    }
    for (const r of rows) {
      if ((r.category ?? UNCODED.category) !== 'unplanned') continue;
      out.push(row(r.pressId, r.code ?? UNCODED.code, r.label ?? UNCODED.label, r.failures, r.downtimeMs));
    }
    return out.sort((a, b) => compareIds(a.pressId, b.pressId) || b.failures - a.failures || compareIds(a.cause, b.cause));
  };
}
