/**
 * An operator command (ack, shelve, unshelve) and its audit line are one durable transaction:
 * both on disk before the answer, or neither.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../helpers/manual-clock.js';
import { AlarmEngine } from '../../src/alarms/alarm-engine.js';
import { AlarmService } from '../../src/alarms/alarm-service.js';
import { alarmConfigFromProfile } from '../../src/alarms/alarm-config.js';
import { AlarmRepository } from '../../src/alarms/alarm-repository.js';
import { AuditRepository } from '../../src/users/audit-repository.js';
import type { StoreDatabase } from '../../src/store/database.js';
import { migrate } from '../../src/store/migrate.js';
import { usersMigrations } from '../../src/users/user-migrations.js';
import { PRESS, profile } from './harness.js';
import { makeTempDir, openAlarmDatabase } from './store-fixture.js';

describe('alarm commands commit with their audit line', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let db: StoreDatabase;
  let service: AlarmService;
  let repository: AlarmRepository;
  let audit: AuditRepository;
  let jamId: string;
  const clock = new ManualClock(Date.UTC(2025, 2, 14, 6, 0, 0));

  beforeEach(() => {
    temp = makeTempDir();
    db = openAlarmDatabase(temp.dir);
    migrate(db, usersMigrations);
    repository = new AlarmRepository(db);
    audit = new AuditRepository(db, () => clock.now());
    const engine = new AlarmEngine({ clock });
    engine.configurePress(PRESS, alarmConfigFromProfile(profile));
    service = new AlarmService({ engine, repository, now: () => clock.now() });
    service.start();
    service.updateBits(PRESS, clock.now(), { 'jam.feeder': true });
    jamId = service.list()[0]!.id;
  });
  afterEach(() => {
    service.stop();
    db.close();
    temp.cleanup();
  });

  const auditAck = (alarm: { id: string }) =>
    audit.record({ userId: 7, username: 'anna', action: 'alarm.ack', target: `alarm:${alarm.id}`, ip: '10.0.0.7', details: null });

  it('ack, shelve and unshelve each run their audit line inside one durable transaction', () => {
    const durableWrite = vi.spyOn(db, 'durableWrite');
    const write = vi.spyOn(db, 'write');
    const insideTransaction: boolean[] = [];
    const audited = (action: string) => (alarm: { id: string }) => {
      insideTransaction.push(db.connection.inTransaction);
      audit.record({ userId: 7, username: 'anna', action, target: `alarm:${alarm.id}`, ip: '10.0.0.7', details: null });
    };

    expect(service.shelve(jamId, { user: 'anna', minutes: 10, reason: 'sensor loose' }, audited('alarm.shelve')).ok).toBe(true);
    expect(service.unshelve(jamId, { user: 'anna' }, audited('alarm.unshelve')).ok).toBe(true);
    expect(service.acknowledge(jamId, { user: 'anna', note: 'cleared' }, audited('alarm.ack')).ok).toBe(true);

    expect(insideTransaction).toEqual([true, true, true]);
    // one durable commit per command; the audit line joined it (a savepoint), no commit of its own
    expect(durableWrite).toHaveBeenCalledTimes(3);
    expect(write).toHaveBeenCalledTimes(3);
    expect(write.mock.calls.map((c) => c[0])).toEqual(['record audit alarm.shelve', 'record audit alarm.unshelve', 'record audit alarm.ack']);
    expect(
      audit
        .list({ limit: 10 })
        .map((e) => `${e.action} ${e.target} ${e.username} ${e.ip}`)
        .sort(),
    ).toEqual(['alarm.ack', 'alarm.shelve', 'alarm.unshelve'].map((a) => `${a} alarm:${jamId} anna 10.0.0.7`));
  });

  it('when the audit line cannot be written, the ack is not stored either', () => {
    db.connection.exec('DROP TABLE audit_log');
    expect(() => service.acknowledge(jamId, { user: 'anna' }, auditAck)).toThrow(expect.objectContaining({ name: 'StoreError' }));
    expect(repository.journal({ alarmId: jamId }).map((j) => j.action)).toEqual(['raise']);
    expect(repository.listedAlarms()[0]).toMatchObject({ id: jamId, acknowledged: false });
  });

  it('when the ack cannot be stored, no audit line claims it', () => {
    db.connection.exec('DROP TABLE alarm_journal');
    expect(() => service.acknowledge(jamId, { user: 'anna' }, auditAck)).toThrow(expect.objectContaining({ name: 'StoreError' }));
    expect(audit.list({ limit: 10 })).toEqual([]);
  });

  it('a refused command writes no audit line', () => {
    expect(service.acknowledge(jamId, { user: 'anna' }, auditAck).ok).toBe(true);
    const again = service.acknowledge(jamId, { user: 'anna' }, auditAck);
    expect(again).toMatchObject({ ok: false, error: { kind: 'already-acked' } });
    expect(service.unshelve(jamId, { user: 'anna' }, auditAck)).toMatchObject({ ok: false });
    expect(audit.list({ limit: 10 })).toHaveLength(1);
  });
});
