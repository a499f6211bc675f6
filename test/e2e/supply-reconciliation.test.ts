/**
 * The supply-replacement log against the real service and its simulated presses: an operator
 * signs in with a PIN at the press, logs an ink refill, refills the fountain (in the
 * simulator), and the press's own level sensor, read over Modbus, confirms the entry. A refill
 * nobody logged shows up as a suggestion. Retries, corrections, the socket event and the CSV
 * behave as the tablet and the office expect.
 */
import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PressSnapshot } from '../../src/model/press-snapshot.js';
import type { SupplyEntry, UnloggedRefill } from '../../src/model/supply.js';
import { eventually, startService, type ServiceProcess } from '../helpers/service-process.js';
import { OPERATOR, openSocket, recordEvents, signInCrew, removeTestConfig, writeTestConfig, type Crew } from './e2e-kit.js';

let service: ServiceProcess;
let crew: Crew;
let socket: Socket;
let logged: ReturnType<typeof recordEvents<SupplyEntry>>;
let magentaEntry: SupplyEntry;

const magentaRefill = (clientId: string) => ({
  clientId,
  pressId: 'press-1',
  kind: 'ink',
  unit: 2,
  product: 'Novavit F 918 Magenta',
  lot: 'L24-0815',
  quantity: 2.5,
  uom: 'kg',
  note: 'new can',
});

/** Sets a simulated ink fountain and waits until Pressroom has read the new level. */
async function setInk(unit: number, level: number): Promise<void> {
  const res = await crew.operator.post('/api/simulation/presses/press-1/events', { action: 'refill-ink', unit, level });
  expect(res.status).toBe(200);
  await eventually(
    async () => {
      const press = (await crew.anonymous.get<PressSnapshot>('/api/presses/press-1')).body;
      const ink = press.ink.find((i) => i.unit === unit);
      return ink?.level != null && Math.abs(ink.level - level) < 3 ? true : undefined;
    },
    { what: `press-1 ink unit ${unit} read near ${level} %`, timeoutMs: 8000 },
  );
}

async function entries(query = ''): Promise<SupplyEntry[]> {
  const res = await crew.anonymous.get<{ entries: SupplyEntry[] }>(`/api/supplies?pressId=press-1&limit=1000${query}`);
  expect(res.status).toBe(200);
  return res.body.entries;
}

// press-1's levels on a 500 ms slow scan instead of the profile's 2 s: every step waits for a level read
const config = writeTestConfig({ polling: { 'press-1': { scanClasses: { slow: 500 } } } });

beforeAll(async () => {
  service = await startService({ config });
  crew = await signInCrew(service.url);
  socket = await openSocket(service.url);
  logged = recordEvents<SupplyEntry>(socket, 'supply:logged');
  // a low magenta fountain before the refill, so the refill is a clear rise
  await setInk(2, 30);
});
afterAll(async () => {
  socket?.close();
  await service?.stop({ cleanup: true });
  removeTestConfig(config);
});

