import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlarmView } from '../../src/model/alarm-view.js';
import type { StoreDatabase } from '../../src/store/database.js';
import { AlarmRepository } from '../../src/alarms/alarm-repository.js';
import { journalToCsv } from '../../src/alarms/journal-csv.js';
import type { JournalEntry } from '../../src/alarms/alarm-types.js';
import { makeTempDir, openAlarmDatabase } from './store-fixture.js';

const T0 = Date.UTC(2025, 2, 14, 6, 0, 0);

function view(overrides: Partial<AlarmView>): AlarmView {
  return {
    id: 'a1',
    pressId: 'sm-1',
    code: 'jam.feeder',
    label: 'Paper jam at feeder',
    priority: 'critical',
    state: 'unack-active',
    active: true,
    acknowledged: false,
    raisedAt: T0,
    clearedAt: null,
    ackedAt: null,
    ackedBy: null,
    ackNote: null,
    shelvedUntil: null,
    shelvedBy: null,
    shelveReason: null,
    suppressed: false,
    chatterCount: 1,
    chattering: false,
    stopReason: 'jam',
    ...overrides,
  };
}

function entry(overrides: Partial<JournalEntry>): JournalEntry {
  return { alarmId: 'a1', pressId: 'sm-1', code: 'jam.feeder', action: 'raise', at: T0, user: null, note: null, priority: 'critical', ...overrides };
}

