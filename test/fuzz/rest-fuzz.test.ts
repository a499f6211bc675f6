/**
 * Bad input on every REST route of the real service process: malformed JSON, wrong content
 * types and encodings, wrong types, missing and extra fields, prototype keys, deep nests,
 * huge bodies and query strings, odd ids. Every answer must be a 4xx with
 * `{ error: { code, message } }`: never a 5xx, never a stack trace, never a hang; and the
 * service must still be healthy, its presses still updating, afterwards. Cases come from a
 * seeded PRNG, so a run is repeatable; each violation names its case.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PressSnapshot } from '../../src/model/press-snapshot.js';
import { ADMIN_PASSWORD, eventually, startService, type ServiceProcess } from '../helpers/service-process.js';
import { mutate, ODD_KEYS, WEIRD_VALUES } from './mutate-tree.js';
import { mulberry32 } from './prng.js';
import { judgeAnswer, type Expectation } from './judge-answer.js';
import { rawRequest, type RawRequest, type RawResponse } from './raw-http.js';
import { MALFORMED_JSON, ODD_IDS, ODD_QUERY_VALUES, READ_ROUTES, WRITE_ROUTES, type WriteRoute } from './rest-routes.js';
import { loadSpec, type SpecCheck } from '../openapi/spec-check.js';

const SEED = 0xf022;
/** 10 MB of spaces, gzipped: the same bytes for every route, compressed once (~30 ms each). */
const GZIP_BOMB = gzipSync(Buffer.alloc(10 * 1024 * 1024, 0x20));

let service: ServiceProcess;
let cookie = '';
const ids = { press: '', alarm: 'no-such-alarm', supply: '', user: '' };
const violations: string[] = [];
/** Answers that differ from GET /api/openapi.json (checked on every request; asserted at the end). */
const drift: string[] = [];
let spec: SpecCheck | undefined;
const stats = { requests: 0, slowestMs: 0, byStatus: new Map<number, number>() };

beforeAll(async () => {
  service = await startService();
  spec = await loadSpec(service.url);
  const login = await send(
    { method: 'POST', path: '/api/auth/login', body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) },
    { anonymous: true },
  );
  expect(login.status).toBe(200);
  cookie = String(login.headers['set-cookie']?.[0]).split(';')[0]!;

  const presses = JSON.parse((await send({ method: 'GET', path: '/api/presses' })).text) as PressSnapshot[];
  ids.press = presses[0]!.id;
  const alarms = JSON.parse((await send({ method: 'GET', path: '/api/alarms' })).text) as { id: string }[];
  if (alarms[0]) ids.alarm = alarms[0].id;
  const supply = await send({
    method: 'POST',
    path: '/api/supplies',
    body: JSON.stringify({ clientId: 'fuzz-seed-entry', kind: 'paper', pressId: ids.press, quantity: 1000, uom: 'sheets' }),
  });
  expect(supply.status).toBe(201);
  ids.supply = String((JSON.parse(supply.text) as { id: number }).id);
  // A user of its own to PATCH, so no fuzz case can lock the admin out.
  const victim = await send({
    method: 'POST',
    path: '/api/users',
    body: JSON.stringify({ username: 'fuzz-victim', role: 'viewer', password: 'victim-password-1' }),
  });
  expect(victim.status).toBe(201);
  ids.user = String((JSON.parse(victim.text) as { user: { id: number } }).user.id);
}, 30_000);

afterAll(async () => {
  const statuses = [...stats.byStatus.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, count]) => `${status}×${count}`)
    .join(' ');
  console.info(`rest fuzz: ${stats.requests} requests, slowest ${stats.slowestMs.toFixed(0)} ms; statuses ${statuses}`);
  await service?.stop({ cleanup: true });
});

/** The body as the route read it, when it was plain JSON (not compressed, not another charset). */
function sentJson(request: Omit<RawRequest, 'port'>, headers: Record<string, string | string[]>): unknown {
  if (typeof request.body !== 'string' || headers['content-encoding'] || String(headers['content-type'] ?? '') !== 'application/json') return undefined;
  try {
    return JSON.parse(request.body) as unknown;
  } catch {
    return undefined;
  }
}

