/**
 * Who may call what: every route the service mounts, what it needs, and for each caller a
 * request that would succeed if the caller is allowed (fresh targets per role, so an
 * allowed write really succeeds rather than hitting "already acknowledged"). The list is
 * compared against the routes express actually mounts (mounted-routes.ts): a new route
 * that is not here fails the test until someone decides who may call it.
 */
import { randomUUID } from 'node:crypto';
import type { ApiClient } from '../e2e/e2e-kit.js';

export type Who = 'anonymous' | 'viewer' | 'operator' | 'admin';
export const everyone: Who[] = ['anonymous', 'viewer', 'operator', 'admin'];

/**
 * public: anyone, always; reader: follows access.anonymousRead, else any session;
 * session: any signed-in user; operator / admin: that role or higher; scrape-token: only the
 * bearer token of `metrics.token` (GET /metrics; a session does not count), and the test
 * configs set none, so every caller gets 403.
 */
export type Need = 'public' | 'reader' | 'session' | 'operator' | 'admin' | 'scrape-token';

/** Targets created before the matrix runs; per-role ones so each allowed write can succeed. */
export interface MatrixContext {
  viewerUserId: number;
  supplyEntryId: number;
  /** Unacknowledged alarms: one for the operator's commands, one for the admin's (denied callers try the operator's). */
  alarmFor: { operator: string; admin: string };
  /** Supply entries to void, one per allowed role. */
  voidableFor: { operator: number; admin: number };
  /** Fresh sessions to log out with, so the crew's own sessions survive. */
  freshSession(who: Exclude<Who, 'anonymous'>): Promise<ApiClient>;
}

export interface MatrixRequest {
  method: 'GET' | 'POST' | 'PATCH';
  path: string;
  body?: unknown;
  /** Call with this client instead of the caller's (logout with a throwaway session). */
  client?: ApiClient;
}

export interface MatrixRoute {
  /** As mounted: `POST /api/alarms/:id/ack`. */
  key: string;
  need: Need;
  /** Status of an allowed call. */
  ok: number;
  request(who: Who, ctx: MatrixContext): MatrixRequest | Promise<MatrixRequest>;
}

const alarmTarget = (who: Who, ctx: MatrixContext) => (who === 'admin' ? ctx.alarmFor.admin : ctx.alarmFor.operator);
const get = (path: string) => (): MatrixRequest => ({ method: 'GET', path });

