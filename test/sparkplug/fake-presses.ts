/**
 * Presses for the edge node tests: snapshots a test changes field by field, handed to the
 * edge node as its devices, each change passed on as the press feature would.
 */
import type { AlarmView } from '../../src/model/alarm-view.js';
import type { PressSnapshot } from '../../src/model/press-snapshot.js';
import type { EdgeNode, EdgeDevices } from '../../src/sparkplug/edge-node.js';
import { LiveMetrics, discreteOf, pressMetrics, sameDiscrete, type DiscreteState } from '../../src/sparkplug/press-metrics.js';

const noAlarms: AlarmView[] = [];

export function pressSnapshot(id: string, at: number): PressSnapshot {
  return {
    id,
    name: `Press ${id}`,
    model: 'speedmaster-sm52',
    link: { kind: 'tcp', bus: 'line-1', unitId: 1, address: '127.0.0.1:1502' },
    online: true,
    state: 'production',
    stopReason: null,
    stateDetail: null,
    stateSince: at,
    speed: 10_000,
    ratedSpeed: 15_000,
    counters: { total: 1000, good: 950, waste: 50 },
    jobCounters: { total: 1000, good: 950, waste: 50 },
    ink: ['C', 'M', 'Y', 'K'].map((color, i) => ({ unit: i + 1, color, level: 80, quality: 'good' as const, at })),
    paper: { level: 60, quality: 'good', at, kind: 'pile' },
    levels: [],
    activeAlarms: 0,
    comm: { lastOkAt: at, lastErrorAt: null, lastError: null, latencyMs: 4, errors: {}, reads: 1, offScanUntil: null, overruns: {}, overrunning: [] },
    updatedAt: at,
  };
}

export class FakePresses implements EdgeDevices {
  readonly snapshots = new Map<string, PressSnapshot>();
  readonly alarms = new Map<string, AlarmView[]>();
  private readonly discrete = new Map<string, DiscreteState>();
  /** As the feature module keeps them: written in place at each change (presses before their first change are built from the snapshot). */
  private readonly live = new Map<string, LiveMetrics>();
  node: EdgeNode | undefined;

  constructor(ids: string[], at: number) {
    for (const id of ids) this.snapshots.set(id, pressSnapshot(id, at));
  }

  pressIds(): string[] {
    return [...this.snapshots.keys()];
  }

  metrics(pressId: string) {
    const extras = { alarms: this.alarms.get(pressId) ?? noAlarms, job: null };
    const live = this.live.get(pressId);
    if (live) return live.current(extras);
    const snapshot = this.snapshots.get(pressId);
    return snapshot && pressMetrics(snapshot, extras);
  }

  change(pressId: string, patch: Partial<PressSnapshot>): void {
    const snapshot = { ...this.snapshots.get(pressId)!, ...patch };
    this.snapshots.set(pressId, snapshot);
    let live = this.live.get(pressId);
    if (!live) this.live.set(pressId, (live = new LiveMetrics()));
    live.update(snapshot);
    // as the feature module hands it over: marked only when no discrete value moved, built at the tick
    const alarms = this.alarms.get(pressId) ?? noAlarms;
    const last = this.discrete.get(pressId);
    const unchanged = last !== undefined && sameDiscrete(last, snapshot, alarms, null);
    if (!unchanged) this.discrete.set(pressId, discreteOf(snapshot, alarms, null));
    this.node?.pressUpdated(pressId, unchanged);
  }
}
