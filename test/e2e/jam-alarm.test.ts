/**
 * A feeder jam on a simulated press, end to end through the real service process: the
 * simulator sets the alarm bit, Pressroom reads it over Modbus, raises `jam.feeder`, stops the
 * press with reason `jam`, and the operator acknowledges, shelves and unshelves it; the
 * journal and its CSV say who did what with which note.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Socket } from 'socket.io-client';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlarmView } from '../../src/model/alarm-view.js';
import type { PressSnapshot } from '../../src/model/press-snapshot.js';
import { eventually, repoRoot, startService, type ServiceProcess } from '../helpers/service-process.js';
import { OPERATOR, openSocket, recordEvents, removeTestConfig, seededRandom, signInCrew, writeTestConfig, type Crew } from './e2e-kit.js';

interface JournalLine {
  alarmId: string;
  pressId: string;
  code: string;
  action: string;
  at: number;
  user: string | null;
  note: string | null;
}

let service: ServiceProcess;
let crew: Crew;
let board: Socket;
let wallScreen: Socket;
let raised: ReturnType<typeof recordEvents<AlarmView>>;
let acked: ReturnType<typeof recordEvents<AlarmView>>;
let cleared: ReturnType<typeof recordEvents<AlarmView>>;
let updated: ReturnType<typeof recordEvents<AlarmView>>;
let jam: AlarmView;

const isFeederJam = (a: AlarmView) => a.pressId === 'press-1' && a.code === 'jam.feeder';

/**
 * The requirement: an alarm is raised within one scan period of the press raising the bit.
 * The jam bits are on the fast scan of the demo presses' profile (press-1 and press-3), 250 ms.
 * The simulator raises the bit while it answers the simulation request, so the time from
 * sending that request to the socket's alarm:raised is the bit-to-alarm latency plus one
 * loopback request.
 *
 * Allowance for scheduling noise on a shared CI machine, from measurements (2-core box, 22
 * runs of this file with 11 raises each: 9 beside other test work, load average 3–5, and 13
 * with 2 or 4 extra busy processes, load average up to 6.7): the worst single raise took
 * 302 ms, the worst median of 5 was 235 ms. So: every raise within the scan period + 150 ms, the median of 5 within the scan
 * period + 50 ms. A raise that waits for a second scan (a lost or late poll) breaks the first.
 */
const FAST_SCAN_MS = (
  parse(readFileSync(path.join(repoRoot, 'config/profiles/demo-sheetfed-4c.yaml'), 'utf8')) as { polling: { scanClasses: { fast: number } } }
).polling.scanClasses.fast;
const EACH_RAISE_MS = FAST_SCAN_MS + 150;
const MEDIAN_RAISE_MS = FAST_SCAN_MS + 50;

async function press1(): Promise<PressSnapshot> {
  return (await crew.anonymous.get<PressSnapshot>('/api/presses/press-1')).body;
}

const config = writeTestConfig();

beforeAll(async () => {
  service = await startService({ config });
  crew = await signInCrew(service.url);
  await eventually(async () => ((await press1()).state === 'production' ? true : undefined), { what: 'press-1 in production', timeoutMs: 15000 });
  board = await openSocket(service.url, { cookie: crew.operator.cookie });
  wallScreen = await openSocket(service.url); // anonymous read is on in the default
  raised = recordEvents<AlarmView>(board, 'alarm:raised');
  cleared = recordEvents<AlarmView>(board, 'alarm:cleared');
  updated = recordEvents<AlarmView>(board, 'alarm:updated');
  acked = recordEvents<AlarmView>(wallScreen, 'alarm:acked');
});
afterAll(async () => {
  board?.close();
  wallScreen?.close();
  await service?.stop({ cleanup: true });
  removeTestConfig(config);
});

