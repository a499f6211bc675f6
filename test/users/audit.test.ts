import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredAuditEntry } from '../../src/users/audit-reader.js';
import { get, postJson, startHarness, type Harness } from './auth-harness.js';

let h: Harness;
let admin: string;
beforeEach(async () => {
  h = await startHarness();
  await h.addUser('boss', 'admin', { password: 'boss-password-1' });
  admin = await h.login('boss', { password: 'boss-password-1' });
});
afterEach(async () => {
  await h.close();
});

async function entries(query = ''): Promise<StoredAuditEntry[]> {
  const res = await get(h.baseUrl, `/api/audit${query}`, admin);
  expect(res.status).toBe(200);
  return ((await res.json()) as { entries: StoredAuditEntry[] }).entries;
}

describe('the audit log', () => {
  it('records logins, failed logins, logouts and user changes, with who and from where', async () => {
    await postJson(h.baseUrl, '/api/auth/login', { username: 'boss', password: 'wrong-wrong' });
    await postJson(h.baseUrl, '/api/auth/login', { username: 'nobody', password: 'wrong-wrong' });
    const created = await postJson(h.baseUrl, '/api/users', { username: 'jo', role: 'viewer', password: 'jo-password-12' }, { cookie: admin });
    const joId = ((await created.json()) as { user: { id: number } }).user.id;
    await postJson(h.baseUrl, `/api/users/${joId}`, { role: 'operator', password: 'another-secret' }, { cookie: admin }, 'PATCH');
    const joCookie = await h.login('jo', { password: 'another-secret' });
    await postJson(h.baseUrl, '/api/auth/logout', {}, { cookie: joCookie });

    const log = (await entries()).reverse(); // oldest first
    const actions = log.map((e) => `${e.action} ${e.username ?? '-'}`);
    expect(actions).toEqual([
      'user.create -', // boss, created by the system
      'auth.login boss',
      'auth.login-failed boss',
      'auth.login-failed nobody',
      'user.create boss',
      'user.update boss',
      'auth.login jo',
      'auth.logout jo',
    ]);
    for (const entry of log) if (entry.username === 'boss' || entry.username === 'jo') expect(entry.ip).toMatch(/127\.0\.0\.1/);
    const update = log.find((e) => e.action === 'user.update');
    expect(update?.target).toBe(`user:${joId}`);
    expect(update?.details).toMatchObject({ changed: ['role', 'password'], role: { from: 'viewer', to: 'operator' } });
    expect(JSON.stringify(log)).not.toMatch(/another-secret|jo-password|wrong-wrong|scrypt/);
    const failed = log.filter((e) => e.action === 'auth.login-failed').map((e) => e.details?.reason);
    expect(failed).toEqual(['wrong-secret', 'unknown-user']);
  });

  it('is committed to the database file before the answer', async () => {
    await postJson(h.baseUrl, '/api/users', { username: 'jo', role: 'viewer', password: 'jo-password-12' }, { cookie: admin });
    // a second connection, as after a crash and restart, sees the entry
    const { default: Database } = await import('better-sqlite3');
    const other = new Database(h.db.path, { readonly: true });
    const actions = other.prepare('SELECT action FROM audit_log ORDER BY id').pluck().all();
    other.close();
    expect(actions).toContain('user.create');
  });

  it('filters by user, action (exact or prefix), time range and limit', async () => {
    const t0 = h.clock.now();
    h.auth.audit.record({ userId: 5, username: 'jo', action: 'supply.log', target: 'supply:1', ip: '10.0.0.5', details: { kind: 'ink' } });
    h.clock.advance(60_000);
    h.auth.audit.record({ userId: 5, username: 'jo', action: 'alarm.ack', target: 'alarm:a', ip: '10.0.0.5', details: null });
    h.clock.advance(60_000);
    h.auth.audit.record({ userId: 6, username: 'kim', action: 'alarm.shelve', target: 'alarm:b', ip: null, details: null });

    expect((await entries('?user=JO')).map((e) => e.action)).toEqual(['alarm.ack', 'supply.log']);
    expect((await entries('?action=alarm.*')).map((e) => e.action)).toEqual(['alarm.shelve', 'alarm.ack']);
    expect((await entries('?action=alarm.ack')).map((e) => e.username)).toEqual(['jo']);
    expect((await entries(`?from=${t0 + 30_000}&to=${t0 + 90_000}`)).map((e) => e.action)).toEqual(['alarm.ack']);
    expect(await entries('?limit=1')).toHaveLength(1);
    expect((await get(h.baseUrl, '/api/audit?limit=0', admin)).status).toBe(400);
    expect((await get(h.baseUrl, `/api/audit?from=${t0 + 1}&to=${t0}`, admin)).status).toBe(400);
    expect((await get(h.baseUrl, '/api/audit?action=alarm%', admin)).status).toBe(400);
  });

  it('exports CSV with RFC 4180 quoting and formula cells defused', async () => {
    h.auth.audit.record({
      userId: null,
      username: '=HYPERLINK("http://evil.example","click")',
      action: 'supply.log',
      target: '+1 plate',
      ip: '-2',
      details: { note: 'cyan, "process", 2 kg\r\nsecond line' },
    });
    h.auth.audit.record({ userId: 9, username: '@sum(A1:A9)', action: 'supply.log', target: 'plain', ip: null, details: null });
    const res = await get(h.baseUrl, '/api/audit.csv?action=supply.log', admin);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="pressroom-audit-\d{4}-\d{2}-\d{2}\.csv"$/);
    const text = await res.text();
    const lines = text.split('\r\n');
    expect(lines[0]).toBe('id,at,user_id,username,action,target,ip,details');
    // newest first: the @ row, then the = row (whose details hold a quoted CRLF)
    expect(lines[1]).toMatch(/^\d+,\d{4}-\d{2}-\d{2}T[\d:.]+Z,9,'@sum\(A1:A9\),supply\.log,plain,,$/);
    expect(text).toContain(
      `,"'=HYPERLINK(""http://evil.example"",""click"")",supply.log,'+1 plate,'-2,"{""note"":""cyan, \\""process\\"", 2 kg\\r\\nsecond line""}"\r\n`,
    );
    expect(text.endsWith('\r\n')).toBe(true);
  });
});
