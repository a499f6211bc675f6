/**
 * DNS rebinding and resource exhaustion from the network, on the real service: a page on a
 * foreign name that resolves to this box gets 421 for everything (login, files, socket.io),
 * every answer carries a Content-Security-Policy and a Permissions-Policy, and one client
 * address cannot hold more socket.io connections than `server.maxSocketsPerAddress`.
 */
import net from 'node:net';
import os from 'node:os';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSocket, removeTestConfig, writeTestConfig } from '../e2e/e2e-kit.js';
import { ADMIN_PASSWORD, eventually, startService, type ServiceProcess } from '../helpers/service-process.js';
import { rawRequest } from './security-kit.js';

let service: ServiceProcess;
let listed: ServiceProcess;
const config = writeTestConfig();
const listedConfig = writeTestConfig({ server: { allowedHosts: ['press-hall.shop.lan', '.tablets.shop.lan'], maxSocketsPerAddress: 3 } });

beforeAll(async () => {
  [service, listed] = await Promise.all([startService({ config, timeoutMs: 30_000 }), startService({ config: listedConfig, timeoutMs: 30_000 })]);
}, 60_000);
afterAll(async () => {
  await Promise.all([service?.stop({ cleanup: true }), listed?.stop({ cleanup: true })]);
  removeTestConfig(config);
  removeTestConfig(listedConfig);
});

const login = { username: 'admin', password: ADMIN_PASSWORD };

/** A login as a browser on `name` would send it: Host and a matching Origin. */
function loginAs(port: number, name: string) {
  return rawRequest(port, { method: 'POST', path: '/api/auth/login', headers: { host: `${name}:${port}`, origin: `http://${name}:${port}` }, body: login });
}

/** The status line of a WebSocket upgrade to socket.io sent with `host`. */
function upgradeStatus(port: number, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(
        `GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
      );
    });
    let received = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      const end = received.indexOf('\r\n');
      if (end >= 0) {
        socket.destroy();
        resolve(received.slice(0, end));
      }
    });
    socket.on('error', reject);
  });
}

describe('a foreign Host (DNS rebinding)', () => {
  it('login with Host evil.example and a matching Origin: 421, no cookie', async () => {
    const res = await loginAs(service.port, 'evil.example');
    expect(res.status).toBe(421);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(JSON.parse(res.body)).toEqual({ error: { code: 'misdirected_request', message: expect.stringMatching(/server\.allowedHosts/) } });
  });

  it.each(['/', '/index.html', '/api/health', '/api/presses', '/socket.io/?EIO=4&transport=polling'])('GET %s with Host evil.example: 421', async (path) => {
    const res = await rawRequest(service.port, { path, headers: { host: `evil.example:${service.port}` } });
    expect(res.status).toBe(421);
  });

  it("the socket.io WebSocket handshake with Host evil.example: 421; with the server's own name: 101", async () => {
    expect(await upgradeStatus(service.port, `evil.example:${service.port}`)).toBe('HTTP/1.1 421 Misdirected Request');
    expect(await upgradeStatus(service.port, `127.0.0.1:${service.port}`)).toBe('HTTP/1.1 101 Switching Protocols');
  });

  it("by default answers to loopback names, this machine's host name and its addresses", async () => {
    const addresses = Object.values(os.networkInterfaces())
      .flatMap((list) => list ?? [])
      .filter((a) => a.family === 'IPv4' && !a.internal)
      .map((a) => a.address);
    for (const name of ['127.0.0.1', 'localhost', 'LOCALHOST', os.hostname(), ...addresses.slice(0, 1)]) {
      const res = await loginAs(service.port, name);
      expect(res.status, `Host ${name}`).toBe(200);
      expect(String(res.headers['set-cookie'])).toMatch(/^pressroom_session=/);
    }
    expect((await rawRequest(service.port, { path: '/api/health', headers: { host: `[::1]:${service.port}` } })).status).toBe(200);
  });

  it('with server.allowedHosts: exactly the listed names (a leading dot admits the names under it), loopback always', async () => {
    expect((await loginAs(listed.port, 'press-hall.shop.lan')).status).toBe(200);
    expect((await loginAs(listed.port, 'tablet-3.tablets.shop.lan')).status).toBe(200);
    expect((await loginAs(listed.port, '127.0.0.1')).status).toBe(200);
    expect((await loginAs(listed.port, 'evil-shop.lan')).status).toBe(421);
    // the machine's own name is not listed, so it is not admitted
    if (!['localhost', 'press-hall.shop.lan'].includes(os.hostname().toLowerCase())) expect((await loginAs(listed.port, os.hostname())).status).toBe(421);
  });
});

describe('headers on every answer', () => {
  it.each(['/', '/api/health', '/api/nope'])('%s carries a Content-Security-Policy without inline script and a Permissions-Policy', async (path) => {
    const res = await fetch(new URL(path.slice(1), service.url));
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/(^|; )script-src 'self'(;|$)/);
    expect(csp).toMatch(/(^|; )object-src 'none'/);
    expect(csp).toMatch(/(^|; )frame-ancestors 'none'/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(res.headers.get('permissions-policy')).toMatch(/camera=\(\).*microphone=\(\).*geolocation=\(\)/);
  });
});

describe('socket.io connections per client address', () => {
  it('the default cap: 50 sockets from one address connect, the 51st is refused, and one closing makes room', async () => {
    const sockets: Socket[] = [];
    try {
      for (let i = 0; i < 50; i++) sockets.push(await openSocket(service.url));
      await expect(openSocket(service.url)).rejects.toThrow();
      const health = (await (await fetch(`${service.url}api/health`)).json()) as { realtimeClients: number };
      expect(health.realtimeClients).toBe(50);
      const closed = sockets.pop()!;
      closed.close();
      // room again once the server has seen it go
      await eventually(
        async () => ((await (await fetch(`${service.url}api/health`)).json()) as { realtimeClients: number }).realtimeClients === 49 || undefined,
        { what: 'the closed socket to be gone' },
      );
      sockets.push(await openSocket(service.url));
    } finally {
      for (const socket of sockets) socket.close();
    }
  });

  it('server.maxSocketsPerAddress sets the cap', async () => {
    const sockets = [await openSocket(listed.url), await openSocket(listed.url), await openSocket(listed.url)];
    try {
      await expect(openSocket(listed.url)).rejects.toThrow();
    } finally {
      for (const socket of sockets) socket.close();
    }
  });
});
