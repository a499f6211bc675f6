/**
 * supply-posts: supply entries per second the real service commits through
 * `POST /api/supplies` (each one durable, synchronous=FULL, before the 201), from one
 * client and from a few concurrent clients; baseline: raw better-sqlite3 single-row
 * inserts with synchronous=FULL in WAL mode, in a temp file, in this process. The ratio is
 * informative: the service adds HTTP, JSON, validation, auth, audit and the event fan-out.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { check, type Benchmark } from './lib/report.js';
import { ServiceClient, startBenchService } from './lib/service.js';
import { rate, round, summarize } from './lib/stats.js';

const CONCURRENT_CLIENTS = 4;
const MAX_POSTS_PER_PHASE = 200_000;

function supplyBody() {
  return { clientId: randomUUID(), pressId: 'press-1', kind: 'paper', quantity: 1000, uom: 'sheets' };
}

async function postLoop(client: ServiceClient, deadline: number, latencies: number[]): Promise<number> {
  let posted = 0;
  while (performance.now() < deadline && posted < MAX_POSTS_PER_PHASE) {
    const t0 = performance.now();
    const reply = await client.send('POST', '/api/supplies', supplyBody());
    latencies.push(performance.now() - t0);
    if (reply.status !== 201) throw new Error(`POST /api/supplies answered ${reply.status}: ${JSON.stringify(reply.body)}`);
    posted++;
  }
  return posted;
}

async function phase(clients: ServiceClient[], durationMs: number) {
  const latencies: number[] = [];
  const started = performance.now();
  const counts = await Promise.all(clients.map((c) => postLoop(c, started + durationMs, latencies)));
  const elapsedMs = performance.now() - started;
  const posted = counts.reduce((s, n) => s + n, 0);
  return { perSecond: rate(posted, elapsedMs), posted, latency: summarize(latencies) };
}

/** Raw better-sqlite3: one committed single-row insert at a time, WAL, synchronous=FULL. */
function sqliteBaseline(durationMs: number): { perSecond: number; rows: number } {
  const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-bench-sqlite-'));
  const db = new Database(path.join(dir, 'baseline.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(
      'CREATE TABLE supply (id INTEGER PRIMARY KEY, client_id TEXT UNIQUE NOT NULL, press_id TEXT NOT NULL, kind TEXT NOT NULL, quantity REAL, uom TEXT, at INTEGER NOT NULL)',
    );
    const insert = db.prepare('INSERT INTO supply (client_id, press_id, kind, quantity, uom, at) VALUES (?, ?, ?, ?, ?, ?)');
    let rows = 0;
    const started = performance.now();
    while (performance.now() - started < durationMs && rows < MAX_POSTS_PER_PHASE) {
      insert.run(randomUUID(), 'press-1', 'paper', 1000, 'sheets', Date.now());
      rows++;
    }
    return { perSecond: rate(rows, performance.now() - started), rows };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const supplyPosts: Benchmark = {
  name: 'supply-posts',
  title: 'supply entries/s through POST /api/supplies (durable) vs raw better-sqlite3 FULL-sync inserts',
  async run({ phaseSeconds, log }) {
    const { service, client } = await startBenchService();
    const extra: ServiceClient[] = [];
    try {
      const probe = await client.send('POST', '/api/supplies', supplyBody());
      if (probe.status === 404) {
        return {
          status: 'skipped' as const,
          checks: [],
          figures: { probeStatus: probe.status } as Record<string, number>,
          notes: [`POST /api/supplies answered 404 (${JSON.stringify(probe.body)}): the supplies routes are not mounted in src/app.ts yet; skipped.`],
        };
      }
      if (probe.status !== 201) throw new Error(`POST /api/supplies answered ${probe.status}: ${JSON.stringify(probe.body)}`);
      await phase([client], 500); // warm-up
      const sequential = await phase([client], (phaseSeconds * 1000) / 2);
      for (let i = 0; i < CONCURRENT_CLIENTS; i++) {
        const other = new ServiceClient(service.url);
        other.cookie = client.cookie;
        extra.push(other);
      }
      const concurrent = await phase(extra, (phaseSeconds * 1000) / 2);
      const baseline = sqliteBaseline((phaseSeconds * 1000) / 2);
      log(
        `sequential ${round(sequential.perSecond)}/s, ${CONCURRENT_CLIENTS} clients ${round(concurrent.perSecond)}/s, raw sqlite ${round(baseline.perSecond)}/s`,
      );
      return {
        measured: { label: 'POST /api/supplies, one client, sequential', value: sequential.perSecond, unit: 'entries/s' },
        baseline: { label: 'raw better-sqlite3 insert, WAL + synchronous=FULL', value: baseline.perSecond, unit: 'rows/s' },
        ratio: sequential.perSecond / baseline.perSecond,
        checks: [
          check('sequential / raw sqlite', sequential.perSecond / baseline.perSecond, '×', null),
          check(`${CONCURRENT_CLIENTS} concurrent clients`, concurrent.perSecond, 'entries/s', null),
        ],
        figures: {
          'sequential.entriesPerS': round(sequential.perSecond),
          'sequential.latencyP50Ms': round(sequential.latency.p50, 2),
          'sequential.latencyP99Ms': round(sequential.latency.p99, 2),
          'concurrent.entriesPerS': round(concurrent.perSecond),
          'concurrent.latencyP50Ms': round(concurrent.latency.p50, 2),
          'concurrent.latencyP99Ms': round(concurrent.latency.p99, 2),
          'sqlite.rowsPerS': round(baseline.perSecond),
          posted: sequential.posted + concurrent.posted,
        },
        notes: ['The service keeps polling its three simulated presses during the run (the embedded default configuration).'],
      };
    } finally {
      extra.forEach((c) => c.close());
      client.close();
      await service.stop({ cleanup: true });
    }
  },
};
