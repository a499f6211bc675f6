import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clientId, inkEntry, START, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.dispose();
});

async function log(body: Record<string, unknown>, advanceMs = 60_000): Promise<any> {
  h.clock.advance(advanceMs);
  const res = await h.request('POST', '/api/supplies', { body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

describe('POST /api/supplies/:id/void', () => {
  it('voids an entry and logs its correction in one step, both audited', async () => {
    const wrong = await log(inkEntry({ unit: 2, lot: 'L24-0815' }));
    const replacement = inkEntry({ unit: 3, lot: 'L24-0815', color: 'yellow' });
    h.clock.advance(5 * 60_000);
    const res = await h.request('POST', `/api/supplies/${wrong.id}/void`, { body: { reason: 'wrong unit: it went into unit 3', replacement } });
    expect(res.status).toBe(201);
    expect(res.body.voided).toMatchObject({
      id: wrong.id,
      unit: 2,
      voided: { reason: 'wrong unit: it went into unit 3', by: { username: 'anna' }, replacedBy: res.body.replacement.id },
    });
    expect(res.body.replacement).toMatchObject({ unit: 3, replaces: wrong.id, voided: null });

    const actions = h.audit.list({ action: 'supply.*', limit: 10 }).map((a) => `${a.action} ${a.target}`);
    expect(actions).toEqual(expect.arrayContaining([`supply.void supply:${wrong.id}`, `supply.log supply:${res.body.replacement.id}`]));

    // The list shows the correction only; the voided one comes back on request.
    const list = await h.request('GET', '/api/supplies');
    expect(list.body.entries.map((e: any) => e.id)).toEqual([res.body.replacement.id]);
    const all = await h.request('GET', '/api/supplies?includeVoided=true');
    expect(all.body.entries.map((e: any) => e.id)).toEqual([res.body.replacement.id, wrong.id]);
  });

  it('answers a retried void with 200 and the same result, and refuses a different second void', async () => {
    const entry = await log(inkEntry());
    const body = { reason: 'logged twice by mistake' };
    const first = await h.request('POST', `/api/supplies/${entry.id}/void`, { body });
    const retry = await h.request('POST', `/api/supplies/${entry.id}/void`, { body });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    const other = await h.request('POST', `/api/supplies/${entry.id}/void`, { body: { reason: 'something else' } });
    expect(other.status).toBe(409);
    expect(other.body.error.message).toMatch(/already voided at .* by anna/);
    expect(h.audit.list({ action: 'supply.void', limit: 10 })).toHaveLength(1);
  });

  it('checks the replacement like a new entry, and the void needs a reason', async () => {
    const entry = await log(inkEntry());
    const bad = await h.request('POST', `/api/supplies/${entry.id}/void`, { body: { reason: 'wrong unit', replacement: inkEntry({ unit: 9 }) } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe('invalid body: replacement.unit: printing unit 9 does not exist on press-1 (units 1-4)');
    const noReason = await h.request('POST', `/api/supplies/${entry.id}/void`, { body: {} });
    expect(noReason.body.error.message).toBe('invalid body: reason: required: why is this entry void?');
    const missing = await h.request('POST', '/api/supplies/999/void', { body: { reason: 'typo' } });
    expect(missing.status).toBe(404);
    const viewer = await h.request('POST', `/api/supplies/${entry.id}/void`, { role: 'viewer', body: { reason: 'typo' } });
    expect(viewer.status).toBe(403);
    expect((await h.request('GET', `/api/supplies/${entry.id}`)).body.voided).toBeNull();
  });
});

describe('GET /api/supplies', () => {
  it('filters by press, kind and time, newest first, and pages with a cursor', async () => {
    const a = await log(inkEntry({ pressId: 'press-1' }));
    const b = await log(inkEntry({ pressId: 'press-2', unit: 5 }));
    const c = await log(inkEntry({ pressId: 'press-1', kind: 'paper', unit: undefined, uom: 'sheets', quantity: 6000 }));
    const d = await log(inkEntry({ pressId: 'press-1', kind: 'plate', unit: 1, uom: 'pcs', quantity: 4 }));
    const ids = async (query: string) => (await h.request('GET', `/api/supplies${query}`, { role: 'viewer' })).body.entries.map((e: any) => e.id);

    expect(await ids('')).toEqual([d.id, c.id, b.id, a.id]);
    expect(await ids('?pressId=press-1')).toEqual([d.id, c.id, a.id]);
    expect(await ids('?kind=ink')).toEqual([b.id, a.id]);
    expect(await ids(`?from=${b.at}&to=${c.at}`)).toEqual([c.id, b.id]);
    expect(await ids(`?to=${new Date(b.at).toISOString()}`)).toEqual([b.id, a.id]);

    const page1 = await h.request('GET', '/api/supplies?limit=3');
    expect(page1.body.entries.map((e: any) => e.id)).toEqual([d.id, c.id, b.id]);
    const page2 = await h.request('GET', `/api/supplies?limit=3&cursor=${page1.body.nextCursor}`);
    expect(page2.body).toEqual({ entries: [expect.objectContaining({ id: a.id })], nextCursor: null });
  });

  it('rejects a bad filter with a message', async () => {
    const res = await h.request('GET', '/api/supplies?kind=toner');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('invalid query: kind: one of ink, paper, plate, blanket, fountain-solution, other');
    expect((await h.request('GET', '/api/supplies?limit=0')).body.error.message).toBe('invalid query: limit: at least 1');
    expect((await h.request('GET', `/api/supplies?from=${START + 10}&to=${START}`)).body.error.message).toMatch(/^invalid query: from \(.*\) is after to/);
  });
});

describe('GET /api/supplies.csv', () => {
  it('exports RFC 4180 CSV with formula-looking text defused', async () => {
    await log(inkEntry({ product: '=HYPERLINK("http://evil","click")', lot: '+41 22', note: 'line one\r\nline "two", three' }));
    await log(inkEntry({ kind: 'paper', unit: undefined, uom: 'sheets', quantity: 6000, product: '@SUM(A1)', note: '-2 pallets' }));
    const res = await h.request('GET', '/api/supplies.csv', { role: 'viewer' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="supplies-2026-03-02.csv"');
    const lines = res.text.split('\r\n');
    expect(lines[0]).toBe(
      'id,logged_at,press,kind,unit,color,product,lot,quantity,uom,note,user,reconciliation,reconciliation_detail,voided_at,voided_by,void_reason,replaced_by,replaces,client_id,received_at',
    );
    expect(res.text.endsWith('\r\n')).toBe(true);
    expect(res.text).toContain(`,paper,,,'@SUM(A1),L24-0815,6000,sheets,'-2 pallets,anna,pending,`);
    expect(res.text).toContain(`,ink,2,magenta,"'=HYPERLINK(""http://evil"",""click"")",'+41 22,2.5,kg,"line one\r\nline ""two"", three",anna,pending,`);
    expect(res.text).toContain(',2026-03-02T08:01:00.000Z,press-1,');
  });

  it('follows the filters, and leaves numbers alone', async () => {
    await log(inkEntry({ pressId: 'press-2', unit: 1 }));
    await log(inkEntry({ pressId: 'press-1', unit: 1 }));
    const res = await h.request('GET', '/api/supplies.csv?pressId=press-2');
    expect(res.text.trim().split('\r\n')).toHaveLength(2);
  });
});

describe('reads', () => {
  it('are open to anonymous wall screens when the setting says so', async () => {
    const open = await startHarness({ anonymousRead: true });
    try {
      expect((await open.request('GET', '/api/supplies', { role: null })).status).toBe(200);
      expect((await open.request('GET', '/api/supplies/suggestions', { role: null })).status).toBe(200);
      expect((await open.request('POST', '/api/supplies', { role: null, body: inkEntry({ clientId: clientId() }) })).status).toBe(401);
    } finally {
      await open.dispose();
    }
  });
});
