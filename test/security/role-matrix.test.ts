/**
 * The role matrix against the real service: for every mounted route and every caller
 * (anonymous, viewer, operator, admin), writes are refused with 401/403 where they must be
 * and succeed where allowed; reads follow `access.anonymousRead`, checked once with it on
 * (the embedded default) and once with it off, where an unauthenticated socket is refused
 * too. The matrix must cover every route express mounts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlarmView } from '../../src/model/alarm-view.js';
import { startService, type ServiceProcess } from '../helpers/service-process.js';
import { OPERATOR, VIEWER, openSocket, removeTestConfig, signInCrew, snapshotOf, writeTestConfig, type Crew } from '../e2e/e2e-kit.js';
import { mountedRoutes } from './mounted-routes.js';
import { appRoutes, everyone, expectedStatus, routeMatrix, type MatrixContext } from './route-matrix.js';
import { callAs, prepareMatrixContext, rawRequest } from './security-kit.js';
import { loadSpec, type SpecCheck } from '../openapi/spec-check.js';

/** Every answer of the matrix is also checked against the service's OpenAPI description. */
function expectAsDescribed(spec: SpecCheck, who: string, res: Awaited<ReturnType<typeof callAs>>): void {
  const problem = spec.check({
    method: res.request.method,
    path: res.request.path,
    status: res.status,
    contentType: res.headers.get('content-type') ?? undefined,
    text: res.text,
    requestBody: res.request.body,
  });
  expect(problem, `${who}: the answer differs from /api/openapi.json`).toBeUndefined();
}

const openConfig = writeTestConfig({ anonymousRead: true });
const closedConfig = writeTestConfig({ anonymousRead: false });

afterAll(() => {
  removeTestConfig(openConfig);
  removeTestConfig(closedConfig);
});

describe('the matrix covers every mounted route', () => {
  it('lists exactly the routes express mounts', async () => {
    const mounted = (await mountedRoutes(openConfig)).map((r) => r.key);
    const known = new Set([...routeMatrix.map((r) => r.key), ...appRoutes]);
    expect(
      mounted.filter((key) => !known.has(key)),
      'mounted routes missing from the role matrix: decide who may call them',
    ).toEqual([]);
    expect(
      [...known].filter((key) => !mounted.includes(key)),
      'matrix routes no longer mounted',
    ).toEqual([]);
    expect(mounted.filter((key) => key.startsWith('GET /api')).length).toBeGreaterThan(10);
  });
});

describe('with anonymous read on (the embedded default)', () => {
  let service: ServiceProcess;
  let crew: Crew;
  let ctx: MatrixContext;
  let spec: SpecCheck;

  beforeAll(async () => {
    service = await startService({ config: openConfig });
    crew = await signInCrew(service.url);
    spec = await loadSpec(service.url);
    ctx = await prepareMatrixContext(crew, { alarms: true });
  });
  afterAll(async () => {
    await service?.stop({ cleanup: true });
  });

  for (const route of routeMatrix) {
    it(`${route.key}: ${everyone.map((who) => `${who} ${expectedStatus(route, who, true)}`).join(', ')}`, async () => {
      // refused callers go first: their attempt must not use up the allowed callers' targets
      for (const who of everyone) {
        const res = await callAs(crew, who, route, ctx);
        expect(res.status, `${who}: ${res.text.slice(0, 200)}`).toBe(expectedStatus(route, who, true));
        expectAsDescribed(spec, who, res);
      }
    });
  }

  it('left no trace of a refused write: the audit log has writes by the operator and admin only', async () => {
    const audit = await crew.admin.get<{ entries: { action: string; username: string | null; target: string | null }[] }>('/api/audit?limit=5000');
    const writes = audit.body.entries.filter((e) => !e.action.startsWith('auth.'));
    expect(writes.length).toBeGreaterThan(5);
    expect(writes.filter((e) => e.username !== OPERATOR.username && e.username !== 'admin' && e.username !== null)).toEqual([]);
    const byWho = (who: string) => writes.filter((e) => JSON.stringify(e).includes(`by ${who}`) || JSON.stringify(e).includes(`by-${who}`));
    expect(byWho('anonymous')).toEqual([]);
    expect(byWho('viewer')).toEqual([]);

    const alarms = await crew.anonymous.get<AlarmView[]>('/api/alarms?all=true');
    const operatorJam = alarms.body.find((a) => a.id === ctx.alarmFor.operator)!;
    expect(operatorJam.ackedBy).toBe(OPERATOR.username);
    expect(operatorJam.ackNote).toBe('ack by operator');
    const viewer = await crew.admin.get<{ user: { displayName: string } }>(`/api/users/${ctx.viewerUserId}`);
    expect(viewer.body.user.displayName).toBe('renamed by admin');
  });
});

