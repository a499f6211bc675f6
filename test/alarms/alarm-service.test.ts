import Database from 'better-sqlite3';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../helpers/manual-clock.js';
import type { StoreDatabase } from '../../src/store/database.js';
import { AlarmRepository } from '../../src/alarms/alarm-repository.js';
import { AlarmEngine } from '../../src/alarms/alarm-engine.js';
import { AlarmService } from '../../src/alarms/alarm-service.js';
import { openDatabase } from '../../src/store/database.js';
import { migrate } from '../../src/store/migrate.js';
import { alarmMigrations } from '../../src/alarms/alarm-migrations.js';
import { createDeferredWrites } from '../../src/store/deferred-writes.js';
import { alarmConfigFromProfile } from '../../src/alarms/alarm-config.js';
import type { AlarmEvent } from '../../src/alarms/alarm-types.js';
import { PRESS, profile } from './harness.js';
import { makeTempDir, openAlarmDatabase } from './store-fixture.js';

/** One "process": a database connection, an engine and the service, on the shared data folder. */
function boot(dir: string, clock: ManualClock) {
  const db = openAlarmDatabase(dir);
  const repository = new AlarmRepository(db);
  const engine = new AlarmEngine({ clock, renotifyMs: { critical: 5 * 60_000 } });
  engine.configurePress(PRESS, alarmConfigFromProfile(profile));
  const service = new AlarmService({ engine, repository, now: () => clock.now() });
  const events: AlarmEvent[] = [];
  service.on('alarm', (event) => events.push(event));
  const { restored } = service.start();
  return {
    db,
    repository,
    service,
    events,
    restored,
    shutdown: () => {
      service.stop();
      db.close();
    },
  };
}

