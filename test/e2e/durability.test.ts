/**
 * A 201 means the entry is on disk. Several tablets log supplies at once; the service is
 * killed (SIGKILL, a power cut as far as the process knows) at a seeded random moment;
 * a new process on the same data folder must list every entry that had been answered 201,
 * none twice. Entries whose answer was lost in the kill may or may not be there, and a
 * tablet resending them (same clientId) ends with exactly one row. Three kill points, on
 * one data folder that survives them all.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { SupplyEntry } from '../../src/model/supply.js';
import { startService, type ServiceProcess } from '../helpers/service-process.js';
import { ApiClient, OPERATOR, removeTestConfig, seededRandom, signInCrew, writeTestConfig } from './e2e-kit.js';

const SEED = 20240611;
const CLIENTS = 4;
/** Kill points come from their own generator, so they do not shift with how many entries a round managed. */
const killPoints = ((next) => [next(), next(), next()].map((r) => 300 + Math.floor(r * 1200)))(seededRandom(SEED));
const random = seededRandom(SEED + 1);
const config = writeTestConfig();
const services: ServiceProcess[] = [];

/** clientId → the body sent, for everything that was ever sent. */
const sent = new Map<string, Record<string, unknown>>();
/** clientIds answered 201 (or 200 on a resend): must be on disk. */
const acknowledged = new Set<string>();
/** clientIds whose answer was lost in a kill. */
const unanswered = new Set<string>();

afterAll(async () => {
  for (const service of services) await service.stop();
  await services.at(-1)?.stop({ cleanup: true });
  removeTestConfig(config);
});

function entryFor(round: number, client: number, n: number): Record<string, unknown> {
  const clientId = `dur-r${round}-c${client}-n${n}-${Math.floor(random() * 1e9).toString(36)}`;
  const pick = random();
  if (pick < 0.4) return { clientId, pressId: 'press-1', kind: 'ink', unit: 1 + Math.floor(random() * 4), quantity: 1 + n, uom: 'kg', lot: `L-${n}` };
  if (pick < 0.7) return { clientId, pressId: 'press-2', kind: 'paper', quantity: 1000 + n, uom: 'sheets' };
  return { clientId, pressId: 'press-3', kind: 'plate', unit: 1 + Math.floor(random() * 4), quantity: 4, uom: 'pcs', note: `job ${n}` };
}

/** One tablet: logs entries back to back until the service goes away. */
async function tablet(operator: ApiClient, round: number, client: number, stop: { now: boolean }): Promise<void> {
  for (let n = 0; !stop.now; n++) {
    const body = entryFor(round, client, n);
    const clientId = body.clientId as string;
    sent.set(clientId, body);
    try {
      const res = await operator.post<SupplyEntry>('/api/supplies', body);
      if (res.status !== 201) throw new Error(`entry ${clientId} answered ${res.status}: ${res.text}`);
      expect(res.body.clientId).toBe(clientId);
      acknowledged.add(clientId);
    } catch (error) {
      if (!stop.now) throw error;
      unanswered.add(clientId); // the kill came while this one was in flight
      return;
    }
  }
}

async function storedEntries(client: ApiClient): Promise<SupplyEntry[]> {
  const all: SupplyEntry[] = [];
  for (let cursor: string | null = ''; cursor !== null;) {
    const res: { status: number; body: { entries: SupplyEntry[]; nextCursor: string | null } } = await client.get(
      `/api/supplies?includeVoided=true&limit=1000${cursor ? `&cursor=${cursor}` : ''}`,
    );
    expect(res.status).toBe(200);
    all.push(...res.body.entries);
    cursor = res.body.nextCursor;
  }
  return all;
}

function expectEveryAcknowledgedOnceIn(entries: SupplyEntry[]): void {
  const counts = new Map<string, number>();
  for (const entry of entries) counts.set(entry.clientId, (counts.get(entry.clientId) ?? 0) + 1);
  const twice = [...counts].filter(([, count]) => count > 1).map(([id]) => id);
  expect(twice, 'entries stored twice').toEqual([]);
  const missing = [...acknowledged].filter((id) => !counts.has(id));
  expect(missing, 'entries answered 201 but gone after the kill').toEqual([]);
  const neverSent = [...counts.keys()].filter((id) => !sent.has(id));
  expect(neverSent).toEqual([]);
}

describe('supply entries answered 201 survive SIGKILL', () => {
  it('at three seeded kill points, with retries of lost answers', async () => {
    // Each round's tablets log to the service that came up after the last kill (and was checked).
    let service = await startService({ config });
    services.push(service);
    const dataDir = service.dataDir;
    for (let round = 1; round <= 3; round++) {
      const crew = await signInCrew(service.url, { createUsers: round === 1 });
      const operator = crew.operator;

      // a tablet resends what it never heard back about: exactly one row each
      const resent = { storedBeforeKill: 0, storedNow: 0 };
      for (const clientId of [...unanswered]) {
        const res = await operator.post<SupplyEntry>('/api/supplies', sent.get(clientId));
        expect([200, 201], `resend of ${clientId}`).toContain(res.status);
        if (res.status === 200) resent.storedBeforeKill++;
        else resent.storedNow++;
        acknowledged.add(clientId);
        unanswered.delete(clientId);
      }
      if (round > 1)
        console.log(
          `[figure] resent ${resent.storedBeforeKill + resent.storedNow} unanswered entries: ${resent.storedBeforeKill} had been stored before the kill (200), ${resent.storedNow} had not (201)`,
        );

      const killAfterMs = killPoints[round - 1]!;
      const before = acknowledged.size;
      const stop = { now: false };
      const tablets = Array.from({ length: CLIENTS }, (_, client) => tablet(operator, round, client, stop));
      await new Promise((resolve) => setTimeout(resolve, killAfterMs));
      stop.now = true;
      await service.kill();
      await Promise.all(tablets);
      console.log(
        `[figure] durability round ${round}: killed after ${killAfterMs} ms; ${acknowledged.size - before} entries answered 201 this round, ${unanswered.size} in flight`,
      );
      expect(acknowledged.size - before).toBeGreaterThan(0);

      service = await startService({ config, dataDir });
      services.push(service);
      const reader = await new ApiClient(service.url).login({ username: OPERATOR.username, pin: OPERATOR.pin });
      expectEveryAcknowledgedOnceIn(await storedEntries(reader));
    }

    // and the last resends, checked once more
    const operator = await new ApiClient(service.url).login({ username: OPERATOR.username, pin: OPERATOR.pin });
    for (const clientId of [...unanswered]) {
      const res = await operator.post('/api/supplies', sent.get(clientId));
      expect([200, 201]).toContain(res.status);
      acknowledged.add(clientId);
    }
    expectEveryAcknowledgedOnceIn(await storedEntries(operator));
  }, 90_000);
});
