/**
 * soak (issue "Hardening"): the real service with 100 simulated presses over Modbus TCP
 * (4 simulated buses × 25 unit ids, time scale 20, random jams and the simulated assistant
 * on) and 20 dashboard clients, for `--soak-minutes` after a warm-up. Every SAMPLE_MS it
 * samples the service process's CPU and RSS from /proc and GET /api/health (presses
 * online, event-loop delay). Targets: RSS growth after warm-up < 5 MB, event-loop p99
 * < 20 ms.
 *
 * The service's event-loop figures cover a 60 s window that restarts every minute of
 * uptime, so the warm-up lasts until the first window (start-up, JIT) has closed, and each
 * later window is read from its last sample.
 */
import { check, type Benchmark } from './lib/report.js';
import { DashboardClients } from './lib/dashboards.js';
import { cpuShare, sampleProcess, type ProcSample } from './lib/proc-stats.js';
import { startBenchService, writeTempConfig, type ServiceClient } from './lib/service.js';
import { median, rate, round, slope, summarize } from './lib/stats.js';
import { sleep } from './lib/timing.js';

const BUSES = 4;
const PRESSES_PER_BUS = 25;
const CLIENTS = 20;
const SAMPLE_MS = 5000;
const WINDOW_S = 60;
const TARGET_RSS_GROWTH_MB = 5;
const TARGET_EVENT_LOOP_P99_MS = 20;

interface Health {
  uptimeS: number;
  presses: { total: number; online: number };
  eventLoop?: { p50Ms: number; p99Ms: number; maxMs: number };
}

/** The soak's plant; `extra` adds top-level config sections (the metrics benchmark opens `metrics:`). */
export function soakConfig(extra: Record<string, unknown> = {}): string {
  const buses = Array.from({ length: BUSES }, (_, b) => ({ id: `gateway-${b + 1}`, kind: 'tcp', simulate: true, simulationTimeScale: 20 }));
  const presses = buses.flatMap((bus, b) =>
    Array.from({ length: PRESSES_PER_BUS }, (_, u) => {
      const n = b * PRESSES_PER_BUS + u + 1;
      return {
        id: `press-${String(n).padStart(3, '0')}`,
        name: `Press ${n}`,
        profile: n % 2 ? 'demo-sheetfed-4c' : 'demo-sheetfed-5c',
        bus: bus.id,
        unitId: u + 1,
        simulation: { seed: n },
      };
    }),
  );
  return writeTempConfig({ server: { port: 0, host: '127.0.0.1' }, access: { anonymousRead: true }, buses, presses, ...extra });
}

async function health(client: ServiceClient): Promise<Health> {
  const reply = await client.send('GET', '/api/health');
  if (reply.status !== 200) throw new Error(`GET /api/health answered ${reply.status}`);
  return reply.body as Health;
}