export const routeMatrix: MatrixRoute[] = [
  { key: 'GET /api/health', need: 'public', ok: 200, request: get('/api/health') },
  { key: 'GET /metrics', need: 'scrape-token', ok: 200, request: get('/metrics') },
  { key: 'GET /api/openapi.json', need: 'public', ok: 200, request: get('/api/openapi.json') },
  { key: 'GET /api/docs', need: 'public', ok: 200, request: get('/api/docs') },
  { key: 'GET /api/docs/reference.js', need: 'public', ok: 200, request: get('/api/docs/reference.js') },
  {
    key: 'POST /api/auth/login',
    need: 'public',
    ok: 200,
    request: () => ({ method: 'POST', path: '/api/auth/login', body: { username: 'victor', password: 'victor-password-1' } }),
  },
  {
    key: 'POST /api/auth/logout',
    need: 'public',
    ok: 204,
    request: async (who, ctx) => ({ method: 'POST', path: '/api/auth/logout', ...(who === 'anonymous' ? {} : { client: await ctx.freshSession(who) }) }),
  },
  { key: 'GET /api/auth/me', need: 'public', ok: 200, request: get('/api/auth/me') },

  { key: 'GET /api/users', need: 'admin', ok: 200, request: get('/api/users') },
  { key: 'GET /api/users/:id', need: 'admin', ok: 200, request: (_who, ctx) => ({ method: 'GET', path: `/api/users/${ctx.viewerUserId}` }) },
  {
    key: 'POST /api/users',
    need: 'admin',
    ok: 201,
    request: (who) => ({
      method: 'POST',
      path: '/api/users',
      body: { username: `made-by-${who}-${randomUUID().slice(0, 8)}`, role: 'viewer', password: 'a-long-enough-password' },
    }),
  },
  {
    key: 'PATCH /api/users/:id',
    need: 'admin',
    ok: 200,
    request: (who, ctx) => ({ method: 'PATCH', path: `/api/users/${ctx.viewerUserId}`, body: { displayName: `renamed by ${who}` } }),
  },
  { key: 'GET /api/audit', need: 'admin', ok: 200, request: get('/api/audit') },
  { key: 'GET /api/audit.csv', need: 'admin', ok: 200, request: get('/api/audit.csv') },

  { key: 'GET /api/presses', need: 'reader', ok: 200, request: get('/api/presses') },
  { key: 'GET /api/presses/:id', need: 'reader', ok: 200, request: get('/api/presses/press-1') },
  { key: 'GET /api/presses/:id/history', need: 'reader', ok: 200, request: get('/api/presses/press-1/history?signal=speed') },
  { key: 'GET /api/presses/:id/transitions', need: 'reader', ok: 200, request: get('/api/presses/press-1/transitions') },
  {
    key: 'POST /api/simulation/presses/:id/events',
    need: 'operator',
    ok: 200,
    request: () => ({ method: 'POST', path: '/api/simulation/presses/press-1/events', body: { action: 'close-door' } }),
  },

  { key: 'GET /api/alarms', need: 'reader', ok: 200, request: get('/api/alarms') },
  { key: 'GET /api/alarms/journal', need: 'reader', ok: 200, request: get('/api/alarms/journal') },
  { key: 'GET /api/alarms/chatter', need: 'reader', ok: 200, request: get('/api/alarms/chatter') },
  { key: 'GET /api/alarms.csv', need: 'reader', ok: 200, request: get('/api/alarms.csv') },
  {
    key: 'POST /api/alarms/:id/ack',
    need: 'operator',
    ok: 200,
    request: (who, ctx) => ({ method: 'POST', path: `/api/alarms/${alarmTarget(who, ctx)}/ack`, body: { note: `ack by ${who}` } }),
  },
  {
    key: 'POST /api/alarms/:id/shelve',
    need: 'operator',
    ok: 200,
    request: (who, ctx) => ({ method: 'POST', path: `/api/alarms/${alarmTarget(who, ctx)}/shelve`, body: { minutes: 5, reason: `shelved by ${who}` } }),
  },
  {
    key: 'POST /api/alarms/:id/unshelve',
    need: 'operator',
    ok: 200,
    request: (who, ctx) => ({ method: 'POST', path: `/api/alarms/${alarmTarget(who, ctx)}/unshelve`, body: {} }),
  },

  { key: 'GET /api/supplies', need: 'reader', ok: 200, request: get('/api/supplies') },
  { key: 'GET /api/supplies.csv', need: 'reader', ok: 200, request: get('/api/supplies.csv') },
  { key: 'GET /api/supplies/consumption.csv', need: 'reader', ok: 200, request: get('/api/supplies/consumption.csv?pressId=press-1') },
  { key: 'GET /api/supplies/suggestions', need: 'reader', ok: 200, request: get('/api/supplies/suggestions') },
  { key: 'GET /api/supplies/consumption', need: 'reader', ok: 200, request: get('/api/supplies/consumption?pressId=press-1') },
  { key: 'GET /api/supplies/:id', need: 'reader', ok: 200, request: (_who, ctx) => ({ method: 'GET', path: `/api/supplies/${ctx.supplyEntryId}` }) },
  {
    key: 'POST /api/supplies',
    need: 'operator',
    ok: 201,
    request: (who) => ({
      method: 'POST',
      path: '/api/supplies',
      body: { clientId: `matrix-${who}-${randomUUID()}`, pressId: 'press-1', kind: 'plate', unit: 1, quantity: 1, uom: 'pcs' },
    }),
  },
  {
    key: 'POST /api/supplies/:id/void',
    need: 'operator',
    ok: 201,
    request: (who, ctx) => ({
      method: 'POST',
      path: `/api/supplies/${who === 'admin' ? ctx.voidableFor.admin : ctx.voidableFor.operator}/void`,
      body: { reason: `voided by ${who}` },
    }),
  },

  { key: 'GET /api/jobs', need: 'reader', ok: 200, request: get('/api/jobs') },
  { key: 'GET /api/jobs/:id', need: 'reader', ok: 200, request: async (who, ctx) => ({ method: 'GET', path: `/api/jobs/${await freshJob(who, ctx, false)}` }) },
  { key: 'GET /api/downtime', need: 'reader', ok: 200, request: get('/api/downtime') },
  { key: 'GET /api/downtime/reasons', need: 'reader', ok: 200, request: get('/api/downtime/reasons') },
  { key: 'GET /api/reports/oee', need: 'reader', ok: 200, request: get('/api/reports/oee') },
  { key: 'GET /api/reports/oee.csv', need: 'reader', ok: 200, request: get('/api/reports/oee.csv') },
  { key: 'GET /api/reports/downtime', need: 'reader', ok: 200, request: get('/api/reports/downtime') },
  { key: 'GET /api/reports/downtime.csv', need: 'reader', ok: 200, request: get('/api/reports/downtime.csv') },
  { key: 'GET /api/reports/reliability', need: 'reader', ok: 200, request: get('/api/reports/reliability') },
  { key: 'GET /api/reports/reliability.csv', need: 'reader', ok: 200, request: get('/api/reports/reliability.csv') },
  { key: 'GET /api/reports/timeline', need: 'reader', ok: 200, request: get('/api/reports/timeline?pressId=press-1') },
  { key: 'GET /api/reports/timeline.csv', need: 'reader', ok: 200, request: get('/api/reports/timeline.csv?pressId=press-1') },
  { key: 'GET /api/shifts', need: 'reader', ok: 200, request: get('/api/shifts') },
  { key: 'GET /api/jobs.csv', need: 'reader', ok: 200, request: get('/api/jobs.csv') },
  { key: 'GET /api/downtime.csv', need: 'reader', ok: 200, request: get('/api/downtime.csv') },
  {
    key: 'GET /api/jobs/:id/supplies.csv',
    need: 'reader',
    ok: 200,
    request: async (who, ctx) => ({ method: 'GET', path: `/api/jobs/${await freshJob(who, ctx, false)}/supplies.csv` }),
  },
  {
    key: 'POST /api/jobs',
    need: 'operator',
    ok: 201,
    request: (who) => ({ method: 'POST', path: '/api/jobs', body: { jobId: `M-${who}-${randomUUID().slice(0, 8)}`, pressId: 'press-2' } }),
  },
  {
    key: 'POST /api/jobs/:id/start',
    need: 'operator',
    ok: 200,
    request: async (who, ctx) => ({ method: 'POST', path: `/api/jobs/${await freshJob(who, ctx, false)}/start`, body: { pressId: 'press-2' } }),
  },
  {
    key: 'POST /api/jobs/:id/finish',
    need: 'operator',
    ok: 200,
    request: async (who, ctx) => ({ method: 'POST', path: `/api/jobs/${await freshJob(who, ctx, true)}/finish` }),
  },
  {
    key: 'PATCH /api/jobs/:id',
    need: 'operator',
    ok: 200,
    request: async (who, ctx) => ({ method: 'PATCH', path: `/api/jobs/${await freshJob(who, ctx, false)}`, body: { name: `renamed by ${who}` } }),
  },
  {
    key: 'POST /api/downtime/:id/cause',
    need: 'operator',
    ok: 200,
    request: async (who, ctx) => ({
      method: 'POST',
      path: `/api/downtime/${await someDowntimeEvent(ctx)}/cause`,
      body: { code: 'other', note: `coded by ${who}` },
    }),
  },
];

