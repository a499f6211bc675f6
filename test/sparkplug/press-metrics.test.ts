import { describe, expect, it } from 'vitest';
import type { AlarmView } from '../../src/model/alarm-view.js';
import { LiveMetrics, pressMetrics } from '../../src/sparkplug/press-metrics.js';
import { alarmView } from '../notifications/harness.js';
import { pressSnapshot } from './fake-presses.js';

function alarm(id: string, priority: AlarmView['priority'], active: boolean): AlarmView {
  return alarmView({ id, pressId: 'p1', code: `code-${id}`, priority, active, state: active ? 'unack-active' : 'unack-cleared', clearedAt: active ? null : 2 });
}

function named(metrics: { definitions: readonly { name: string }[]; values: readonly unknown[] }): Record<string, unknown> {
  return Object.fromEntries(metrics.definitions.map((d, i) => [d.name, metrics.values[i]]));
}

describe('a press metrics kept in place (LiveMetrics)', () => {
  it('reads the same as metrics built afresh, through updates, alarm changes and a new ink unit', () => {
    const live = new LiveMetrics();
    let snapshot = pressSnapshot('p1', 1000);
    const alarms = [alarm('a', 'high', true), alarm('b', 'critical', true), alarm('c', 'low', false)];
    const extras = { alarms, job: 'J-17' };

    live.update(snapshot);
    expect(named(live.current(extras))).toEqual(named(pressMetrics(snapshot, extras)));
    expect(named(live.current(extras))).toMatchObject({ 'Alarms/Active': 2, 'Alarms/Active/critical': 1, 'Alarms/Active/low': 0, 'Job/Current': 'J-17' });

    snapshot = { ...snapshot, speed: 12_000, counters: { total: 1100, good: 1040, waste: 60 }, comm: { ...snapshot.comm, lastOkAt: 2000, latencyMs: 7 } };
    live.update(snapshot);
    const noAlarms = { alarms: [], job: null };
    expect(named(live.current(noAlarms))).toEqual(named(pressMetrics(snapshot, noAlarms)));
    expect(named(live.current(noAlarms))).toMatchObject({
      Speed: 12_000,
      'Counters/Good': 1040,
      'Comm/Last OK': 2000,
      'Alarms/Active': 0,
      'Job/Current': null,
    });

    // a fifth unit (a spot colour) and a level: a new layout, every value in its new place
    snapshot = {
      ...snapshot,
      ink: [...snapshot.ink, { unit: 5, color: 'Pantone 286', level: 33, quality: 'good', at: 2000 }],
      levels: [{ name: 'fountain', label: 'Fountain solution', level: 71, quality: 'good', at: 2000 }] as typeof snapshot.levels,
    };
    live.update(snapshot);
    const current = live.current(extras);
    expect(current.definitions).toBe(pressMetrics(snapshot, extras).definitions);
    expect(named(current)).toEqual(named(pressMetrics(snapshot, extras)));
    expect(named(current)).toMatchObject({ 'Ink/5/Level': 33, 'Ink/5/Color': 'Pantone 286', 'Levels/fountain/Level': 71, 'Comm/Latency': 7 });
  });

  it('hands out copies: a later update does not change metrics already handed out', () => {
    const live = new LiveMetrics();
    const snapshot = pressSnapshot('p1', 1000);
    live.update(snapshot);
    const before = live.current({ alarms: [], job: null });
    live.update({ ...snapshot, speed: 1 });
    expect(named(before)['Speed']).toBe(10_000);
    expect(named(live.current({ alarms: [], job: null }))['Speed']).toBe(1);
  });
});