function jsonType(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

function fill(template: string, n = 0): string {
  return template.replace(/\{(press|alarm|supply|user)\}/g, (_, key: keyof typeof ids) => encodeURIComponent(ids[key])).replace(/\{n\}/g, String(n));
}

function fillBody(body: unknown, n: number): unknown {
  return JSON.parse(
    JSON.stringify(body)
      .replace(/\{(press|alarm|supply|user)\}/g, (_, key: keyof typeof ids) => ids[key])
      .replace(/\{n\}/g, String(n)),
  );
}

async function send(request: Omit<RawRequest, 'port'>, options: { anonymous?: boolean } = {}): Promise<RawResponse> {
  const headers: Record<string, string | string[]> = {};
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  if (!options.anonymous && cookie) headers.cookie = cookie;
  Object.assign(headers, request.headers);
  const response = await rawRequest({ ...request, headers, port: service.port });
  stats.requests++;
  stats.slowestMs = Math.max(stats.slowestMs, response.ms);
  stats.byStatus.set(response.status, (stats.byStatus.get(response.status) ?? 0) + 1);
  const problem = spec?.check({
    method: request.method,
    path: request.path,
    status: response.status,
    contentType: response.headers['content-type'],
    text: response.text,
    requestBody: sentJson(request, headers),
  });
  if (problem) drift.push(problem);
  return response;
}

/** Sends one case and records what is wrong with its answer, if anything. */
async function probe(label: string, request: Omit<RawRequest, 'port'>, expectation: Expectation, options: { anonymous?: boolean } = {}): Promise<void> {
  let response: RawResponse;
  try {
    response = await send(request, options);
  } catch (error) {
    violations.push(`${label}: ${(error as Error).message}`);
    return;
  }
  const problem = judgeAnswer(response, expectation);
  if (problem) violations.push(`${label}: ${problem} — ${response.text.slice(0, 200)}`);
}

function expectNoViolations(): void {
  const found = violations.splice(0);
  expect(found, `${found.length} bad answers:\n${found.join('\n')}`).toEqual([]);
}

describe('read routes with bad input', () => {
  it('answers odd path ids (bad percent-encoding, NUL, emoji, traversal, huge) with a 4xx', async () => {
    for (const route of READ_ROUTES.filter((r) => /\{\w+\}/.test(r.path))) {
      for (const odd of ODD_IDS) {
        const path = route.path.replace(/\{\w+\}/, odd).replace(/\{(\w+)\}/g, (m) => fill(m));
        await probe(`GET ${route.path} with id ${JSON.stringify(odd.slice(0, 30))}`, { method: 'GET', path }, 'client-error');
      }
    }
    expectNoViolations();
  });

  it('answers wrong, repeated, bracketed and unknown query parameters with a 4xx or a proper answer', async () => {
    const random = mulberry32(SEED);
    for (const route of READ_ROUTES) {
      const path = fill(route.path);
      const base = route.path.endsWith('/history') ? 'signal=speed&' : route.path.endsWith('/consumption') ? `pressId=${ids.press}&` : '';
      for (const param of route.query) {
        for (let i = 0; i < 2; i++) {
          const value = random.pick(ODD_QUERY_VALUES);
          await probe(`GET ${route.path}?${param}=${value.slice(0, 20)}`, { method: 'GET', path: `${path}?${base}${param}=${value}` }, 'any');
        }
        await probe(`GET ${route.path}?${param} twice`, { method: 'GET', path: `${path}?${base}${param}=1&${param}=2` }, 'client-error');
        await probe(`GET ${route.path}?${param}[]`, { method: 'GET', path: `${path}?${base}${param}[]=1` }, 'client-error');
      }
      const strict = route.query.length > 0;
      for (const key of ['unknown', '__proto__', '__proto__[admin]', 'constructor[prototype][admin]', 'a[b][c]', '%ff']) {
        await probe(`GET ${route.path}?${key}=1`, { method: 'GET', path: `${path}?${base}${key}=1` }, strict ? 'client-error' : 'any');
      }
    }
    expectNoViolations();
  });

  it('answers huge query strings with a 4xx, and ones past the header limit with 431 from the HTTP parser', async () => {
    for (const route of READ_ROUTES.filter((r) => r.query.length > 0)) {
      const path = fill(route.path);
      await probe(`GET ${route.path} with an 8 kB parameter`, { method: 'GET', path: `${path}?${route.query[0]}=${'9'.repeat(8000)}` }, 'client-error');
      await probe(
        `GET ${route.path} with 1000 parameters`,
        { method: 'GET', path: `${path}?${Array.from({ length: 1000 }, (_, i) => `p${i}=${i}`).join('&')}` },
        'client-error',
      );
    }
    // Past Node's 16 kB header limit the HTTP parser refuses the request; the service still answers in its JSON shape.
    const huge = await send({ method: 'GET', path: `/api/alarms?from=${'1'.repeat(64 * 1024)}` });
    expect(huge.status).toBe(431);
    expect(JSON.parse(huge.text)).toMatchObject({ error: { code: 'headers_too_large' } });
    expectNoViolations();
  });

  it('answers raw non-ASCII path bytes and a body longer than its Content-Length with a JSON 400, no hang', async () => {
    // Node's parser refuses these before express sees them; the service answers them in its JSON shape and closes.
    for (const path of [`/api/presses/\xff\xfe`, `/api/supplies/\xc3\x28`]) {
      const answer = await send({ method: 'GET', path });
      expect(answer.status, path).toBe(400);
      expect(JSON.parse(answer.text), path).toMatchObject({ error: { code: 'malformed_request' } });
    }
    const smuggled = await send({ method: 'POST', path: '/api/supplies', body: '{"kind":"ink"}', headers: { 'content-length': '3' } });
    expect(smuggled.status).toBe(400);
    expect((await send({ method: 'GET', path: '/api/health' })).status).toBe(200);
  });

  it('answers anonymous and forged-cookie requests for admin routes with 401', async () => {
    for (const route of READ_ROUTES.filter((r) => r.admin)) {
      const path = fill(route.path);
      await probe(`anonymous GET ${route.path}`, { method: 'GET', path }, [401], { anonymous: true });
      for (const forged of ['pressroom_session=%ff', 'pressroom_session=' + 'A'.repeat(4000), 'pressroom_session="', 'pressroom_session=__proto__', '=;;;=']) {
        await probe(`GET ${route.path} with cookie ${forged.slice(0, 30)}`, { method: 'GET', path, headers: { cookie: forged } }, [401], { anonymous: true });
      }
    }
    expectNoViolations();
  });
});

describe('write routes with bad input', () => {
  const writes = WRITE_ROUTES.filter((r) => !r.anonymousOnly);
  let n = 0;
  const post = (
    route: WriteRoute,
    label: string,
    request: Partial<Omit<RawRequest, 'port'>>,
    expectation: Expectation,
    options: { anonymous?: boolean } = {},
  ) => probe(`${route.method} ${route.path}: ${label}`, { method: route.method, path: fill(route.path, ++n), ...request }, expectation, options);
  const json = (value: unknown) => JSON.stringify(value);

  it('refuses malformed JSON and JSON that is not an object', async () => {
    for (const route of WRITE_ROUTES) {
      for (const text of MALFORMED_JSON) await post(route, `malformed ${JSON.stringify(text)}`, { body: text }, [400], { anonymous: route.anonymousOnly });
      for (const text of ['null', '"a string"', '[]', '[{}]', '42', 'true']) {
        await post(route, `body ${text}`, { body: text }, route.anonymousOnly ? 'any' : [400], { anonymous: route.anonymousOnly });
      }
    }
    expectNoViolations();
  });

  it('refuses bodies that are not JSON, or in encodings it cannot read, instead of ignoring them', async () => {
    for (const route of writes) {
      const valid = json(fillBody(route.body, ++n));
      for (const type of [
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/xml',
        'application/octet-stream',
        'image/png',
      ]) {
        await post(route, `a JSON body sent as ${type}`, { body: valid, headers: { 'content-type': type } }, [415]);
      }
      await post(route, 'a JSON body without a content type', { body: valid, headers: { 'content-type': '' } }, [415]);
      await post(route, 'no body at all (Content-Length: 0, no type)', { headers: { 'content-length': '0' } }, 'any');
      await post(route, 'charset=latin1', { body: valid, headers: { 'content-type': 'application/json; charset=latin1' } }, 'client-error');
      await post(route, 'charset=utf-16 with UTF-8 bytes', { body: valid, headers: { 'content-type': 'application/json; charset=utf-16' } }, 'any');
      await post(
        route,
        'charset=utf-16 with UTF-16 bytes',
        { body: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(valid, 'utf16le')]), headers: { 'content-type': 'application/json; charset=utf-16' } },
        'any',
      );
      await post(route, 'gzip header, garbage body', { body: Buffer.from('definitely not gzip'), headers: { 'content-encoding': 'gzip' } }, [400]);
      await post(route, 'deflate header, garbage body', { body: Buffer.from('not deflate'), headers: { 'content-encoding': 'deflate' } }, [400]);
      await post(route, 'br header, garbage body', { body: Buffer.from('not brotli'), headers: { 'content-encoding': 'br' } }, [400]);
      await post(route, 'an unknown content-encoding', { body: valid, headers: { 'content-encoding': 'x-pressroom' } }, [415]);
      await post(route, 'a gzip bomb (10 MB of zeros, gzipped)', { body: GZIP_BOMB, headers: { 'content-encoding': 'gzip' } }, [413]);
      await post(route, 'valid gzipped JSON', { body: gzipSync(valid), headers: { 'content-encoding': 'gzip' } }, 'any');
      await post(route, 'a byte-order mark before the JSON', { body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(valid)]) }, 'any');
      await post(route, 'invalid UTF-8 bytes inside strings', { body: Buffer.from(valid.replace(/"([a-z])/, '"\xff\xfe$1'), 'latin1') }, 'any');
    }
    expectNoViolations();
  });

  it('answers a wrong type in each field, each missing field, and extra or prototype keys', async () => {
    const random = mulberry32(SEED + 1);
    for (const route of writes) {
      const base = fillBody(route.body, 0) as Record<string, unknown>;
      for (const field of Object.keys(base)) {
        for (let i = 0; i < 2; i++) {
          const body = fillBody(route.body, ++n) as Record<string, unknown>;
          body[field] = random.pick(WEIRD_VALUES);
          // A value of another JSON type is never acceptable. One of the same type may be (an odd
          // but valid note), and so may null: the API reads it as "not given" on optional fields.
          const wrongType = body[field] !== null && jsonType(body[field]) !== jsonType(base[field]);
          await post(route, `${field} = ${JSON.stringify(body[field])?.slice(0, 30)}`, { body: json(body) }, wrongType ? 'client-error' : 'any');
        }
        const missing = fillBody(route.body, ++n) as Record<string, unknown>;
        delete missing[field];
        await post(route, `without ${field}`, { body: json(missing) }, 'any');
      }
      for (const key of ODD_KEYS) {
        const body = fillBody(route.body, ++n) as Record<string, unknown>;
        Object.defineProperty(body, key, { value: { admin: true }, enumerable: true });
        await post(route, `extra key ${JSON.stringify(key)}`, { body: json(body) }, [400]);
      }
      // JSON.parse makes "__proto__" an own key; written by hand so no serializer drops it.
      await post(route, 'literal __proto__ key', { body: json(base).replace(/^\{/, '{"__proto__":{"role":"admin"},') }, [400]);
      await post(route, 'constructor.prototype key', { body: json(base).replace(/^\{/, '{"constructor":{"prototype":{"role":"admin"}},') }, [400]);
    }
    expectNoViolations();
  });

  it('survives seeded random mutations of each body', async () => {
    const random = mulberry32(SEED + 2);
    for (const route of writes) {
      for (let i = 0; i < 12; i++) {
        const mutation = mutate(fillBody(route.body, ++n), random);
        await post(route, `mutation #${i}: ${mutation.label}`, { body: json(mutation.value ?? null) }, 'any');
      }
    }
    expectNoViolations();
  });

  it('refuses deep nests, and bodies of 1 MB and 10 MB with 413', async () => {
    for (const route of writes) {
      const [field] = Object.keys(route.body);
      await post(route, 'a field nested 20,000 arrays deep', { body: `{"${field}":${'['.repeat(20_000)}${']'.repeat(20_000)}}` }, [400]);
      await post(route, 'a body nested 5,000 objects deep', { body: `${'{"deeper":'.repeat(5000)}1${'}'.repeat(5000)}` }, [400]);
      await post(route, '1 MB body', { body: json({ ...(fillBody(route.body, ++n) as object), note: 'x'.repeat(1024 * 1024) }) }, [413]);
      await post(route, '10 MB body', { body: Buffer.alloc(10 * 1024 * 1024, 0x61) }, [413]);
    }
    expectNoViolations();
  });

  it('still takes a bodiless POST without a content type, as fetch sends it (logout)', async () => {
    await probe('anonymous logout without a body', { method: 'POST', path: '/api/auth/logout', headers: { 'content-length': '0' } }, [204], {
      anonymous: true,
    });
    await probe(
      'anonymous logout, chunked JSON',
      { method: 'POST', path: '/api/auth/logout', body: '{}', headers: { 'transfer-encoding': 'chunked' } },
      [204],
      { anonymous: true },
    );
    expectNoViolations();
  });

  it('refuses writes without a session (401) and cross-site writes (403), bad body or not', async () => {
    for (const route of writes.filter((r) => !r.path.includes('/auth/login'))) {
      await post(route, 'anonymous, valid body', { body: json(fillBody(route.body, ++n)) }, [401], { anonymous: true });
      await post(route, 'anonymous, malformed JSON', { body: '{"x":' }, [400, 401], { anonymous: true });
      await post(route, 'cross-site Origin', { body: json(fillBody(route.body, ++n)), headers: { origin: 'http://evil.example' } }, [403]);
      await post(route, 'Origin: null', { body: json(fillBody(route.body, ++n)), headers: { origin: 'null' } }, [403]);
    }
    expectNoViolations();
  });

  it('answers writes to odd ids with a 4xx', async () => {
    for (const route of writes.filter((r) => /\{\w+\}/.test(r.path))) {
      for (const odd of ODD_IDS) {
        const path = route.path.replace(/\{\w+\}/, odd);
        await probe(
          `${route.method} ${route.path} with id ${JSON.stringify(odd.slice(0, 30))}`,
          { method: route.method, path, body: json(fillBody(route.body, ++n)) },
          'client-error',
        );
      }
    }
    expectNoViolations();
  });
});

describe('after all that', () => {
  it('the service is healthy, its presses still update, and it logged no request failure', async () => {
    expect(service.child.exitCode).toBeNull();
    const health = await send({ method: 'GET', path: '/api/health' });
    expect(health.status).toBe(200);
    const before = JSON.parse((await send({ method: 'GET', path: '/api/presses' })).text) as PressSnapshot[];
    await eventually(
      async () => {
        const now = JSON.parse((await send({ method: 'GET', path: '/api/presses' })).text) as PressSnapshot[];
        return now.every((press) => press.updatedAt > before.find((b) => b.id === press.id)!.updatedAt) ? now : undefined;
      },
      { what: 'every press to update again' },
    );
    const failures = service
      .output()
      .split('\n')
      .filter((line) => line.includes('"msg":"request failed"'));
    expect(
      failures.map((line) => line.slice(0, 300)),
      'requests the service logged as failed (500s)',
    ).toEqual([]);
  });
});

describe('the OpenAPI description', () => {
  it('describes every answer above: status, JSON body, content type (test/openapi/spec-check.ts)', () => {
    expect(stats.requests).toBeGreaterThan(500);
    const found = drift.splice(0);
    expect(found, `${found.length} answers differ from /api/openapi.json:\n${[...new Set(found)].slice(0, 40).join('\n')}`).toEqual([]);
  });
});
