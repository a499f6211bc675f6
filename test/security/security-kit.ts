/**
 * Helpers of the security tests: the targets the role matrix needs, a raw HTTP request
 * (fetch normalises `..` out of paths and will not send a forged Host; an attacker's
 * client does both), and running a matrix request as one caller.
 */
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AlarmView } from '../../src/model/alarm-view.js';
import type { SupplyEntry } from '../../src/model/supply.js';
import { eventually } from '../helpers/service-process.js';
import { ADMIN_PASSWORD } from '../helpers/service-process.js';
import { OPERATOR, VIEWER, type ApiClient, type Answer, type Crew } from '../e2e/e2e-kit.js';
import type { MatrixContext, MatrixRequest, MatrixRoute, Who } from './route-matrix.js';

/** Creates what the matrix acts on: supply entries, the viewer's id and, if asked, two unacknowledged jams. */
export async function prepareMatrixContext(crew: Crew, options: { alarms: boolean }): Promise<MatrixContext> {
  const users = await crew.admin.get<{ users: { id: number; username: string }[] }>('/api/users');
  const viewerUserId = users.body.users.find((u) => u.username === VIEWER.username)!.id;
  const logPlate = async () => {
    const res = await crew.admin.post<SupplyEntry>('/api/supplies', {
      clientId: `ctx-${randomUUID()}`,
      pressId: 'press-2',
      kind: 'plate',
      unit: 1,
      quantity: 4,
      uom: 'pcs',
    });
    if (res.status !== 201) throw new Error(`setting up a supply entry answered ${res.status}: ${res.text}`);
    return res.body.id;
  };
  const supplyEntryId = await logPlate();
  const voidableFor = { operator: await logPlate(), admin: await logPlate() };

  let alarmFor = { operator: 'none', admin: 'none' };
  if (options.alarms) {
    for (const pressId of ['press-2', 'press-3']) {
      const res = await crew.operator.post(`/api/simulation/presses/${pressId}/events`, { action: 'jam', code: 'jam.feeder' });
      if (res.status !== 200) throw new Error(`jam on ${pressId} answered ${res.status}: ${res.text}`);
    }
    const jams = await eventually(
      async () => {
        const list = (await crew.admin.get<AlarmView[]>('/api/alarms?unacknowledged=true')).body.filter((a) => a.code === 'jam.feeder');
        const byPress = (id: string) => list.find((a) => a.pressId === id);
        const [two, three] = [byPress('press-2'), byPress('press-3')];
        return two && three ? { operator: two.id, admin: three.id } : undefined;
      },
      { what: 'jams on press-2 and press-3', timeoutMs: 8000 },
    );
    alarmFor = jams;
  }

  return {
    viewerUserId,
    supplyEntryId,
    alarmFor,
    voidableFor,
    async freshSession(who) {
      const credentials =
        who === 'viewer'
          ? { username: VIEWER.username, password: VIEWER.password }
          : who === 'operator'
            ? { username: OPERATOR.username, pin: OPERATOR.pin }
            : { username: 'admin', password: ADMIN_PASSWORD };
      return crew.anonymous.login(credentials);
    },
  };
}

/** The answer, with the request that was sent (for the OpenAPI drift check). */
export async function callAs(crew: Crew, who: Who, route: MatrixRoute, ctx: MatrixContext): Promise<Answer & { request: MatrixRequest }> {
  const request = await route.request(who, ctx);
  const client: ApiClient = request.client ?? crew[who];
  const answer = await client.request(request.method, request.path, request.body === undefined ? {} : { body: request.body });
  return Object.assign(answer, { request });
}

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request exactly as given: the path is not normalised and any header may be forged. */
export function rawRequest(port: number, options: { method?: string; path: string; headers?: Record<string, string>; body?: unknown }): Promise<RawAnswer> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: {
          ...(payload !== undefined ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) } : {}),
          ...options.headers,
        },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
