import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SYSTEM, cookieFrom, get, postJson, signedInAs, startHarness, type Harness } from './auth-harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

describe('logging in', () => {
  it('with a password answers the user and sets an httpOnly, SameSite=Strict session cookie', async () => {
    await h.addUser('mia', 'operator', { password: 'correct horse battery' });
    const res = await postJson(h.baseUrl, '/api/auth/login', { username: 'mia', password: 'correct horse battery' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ user: { id: expect.any(Number), username: 'mia', displayName: 'mia', role: 'operator' } });

    const setCookie = res.headers.getSetCookie().find((line) => line.startsWith('pressroom_session='));
    expect(setCookie).toBeDefined();
    const attributes = (setCookie ?? '').split(';').map((part) => part.trim().toLowerCase());
    expect(attributes).toContain('httponly');
    expect(attributes).toContain('samesite=strict');
    expect(attributes).toContain('path=/');
    expect(attributes).not.toContain('secure'); // plain http on loopback; Secure only over TLS
    expect(attributes.some((a) => a.startsWith('max-age='))).toBe(true);
    // 32 random bytes, base64url
    expect(cookieFrom(res)).toMatch(/^pressroom_session=[A-Za-z0-9_-]{43}$/);

    const me = await get(h.baseUrl, '/api/auth/me', cookieFrom(res));
    expect(me.status).toBe(200);
    expect(((await me.json()) as { user: { username: string } }).user.username).toBe('mia');
  });

  it('GET /api/auth/me answers 200 { user: null } to nobody (a wall screen asks on every load)', async () => {
    const res = await get(h.baseUrl, '/api/auth/me');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ user: null });
    // a cookie that signs nobody in is no session either
    expect(await signedInAs(h.baseUrl, 'pressroom_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).toBeNull();
  });

  it('with a username in another case finds the same user', async () => {
    await h.addUser('Mia', 'viewer', { password: 'correct horse battery' });
    const res = await postJson(h.baseUrl, '/api/auth/login', { username: 'mIA', password: 'correct horse battery' });
    expect(res.status).toBe(200);
  });

  it('with name and PIN works on a tablet; a wrong PIN does not', async () => {
    await h.addUser('jo', 'operator', { pin: '482193' });
    expect((await postJson(h.baseUrl, '/api/auth/login', { username: 'jo', pin: '482193' })).status).toBe(200);
    const wrong = await postJson(h.baseUrl, '/api/auth/login', { username: 'jo', pin: '482194' });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: { code: 'invalid_credentials', message: 'wrong username or PIN' } });
  });

  it('with a PIN fails for a user who has none set', async () => {
    await h.addUser('kim', 'operator');
    expect((await postJson(h.baseUrl, '/api/auth/login', { username: 'kim', pin: '0000' })).status).toBe(401);
  });

  it('answers a wrong password and an unknown user with the same 401', async () => {
    await h.addUser('mia', 'operator', { password: 'correct horse battery' });
    const wrongPassword = await postJson(h.baseUrl, '/api/auth/login', { username: 'mia', password: 'nope nope nope' });
    const unknownUser = await postJson(h.baseUrl, '/api/auth/login', { username: 'nobody', password: 'nope nope nope' });
    expect(wrongPassword.status).toBe(401);
    expect(unknownUser.status).toBe(401);
    expect(await wrongPassword.json()).toEqual(await unknownUser.json());
    expect(wrongPassword.headers.getSetCookie()).toEqual([]);
  });

  it('rejects a body with both password and PIN, or neither, as bad input', async () => {
    const both = await postJson(h.baseUrl, '/api/auth/login', { username: 'mia', password: 'x', pin: '1234' });
    const neither = await postJson(h.baseUrl, '/api/auth/login', { username: 'mia' });
    expect(both.status).toBe(400);
    expect(neither.status).toBe(400);
  });

  it('is refused for a disabled user, and disabling ends the sessions they had', async () => {
    const id = await h.addUser('sam', 'operator', { password: 'sam-password-1' });
    const cookie = await h.login('sam', { password: 'sam-password-1' });
    await h.auth.users.disable(id, SYSTEM);
    expect(await signedInAs(h.baseUrl, cookie)).toBeNull();
    const again = await postJson(h.baseUrl, '/api/auth/login', { username: 'sam', password: 'sam-password-1' });
    expect(again.status).toBe(401);
    expect(await again.json()).toEqual({ error: { code: 'invalid_credentials', message: 'wrong username or password' } });
  });
});

