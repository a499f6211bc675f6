/**
 * The poller feeding the press service, over an in-memory register image: what the
 * dashboard would show for two presses on one bus as their PLCs change.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadProfileFile } from '../../src/model/profile-load.js';
import { ManualClock } from '../helpers/manual-clock.js';
import type { PressSnapshot } from '../../src/model/press-snapshot.js';
import { Poller } from '../../src/poller/poller.js';
import type { StateTransition } from '../../src/presses/events.js';
import { PressService } from '../../src/presses/press-service.js';
import { FakeRegisterReader } from '../helpers/fake-register-reader.js';

const profile = loadProfileFile('config/profiles/demo-sheetfed-4c.yaml');
const link = (unitId: number) => ({ kind: 'rtu' as const, bus: 'line-1', unitId, address: '/dev/ttyUSB0' });

let clock: ManualClock;
let poller: Poller;
let service: PressService;
afterEach(async () => {
  const stopping = poller.stop();
  await clock.advanceAsync(10_000);
  await stopping;
  service.stop();
});

function shopFloor() {
  clock = new ManualClock();
  const reader = new FakeRegisterReader({ clock, latencyMs: 8 });
  for (const unit of [1, 2]) {
    reader.setSignal(unit, profile, 'state', 2);
    reader.setSignal(unit, profile, 'speed', 14_000);
    reader.setSignal(unit, profile, 'impressions', 70_000);
    reader.setSignal(unit, profile, 'ink.1', 62.5);
  }
  poller = new Poller({
    presses: [
      { pressId: 'sm-1', unitId: 1, profile, reader },
      { pressId: 'sm-2', unitId: 2, profile, reader },
    ],
    clock,
  });
  service = new PressService({
    presses: [
      { id: 'sm-1', name: 'Speedmaster 1', link: link(1), profile },
      { id: 'sm-2', name: 'Speedmaster 2', link: link(2), profile },
    ],
    clock,
  });
  service.attach(poller);
  const transitions: StateTransition[] = [];
  const updates: PressSnapshot[] = [];
  service.on('state:transition', (t) => transitions.push(t));
  service.on('press:update', (u) => updates.push(u));
  poller.start();
  return { reader, transitions, updates };
}

describe('poller → press service', () => {
  it('shows both presses printing, with speed, levels and counting impressions', async () => {
    const { reader } = shopFloor();
    await clock.advanceAsync(1500);
    reader.setSignal(1, profile, 'impressions', 70_040);
    await clock.advanceAsync(1000);
    const sm1 = service.snapshot('sm-1')!;
    expect(sm1).toMatchObject({ online: true, state: 'production', speed: 14_000, counters: { total: 40 }, jobCounters: { total: 70_040 } });
    expect(sm1.ink[0]).toMatchObject({ color: 'cyan', level: 62.5, quality: 'good' });
    expect(service.snapshot('sm-2')).toMatchObject({ state: 'production', counters: { total: 0 } });
  });

  it('a feeder jam stops the press with reason jam, recorded once', async () => {
    const { reader, transitions } = shopFloor();
    await clock.advanceAsync(1000);
    reader.setSignal(1, profile, 'jam.feeder', true);
    reader.setSignal(1, profile, 'state', 3);
    await clock.advanceAsync(1000);
    reader.setSignal(1, profile, 'jam.feeder', false);
    await clock.advanceAsync(1000);
    expect(transitions.filter((t) => t.pressId === 'sm-1').map((t) => `${t.from}→${t.to}${t.reason ? ` (${t.reason})` : ''}`)).toEqual([
      'offline→production',
      'production→stopped (jam)',
    ]);
    expect(service.snapshot('sm-1')).toMatchObject({ state: 'stopped', stopReason: 'jam', activeAlarms: 0 });
  });

  it('a press whose PLC stops answering goes offline with bad levels while its neighbour keeps printing and updating', async () => {
    const { reader, transitions, updates } = shopFloor();
    await clock.advanceAsync(1000);
    reader.setDown(2, 'timeout');
    await clock.advanceAsync(3000);
    const sm2 = service.snapshot('sm-2')!;
    expect(sm2).toMatchObject({ online: false, state: 'offline', speed: null, stateDetail: 'no communication' });
    expect(sm2.comm.offScanUntil).not.toBeNull();
    expect(sm2.ink[0]!.quality).toBe('bad');
    expect(transitions.filter((t) => t.pressId === 'sm-2').map((t) => t.to)).toEqual(['production', 'offline']);

    const before = updates.filter((u) => u.id === 'sm-1').length;
    await clock.advanceAsync(5000);
    const sm1Updates = updates.filter((u) => u.id === 'sm-1').length - before;
    expect(sm1Updates).toBeGreaterThanOrEqual(19); // one per 250 ms fast period, 20 in 5 s
    expect(sm1Updates).toBeLessThanOrEqual(21);
    expect(service.snapshot('sm-1')).toMatchObject({ online: true, state: 'production' });

    reader.setDown(2, null);
    await clock.advanceAsync(30_000);
    expect(service.snapshot('sm-2')).toMatchObject({ online: true, state: 'production' });
    expect(service.snapshot('sm-2')!.ink[0]!.quality).toBe('good');
  });
});