describe('with anonymous read off', () => {
  let service: ServiceProcess;
  let crew: Crew;
  let ctx: MatrixContext;
  let spec: SpecCheck;

  beforeAll(async () => {
    service = await startService({ config: closedConfig });
    crew = await signInCrew(service.url);
    spec = await loadSpec(service.url);
    // jams too, so a leaking read would leak something
    ctx = await prepareMatrixContext(crew, { alarms: true });
  });
  afterAll(async () => {
    await service?.stop({ cleanup: true });
  });

  for (const route of routeMatrix.filter((r) => r.key.startsWith('GET '))) {
    it(`${route.key}: ${everyone.map((who) => `${who} ${expectedStatus(route, who, false)}`).join(', ')}`, async () => {
      for (const who of everyone) {
        const res = await callAs(crew, who, route, ctx);
        expect(res.status, `${who}: ${res.text.slice(0, 200)}`).toBe(expectedStatus(route, who, false));
        expectAsDescribed(spec, who, res);
        if (res.status === 401) expect(res.text).not.toMatch(/press-[123]|jam|plate/);
      }
    });
  }

  it('forged Host, Origin, Referer and proxy headers do not make an anonymous read allowed', async () => {
    const forged = {
      host: 'localhost',
      origin: 'http://localhost',
      referer: 'http://localhost/',
      'x-forwarded-for': '127.0.0.1',
      forwarded: 'for=127.0.0.1',
      'x-real-ip': '127.0.0.1',
      authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}`,
    };
    for (const path of ['/api/presses', '/api/alarms', '/api/alarms.csv', '/api/alarms/journal', '/api/supplies', '/api/supplies.csv']) {
      const res = await rawRequest(service.port, { path, headers: forged });
      expect(res.status, `${path}: ${res.body.slice(0, 120)}`).toBe(401);
    }
  });

  it('guards reads whatever the spelling of the path (case, trailing slash, suffix)', async () => {
    for (const path of [
      '/api/ALARMS',
      '/api/Alarms.CSV',
      '/api/alarms.csv/',
      '/api/alarms/journal/',
      '/api/PRESSES/press-1',
      '/api/presses/',
      '/api/Supplies.csv',
      '/api/supplies/',
    ]) {
      const res = await crew.anonymous.get(path);
      expect(res.status, `${path}: ${res.text.slice(0, 120)}`).toBe(401);
    }
  });

  it('refuses an unauthenticated socket and admits one with a session', async () => {
    // the handshake is refused (HTTP 400 to the websocket upgrade): no snapshot, no events
    await expect(openSocket(service.url)).rejects.toThrow(/websocket error/i);
    await expect(openSocket(service.url, { cookie: 'pressroom_session=forged-token-value' })).rejects.toThrow(/websocket error/i);
    const viewerSocket = await openSocket(service.url, { cookie: crew.viewer.cookie });
    try {
      expect((await snapshotOf(viewerSocket)).presses.length).toBe(3);
    } finally {
      viewerSocket.close();
    }
  });

  // KNOWN GAP (reported): the socket is authorised at the handshake only, so after logout (or the
  // user being disabled) it keeps receiving presses, alarms and supply entries until it reconnects.
  it('cuts a socket off when its session ends', async () => {
    const session = await ctx.freshSession('viewer');
    const socket = await openSocket(service.url, { cookie: session.cookie });
    try {
      const disconnected = new Promise<void>((resolve) => socket.once('disconnect', () => resolve()));
      expect((await session.post('/api/auth/logout')).status).toBe(204);
      expect((await session.get('/api/presses')).status).toBe(401);
      await Promise.race([disconnected, new Promise((_, reject) => setTimeout(() => reject(new Error('socket still open 3 s after logout')), 3000))]);
    } finally {
      socket.close();
    }
  });

  it('still serves the dashboard shell (the login page) and the login itself', async () => {
    const page = await crew.anonymous.get('/');
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/<html/i);
    const login = await crew.anonymous.post('/api/auth/login', { username: VIEWER.username, password: VIEWER.password });
    expect(login.status).toBe(200);
  });
});