describe('the supply log, end to end', () => {
  it('logs an ink refill from a PIN session: 201, pending, announced on the socket', async () => {
    const res = await crew.operator.post<SupplyEntry>('/api/supplies', magentaRefill(randomUUID()));
    expect(res.status).toBe(201);
    magentaEntry = res.body;
    expect(magentaEntry).toMatchObject({
      pressId: 'press-1',
      kind: 'ink',
      unit: 2,
      color: 'magenta',
      quantity: 2.5,
      uom: 'kg',
      by: { username: OPERATOR.username },
    });
    expect(magentaEntry.reconciliation.status).toBe('pending');
    const heard = await logged.next((e) => e.id === magentaEntry.id);
    expect(heard.clientId).toBe(magentaEntry.clientId);
  });

  it('is idempotent by clientId: the same POST again is 200 with the same entry and one row', async () => {
    const again = await crew.operator.post<SupplyEntry>('/api/supplies', magentaRefill(magentaEntry.clientId));
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(magentaEntry.id);
    const rows = (await entries()).filter((e) => e.clientId === magentaEntry.clientId);
    expect(rows).toHaveLength(1);
    const different = await crew.operator.post('/api/supplies', { ...magentaRefill(magentaEntry.clientId), quantity: 5 });
    expect(different.status).toBe(409);
  });

  it('stores one row when the retries of a tablet arrive all at once', async () => {
    const body = { clientId: randomUUID(), pressId: 'press-1', kind: 'plate', unit: 4, quantity: 1, uom: 'pcs' };
    const answers = await Promise.all(Array.from({ length: 8 }, () => crew.operator.post<SupplyEntry>('/api/supplies', body)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect((await entries()).filter((e) => e.clientId === body.clientId)).toHaveLength(1);
  });

  it('is confirmed when the magenta fountain level rises in the press', async () => {
    await setInk(2, 90);
    const confirmed = await eventually(
      async () => {
        const res = await crew.anonymous.get<SupplyEntry>(`/api/supplies/${magentaEntry.id}`);
        return res.body.reconciliation.status === 'confirmed' ? res.body : undefined;
      },
      { what: 'entry confirmed by the sensor', timeoutMs: 8000 },
    );
    expect(confirmed.reconciliation.levelFrom).toBeLessThan(35);
    expect(confirmed.reconciliation.levelTo).toBeGreaterThan(85);
  });

  it('offers a refill nobody logged as a suggestion, which an entry then completes', async () => {
    await setInk(3, 25);
    await setInk(3, 95);
    const suggestion = await eventually(
      async () => {
        const res = await crew.anonymous.get<{ unlogged: UnloggedRefill[] }>('/api/supplies/suggestions');
        return res.body.unlogged.find((s) => s.pressId === 'press-1' && s.kind === 'ink' && s.unit === 3);
      },
      { what: 'unlogged refill of press-1 unit 3', timeoutMs: 8000 },
    );
    expect(suggestion.color).toBe('yellow');

    const completing = await crew.operator.post<SupplyEntry>('/api/supplies', {
      clientId: randomUUID(),
      pressId: 'press-1',
      kind: 'ink',
      unit: 3,
      quantity: 1,
      uom: 'kg',
      suggestionId: suggestion.id,
    });
    expect(completing.status).toBe(201);
    expect(completing.body.reconciliation.status).toBe('confirmed');
    const after = await crew.anonymous.get<{ unlogged: UnloggedRefill[] }>('/api/supplies/suggestions');
    expect(after.body.unlogged.some((s) => s.id === suggestion.id)).toBe(false);
  });

  it('voids an entry with a replacement (a lot typo) in one step, keeping the confirmation', async () => {
    const replacement = { ...magentaRefill(randomUUID()), lot: 'L24-0816' };
    const res = await crew.operator.post<{ voided: SupplyEntry; replacement: SupplyEntry }>(`/api/supplies/${magentaEntry.id}/void`, {
      reason: 'wrong lot number',
      replacement,
    });
    expect(res.status).toBe(201);
    expect(res.body.voided.voided).toMatchObject({ reason: 'wrong lot number', by: { username: OPERATOR.username }, replacedBy: res.body.replacement.id });
    expect(res.body.replacement).toMatchObject({ lot: 'L24-0816', replaces: magentaEntry.id });
    expect(res.body.replacement.reconciliation.status).toBe('confirmed');

    const repeat = await crew.operator.post(`/api/supplies/${magentaEntry.id}/void`, { reason: 'wrong lot number', replacement });
    expect(repeat.status).toBe(200);
    const otherwise = await crew.operator.post(`/api/supplies/${magentaEntry.id}/void`, { reason: 'something else entirely' });
    expect(otherwise.status).toBe(409);

    const listed = (await entries()).map((e) => e.id);
    expect(listed).toContain(res.body.replacement.id);
    expect(listed).not.toContain(magentaEntry.id);
    expect((await entries('&includeVoided=true')).map((e) => e.id)).toContain(magentaEntry.id);
  });

  it('exports the log as CSV with the correction visible', async () => {
    const csv = await crew.viewer.get('/api/supplies.csv?pressId=press-1&includeVoided=true');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="supplies-\d{4}-\d{2}-\d{2}\.csv"/);
    const lines = csv.text.split('\r\n').filter((l) => l !== '');
    expect(lines[0]).toMatch(/^id,logged_at,press,kind,unit,color,product,lot,quantity,uom,note,user,reconciliation/);
    const original = lines.find((l) => l.startsWith(`${magentaEntry.id},`));
    expect(original).toContain('wrong lot number');
    expect(original).toContain(magentaEntry.clientId);
    expect(lines.some((l) => l.includes('L24-0816') && l.includes('confirmed') && l.includes(OPERATOR.username))).toBe(true);
  });

  it('refuses a viewer and an anonymous client', async () => {
    expect((await crew.viewer.post('/api/supplies', magentaRefill(randomUUID()))).status).toBe(403);
    expect((await crew.anonymous.post('/api/supplies', magentaRefill(randomUUID()))).status).toBe(401);
  });
});
