import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, postJson, rawRequest, startHarness, type Harness } from './auth-harness.js';

let h: Harness;
const cookies: Record<'viewer' | 'operator' | 'admin', string> = { viewer: '', operator: '', admin: '' };

beforeAll(async () => {
  h = await startHarness();
  for (const role of ['viewer', 'operator', 'admin'] as const) {
    await h.addUser(role, role);
    cookies[role] = await h.login(role, { password: `${role}-password-1` });
  }
});
afterAll(async () => {
  await h.close();
});

describe('role matrix', () => {
  const routes = [
    { name: 'an operator write', method: 'POST', path: '/api/test/operator', expected: { anonymous: 401, viewer: 403, operator: 200, admin: 200 } },
    { name: 'an admin write', method: 'POST', path: '/api/test/admin', expected: { anonymous: 401, viewer: 403, operator: 403, admin: 200 } },
    { name: 'the user list', method: 'GET', path: '/api/users', expected: { anonymous: 401, viewer: 403, operator: 403, admin: 200 } },
    { name: 'the audit log', method: 'GET', path: '/api/audit', expected: { anonymous: 401, viewer: 403, operator: 403, admin: 200 } },
    { name: 'the audit CSV', method: 'GET', path: '/api/audit.csv', expected: { anonymous: 401, viewer: 403, operator: 403, admin: 200 } },
  ] as const;

  for (const route of routes) {
    for (const who of ['anonymous', 'viewer', 'operator', 'admin'] as const) {
      it(`${route.name}: ${who} gets ${route.expected[who]}`, async () => {
        const cookie = who === 'anonymous' ? undefined : cookies[who];
        const res = route.method === 'GET' ? await get(h.baseUrl, route.path, cookie) : await postJson(h.baseUrl, route.path, {}, cookie ? { cookie } : {});
        expect(res.status).toBe(route.expected[who]);
      });
    }
  }
});

describe('headers a script can forge grant nothing', () => {
  const forged = {
    'x-forwarded-for': '127.0.0.1',
    'x-forwarded-host': '127.0.0.1',
    'x-forwarded-proto': 'https',
    'x-real-ip': '127.0.0.1',
    forwarded: 'for=127.0.0.1;proto=https',
    'x-user': 'admin',
    'x-role': 'admin',
    authorization: 'Basic YWRtaW46YWRtaW4=', // admin:admin
  };

  it('anonymous with forged proxy headers, Host, Origin and Referer is still 401', async () => {
    for (const path of ['/api/test/admin', '/api/test/operator']) {
      const res = await rawRequest(h.port, {
        method: 'POST',
        path,
        headers: { ...forged, host: 'pressroom.local', origin: 'http://pressroom.local', referer: 'http://pressroom.local/' },
        body: {},
      });
      expect(res.status).toBe(401);
    }
    const list = await rawRequest(h.port, { method: 'GET', path: '/api/users', headers: { ...forged, host: 'localhost' } });
    expect(list.status).toBe(401);
  });

  it('a viewer with forged headers is still only a viewer', async () => {
    const res = await rawRequest(h.port, { method: 'POST', path: '/api/test/operator', headers: { ...forged, cookie: cookies.viewer }, body: {} });
    expect(res.status).toBe(403);
  });

  it('a forged session cookie is nobody', async () => {
    const res = await rawRequest(h.port, {
      method: 'POST',
      path: '/api/test/operator',
      headers: { cookie: 'pressroom_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
      body: {},
    });
    expect(res.status).toBe(401);
  });

  it('X-Forwarded-Proto: https does not decide the cookie: only TLS on the socket makes it Secure', async () => {
    await h.addUser('tls', 'viewer', { password: 'tls-password-1' });
    const res = await rawRequest(h.port, {
      method: 'POST',
      path: '/api/auth/login',
      headers: { 'x-forwarded-proto': 'https' },
      body: { username: 'tls', password: 'tls-password-1' },
    });
    expect(res.status).toBe(200);
    const setCookie = res.headers['set-cookie']?.find((line) => line.startsWith('pressroom_session=')) ?? '';
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).not.toMatch(/;\s*Secure/i);
  });
});

describe('cross-site writes', () => {
  it('an admin session with a foreign Origin is refused with 403 and changes nothing', async () => {
    const before = ((await (await get(h.baseUrl, '/api/users', cookies.admin)).json()) as { users: unknown[] }).users.length;
    const res = await postJson(
      h.baseUrl,
      '/api/users',
      { username: 'mallory', role: 'admin', password: 'mallory-password' },
      { cookie: cookies.admin, origin: 'http://evil.example' },
    );
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('cross_site_request');
    const after = ((await (await get(h.baseUrl, '/api/users', cookies.admin)).json()) as { users: unknown[] }).users.length;
    expect(after).toBe(before);
  });

  it('a foreign Referer without Origin is refused too, as is Origin: null', async () => {
    const byReferer = await rawRequest(h.port, {
      method: 'POST',
      path: '/api/test/admin',
      headers: { cookie: cookies.admin, referer: 'http://evil.example/page' },
      body: {},
    });
    expect(byReferer.status).toBe(403);
    const nullOrigin = await rawRequest(h.port, { method: 'POST', path: '/api/test/admin', headers: { cookie: cookies.admin, origin: 'null' }, body: {} });
    expect(nullOrigin.status).toBe(403);
  });

  it('the path in another case does not get around the check', async () => {
    const res = await rawRequest(h.port, {
      method: 'POST',
      path: '/API/test/admin',
      headers: { cookie: cookies.admin, origin: 'http://evil.example' },
      body: {},
    });
    expect(res.status).toBe(403);
  });

  it('a login from a foreign page is refused (login CSRF)', async () => {
    const res = await postJson(h.baseUrl, '/api/auth/login', { username: 'admin', password: 'admin-password-1' }, { origin: 'http://evil.example' });
    expect(res.status).toBe(403);
  });

  it('the same origin, and a client that sends no Origin, may write', async () => {
    const sameOrigin = await postJson(h.baseUrl, '/api/test/admin', {}, { cookie: cookies.admin, origin: h.baseUrl });
    expect(sameOrigin.status).toBe(200);
    const noOrigin = await rawRequest(h.port, { method: 'POST', path: '/api/test/admin', headers: { cookie: cookies.admin }, body: {} });
    expect(noOrigin.status).toBe(200);
  });
});
