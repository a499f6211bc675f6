import { afterEach, describe, expect, it } from 'vitest';
import { postJson, rawRequest, startHarness, type Harness } from './auth-harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const wrong = { password: 'not the password' };

describe('login rate limiting', () => {
  it('locks a username for 30 s after 5 failures, answering 429 with Retry-After, even for the right password', async () => {
    h = await startHarness();
    await h.addUser('mia', 'operator', { password: 'mia-password-1' });
    for (let i = 0; i < 5; i++) expect((await postJson(h.baseUrl, '/api/auth/login', { username: 'mia', ...wrong })).status).toBe(401);

    const locked = await postJson(h.baseUrl, '/api/auth/login', { username: 'mia', password: 'mia-password-1' });
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBe('30');
    expect(((await locked.json()) as { error: { code: string } }).error.code).toBe('too_many_attempts');

    h.clock.advance(29_000);
    const stillLocked = await postJson(h.baseUrl, '/api/auth/login', { username: 'mia', password: 'mia-password-1' });
    expect(stillLocked.status).toBe(429);
    expect(stillLocked.headers.get('retry-after')).toBe('1');

    h.clock.advance(1_000);
    expect((await postJson(h.baseUrl, '/api/auth/login', { username: 'mia', password: 'mia-password-1' })).status).toBe(200);
  });

  it('doubles the lockout with each further failure', async () => {
    h = await startHarness();
    await h.addUser('mia', 'operator');
    for (let i = 0; i < 5; i++) await postJson(h.baseUrl, '/api/auth/login', { username: 'mia', ...wrong });
    h.clock.advance(30_000);
    expect((await postJson(h.baseUrl, '/api/auth/login', { username: 'mia', ...wrong })).status).toBe(401);
    expect((await postJson(h.baseUrl, '/api/auth/login', { username: 'mia', ...wrong })).headers.get('retry-after')).toBe('60');
    h.clock.advance(60_000);
    expect((await postJson(h.baseUrl, '/api/auth/login', { username: 'mia', ...wrong })).status).toBe(401);
    expect((await postJson(h.baseUrl, '/api/auth/login', { username: 'mia', ...wrong })).headers.get('retry-after')).toBe('120');
  });

  it('locks unknown usernames the same way, so lockouts do not reveal who exists', async () => {
    h = await startHarness();
    for (let i = 0; i < 5; i++) expect((await postJson(h.baseUrl, '/api/auth/login', { username: 'ghost', ...wrong })).status).toBe(401);
    expect((await postJson(h.baseUrl, '/api/auth/login', { username: 'ghost', ...wrong })).status).toBe(429);
  });

  it('counts a burst of parallel guesses before they finish: at most 5 get a real answer', async () => {
    h = await startHarness({ throttle: { addressThreshold: 1000 } });
    await h.addUser('jo', 'operator', { pin: '482193' });
    const base = h.baseUrl;
    const guesses = Array.from({ length: 30 }, (_, i) => postJson(base, '/api/auth/login', { username: 'jo', pin: String(1000 + i) }));
    const statuses = (await Promise.all(guesses)).map((res) => res.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(25);
  });

  it('locks a client address guessing across many usernames, and X-Forwarded-For does not get it out', async () => {
    h = await startHarness({ throttle: { addressThreshold: 8 } });
    await h.addUser('mia', 'operator', { password: 'mia-password-1' });
    for (let i = 0; i < 8; i++) expect((await postJson(h.baseUrl, '/api/auth/login', { username: `user${i}`, ...wrong })).status).toBe(401);

    const spoofed = await rawRequest(h.port, {
      method: 'POST',
      path: '/api/auth/login',
      headers: { 'x-forwarded-for': '10.9.8.7', 'x-real-ip': '10.9.8.7', forwarded: 'for=10.9.8.7' },
      body: { username: 'mia', password: 'mia-password-1' },
    });
    expect(spoofed.status).toBe(429);
  });

  it('a success resets the username count but keeps other users unaffected', async () => {
    h = await startHarness();
    await h.addUser('mia', 'operator', { password: 'mia-password-1' });
    await h.addUser('jo', 'operator', { password: 'jo-password-12' });
    for (let i = 0; i < 4; i++) await postJson(h.baseUrl, '/api/auth/login', { username: 'mia', ...wrong });
    expect((await postJson(h.baseUrl, '/api/auth/login', { username: 'mia', password: 'mia-password-1' })).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await postJson(h.baseUrl, '/api/auth/login', { username: 'mia', ...wrong })).status).toBe(401);
    expect((await postJson(h.baseUrl, '/api/auth/login', { username: 'jo', password: 'jo-password-12' })).status).toBe(200);
  });
});

/** `pressroom_device=<value>` from a login answer's Set-Cookie. */
function deviceCookieFrom(res: Response): string {
  const line = res.headers.getSetCookie().find((l) => l.startsWith('pressroom_device='));
  if (!line) throw new Error('no pressroom_device cookie in the answer');
  return line.split(';')[0]!;
}

