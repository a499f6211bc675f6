import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditRepository } from '../../src/users/audit-repository.js';
import { openDatabase, type StoreDatabase } from '../../src/store/database.js';
import { migrate } from '../../src/store/migrate.js';
import { usersMigrations } from '../../src/users/user-migrations.js';

let dir: string;
let db: StoreDatabase;
let audit: AuditRepository;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pressroom-audit-'));
  db = openDatabase({ dataDir: dir });
  migrate(db, usersMigrations);
  audit = new AuditRepository(db, () => 1_700_000_000_000);
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const entry = { userId: 3, username: 'jo', action: 'supply.log', target: 'supply:1', ip: '127.0.0.1', details: { kind: 'ink' } };

describe('the audit repository', () => {
  it('records on its own, stamped by the injected clock', () => {
    audit.record(entry);
    expect(audit.list({ limit: 10 })).toEqual([{ id: 1, at: 1_700_000_000_000, ...entry }]);
  });

  it('inside another write joins it: a rolled-back write leaves no audit entry behind', () => {
    expect(() =>
      db.durableWrite('log supply', () => {
        audit.record(entry);
        throw new Error('the supply write failed');
      }),
    ).toThrow('the supply write failed');
    expect(audit.list({ limit: 10 })).toEqual([]);

    db.durableWrite('log supply', () => audit.record(entry));
    expect(audit.list({ limit: 10 })).toHaveLength(1);
  });

  it('matches an action prefix literally, not as a LIKE pattern', () => {
    audit.record({ ...entry, action: 'user_x.create' });
    audit.record({ ...entry, action: 'userAx.create' });
    expect(audit.list({ limit: 10, action: 'user_*' }).map((e) => e.action)).toEqual(['user_x.create']);
  });
});
