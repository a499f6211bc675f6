/**
 * What the end-to-end and security tests share: a config file derived from the embedded
 * default (so a test can turn the simulated press assistant, random jams or anonymous read
 * off), a small HTTP client that carries a session cookie like a browser would, the users a
 * test needs (a viewer and an operator with a PIN, created by the admin over the API), and
 * socket.io helpers that wait on events instead of sleeping.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import { parse, stringify } from 'yaml';
import type { RealtimeSnapshot } from '../../src/model/alarm-view.js';
import { ADMIN_PASSWORD, repoRoot } from '../helpers/service-process.js';

export interface TestConfigOptions {
  /** `access.anonymousRead`; the default keeps the embedded default's `true`. */
  anonymousRead?: boolean;
  /**
   * The simulated assistant clears a jam 30 s of press time after it happens (1.5 s real at
   * time scale 20) and refills low levels: a test that acknowledges before clearing, or watches
   * levels, needs it off. Default: off.
   */
  assistant?: boolean;
  /** Random jams of the simulated presses; default off so only the test's jams happen. */
  randomJams?: boolean;
  /** Keys of `server:` to set (`allowedHosts`, `maxSocketsPerAddress`, …). */
  server?: Record<string, unknown>;
  /** `metrics:` (anonymous, token); absent keeps the default (closed). */
  metrics?: { anonymous?: boolean; token?: string };
  /** `shifts:`; absent keeps the default's three shifts (with their breaks). */
  shifts?: Record<string, unknown>;
  /** `polling:` overrides by press id, e.g. `{ 'press-1': { scanClasses: { slow: 500 } } }` (merged over the profile's). */
  polling?: Record<string, Record<string, unknown>>;
  /** `simulationTimeScale` by bus id (the default's buses run at 20). */
  timeScale?: Record<string, number>;
}

/**
 * One shift round the clock, no breaks: planned time whatever the hour a test runs at (the
 * default's night shift has a break at 02:00, when a press's OEE of the moment has no planned time).
 */
export const ROUND_THE_CLOCK = { list: [{ name: 'day', start: '00:00', end: '00:00' }] };

/** Writes a config based on config/default.yaml into a temp folder and returns its path. */
export function writeTestConfig(options: TestConfigOptions = {}): string {
  const source = path.join(repoRoot, 'config/default.yaml');
  const config = parse(readFileSync(source, 'utf8')) as {
    profilesDir: string;
    access?: { anonymousRead?: boolean };
    server?: Record<string, unknown>;
    buses: { id: string; simulationTimeScale?: number }[];
    presses: { id: string; polling?: Record<string, unknown>; simulation?: Record<string, unknown> }[];
  };
  config.profilesDir = path.resolve(path.dirname(source), config.profilesDir);
  if (options.anonymousRead !== undefined) config.access = { ...config.access, anonymousRead: options.anonymousRead };
  if (options.server) config.server = { ...config.server, ...options.server };
  if (options.metrics) (config as Record<string, unknown>).metrics = options.metrics;
  if (options.shifts) (config as Record<string, unknown>).shifts = options.shifts;
  for (const [busId, scale] of Object.entries(options.timeScale ?? {})) {
    const bus = config.buses.find((b) => b.id === busId);
    if (!bus) throw new Error(`writeTestConfig: no bus ${busId} in the default config`);
    bus.simulationTimeScale = scale;
  }
  for (const press of config.presses) {
    if (options.polling?.[press.id]) press.polling = options.polling[press.id];
    press.simulation = {
      ...press.simulation,
      autoAssistant: options.assistant ?? false,
      ...(options.randomJams ? {} : { jamMeanIntervalMin: 0 }),
    };
  }
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'pressroom-config-')), 'config.yaml');
  writeFileSync(file, stringify(config));
  return file;
}

/** Removes a config written by `writeTestConfig` (and its temp folder). */
export function removeTestConfig(file: string): void {
  rmSync(path.dirname(file), { recursive: true, force: true });
}

export interface Answer<T = unknown> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

