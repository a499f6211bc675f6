/**
 * The rules every route applies to what people send, on the real service process (where
 * the holes were found, issue 10 item 5):
 * - one rule for time ranges: from after to is a 400 on every route that takes a range;
 * - free text (notes, product, lot, reasons, names) refuses control and bidirectional
 *   control characters with a 400 naming the field, so nothing of the kind reaches a CSV;
 * - a supply quantity has the minimum and the step of its unit of measure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTestConfig, signInCrew, writeTestConfig, type Answer, type Crew } from '../e2e/e2e-kit.js';
import { startService, type ServiceProcess } from '../helpers/service-process.js';

const config = writeTestConfig();
let service: ServiceProcess;
let crew: Crew;

beforeAll(async () => {
  service = await startService({ config });
  crew = await signInCrew(service.url);
}, 60_000);
afterAll(async () => {
  await service?.stop({ cleanup: true });
  removeTestConfig(config);
});

interface ErrorBody {
  error: { code: string; message: string; details?: { path: string; message: string }[] };
}

let nextId = 0;
const entry = (change: Record<string, unknown> = {}) => ({
  clientId: `input-rules-${Date.now()}-${nextId++}`,
  pressId: 'press-1',
  kind: 'ink',
  unit: 1,
  quantity: 2.5,
  uom: 'kg',
  ...change,
});

function expectRefused(answer: Answer, field: string, message: RegExp): void {
  expect(answer.status, answer.text).toBe(400);
  const { error } = answer.body as ErrorBody;
  expect(error.code).toBe('invalid_request');
  expect(error.message).toMatch(new RegExp(`^invalid body: ${field.replace(/[.[\]]/g, '\\$&')}: `));
  expect(error.details).toContainEqual({ path: field, message: expect.stringMatching(message) });
}

describe('one rule for every time range', () => {
  const inverted = 'from=9999-01-01&to=0';
  it.each([
    ['/api/alarms', 'anonymous'],
    ['/api/alarms?all=true', 'anonymous'],
    ['/api/alarms/journal', 'anonymous'],
    ['/api/alarms.csv', 'anonymous'],
    ['/api/alarms.csv?active=true', 'anonymous'],
    ['/api/supplies', 'anonymous'],
    ['/api/supplies.csv', 'anonymous'],
    ['/api/supplies/consumption?pressId=press-1', 'anonymous'],
    ['/api/presses/press-1/history?signal=speed', 'anonymous'],
    ['/api/presses/press-1/transitions', 'anonymous'],
    ['/api/audit', 'admin'],
    ['/api/audit.csv', 'admin'],
  ] as const)('%s with from after to answers 400, the same words everywhere', async (route, who) => {
    const res = await crew[who].get<ErrorBody>(`${route}${route.includes('?') ? '&' : '?'}${inverted}`);
    expect(res.status, res.text).toBe(400);
    expect(res.body.error).toEqual({
      code: 'invalid_request',
      message: 'invalid query: from (9999-01-01T00:00:00.000Z) is after to (1970-01-01T00:00:00.000Z)',
      details: [{ path: 'from', message: 'after to (1970-01-01T00:00:00.000Z)' }],
    });
  });

  it('an ordered range still answers 200', async () => {
    expect((await crew.anonymous.get('/api/alarms?from=0&to=9999-01-01')).status).toBe(200);
    expect((await crew.anonymous.get('/api/supplies?from=0&to=9999-01-01')).status).toBe(200);
  });
});

describe('free text refuses control and bidirectional control characters', () => {
  it.each([
    ['note', 'NUL', 'lot A\u0000B', /control characters \(U\+0000 at character 6\)/],
    ['product', 'right-to-left override', 'Process \u202Ecyan', /bidirectional .*U\+202E at character 9/],
    ['lot', 'escape', 'L24\u001B[2J', /control characters \(U\+001B/],
    ['lot', 'right-to-left isolate', '\u2067L24-0815\u2069', /bidirectional .*U\+2067 at character 1/],
    ['color', 'line feed', 'cy\nan', /control characters \(U\+000A/],
    ['note', 'C1 control', 'a\u0085b', /control characters \(U\+0085/],
  ])('a supply %s with %s: 400 naming the field, nothing stored', async (field, _what, text, message) => {
    const before = (await crew.anonymous.get<{ entries: unknown[] }>('/api/supplies?limit=1000')).body.entries.length;
    expectRefused(await crew.operator.post('/api/supplies', entry({ [field]: text })), field, message);
    const csv = await crew.anonymous.get('/api/supplies.csv');
    expect(csv.text).not.toMatch(/[\u0000\u001B\u0085\u202E\u2067]/);
    expect((await crew.anonymous.get<{ entries: unknown[] }>('/api/supplies?limit=1000')).body.entries).toHaveLength(before);
  });

  it('a note may hold line breaks and tabs, and right-to-left text with its marks', async () => {
    const res = await crew.operator.post<{ note: string; product: string }>(
      '/api/supplies',
      entry({ note: 'first line\nsecond\tline', product: 'צבע\u200F 2' }),
    );
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ note: 'first line\nsecond\tline', product: 'צבע\u200F 2' });
  });

  it('every other free-text field: void reason, replacement, alarm notes and reasons, display name, login name, simulator codes', async () => {
    const logged = await crew.operator.post<{ id: number }>('/api/supplies', entry());
    expect(logged.status).toBe(201);
    expectRefused(await crew.operator.post(`/api/supplies/${logged.body.id}/void`, { reason: 'typo \u202Ein lot' }), 'reason', /U\+202E/);
    expectRefused(
      await crew.operator.post(`/api/supplies/${logged.body.id}/void`, { reason: 'wrong lot', replacement: entry({ lot: 'L\u0000' }) }),
      'replacement.lot',
      /U\+0000/,
    );
    // the alarm does not have to exist: the body is checked first
    expectRefused(await crew.operator.post('/api/alarms/no-such-alarm/ack', { note: 'seen\u0007' }), 'note', /U\+0007/);
    expectRefused(await crew.operator.post('/api/alarms/no-such-alarm/shelve', { minutes: 5, reason: 'noisy \u2066sensor' }), 'reason', /U\+2066/);
    expectRefused(await crew.operator.post('/api/alarms/no-such-alarm/unshelve', { note: '\u0000' }), 'note', /U\+0000/);
    expectRefused(
      await crew.admin.post('/api/users', { username: 'mallory', displayName: 'Mal\u202Eyrol', role: 'viewer', password: 'mallory-password' }),
      'displayName',
      /U\+202E/,
    );
    expectRefused(await crew.anonymous.post('/api/auth/login', { username: 'admin\u0000', password: 'whatever-1' }), 'username', /U\+0000/);
    expectRefused(await crew.operator.post('/api/simulation/presses/press-1/events', { action: 'jam', code: 'jam.\u202Efeeder' }), 'code', /U\+202E/);
    const audit = await crew.admin.get('/api/audit.csv');
    expect(audit.text).not.toMatch(/[\u0000\u0007\u202E\u2066]/);
  });
});

describe('a supply quantity has the minimum and step of its unit', () => {
  it.each([
    [{ quantity: 5e-324, uom: 'kg' }, /^kg: at least 0\.001, with at most 3 decimals$/],
    [{ quantity: 0.0005, uom: 'l' }, /^l: at least 0\.001/],
    [{ quantity: 1.0005, uom: 'kg' }, /^kg: at least 0\.001, with at most 3 decimals$/],
    [{ quantity: 0.5, uom: 'g' }, /^g are counted in whole numbers, at least 1$/],
    [{ kind: 'paper', unit: undefined, quantity: 2.5, uom: 'sheets' }, /^sheets are counted in whole numbers, at least 1$/],
    [{ kind: 'plate', quantity: 0.25, uom: 'pcs' }, /^pcs are counted in whole numbers, at least 1$/],
    [{ kind: 'blanket', quantity: 1.005, uom: 'm' }, /^m: at least 0\.01, with at most 2 decimals$/],
  ])('refuses %j', async (change, message) => {
    expectRefused(await crew.operator.post('/api/supplies', entry(change)), 'quantity', message);
  });

  it.each([
    [{ quantity: 0.001, uom: 'kg' }],
    [{ quantity: 0.1 + 0.2, uom: 'kg' }],
    [{ quantity: 2.125, uom: 'l' }],
    [{ quantity: 250, uom: 'g' }],
    [{ kind: 'paper', unit: undefined, quantity: 1, uom: 'sheets' }],
    [{ kind: 'blanket', quantity: 1.25, uom: 'm' }],
  ])('accepts %j', async (change) => {
    const res = await crew.operator.post('/api/supplies', entry(change));
    expect(res.status, res.text).toBe(201);
  });
});
