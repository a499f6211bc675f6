/**
 * One remote press as the hub rebuilds it from its DBIRTH and DDATA: the metric values by name,
 * turned into the same PressSnapshot a local press has (id `group/edgeNode/pressId`, plus
 * `site`), and its alarms (from `Alarms/List`) as AlarmViews with ids of the same form.
 */
import type { AlarmView } from '../model/alarm-view.js';
import type { PressSnapshot } from '../model/press-snapshot.js';
import { runStates, stopReasons, type RunState, type StopReason } from '../model/vocabulary.js';
import type { AlarmOnWire, MetricValue } from './press-metrics.js';

export class RemotePress {
  readonly id: string;
  private readonly values = new Map<string, MetricValue>();
  /** Whether this device is alive (born, not dead, its edge node alive). */
  alive = false;
  updatedAt = 0;

  constructor(
    readonly site: string,
    readonly pressId: string,
  ) {
    this.id = `${site}/${pressId}`;
  }

  /** A birth replaces every value. */
  reset(): void {
    this.values.clear();
  }

  set(name: string, value: MetricValue): void {
    this.values.set(name, value);
  }

  snapshot(): PressSnapshot & { site: string } {
    const v = this.values;
    const num = (name: string) => (typeof v.get(name) === 'number' ? (v.get(name) as number) : null);
    const str = (name: string) => (typeof v.get(name) === 'string' ? (v.get(name) as string) : null);
    const online = this.alive && v.get('Online') === true;
    const quality = online ? ('good' as const) : ('stale' as const);
    const reading = (name: string) => ({ level: num(name), quality, at: this.updatedAt || null });
    const inkUnits = [...v.keys()].flatMap((name) => /^Ink\/(\d+)\/Level$/.exec(name)?.[1] ?? []).map(Number);
    const levelNames = [...v.keys()].flatMap((name) => /^Levels\/(.+)\/Level$/.exec(name)?.[1] ?? []);
    const state = str('Run State');
    const stopReason = str('Stop Cause');
    return {
      id: this.id,
      site: this.site,
      name: str('Press/Name') ?? this.pressId,
      model: str('Press/Model') ?? 'unknown',
      link: { kind: 'tcp', bus: `sparkplug:${this.site}`, unitId: 0, address: this.site },
      online,
      // a press whose box is dead shows what the board shows for any press it cannot reach
      state: online && state && (runStates as readonly string[]).includes(state) ? (state as RunState) : 'offline',
      stopReason: stopReason && (stopReasons as readonly string[]).includes(stopReason) ? (stopReason as StopReason) : null,
      stateDetail: str('State Detail'),
      stateSince: num('State Since') ?? this.updatedAt,
      speed: num('Speed'),
      ratedSpeed: num('Press/Rated Speed') ?? 0,
      counters: { total: num('Counters/Total') ?? 0, good: num('Counters/Good') ?? 0, waste: num('Counters/Waste') ?? 0 },
      jobCounters: { total: null, good: null, waste: null },
      ink: inkUnits.sort((a, b) => a - b).map((unit) => ({ unit, color: str(`Ink/${unit}/Color`) ?? '', ...reading(`Ink/${unit}/Level`) })),
      paper: { ...reading('Paper/Level'), kind: str('Paper/Kind') === 'roll' ? 'roll' : 'pile' },
      levels: levelNames.map((name) => ({ name, label: str(`Levels/${name}/Label`) ?? name, ...reading(`Levels/${name}/Level`) })),
      activeAlarms: num('Alarms/Active') ?? 0,
      comm: {
        lastOkAt: num('Comm/Last OK'),
        lastErrorAt: null,
        lastError: online ? null : this.alive ? 'the press is offline at its site' : 'no word from the site (edge node dead)',
        latencyMs: num('Comm/Latency'),
        errors: {},
        reads: 0,
        offScanUntil: null,
        overruns: {},
        overrunning: [],
      },
      updatedAt: this.updatedAt,
    };
  }

  /** The alarms the press carries, as the hub lists them. */
  alarms(): AlarmView[] {
    const list = this.values.get('Alarms/List');
    if (typeof list !== 'string') return [];
    let parsed: AlarmOnWire[];
    try {
      parsed = JSON.parse(list) as AlarmOnWire[];
    } catch {
      return [];
    }
    if (!Array.isArray(parsed)) return [];
    return parsed.map((a) => ({
      id: `${this.site}/${a.id}`,
      pressId: this.id,
      code: a.code,
      label: a.label,
      priority: a.priority,
      state: a.state,
      active: a.state === 'unack-active' || a.state === 'acked-active',
      acknowledged: a.state === 'acked-active' || a.state === 'normal',
      raisedAt: a.raisedAt,
      clearedAt: a.clearedAt,
      ackedAt: a.ackedAt,
      ackedBy: null,
      ackNote: null,
      shelvedUntil: a.shelvedUntil,
      shelvedBy: null,
      shelveReason: null,
      suppressed: false,
      chatterCount: 0,
      chattering: false,
      stopReason: null,
    }));
  }
}