/** A client of one service; `cookie` is the session it sends (none: anonymous). */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly cookie?: string,
  ) {}

  as(cookie: string | undefined): ApiClient {
    return new ApiClient(this.baseUrl, cookie);
  }

  async request<T = unknown>(method: string, route: string, options: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.cookie) headers.cookie = this.cookie;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(new URL(route.replace(/^\//, ''), this.baseUrl), {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      redirect: 'manual',
    });
    const text = await res.text();
    let body: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text !== '') body = JSON.parse(text);
    return { status: res.status, body: body as T, text, headers: res.headers };
  }

  get<T = unknown>(route: string, headers?: Record<string, string>): Promise<Answer<T>> {
    return this.request<T>('GET', route, { headers });
  }

  post<T = unknown>(route: string, body: unknown = {}, headers?: Record<string, string>): Promise<Answer<T>> {
    return this.request<T>('POST', route, { body, headers });
  }

  /** Logs in and returns a client carrying the session cookie. */
  async login(credentials: { username: string; password: string } | { username: string; pin: string }): Promise<ApiClient> {
    const res = await fetch(new URL('api/auth/login', this.baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(credentials),
    });
    if (res.status !== 200) throw new Error(`login of ${credentials.username} answered ${res.status}: ${await res.text()}`);
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('pressroom_session='));
    if (!setCookie) throw new Error(`login of ${credentials.username} set no session cookie`);
    return this.as(setCookie.split(';')[0]!);
  }
}

export const OPERATOR = { username: 'olga', password: 'olga-password-1', pin: '482193' } as const;
export const VIEWER = { username: 'victor', password: 'victor-password-1' } as const;

export interface Crew {
  anonymous: ApiClient;
  viewer: ApiClient;
  /** Signed in with username + PIN, as at a press-side tablet. */
  operator: ApiClient;
  admin: ApiClient;
}

/** Signs the admin in, creates a viewer and an operator (with a PIN) over the API, signs them in. */
export async function signInCrew(baseUrl: string, options: { createUsers?: boolean } = {}): Promise<Crew> {
  const anonymous = new ApiClient(baseUrl);
  const admin = await anonymous.login({ username: 'admin', password: ADMIN_PASSWORD });
  if (options.createUsers ?? true) {
    for (const user of [
      { ...VIEWER, role: 'viewer' },
      { ...OPERATOR, role: 'operator' },
    ]) {
      const res = await admin.post('/api/users', user);
      if (res.status !== 201 && res.status !== 409) throw new Error(`creating ${user.username} answered ${res.status}: ${res.text}`);
    }
  }
  const viewer = await anonymous.login({ username: VIEWER.username, password: VIEWER.password });
  const operator = await anonymous.login({ username: OPERATOR.username, pin: OPERATOR.pin });
  return { anonymous, viewer, operator, admin };
}

const snapshots = new WeakMap<Socket, Promise<RealtimeSnapshot>>();

/**
 * The `snapshot` the server sent on connect. Listened for before connecting: it can arrive in
 * the same network read as the connect packet, before a listener added after `connect` exists.
 */
export function snapshotOf(socket: Socket): Promise<RealtimeSnapshot> {
  return snapshots.get(socket) ?? Promise.reject(new Error('socket not opened with openSocket'));
}

/** Opens a socket.io connection (websocket only) and resolves on `connect`, rejecting on `connect_error`. */
export function openSocket(baseUrl: string, options: { cookie?: string; origin?: string } = {}): Promise<Socket> {
  const extraHeaders: Record<string, string> = {};
  if (options.cookie) extraHeaders.cookie = options.cookie;
  if (options.origin) extraHeaders.origin = options.origin;
  const socket = connect(baseUrl, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders, timeout: 5000 });
  const snapshot = new Promise<RealtimeSnapshot>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no snapshot within 5 s of connecting')), 5000);
    timer.unref();
    socket.once('snapshot', (payload: RealtimeSnapshot) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });
  snapshot.catch(() => undefined); // only a test that asks for it cares
  snapshots.set(socket, snapshot);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

/** Collects every payload of `event` from the moment of the call; `next` waits for one that matches. */
export function recordEvents<T>(socket: Socket, event: string): { all: T[]; next(match: (payload: T) => boolean, timeoutMs?: number): Promise<T> } {
  const all: T[] = [];
  const waiters: { match: (payload: T) => boolean; resolve: (payload: T) => void }[] = [];
  socket.on(event, (payload: T) => {
    all.push(payload);
    for (const waiter of [...waiters]) {
      if (waiter.match(payload)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(payload);
      }
    }
  });
  return {
    all,
    next(match, timeoutMs = 5000) {
      const seen = all.find(match);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no socket event ${event} matching within ${timeoutMs} ms; saw ${all.length}`)), timeoutMs);
        waiters.push({
          match,
          resolve: (payload) => {
            clearTimeout(timer);
            resolve(payload);
          },
        });
      });
    },
  };
}

/** A small seeded PRNG (the simulator's mulberry32) so kill points and load are the same on every run. */
export { mulberry32 as seededRandom } from '../../simulators/prng.js';
