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
    await h.addUser('jo', 'operator', { pin: '4821' });
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
