import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { openDatabase } from '../../src/store/database.js';
import { migrate } from '../../src/store/migrate.js';
import { pressMigrations } from '../../src/presses/press-migrations.js';
import { recordingMigrations } from '../../src/recording/recording-migrations.js';
import { suppliesMigrations } from '../../src/supplies/supply-migrations.js';
import { usersMigrations } from '../../src/users/user-migrations.js';
import { SupplyRepository } from '../../src/supplies/supply-repository.js';
import { clientId, inkEntry, START, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.dispose();
});

describe('POST /api/supplies', () => {
  it('stores the entry with who, when and from where, and answers 201 with it', async () => {
    h.clock.advance(1234);
    const res = await h.request('POST', '/api/supplies', { body: inkEntry({ color: undefined }) });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: expect.any(Number),
      pressId: 'press-1',
      kind: 'ink',
      unit: 2,
      color: 'magenta', // taken from the press when the tablet leaves it out
      quantity: 2.5,
      uom: 'kg',
      at: START + 1234,
      by: { id: 2, username: 'anna' },
      ip: '127.0.0.1',
      voided: null,
      reconciliation: { status: 'pending' },
    });
  });

  it('answers a retry with the same clientId with 200 and the same entry, storing one row', async () => {
    const entry = inkEntry();
    const first = await h.request('POST', '/api/supplies', { body: entry });
    h.clock.advance(30_000);
    const retry = await h.request('POST', '/api/supplies', { body: entry });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    const list = await h.request('GET', '/api/supplies');
    expect(list.body.entries).toHaveLength(1);
  });

  it('stores exactly one row when the same clientId arrives many times at once', async () => {
    const entry = inkEntry();
    const answers = await Promise.all(Array.from({ length: 12 }, () => h.request('POST', '/api/supplies', { body: entry })));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(11);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    const rows = h.db.connection.prepare('SELECT count(*) FROM supply_entries WHERE client_id = ?').pluck().get(entry.clientId);
    expect(rows).toBe(1);
    expect(h.audit.list({ action: 'supply.log', limit: 100 })).toHaveLength(1);
  });

  it('refuses a clientId reused for a different entry with 409', async () => {
    const entry = inkEntry();
    await h.request('POST', '/api/supplies', { body: entry });
    const res = await h.request('POST', '/api/supplies', { body: { ...entry, quantity: 5 } });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/already used for entry \d+ with a different quantity/);
  });

  it.each([
    [{ unit: 7 }, 'invalid body: unit: printing unit 7 does not exist on press-1 (units 1-4)'],
    [{ unit: undefined }, 'invalid body: unit: required for ink: which printing unit?'],
    [{ uom: 'sheets' }, 'invalid body: uom: ink is measured in kg, g, l or ml'],
    [{ quantity: 0 }, 'invalid body: quantity: must be more than 0'],
    [{ quantity: 5_000_000 }, 'invalid body: quantity: at most 1,000,000 in one entry'],
    [{ pressId: 'press-9' }, 'invalid body: pressId: unknown press "press-9"'],
    [{ kind: 'toner' }, 'invalid body: kind: one of ink, paper, plate, blanket, fountain-solution, other'],
    [{ kind: 'paper', unit: 2, uom: 'sheets' }, 'invalid body: unit: paper has no printing unit; leave unit out'],
    [{ kind: 'plate', uom: 'kg' }, 'invalid body: uom: plate is measured in pcs'],
    [{ kind: 'blanket', unit: undefined, uom: 'pcs' }, 'invalid body: unit: required for blanket: which printing unit?'],
    [{ kind: 'other', unit: undefined, product: undefined, uom: 'pcs' }, 'invalid body: product: for other supplies, say what it was in product or note'],
    [{ clientId: 'x' }, 'invalid body: clientId: 8-100 letters, digits, dot, colon, dash or underscore (e.g. a UUID)'],
  ])('rejects %j with a message saying what to fix', async (change, message) => {
    const res = await h.request('POST', '/api/supplies', { body: inkEntry(change) });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_request', message });
  });

  it("lists every problem at once: the shape's and the press's (unit 7 on a 4-unit press) in one 400", async () => {
    const res = await h.request('POST', '/api/supplies', { body: inkEntry({ unit: 7, uom: 'sheets', quantity: -1, loggedAt: START + 3 * 3600_000 }) });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual(
      expect.arrayContaining([
        { path: 'quantity', message: 'must be more than 0' },
        { path: 'uom', message: 'ink is measured in kg, g, l or ml' },
        { path: 'unit', message: 'printing unit 7 does not exist on press-1 (units 1-4)' },
        { path: 'loggedAt', message: "3 h ahead of the service's clock (up to 2 min is taken as clock skew): check the tablet's clock" },
      ]),
    );
    expect(res.body.error.details).toHaveLength(4);
    // an unknown press with a bad quantity: both
    const unknown = await h.request('POST', '/api/supplies', { body: inkEntry({ pressId: 'press-9', quantity: 0 }) });
    expect(unknown.body.error.details).toEqual([
      { path: 'quantity', message: 'must be more than 0' },
      { path: 'pressId', message: 'unknown press "press-9"' },
    ]);
  });

  it("keeps the tablet's time (loggedAt) beside the time the entry reached the service, bounded by the service's clock", async () => {
    h.clock.advance(60 * 60_000);
    const now = h.clock.now();
    const post = (loggedAt?: number) => h.request('POST', '/api/supplies', { body: inkEntry(loggedAt === undefined ? {} : { loggedAt }) });
    // queued on the tablet for 40 minutes
    const queued = await post(now - 40 * 60_000);
    expect(queued.status).toBe(201);
    expect(queued.body).toMatchObject({ loggedAt: now - 40 * 60_000, receivedAt: now, at: now });
    // none given: logged when received
    expect((await post()).body).toMatchObject({ loggedAt: now, receivedAt: now });
    // a clock a little ahead is skew: logged when received, never in the future
    expect((await post(now + 30_000)).body).toMatchObject({ loggedAt: now, receivedAt: now });
    // far ahead, or older than a day: refused, naming the field and the bound
    const ahead = await post(now + 10 * 60_000);
    expect(ahead.status).toBe(400);
    expect(ahead.body.error.message).toBe(
      "invalid body: loggedAt: 10 min ahead of the service's clock (up to 2 min is taken as clock skew): check the tablet's clock",
    );
    const old = await post(now - 25 * 3600_000);
    expect(old.status).toBe(400);
    expect(old.body.error.details).toEqual([
      { path: 'loggedAt', message: '25 h before it reached the service, more than 24 h: send it without loggedAt (and the time in the note)' },
    ]);
    const words = await h.request('POST', '/api/supplies', { body: inkEntry({ loggedAt: 'yesterday' }) });
    expect(words.body.error.details).toEqual([{ path: 'loggedAt', message: "epoch milliseconds: the tablet's clock when the entry was made" }]);
    // the CSV has both: logged_at is the tablet's (bounded) time, received_at the service's
    const csv = (await h.request('GET', '/api/supplies.csv')).text.split('\r\n');
    const row = csv.find((line) => line.startsWith(`${queued.body.id},`))!;
    expect(row.split(',')[1]).toBe(new Date(now - 40 * 60_000).toISOString());
    expect(row.split(',').at(-1)).toBe(new Date(now).toISOString());
  });

  it('reads an entry stored before loggedAt existed (database from before the migration) as logged when received', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-supplies-old-'));
    try {
      const old = openDatabase({ dataDir: dir, logger: pino({ level: 'silent' }) });
      migrate(old, [...pressMigrations, ...recordingMigrations, ...usersMigrations, suppliesMigrations[0]!]);
      old.connection
        .prepare(`INSERT INTO supply_entries (client_id, press_id, kind, unit, quantity, uom, at) VALUES ('old-entry-0001', 'press-1', 'ink', 2, 1, 'kg', ?)`)
        .run(START);
      old.connection.prepare(`INSERT INTO supply_reconciliation (entry_id, status) VALUES (1, 'confirmed')`).run();
      expect(migrate(old, [...pressMigrations, ...recordingMigrations, ...usersMigrations, ...suppliesMigrations])).toEqual(['supplies-002-logged-at']);
      expect(new SupplyRepository(old).get(1)).toMatchObject({ clientId: 'old-entry-0001', at: START, receivedAt: START, loggedAt: START });
      old.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('shows the unit list of the press named, not of another', async () => {
    const res = await h.request('POST', '/api/supplies', { body: inkEntry({ pressId: 'press-2', unit: 6 }) });
    expect(res.body.error.message).toBe('invalid body: unit: printing unit 6 does not exist on press-2 (units 1-5)');
  });

  it('accepts each kind with its own units of measure', async () => {
    const bodies = [
      { kind: 'paper', unit: undefined, uom: 'sheets', quantity: 8000 },
      { kind: 'plate', unit: 1, uom: 'pcs', quantity: 1 },
      { kind: 'blanket', unit: 4, uom: 'pcs', quantity: 1 },
      { kind: 'fountain-solution', unit: undefined, uom: 'l', quantity: 20 },
      { kind: 'other', unit: undefined, product: 'Wash-up cloth', uom: 'rolls', quantity: 1 },
    ];
    for (const body of bodies) {
      const res = await h.request('POST', '/api/supplies', { body: inkEntry(body) });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      const expected = body.kind === 'paper' ? 'pending' : 'not-applicable';
      expect(res.body.reconciliation.status).toBe(expected);
    }
  });

  it('needs a session (401) with the operator role (403)', async () => {
    const anonymous = await h.request('POST', '/api/supplies', { role: null, body: inkEntry() });
    expect(anonymous.status).toBe(401);
    const viewer = await h.request('POST', '/api/supplies', { role: 'viewer', body: inkEntry() });
    expect(viewer.status).toBe(403);
    expect(viewer.body.error.message).toBe('needs the operator role; you are viewer');
    const admin = await h.request('POST', '/api/supplies', { role: 'admin', body: inkEntry() });
    expect(admin.status).toBe(201);
    expect((await h.request('GET', '/api/supplies', { role: null })).status).toBe(401);
  });

  it('audits the log in the same transaction as the entry', async () => {
    const res = await h.request('POST', '/api/supplies', { body: inkEntry() });
    const [line] = h.audit.list({ action: 'supply.log', limit: 10 });
    expect(line).toMatchObject({ username: 'anna', userId: 2, target: `supply:${res.body.id}`, ip: '127.0.0.1', at: START });
    expect(line?.details).toMatchObject({ pressId: 'press-1', kind: 'ink', unit: 2, lot: 'L24-0815', quantity: 2.5 });

    // An audit that cannot be written takes the entry with it: no unaudited write.
    h.db.connection.exec('DROP TABLE audit_log');
    const failed = await h.request('POST', '/api/supplies', { body: inkEntry({ clientId: clientId() }) });
    expect(failed.status).toBe(500);
    expect(h.db.connection.prepare('SELECT count(*) FROM supply_entries').pluck().get()).toBe(1);
  });

  it('keeps the entry on disk: it is there after close and reopen', async () => {
    const res = await h.request('POST', '/api/supplies', { body: inkEntry() });
    await h.close();
    const db = openDatabase({ dataDir: h.dir });
    try {
      const entry = new SupplyRepository(db).get(res.body.id);
      expect(entry).toEqual(res.body);
    } finally {
      db.close();
    }
  });

  it('refuses to edit or delete a stored entry, even in SQL', async () => {
    const res = await h.request('POST', '/api/supplies', { body: inkEntry() });
    expect(() => h.db.connection.prepare('UPDATE supply_entries SET quantity = 1 WHERE id = ?').run(res.body.id)).toThrow(/never edited/);
    expect(() => h.db.connection.prepare('DELETE FROM supply_entries WHERE id = ?').run(res.body.id)).toThrow(/never deleted/);
  });
});