describe('AlarmService: stored as it happens, restored after a restart', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let open: { shutdown: () => void }[];
  beforeEach(() => {
    temp = makeTempDir();
    open = [];
  });
  afterEach(() => {
    for (const p of open) p.shutdown();
    temp.cleanup();
  });
  const start = (clock: ManualClock) => {
    const p = boot(temp.dir, clock);
    open.push(p);
    return p;
  };
  const stop = (p: ReturnType<typeof boot>) => {
    p.shutdown();
    open = open.filter((x) => x !== p);
  };

  it('a restart never drops an unacknowledged jam, keeps acks and shelving, and ends shelvings that expired meanwhile', () => {
    const clock = new ManualClock(Date.UTC(2025, 2, 14, 6, 0, 0));
    const first = start(clock);
    const at = () => clock.now();
    first.service.updateBits(PRESS, at(), { 'jam.feeder': true, 'door-open': true, 'double-sheet': true });
    first.service.updateLevels(PRESS, at(), { ink: [{ unit: 1, level: 12 }], paper: 50 });
    const list = first.service.list();
    const id = (code: string) => list.find((a) => a.code === code)!.id;
    expect(first.service.acknowledge(id('ink.low.1'), { user: 'anna', note: 'cyan ordered' }).ok).toBe(true);
    expect(first.service.shelve(id('door-open'), { user: 'ben', minutes: 30, reason: 'door switch loose' }).ok).toBe(true);
    expect(first.service.shelve(id('double-sheet'), { user: 'ben', minutes: 120, reason: 'sensor being replaced' }).ok).toBe(true);
    clock.advance(60_000);
    first.service.updateLevels(PRESS, at(), { paper: 3 });
    const before = first.service.list();
    stop(first);

    // The service was down for 40 minutes: the 30-minute shelving ran out meanwhile.
    clock.advance(40 * 60_000);
    const second = start(clock);
    expect(second.restored).toBe(5);
    const after = second.service.list();
    const strip = (views: typeof before) => views.map(({ chatterCount, chattering, shelvedUntil, shelvedBy, shelveReason, ...rest }) => rest);
    expect(strip(after)).toEqual(strip(before));
    const byCode = (code: string) => after.find((a) => a.code === code)!;
    expect(byCode('jam.feeder')).toMatchObject({ state: 'unack-active', priority: 'critical' });
    expect(byCode('ink.low.1')).toMatchObject({ state: 'acked-active', ackedBy: 'anna', ackNote: 'cyan ordered' });
    expect(byCode('paper.low')).toMatchObject({ priority: 'high' });
    expect(byCode('double-sheet')).toMatchObject({ shelvedBy: 'ben', shelvedUntil: Date.UTC(2025, 2, 14, 8, 0, 0) });
    expect(byCode('door-open')).toMatchObject({ shelvedUntil: null, active: true });
    // The door alarm is announced again, and the journal says why.
    expect(second.events).toMatchObject([{ type: 'raised', alarm: { code: 'door-open' } }]);
    expect(second.repository.journal({ code: 'door-open' })[0]).toMatchObject({ action: 'unshelve', note: 'shelving expired while the service was stopped' });

    // The feeder was cleared while we were down: the first reading clears it, it stays listed.
    second.service.updateBits(PRESS, at(), { 'jam.feeder': false });
    expect(second.service.list().find((a) => a.code === 'jam.feeder')).toMatchObject({ state: 'unack-cleared' });
    // The restored jam still re-notifies and can be acknowledged, which makes it normal.
    expect(second.service.acknowledge(byCode('jam.feeder').id, { user: 'carl' })).toMatchObject({ ok: true, alarm: { state: 'normal' } });
    expect(
      second.repository
        .listAlarms({ listed: true })
        .map((a) => a.code)
        .sort(),
    ).toEqual(['door-open', 'double-sheet', 'ink.low.1', 'paper.low']);

    // The double-sheet shelving carries on to its original end.
    clock.advance(Date.UTC(2025, 2, 14, 8, 0, 0) - clock.now());
    expect(second.events.at(-1)).toMatchObject({ type: 'raised', alarm: { code: 'double-sheet', shelvedUntil: null } });
  });

  it('a restored unacknowledged critical alarm keeps re-notifying', () => {
    const clock = new ManualClock();
    const first = start(clock);
    first.service.updateBits(PRESS, clock.now(), { 'e-stop': true });
    stop(first);
    const second = start(clock);
    clock.advance(5 * 60_000);
    expect(second.events).toMatchObject([{ type: 'renotify', alarm: { code: 'e-stop', state: 'unack-active' } }]);
    expect(second.repository.journal({ action: 'renotify' })).toHaveLength(1);
  });

  it('listeners hear of a change only once it is stored', () => {
    const clock = new ManualClock();
    const p = start(clock);
    const storedWhenHeard: number[] = [];
    p.service.on('alarm', (event) => storedWhenHeard.push(p.repository.journal({ alarmId: event.alarm.id }).length));
    p.service.updateBits(PRESS, clock.now(), { 'jam.feeder': true });
    p.service.acknowledge(p.service.list()[0]!.id, { user: 'anna' });
    expect(storedWhenHeard).toEqual([1, 2]);
    expect(p.repository.listAlarms()[0]).toMatchObject({ state: 'acked-active', ackedBy: 'anna' });
  });

  it('an acknowledgement that cannot be committed throws a StoreError; the change is still announced', () => {
    const clock = new ManualClock();
    const p = start(clock);
    p.service.updateBits(PRESS, clock.now(), { 'jam.feeder': true });
    (p.db as StoreDatabase).connection.exec('DROP TABLE alarm_journal');
    const id = p.service.list()[0]!.id;
    expect(() => p.service.acknowledge(id, { user: 'anna' })).toThrow(
      expect.objectContaining({ name: 'StoreError', operation: expect.stringContaining('alarm journal') }),
    );
    expect(p.events.at(-1)).toMatchObject({ type: 'acked' });
  });

  it('alarm changes the database refuses (busy) are announced at once, queued in order and replayed; an ack meanwhile is refused, not applied', () => {
    const clock = new ManualClock(Date.UTC(2025, 2, 14, 6, 0, 0));
    const db = openDatabase({ dataDir: temp.dir, busyTimeoutMs: 0 });
    migrate(db, alarmMigrations);
    const repository = new AlarmRepository(db);
    const engine = new AlarmEngine({ clock });
    engine.configurePress(PRESS, alarmConfigFromProfile(profile));
    const deferredWrites = createDeferredWrites({ logger: pino({ level: 'silent' }), retryMs: 3_600_000 });
    const service = new AlarmService({ engine, repository, now: () => clock.now(), deferredWrites });
    const events: AlarmEvent[] = [];
    service.on('alarm', (event) => events.push(event));
    service.start();
    open.push({ shutdown: () => (service.stop(), deferredWrites.stop(), db.close()) });

    // another process holds the write lock
    const other = new Database(db.path);
    other.exec('BEGIN IMMEDIATE; CREATE TABLE lock_holder (x)');
    service.updateBits(PRESS, clock.now(), { 'jam.feeder': true });
    expect(events.map((e) => e.type)).toEqual(['raised']);
    const id = service.list()[0]!.id;
    clock.advance(1000);
    service.updateBits(PRESS, clock.now(), { 'jam.feeder': false });
    expect(events.map((e) => e.type)).toEqual(['raised', 'cleared']);
    expect(deferredWrites.pending()).toBe(2);
    expect(repository.journal({ alarmId: id })).toEqual([]);

    // the ack cannot be stored after the queued changes: refused before it is applied
    expect(() => service.acknowledge(id, { user: 'anna' })).toThrow(expect.objectContaining({ name: 'StoreError', kind: 'busy' }));
    expect(service.list()[0]).toMatchObject({ id, acknowledged: false });
    expect(events).toHaveLength(2);

    other.exec('ROLLBACK');
    other.close();
    deferredWrites.flush();
    expect(deferredWrites.pending()).toBe(0);
    expect(deferredWrites.dropped()).toBe(0);
    expect(repository.journal({ alarmId: id, order: 'asc' }).map((j) => j.action)).toEqual(['raise', 'clear']);
    expect(repository.listedAlarms()).toEqual([expect.objectContaining({ id, active: false, acknowledged: false })]);
    // and now the ack goes through, after them
    expect(service.acknowledge(id, { user: 'anna' }).ok).toBe(true);
    expect(repository.journal({ alarmId: id, order: 'asc' }).map((j) => j.action)).toEqual(['raise', 'clear', 'ack']);
  });
});
