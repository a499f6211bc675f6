/**
 * What an attacker on the shop network can send without a session, or a page on another
 * site can make a signed-in browser send: forged headers grant nothing, cross-site writes are
 * refused even with a valid cookie, a foreign page cannot open the socket, socket messages
 * cannot write, and no path reaches a file outside the dashboard.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlarmView } from '../../src/model/alarm-view.js';
import type { SupplyEntry } from '../../src/model/supply.js';
import { ADMIN_PASSWORD, repoRoot, startService, type ServiceProcess } from '../helpers/service-process.js';
import { openSocket, recordEvents, signInCrew, removeTestConfig, writeTestConfig, type Crew } from '../e2e/e2e-kit.js';
import { routeMatrix, type MatrixContext } from './route-matrix.js';
import { prepareMatrixContext, rawRequest } from './security-kit.js';

let service: ServiceProcess;
let crew: Crew;
let ctx: MatrixContext;

const config = writeTestConfig();

beforeAll(async () => {
  service = await startService({ config });
  crew = await signInCrew(service.url);
  ctx = await prepareMatrixContext(crew, { alarms: true });
});
afterAll(async () => {
  await service?.stop({ cleanup: true });
  removeTestConfig(config);
});

const writes = routeMatrix.filter((r) => r.need === 'operator' || r.need === 'admin');
const tokenOf = (cookie: string | undefined) => cookie!.split('=')[1]!;

async function operatorAlarm(): Promise<AlarmView> {
  const list = await crew.anonymous.get<AlarmView[]>('/api/alarms?all=true');
  return list.body.find((a) => a.id === ctx.alarmFor.operator)!;
}

describe('forged headers grant nothing', () => {
  it('an anonymous write with forged Host, Origin, Referer, proxy and auth headers is still 401', async () => {
    // Host names the server itself (`localhost`, admitted): a foreign name gets 421 before anything else (dns-rebinding.test.ts)
    const forged = {
      host: `localhost:${service.port}`,
      origin: `http://localhost:${service.port}`,
      referer: `http://localhost:${service.port}/alarms`,
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-host': 'pressroom.local',
      'x-forwarded-proto': 'https',
      forwarded: 'for=127.0.0.1;proto=https',
      'x-real-ip': '127.0.0.1',
      authorization: `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`, // even the right password
      'x-user': 'admin',
      'x-role': 'admin',
    };
    for (const route of writes) {
      const request = await route.request('anonymous', ctx);
      const res = await rawRequest(service.port, { method: request.method, path: request.path, headers: forged, body: request.body });
      expect(res.status, `${route.key}: ${res.body.slice(0, 160)}`).toBe(401);
    }
    const bearer = await rawRequest(service.port, {
      method: 'POST',
      path: `/api/alarms/${ctx.alarmFor.operator}/ack`,
      headers: { authorization: `Bearer ${tokenOf(crew.operator.cookie)}` },
      body: {},
    });
    expect(bearer.status).toBe(401);
    expect((await operatorAlarm()).acknowledged).toBe(false);
  });

  it('a viewer with forged headers is still a viewer', async () => {
    const res = await crew.viewer.post(
      '/api/supplies',
      { clientId: 'viewer-forged-0001', pressId: 'press-1', kind: 'plate', unit: 1, quantity: 1, uom: 'pcs' },
      {
        'x-forwarded-for': '127.0.0.1',
        'x-role': 'admin',
        authorization: `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`,
      },
    );
    expect(res.status).toBe(403);
  });

  it('the audit log records the socket peer, not X-Forwarded-For', async () => {
    const res = await crew.operator.post<SupplyEntry>(
      '/api/supplies',
      { clientId: 'xff-check-0001', pressId: 'press-1', kind: 'plate', unit: 2, quantity: 1, uom: 'pcs' },
      { 'x-forwarded-for': '10.99.99.99', 'x-real-ip': '10.99.99.99' },
    );
    expect(res.status).toBe(201);
    expect(res.body.ip).not.toContain('10.99.99.99');
    const audit = await crew.admin.get<{ entries: { target: string; ip: string }[] }>('/api/audit?action=supply.log');
    expect(audit.body.entries.find((e) => e.target === `supply:${res.body.id}`)?.ip).toMatch(/127\.0\.0\.1/);
  });
});

describe('cross-site writes are refused even with a valid session', () => {
  const plate = (clientId: string) => ({ clientId, pressId: 'press-1', kind: 'plate', unit: 3, quantity: 1, uom: 'pcs' });

  it.each([
    ['a foreign Origin', { origin: 'http://evil.example' }],
    ['Origin: null (sandboxed frame, file:)', { origin: 'null' }],
    ['a foreign Referer and no Origin', { referer: 'http://evil.example/page' }],
    ['a look-alike host', { origin: 'http://127.0.0.1.evil.example' }],
  ])('%s: 403 and nothing stored', async (_what, headers) => {
    const clientId = `csrf-${Math.random().toString(36).slice(2, 12)}`;
    const res = await crew.operator.post('/api/supplies', plate(clientId), headers);
    expect(res.status).toBe(403);
    expect((res.body as { error: { code: string } }).error.code).toBe('cross_site_request');
    const listed = await crew.anonymous.get<{ entries: SupplyEntry[] }>('/api/supplies?limit=1000');
    expect(listed.body.entries.some((e) => e.clientId === clientId)).toBe(false);
    const ack = await crew.operator.post(`/api/alarms/${ctx.alarmFor.operator}/ack`, { note: 'csrf' }, headers);
    expect(ack.status).toBe(403);
  });

  it('the same write from the dashboard origin goes through', async () => {
    const res = await crew.operator.post('/api/supplies', plate('same-origin-0001'), { origin: new URL(service.url).origin });
    expect(res.status).toBe(201);
  });
});

describe('socket.io', () => {
  it('refuses a connection from a foreign Origin, even with an admin session', async () => {
    await expect(openSocket(service.url, { origin: 'http://evil.example' })).rejects.toThrow(/websocket error/i);
    await expect(openSocket(service.url, { origin: 'http://evil.example', cookie: crew.admin.cookie })).rejects.toThrow(/websocket error/i);
    const sameOrigin = await openSocket(service.url, { origin: new URL(service.url).origin });
    sameOrigin.close();
  });

  it('write-like messages on a socket change nothing and reach no one', async () => {
    const attacker: Socket = await openSocket(service.url, { cookie: crew.operator.cookie });
    const bystander: Socket = await openSocket(service.url);
    try {
      const fakes = recordEvents<AlarmView>(bystander, 'alarm:raised');
      const answered: string[] = [];
      const auditBefore = (await crew.admin.get<{ entries: unknown[] }>('/api/audit?limit=5000')).body.entries.length;
      const alarmId = ctx.alarmFor.operator;
      const supply = { clientId: 'socket-write-0001', pressId: 'press-1', kind: 'plate', unit: 1, quantity: 1, uom: 'pcs' };
      const messages: [string, unknown][] = [
        ['ack', alarmId],
        ['ack', { id: alarmId, note: 'via socket' }],
        ['alarm:ack', { id: alarmId, note: 'via socket' }],
        ['alarm:shelve', { id: alarmId, minutes: 60, reason: 'via socket' }],
        ['alarm:raised', { id: 'fake-alarm', pressId: 'press-1', code: 'fake', priority: 'critical' }],
        ['supply', supply],
        ['supply:log', supply],
        ['supply:logged', supply],
        ['user:create', { username: 'socket-made', role: 'admin', password: 'socket-made-password' }],
        ['simulation', { pressId: 'press-1', action: 'e-stop' }],
        ['subscribe', '../../etc/passwd'],
      ];
      for (const [event, payload] of messages) attacker.emit(event, payload, () => answered.push(event));
      // the server handles one connection's messages in order: two press updates later, all were handled
      const updates = recordEvents<unknown>(attacker, 'press:update');
      await updates.next(() => updates.all.length >= 2, 5000);

      expect(answered).toEqual([]);
      expect(fakes.all.filter((a) => a.id === 'fake-alarm')).toEqual([]);
      expect((await operatorAlarm()).acknowledged).toBe(false);
      expect((await operatorAlarm()).shelvedUntil).toBeNull();
      const listed = await crew.anonymous.get<{ entries: SupplyEntry[] }>('/api/supplies?limit=1000');
      expect(listed.body.entries.some((e) => e.clientId === supply.clientId)).toBe(false);
      const users = await crew.admin.get<{ users: { username: string }[] }>('/api/users');
      expect(users.body.users.some((u) => u.username === 'socket-made')).toBe(false);
      const press = await crew.anonymous.get<{ stopReason: string | null }>('/api/presses/press-1');
      expect(press.body.stopReason).not.toBe('e-stop');
      expect((await crew.admin.get<{ entries: unknown[] }>('/api/audit?limit=5000')).body.entries.length).toBe(auditBefore);
    } finally {
      attacker.close();
      bystander.close();
    }
  });
});

describe('no path leaks a file outside the dashboard', () => {
  const secrets = [
    { what: '/etc/passwd', pattern: /root:.*:0:0:/ },
    { what: 'package.json', pattern: /"dependencies"\s*:/ },
    { what: 'the SQLite database', pattern: /SQLite format 3/ },
    { what: 'source code', pattern: /import \{|from '\.\.?\// },
    { what: 'the config', pattern: /anonymousRead|simulationTimeScale/ },
    { what: 'git internals', pattern: /\[core\]|repositoryformatversion/ },
  ];
  const paths = [
    '/api/presses/..%2f..%2fetc%2fpasswd',
    '/api/presses/..%2F..%2F..%2Fpackage.json',
    '/api/presses/%2e%2e/%2e%2e/%2e%2e/package.json',
    '/api/supplies/..%2f..%2f..%2fdata%2fpressroom.db',
    '/api/../package.json',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '/../package.json',
    '/../../../../etc/passwd',
    '/assets/../../package.json',
    '/assets/..%2f..%2fpackage.json',
    '/assets/%2e%2e/%2e%2e/package.json',
    '/..%5c..%5cpackage.json',
    '/assets/..%5c..%5c..%5cpackage.json',
    '/%252e%252e/%252e%252e/package.json',
    '/package.json',
    '/src/app.ts',
    '/config/default.yaml',
    '/.git/config',
    '/data/pressroom.db',
  ];

  it('answers each traversal attempt with an error or the dashboard shell, never a file', async () => {
    const shell = (await rawRequest(service.port, { path: '/' })).body;
    expect(shell).toMatch(/<html/i);
    expect(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).toMatch(secrets[1]!.pattern); // the pattern would see a leak
    for (const attempt of paths) {
      const res = await rawRequest(service.port, { path: attempt });
      for (const secret of secrets) expect(res.body, `${attempt} leaked ${secret.what}`).not.toMatch(secret.pattern);
      if (res.status === 200) expect(res.body, `${attempt} answered 200 with something other than the dashboard`).toBe(shell);
      else expect([400, 401, 403, 404], `${attempt}: ${res.status}`).toContain(res.status);
    }
  });
});