export const soak: Benchmark = {
  name: 'soak',
  title: `${BUSES * PRESSES_PER_BUS} simulated presses over Modbus TCP + ${CLIENTS} dashboards: RSS growth and event-loop delay`,
  async run({ soakMinutes, log }) {
    const { service, client } = await startBenchService({ config: soakConfig() });
    const pid = service.child.pid!;
    let dashboards: DashboardClients | undefined;
    try {
      dashboards = await DashboardClients.connect(service.url, CLIENTS);
      // Warm-up: until the service's first event-loop window (start-up included) has closed.
      let first = await health(client);
      log(`service up (${first.presses.total} presses); warming up until ${WINDOW_S} s of uptime`);
      while (first.uptimeS < WINDOW_S + 1) {
        await sleep(Math.min(SAMPLE_MS, (WINDOW_S + 1 - first.uptimeS) * 1000));
        first = await health(client);
      }
      const samples: (ProcSample & { health: Health; updates: number })[] = [];
      const started = performance.now();
      // Measure whole event-loop windows: stop just before the window after the last one closes.
      const endUptimeS = WINDOW_S * (1 + soakMinutes) - 3;
      for (;;) {
        const h = await health(client);
        samples.push({ ...sampleProcess(pid), health: h, updates: dashboards.pressUpdates });
        const last = samples[samples.length - 1]!;
        if (samples.length % 6 === 1)
          log(
            `t=${round((last.at - started) / 1000)} s rss ${round(last.rssMb, 1)} MB, online ${h.presses.online}/${h.presses.total}, event loop p99 ${h.eventLoop?.p99Ms ?? 'n/a'} ms`,
          );
        if (h.uptimeS >= endUptimeS || performance.now() - started > soakMinutes * 60_000 + 30_000) break;
        await sleep(Math.min(SAMPLE_MS, Math.max(200, (endUptimeS - h.uptimeS) * 1000)));
      }
      const firstSample = samples[0]!;
      const lastSample = samples[samples.length - 1]!;
      const rss = samples.map((s) => s.rssMb);
      // A leak raises the floor the RSS falls back to after collections; a GC sawtooth (or a
      // large heap released right after warm-up) does not. So: lowest RSS of the last third
      // minus lowest RSS of the first third; the medians and the slope are reported beside it.
      const third = Math.max(1, Math.floor(rss.length / 3));
      const rssGrowth = Math.min(...rss.slice(-third)) - Math.min(...rss.slice(0, third));
      const rssSlopePerMin = slope(samples.map((s) => ({ x: (s.at - started) / 60_000, y: s.rssMb })));
      const cpu = cpuShare(firstSample, lastSample);
      const fanOut = rate(lastSample.updates - firstSample.updates, lastSample.at - firstSample.at);
      const online = summarize(samples.map((s) => s.health.presses.online));

      // Event loop: the last sample of each 60 s window (the full window's figures).
      const byWindow = new Map<number, Health['eventLoop']>();
      for (const s of samples) if (s.health.eventLoop) byWindow.set(Math.floor(s.health.uptimeS / WINDOW_S), s.health.eventLoop);
      const windows = [...byWindow.values()].filter((w): w is NonNullable<typeof w> => w !== undefined);
      const hasEventLoop = windows.length > 0;
      const eventLoopP99 = hasEventLoop ? Math.max(...windows.map((w) => w.p99Ms)) : Number.NaN;
      const checks = [
        check('RSS growth after warm-up (floor of last third − floor of first third)', rssGrowth, 'MB', { op: '<=', limit: TARGET_RSS_GROWTH_MB }),
        hasEventLoop
          ? check('event-loop delay p99 (worst 60 s window)', eventLoopP99, 'ms', { op: '<=', limit: TARGET_EVENT_LOOP_P99_MS })
          : check('event-loop delay p99', Number.NaN, 'ms', null),
        check('service CPU', cpu * 100, '% of a core', null),
      ];
      return {
        measured: { label: `RSS growth over ${soakMinutes} min after warm-up`, value: rssGrowth, unit: 'MB' },
        checks,
        figures: {
          minutes: soakMinutes,
          samples: samples.length,
          'rss.floorStartMb': round(Math.min(...rss.slice(0, third)), 1),
          'rss.floorEndMb': round(Math.min(...rss.slice(-third)), 1),
          'rss.medianGrowthMb': round(median(rss.slice(-third)) - median(rss.slice(0, third)), 1),
          'rss.maxMb': round(Math.max(...rss), 1),
          'rss.slopeMbPerMin': round(rssSlopePerMin, 2),
          'cpu.percentOfCore': round(cpu * 100, 1),
          'eventLoop.windows': windows.map((w) => `p50 ${w.p50Ms}/p99 ${w.p99Ms}/max ${w.maxMs}`).join('; ') || 'not exposed by /api/health',
          'eventLoop.worstP99Ms': hasEventLoop ? eventLoopP99 : 'n/a',
          'eventLoop.worstMaxMs': hasEventLoop ? Math.max(...windows.map((w) => w.maxMs)) : 'n/a',
          'presses.onlineMin': online.min,
          'presses.total': lastSample.health.presses.total,
          'fanOut.pressUpdatesPerS': round(fanOut),
          dashboardsConnectedAtEnd: dashboards.connected,
        },
        notes: [
          `${BUSES} simulated Modbus TCP buses × ${PRESSES_PER_BUS} unit ids, in the service process (as simulate: true does), time scale 20; ${CLIENTS} socket.io clients in the bench process.`,
          'CPU is the service process (poller, simulators, SQLite recording, socket.io) as a share of one core; the machine has 2 cores shared with the clients.',
          ...(hasEventLoop ? [] : ['GET /api/health has no eventLoop figures yet: the event-loop target could not be checked.']),
          ...(soakMinutes < 10 ? ["Quick run: the issue's full figure is 10 minutes (npm run bench -- soak --soak-minutes 10)."] : []),
        ],
      };
    } finally {
      dashboards?.close();
      client.close();
      await service.stop({ cleanup: true });
    }
  },
};
