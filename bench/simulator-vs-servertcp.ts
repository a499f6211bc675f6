/**
 * simulator-vs-serverTCP: requests per second our simulator's Modbus TCP server answers,
 * against modbus-serial's ServerTCP, both in a child process of their own, under the same
 * load from this process (the lean raw-socket client of lib/mbap-load.ts): FC 3, 10
 * registers, unit 1, several connections, first one request in flight per connection (a
 * classic master), then pipelined. Each server is measured right after the other, so a
 * busy machine slows both.
 */
import { startChild } from './lib/child.js';
import { runMbapLoad, type LoadOptions, type LoadResult } from './lib/mbap-load.js';
import { check, type Benchmark, type Check } from './lib/report.js';
import type { ServerLoad } from './lib/server-host.js';
import { rate, round, summarize } from './lib/stats.js';

const TARGET_RATIO = 10;
/** Offered loads, lightest first. `single` is what one ModbusBus puts on a TCP link. */
const SHAPES = [
  { name: 'single', connections: 1, depth: 1 },
  { name: 'classic', connections: 8, depth: 1 },
  { name: 'pipelined', connections: 8, depth: 16 },
  { name: 'heavy', connections: 32, depth: 64 },
] as const;

interface Measured {
  rps: number;
  result: LoadResult;
  server: ServerLoad;
}

export const simulatorVsServerTcp: Benchmark = {
  name: 'simulator-vs-servertcp',
  title: 'requests/s: our simulator TCP server vs modbus-serial ServerTCP, same client load',
  async run({ phaseSeconds, log }) {
    const host = await startChild(new URL('./lib/server-host.ts', import.meta.url), { name: 'server-host' });
    const figures: Record<string, number | string> = {};
    const byShape: { shape: (typeof SHAPES)[number]; ours: Measured; theirs: Measured }[] = [];
    try {
      for (const shape of SHAPES) {
        const measure = async (start: 'startSimulation' | 'startServerTcp'): Promise<Measured> => {
          const args = start === 'startSimulation' ? { kind: 'tcp', unitIds: [1], profile: 'demo-sheetfed-4c' } : undefined;
          const { port } = await host.call<{ port: number }>(start, args);
          const load: LoadOptions = { port, connections: shape.connections, depth: shape.depth, durationMs: 300, unitId: 1, address: 0, count: 10 };
          await runMbapLoad(load); // warm-up: JIT, connection setup
          await host.call('markLoad');
          const result = await runMbapLoad({ ...load, durationMs: phaseSeconds * 1000 });
          const server = await host.call<ServerLoad>('load');
          await host.call('stop');
          if (result.exceptions > 0) throw new Error(`${start}: ${result.exceptions} exception replies`);
          return { rps: rate(result.replies, result.elapsedMs), result, server };
        };
        const ours = await measure('startSimulation');
        const theirs = await measure('startServerTcp');
        byShape.push({ shape, ours, theirs });
        log(
          `${shape.name} (${shape.connections} conn × ${shape.depth} in flight): ours ${round(ours.rps)} req/s, ServerTCP ${round(theirs.rps)} req/s, ratio ${round(ours.rps / theirs.rps)}`,
        );
        for (const [who, m] of [
          ['ours', ours],
          ['servertcp', theirs],
        ] as const) {
          const latency = summarize(m.result.latencySampleMs);
          const key = `${shape.name}(${shape.connections}x${shape.depth}).${who}`;
          figures[`${key}.reqPerS`] = round(m.rps);
          figures[`${key}.latencyP50Ms`] = round(latency.p50, 3);
          figures[`${key}.latencyP99Ms`] = round(latency.p99, 3);
          figures[`${key}.serverELU`] = round(m.server.eventLoopUtilization, 2);
          figures[`${key}.clientELU`] = round(m.result.clientEventLoopUtilization, 2);
        }
      }
    } finally {
      await host.close();
    }
    // Capacity: the most either server answered under any of the offered loads.
    const peakOurs = Math.max(...byShape.map((b) => b.ours.rps));
    const peakTheirs = Math.max(...byShape.map((b) => b.theirs.rps));
    const checks: Check[] = [check('capacity ratio (peak over the offered loads)', peakOurs / peakTheirs, '×', { op: '>=', limit: TARGET_RATIO })];
    for (const { shape, ours, theirs } of byShape) {
      const isTarget = shape.name === 'single';
      checks.push(
        check(
          `ratio at ${shape.connections} conn × ${shape.depth} in flight (${shape.name})`,
          ours.rps / theirs.rps,
          '×',
          isTarget ? { op: '>=', limit: TARGET_RATIO } : null,
        ),
      );
    }
    return {
      measured: { label: 'simulator TCP server, peak over the offered loads', value: peakOurs, unit: 'req/s' },
      baseline: { label: 'modbus-serial ServerTCP, peak over the same loads', value: peakTheirs, unit: 'req/s' },
      ratio: peakOurs / peakTheirs,
      checks,
      figures,
      notes: [
        'FC 3, 10 registers, unit 1; servers in a child process, load from the bench process (raw sockets, pre-encoded frames, ELU = event-loop utilisation).',
        "ServerTCP answers each request after setTimeout(0) (≥ 1 ms), so with one request in flight per connection it scales with the number of connections, not CPU; the classic 8 × 1 ratio is bounded by loopback round trips on our side, not by either server's CPU.",
      ],
    };
  },
};