describe('lockouts are not a denial of service (device cookies)', () => {
  it("five wrong passwords for ADMIN from elsewhere lock unknown devices out, but not the admin's own device", async () => {
    h = await startHarness();
    await h.addUser('admin', 'admin', { password: 'admin-password-1' });
    // the admin's desk has logged in before
    const desk = deviceCookieFrom(await postJson(h.baseUrl, '/api/auth/login', { username: 'admin', password: 'admin-password-1' }));

    for (let i = 0; i < 5; i++) expect((await postJson(h.baseUrl, '/api/auth/login', { username: 'ADMIN', ...wrong })).status).toBe(401);
    // an unknown device, even with the right password: locked
    expect((await postJson(h.baseUrl, '/api/auth/login', { username: 'admin', password: 'admin-password-1' })).status).toBe(429);
    // the desk: in
    const fromDesk = await postJson(h.baseUrl, '/api/auth/login', { username: 'admin', password: 'admin-password-1' }, { cookie: desk });
    expect(fromDesk.status).toBe(200);
    expect(fromDesk.headers.getSetCookie().some((l) => l.startsWith('pressroom_session='))).toBe(true);
    // and the attacker is still locked out, however long they keep at it
    expect((await postJson(h.baseUrl, '/api/auth/login', { username: 'admin', ...wrong })).status).toBe(429);
  });

  it("a known device's own failures lock only that device, for that user", async () => {
    h = await startHarness();
    await h.addUser('mia', 'operator', { password: 'mia-password-1' });
    const tablet = deviceCookieFrom(await postJson(h.baseUrl, '/api/auth/login', { username: 'mia', password: 'mia-password-1' }));
    for (let i = 0; i < 5; i++) expect((await postJson(h.baseUrl, '/api/auth/login', { username: 'mia', ...wrong }, { cookie: tablet })).status).toBe(401);
    const locked = await postJson(h.baseUrl, '/api/auth/login', { username: 'mia', password: 'mia-password-1' }, { cookie: tablet });
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBe('30');
    // not counted against mia from other devices
    expect((await postJson(h.baseUrl, '/api/auth/login', { username: 'mia', password: 'mia-password-1' })).status).toBe(200);
  });

  it("a forged, altered or another user's device cookie counts as an unknown device", async () => {
    h = await startHarness();
    await h.addUser('mia', 'operator', { password: 'mia-password-1' });
    await h.addUser('jo', 'operator', { password: 'jo-password-12' });
    const josDevice = deviceCookieFrom(await postJson(h.baseUrl, '/api/auth/login', { username: 'jo', password: 'jo-password-12' }));
    const miasDevice = deviceCookieFrom(await postJson(h.baseUrl, '/api/auth/login', { username: 'mia', password: 'mia-password-1' }));
    const [name, value] = miasDevice.split('=') as [string, string];
    const fields = value.split('~');
    const forged = `${name}=${Buffer.from('mia').toString('base64url')}~${fields[1]}~${(Date.now() + 1).toString(36)}~${fields[3]}`; // re-dated: MAC no longer fits
    const altered = `${name}=${value.slice(0, -2)}${value.endsWith('AA') ? 'BB' : 'AA'}`;
    for (let i = 0; i < 5; i++) await postJson(h.baseUrl, '/api/auth/login', { username: 'mia', ...wrong });
    for (const cookie of [josDevice, forged, altered, 'pressroom_device=garbage']) {
      expect((await postJson(h.baseUrl, '/api/auth/login', { username: 'mia', password: 'mia-password-1' }, { cookie })).status, cookie).toBe(429);
    }
    expect((await postJson(h.baseUrl, '/api/auth/login', { username: 'mia', password: 'mia-password-1' }, { cookie: miasDevice })).status).toBe(200);
  });

  it('the device cookie is httpOnly, SameSite=Strict, sent only to /api/auth, and remembers several users of a shared tablet', async () => {
    h = await startHarness();
    await h.addUser('mia', 'operator', { password: 'mia-password-1' });
    await h.addUser('jo', 'operator', { password: 'jo-password-12' });
    const first = await postJson(h.baseUrl, '/api/auth/login', { username: 'mia', password: 'mia-password-1' });
    const line = first.headers.getSetCookie().find((l) => l.startsWith('pressroom_device='))!;
    const attributes = line.split(';').map((part) => part.trim().toLowerCase());
    expect(attributes).toEqual(expect.arrayContaining(['httponly', 'samesite=strict', 'path=/api/auth']));
    // the session cookie comes first, for clients that read only one
    expect(first.headers.getSetCookie()[0]).toMatch(/^pressroom_session=/);
    const shared = deviceCookieFrom(
      await postJson(h.baseUrl, '/api/auth/login', { username: 'jo', password: 'jo-password-12' }, { cookie: deviceCookieFrom(first) }),
    );
    for (const username of ['mia', 'jo']) {
      for (let i = 0; i < 5; i++) await postJson(h.baseUrl, '/api/auth/login', { username, ...wrong });
    }
    const secrets = { mia: 'mia-password-1', jo: 'jo-password-12' };
    for (const [username, password] of Object.entries(secrets)) {
      expect((await postJson(h.baseUrl, '/api/auth/login', { username, password }, { cookie: shared })).status, username).toBe(200);
    }
  });
});

describe('failure counts cannot be flushed', () => {
  it("a flood of made-up usernames does not reset a real user's count (HTTP, a small bound)", async () => {
    h = await startHarness({ throttle: { maxKeys: 10, addressThreshold: 1_000_000 } });
    await h.addUser('mia', 'operator', { password: 'mia-password-1' });
    for (let i = 0; i < 4; i++) expect((await postJson(h.baseUrl, '/api/auth/login', { username: 'mia', ...wrong })).status).toBe(401);
    // three times the bound, in parallel batches
    for (let batch = 0; batch < 3; batch++) {
      await Promise.all(Array.from({ length: 10 }, (_, i) => postJson(h!.baseUrl, '/api/auth/login', { username: `flood-${batch}-${i}`, ...wrong })));
    }
    expect((await postJson(h.baseUrl, '/api/auth/login', { username: 'mia', ...wrong })).status).toBe(401);
    expect((await postJson(h.baseUrl, '/api/auth/login', { username: 'mia', password: 'mia-password-1' })).status).toBe(429);
  });
});