describe('AlarmRepository on a real SQLite file', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let db: StoreDatabase;
  let repo: AlarmRepository;
  beforeEach(() => {
    temp = makeTempDir();
    db = openAlarmDatabase(temp.dir);
    repo = new AlarmRepository(db);
  });
  afterEach(() => {
    db.close();
    temp.cleanup();
  });

  it('upserts occurrences and filters the list', () => {
    repo.record(
      {
        alarms: [
          view({ id: 'a1' }),
          view({ id: 'a2', pressId: 'sm-2', code: 'door-open', priority: 'high', raisedAt: T0 + 1_000 }),
          view({ id: 'a3', code: 'paper.low', priority: 'medium', state: 'normal', active: false, acknowledged: true, raisedAt: T0 + 2_000 }),
        ],
      },
      { durable: false, at: T0 },
    );
    repo.record(
      { alarms: [view({ id: 'a1', state: 'acked-active', acknowledged: true, ackedBy: 'anna', ackedAt: T0 + 5_000, ackNote: 'on it' })] },
      { durable: true, at: T0 + 5_000 },
    );

    expect(repo.listAlarms().map((a) => a.id)).toEqual(['a3', 'a2', 'a1']);
    expect(repo.listAlarms({ listed: true }).map((a) => a.id)).toEqual(['a2', 'a1']);
    expect(repo.listAlarms({ unacknowledged: true }).map((a) => a.id)).toEqual(['a2']);
    expect(repo.listAlarms({ pressId: 'sm-1', priority: ['critical', 'medium'] }).map((a) => a.id)).toEqual(['a3', 'a1']);
    expect(repo.listAlarms({ from: T0 + 1_000, to: T0 + 2_000 }).map((a) => a.id)).toEqual(['a2']);
    expect(repo.listAlarms({ limit: 1 })).toHaveLength(1);
    expect(repo.listAlarms({ active: false }).map((a) => a.id)).toEqual(['a3']);
    expect(repo.listedAlarms().find((a) => a.id === 'a1')).toEqual(
      view({ id: 'a1', state: 'acked-active', acknowledged: true, ackedBy: 'anna', ackedAt: T0 + 5_000, ackNote: 'on it' }),
    );
  });

  it('appends the journal and reads it back filtered, newest first by default', () => {
    repo.record(
      {
        journal: [
          entry({ action: 'raise' }),
          entry({ action: 'ack', at: T0 + 10_000, user: 'anna', note: 'feeder cleared' }),
          entry({ alarmId: 'a2', code: 'paper.low', action: 'raise', at: T0 + 10_000, priority: 'medium' }),
          entry({ action: 'clear', at: T0 + 20_000 }),
        ],
      },
      { durable: false, at: T0 },
    );
    expect(repo.journal().map((j) => j.action)).toEqual(['clear', 'raise', 'ack', 'raise']);
    expect(repo.journal({ order: 'asc', alarmId: 'a1' }).map((j) => j.action)).toEqual(['raise', 'ack', 'clear']);
    expect(repo.journal({ action: ['ack', 'clear'], order: 'asc' })).toMatchObject([
      { action: 'ack', user: 'anna', note: 'feeder cleared' },
      { action: 'clear', user: null },
    ]);
    expect(repo.journal({ code: 'paper.low' })).toHaveLength(1);
    expect(repo.journal({ from: T0 + 10_000, to: T0 + 20_000 })).toHaveLength(2);
  });

  it('exports the journal as CSV: RFC 4180 quoting, CRLF, and no formulas from typed notes', () => {
    repo.record(
      {
        journal: [
          entry({ action: 'ack', user: 'anna', note: 'jam, "again" at\nthe feeder' }),
          entry({ action: 'ack', at: T0 + 1, user: '@admin', note: '=HYPERLINK("http://evil.example","click")' }),
          entry({ action: 'shelve', at: T0 + 2, user: 'ben', note: '-2+3' }),
          entry({ action: 'shelve', at: T0 + 3, user: 'ben', note: '+cmd|calc' }),
        ],
      },
      { durable: false, at: T0 },
    );
    const csv = repo.exportJournalCsv();
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('at,press,alarm_id,code,action,priority,user,note');
    expect(lines[1]).toBe('2025-03-14T06:00:00.000Z,sm-1,a1,jam.feeder,ack,critical,anna,"jam, ""again"" at\nthe feeder"');
    expect(lines[2]).toBe(`2025-03-14T06:00:00.001Z,sm-1,a1,jam.feeder,ack,critical,'@admin,"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(lines[3]).toBe("2025-03-14T06:00:00.002Z,sm-1,a1,jam.feeder,shelve,critical,ben,'-2+3");
    expect(lines[4]).toBe("2025-03-14T06:00:00.003Z,sm-1,a1,jam.feeder,shelve,critical,ben,'+cmd|calc");
    expect(lines[5]).toBe('');
    expect(lines).toHaveLength(6);
  });

  it('exports the journal lines of a given set of alarms (the alarms page filters), none for an empty set', () => {
    repo.record(
      {
        journal: [entry({}), entry({ alarmId: 'a2', at: T0 + 1 }), entry({ alarmId: 'a3', at: T0 + 2 }), entry({ alarmId: 'a1', action: 'clear', at: T0 + 3 })],
      },
      { durable: false, at: T0 },
    );
    const ids = (csv: string) =>
      csv
        .split('\r\n')
        .slice(1)
        .filter(Boolean)
        .map((line) => `${line.split(',')[2]} ${line.split(',')[4]}`);
    expect(ids(repo.exportJournalCsv({ alarmIds: ['a1', 'a3'] }))).toEqual(['a1 raise', 'a3 raise', 'a1 clear']);
    expect(ids(repo.exportJournalCsv({ alarmIds: [] }))).toEqual([]);
  });

  it('an empty journal exports just the header', () => {
    expect(journalToCsv([])).toBe('at,press,alarm_id,code,action,priority,user,note\r\n');
  });

  it('an operator write is committed durably and is visible from a second connection at once', () => {
    repo.record({ journal: [entry({ action: 'ack', user: 'anna' })] }, { durable: true, at: T0 });
    const other = openAlarmDatabase(temp.dir);
    try {
      expect(new AlarmRepository(other).journal()).toMatchObject([{ action: 'ack', user: 'anna' }]);
      // The connection is back to NORMAL for machine data after the durable commit.
      expect(db.connection.pragma('synchronous', { simple: true })).toBe(1);
    } finally {
      other.close();
    }
  });
});