describe('sessions', () => {
  it('end at logout: the old cookie no longer signs anyone in', async () => {
    await h.addUser('mia', 'operator');
    const cookie = await h.login('mia', { password: 'mia-password-1' });
    const out = await postJson(h.baseUrl, '/api/auth/logout', {}, { cookie });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie().some((line) => /^pressroom_session=;/.test(line))).toBe(true);
    expect(await signedInAs(h.baseUrl, cookie)).toBeNull();
    expect((await postJson(h.baseUrl, '/api/test/operator', {}, { cookie })).status).toBe(401);
  });

  it('slide with use and end after 12 h idle', async () => {
    await h.addUser('mia', 'operator');
    const cookie = await h.login('mia', { password: 'mia-password-1' });
    h.clock.advance(11 * 3600_000);
    expect(await signedInAs(h.baseUrl, cookie)).toBe('mia'); // used: expiry moves on
    h.clock.advance(11 * 3600_000);
    expect(await signedInAs(h.baseUrl, cookie)).toBe('mia');
    h.clock.advance(12 * 3600_000);
    expect(await signedInAs(h.baseUrl, cookie)).toBeNull();
  });

  it('end after the absolute lifetime even when used all along', async () => {
    await h.addUser('mia', 'operator');
    const cookie = await h.login('mia', { password: 'mia-password-1' });
    // every 6 h for 7 days less 6 h: never idle, always still signed in
    for (let hour = 6; hour < 7 * 24; hour += 6) {
      h.clock.advance(6 * 3600_000);
      if ((await signedInAs(h.baseUrl, cookie)) !== 'mia') throw new Error(`session ended early, at hour ${hour}`);
    }
    h.clock.advance(6 * 3600_000); // hour 168: seven days after login
    expect(await signedInAs(h.baseUrl, cookie)).toBeNull();
  });

  it('once ended, are refused without a write; the sweep deletes their rows and never throws', async () => {
    await h.addUser('mia', 'operator');
    const idle = await h.login('mia', { password: 'mia-password-1' });
    h.clock.advance(13 * 3600_000);
    const rows = () => h.db.connection.prepare('SELECT count(*) FROM sessions').pluck().get() as number;
    expect(await signedInAs(h.baseUrl, idle)).toBeNull();
    expect((await postJson(h.baseUrl, '/api/auth/logout', {}, { cookie: idle })).status).toBe(204);
    expect(rows()).toBe(1); // refused, not deleted in the request
    // the database refusing writes: the sweep logs and answers 0
    const other = new Database(h.db.path);
    other.exec('BEGIN IMMEDIATE');
    try {
      expect(h.auth.sessions.sweepExpired()).toBe(0);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect(h.auth.sessions.sweepExpired()).toBe(1);
    expect(rows()).toBe(0);
  });

  it('are stored only as hashes: the database holds no cookie token', async () => {
    await h.addUser('mia', 'operator');
    const cookie = await h.login('mia', { password: 'mia-password-1' });
    const token = cookie.split('=')[1] ?? '';
    const stored = h.db.connection.prepare('SELECT token_hash FROM sessions').pluck().all() as string[];
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(stored).not.toContain(token);
  });

  it('reach the socket.io handshake through userFromCookieHeader', async () => {
    await h.addUser('mia', 'viewer');
    const cookie = await h.login('mia', { password: 'mia-password-1' });
    expect(h.auth.userFromCookieHeader(`theme=dark; ${cookie}`)?.username).toBe('mia');
    expect(h.auth.userFromCookieHeader('pressroom_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).toBeUndefined();
    expect(h.auth.userFromCookieHeader('pressroom_session=not-a-token')).toBeUndefined();
    expect(h.auth.userFromCookieHeader(undefined)).toBeUndefined();
  });

  it('follow a role change at once, without logging in again', async () => {
    const id = await h.addUser('mia', 'viewer');
    const cookie = await h.login('mia', { password: 'mia-password-1' });
    expect((await postJson(h.baseUrl, '/api/test/operator', {}, { cookie })).status).toBe(403);
    await h.auth.users.update(id, { role: 'operator' }, SYSTEM);
    expect((await postJson(h.baseUrl, '/api/test/operator', {}, { cookie })).status).toBe(200);
  });
});