describe('a feeder jam, end to end', () => {
  it('raises jam.feeder (critical) on the socket and in the active list, within one scan period (+ allowance)', async () => {
    const started = performance.now();
    const sent = await crew.operator.post('/api/simulation/presses/press-1/events', { action: 'jam', code: 'jam.feeder' });
    expect(sent.status).toBe(200);
    jam = await raised.next(isFeederJam, 5000);
    const latencyMs = performance.now() - started;
    console.log(`[figure] jam raise latency, simulation request → socket alarm:raised: ${latencyMs.toFixed(0)} ms`);
    expect(FAST_SCAN_MS).toBe(250);
    expect(latencyMs).toBeLessThan(EACH_RAISE_MS);

    expect(jam).toMatchObject({ priority: 'critical', state: 'unack-active', active: true, acknowledged: false, stopReason: 'jam' });
    const active = await crew.anonymous.get<AlarmView[]>('/api/alarms?active=true');
    expect(active.status).toBe(200);
    expect(active.body.filter(isFeederJam).map((a) => a.id)).toEqual([jam.id]);
  });

  it('stops the press with reason jam', async () => {
    const stopped = await eventually(
      async () => {
        const p = await press1();
        return p.state === 'stopped' ? p : undefined;
      },
      { what: 'press-1 stopped', timeoutMs: 5000 },
    );
    expect(stopped.stopReason).toBe('jam');
    expect(stopped.activeAlarms).toBeGreaterThanOrEqual(1);
  });

  it('is acknowledged by the operator with a note, and a second client hears of it', async () => {
    const viewerTry = await crew.viewer.post(`/api/alarms/${jam.id}/ack`, { note: 'not mine to ack' });
    expect(viewerTry.status).toBe(403);
    const anonymousTry = await crew.anonymous.post(`/api/alarms/${jam.id}/ack`, {});
    expect(anonymousTry.status).toBe(401);

    const res = await crew.operator.post<AlarmView>(`/api/alarms/${jam.id}/ack`, { note: 'double sheet from a curled pile' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: jam.id, state: 'acked-active', ackedBy: OPERATOR.username, ackNote: 'double sheet from a curled pile' });
    const heard = await acked.next((a) => a.id === jam.id);
    expect(heard).toMatchObject({ acknowledged: true, ackedBy: OPERATOR.username });

    const again = await crew.operator.post(`/api/alarms/${jam.id}/ack`, {});
    expect(again.status).toBe(409);
    // still on the list while the jam is present
    const listed = await crew.anonymous.get<AlarmView[]>('/api/alarms');
    expect(listed.body.find((a) => a.id === jam.id)?.state).toBe('acked-active');
  });

  it('is shelved with a reason and unshelved', async () => {
    const noReason = await crew.operator.post(`/api/alarms/${jam.id}/shelve`, { minutes: 10 });
    expect(noReason.status).toBe(400);
    const shelved = await crew.operator.post<AlarmView>(`/api/alarms/${jam.id}/shelve`, { minutes: 10, reason: 'feeder sensor being replaced' });
    expect(shelved.status).toBe(200);
    expect(shelved.body.shelvedBy).toBe(OPERATOR.username);
    expect(shelved.body.shelveReason).toBe('feeder sensor being replaced');
    expect(shelved.body.shelvedUntil).toBeGreaterThan(Date.now() + 9 * 60_000);
    await updated.next((a) => a.id === jam.id && a.shelvedUntil !== null);

    const unshelved = await crew.operator.post<AlarmView>(`/api/alarms/${jam.id}/unshelve`, { note: 'sensor fixed' });
    expect(unshelved.status).toBe(200);
    expect(unshelved.body.shelvedUntil).toBeNull();
    const twice = await crew.operator.post(`/api/alarms/${jam.id}/unshelve`, {});
    expect(twice.status).toBe(409);
  });

  it('clears when the jam is cleared at the press, and leaves the list', async () => {
    const sent = await crew.operator.post('/api/simulation/presses/press-1/events', { action: 'clear-jam' });
    expect(sent.status).toBe(200);
    const gone = await cleared.next((a) => a.id === jam.id);
    expect(gone).toMatchObject({ active: false, state: 'normal' });
    const listed = await crew.anonymous.get<AlarmView[]>('/api/alarms');
    expect(listed.body.some((a) => a.id === jam.id)).toBe(false);
    const history = await crew.anonymous.get<AlarmView[]>('/api/alarms?all=true&pressId=press-1');
    expect(history.body.find((a) => a.id === jam.id)).toMatchObject({ state: 'normal', ackedBy: OPERATOR.username });
  });

  it('is in the journal and its CSV: raise, ack, shelve, unshelve, clear, with who and note', async () => {
    const journal = await crew.viewer.get<JournalLine[]>(`/api/alarms/journal?alarmId=${jam.id}`);
    expect(journal.status).toBe(200);
    const byAction = new Map(journal.body.map((line) => [line.action, line]));
    expect([...byAction.keys()]).toEqual(expect.arrayContaining(['raise', 'ack', 'shelve', 'unshelve', 'clear']));
    expect(byAction.get('raise')).toMatchObject({ user: null, code: 'jam.feeder', pressId: 'press-1' });
    expect(byAction.get('ack')).toMatchObject({ user: OPERATOR.username, note: 'double sheet from a curled pile' });
    expect(byAction.get('shelve')).toMatchObject({ user: OPERATOR.username });
    expect(byAction.get('shelve')!.note).toContain('feeder sensor being replaced');
    expect(byAction.get('clear')).toMatchObject({ user: null });

    const csv = await crew.viewer.get('/api/alarms.csv?pressId=press-1');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const rows = csv.text.split('\r\n').filter((line) => line.includes(jam.id));
    expect(rows.some((r) => r.includes('raise') && r.includes('jam.feeder'))).toBe(true);
    expect(rows.some((r) => r.includes('ack') && r.includes(OPERATOR.username) && r.includes('double sheet from a curled pile'))).toBe(true);
    expect(rows.some((r) => r.includes('clear'))).toBe(true);
  });

  it('audits the operator commands', async () => {
    const audit = await crew.admin.get<{ entries: { action: string; username: string; target: string }[] }>('/api/audit?action=alarm.*');
    expect(audit.status).toBe(200);
    const mine = audit.body.entries.filter((e) => e.target === `alarm:${jam.id}`).map((e) => `${e.action}/${e.username}`);
    expect(mine).toEqual(
      expect.arrayContaining([`alarm.ack/${OPERATOR.username}`, `alarm.shelve/${OPERATOR.username}`, `alarm.unshelve/${OPERATOR.username}`]),
    );
  });

  it('raises within one scan period (+ allowance) on a TCP press and on the RTU-over-TCP press, five times each', async () => {
    const figures: string[] = [];
    const phase = seededRandom(7);
    const measured = new Set<string>();
    for (const [pressId, link] of [
      ['press-1', 'tcp'],
      ['press-3', 'rtu-over-tcp'],
    ] as const) {
      const samples: number[] = [];
      for (let round = 0; round < 5; round++) {
        // This loop is paced by the service's own events, which follow its 250 ms fast scan: without
        // a random pause every jam would land just after a poll and measure the worst case.
        await new Promise((resolve) => setTimeout(resolve, Math.floor(phase() * 250)));
        const started = performance.now();
        await crew.operator.post(`/api/simulation/presses/${pressId}/events`, { action: 'jam', code: 'jam.delivery' });
        const alarm = await raised.next((a) => a.pressId === pressId && a.code === 'jam.delivery' && !measured.has(a.id), 5000);
        samples.push(performance.now() - started);
        measured.add(alarm.id);
        expect((await crew.operator.post(`/api/alarms/${alarm.id}/ack`, {})).status).toBe(200);
        await crew.operator.post(`/api/simulation/presses/${pressId}/events`, { action: 'clear-jam' });
        await cleared.next((a) => a.id === alarm.id && a.state === 'normal');
      }
      samples.sort((a, b) => a - b);
      figures.push(`${link} ${pressId}: min ${samples[0]!.toFixed(0)}, median ${samples[2]!.toFixed(0)}, max ${samples[4]!.toFixed(0)} ms`);
      console.log(`[figure] jam raise latency, ${link} ${pressId}: ${samples.map((ms) => ms.toFixed(0)).join(', ')} ms`);
      expect(samples[4], `${link} ${pressId}: every raise within ${EACH_RAISE_MS} ms`).toBeLessThan(EACH_RAISE_MS);
      expect(samples[2], `${link} ${pressId}: median within ${MEDIAN_RAISE_MS} ms`).toBeLessThan(MEDIAN_RAISE_MS);
    }
    console.log(`[figure] jam raise latency over 5 raises each (bounds: each < ${EACH_RAISE_MS}, median < ${MEDIAN_RAISE_MS} ms): ${figures.join('; ')}`);
  });
});