/** Routes of the app itself, outside /api: the dashboard's client-side routes (index.html). */
/**
 * POST /xjmf and /xjmf/:pressId decide per XJMF message, not per HTTP caller: reads follow
 * access.anonymousRead, commands need an xjmf token (test/xjmf/xjmf-security.test.ts). The
 * matrix's JSON body is refused with 415 for every caller, before any of that.
 */
export const xjmfRoutes: MatrixRoute[] = ['POST /xjmf', 'POST /xjmf/:pressId'].map((key) => ({
  key,
  need: 'public' as const,
  ok: 415,
  request: () => ({ method: 'POST' as const, path: key.replace('POST ', '').replace(':pressId', 'press-1'), body: { query: 'status' } }),
}));
routeMatrix.push(...xjmfRoutes);

export const appRoutes = ['GET /^\\/(?!api\\/|socket\\.io\\/).*/'];

/** The status a caller must get. */
export function expectedStatus(route: MatrixRoute, who: Who, anonymousRead: boolean): number {
  switch (route.need) {
    case 'public':
      return route.ok;
    case 'reader':
      return who === 'anonymous' && !anonymousRead ? 401 : route.ok;
    case 'session':
      return who === 'anonymous' ? 401 : route.ok;
    case 'operator':
      return who === 'anonymous' ? 401 : who === 'viewer' ? 403 : route.ok;
    case 'admin':
      return who === 'anonymous' ? 401 : who === 'admin' ? route.ok : 403;
    case 'scrape-token':
      return 403;
  }
}

/** A job made for this caller's request (created, and started when `running`) by a fresh operator session. */
async function freshJob(who: Who, ctx: MatrixContext, running: boolean): Promise<number> {
  const operator = await ctx.freshSession('operator');
  const created = await operator.post<{ id: number }>('/api/jobs', { jobId: `MX-${who}-${randomUUID().slice(0, 8)}`, pressId: 'press-2' });
  if (created.status !== 201) throw new Error(`creating a job for the matrix answered ${created.status}: ${created.text}`);
  if (running) {
    const started = await operator.post('/api/jobs/' + created.body.id + '/start', { pressId: 'press-2' });
    if (started.status !== 200) throw new Error(`starting a job for the matrix answered ${started.status}: ${started.text}`);
  }
  return created.body.id;
}

/** Any downtime event (the demo presses begin with make-ready, so there is one within seconds). */
async function someDowntimeEvent(ctx: MatrixContext): Promise<number> {
  const operator = await ctx.freshSession('operator');
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 100))) {
    const answer = await operator.get<{ events: { id: number }[] }>('/api/downtime');
    const event = answer.body.events?.[0];
    if (event) return event.id;
  }
  throw new Error('no downtime event within 10 s');
}
