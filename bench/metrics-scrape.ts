/**
 * metrics-scrape (issue 13, item 4; informative): what GET /metrics costs on the soak's plant
 * of 100 simulated presses on 4 Modbus TCP buses. Two phases:
 * - scrapes every 10 s (Prometheus' usual interval is 15 s) for 3 windows: the service's own
 *   event-loop delay per window (nodejs_eventloop_lag_*, which prom-client resets at each
 *   scrape; the 10 ms sampling interval taken off);
 * - back-to-back scrapes, one in flight, for `--seconds`: the time of one scrape (client side,
 *   loopback), the CPU it costs (service CPU time / scrapes) and the worst event-loop stall.
 */
import { check, type Benchmark } from './lib/report.js';
import { sampleProcess } from './lib/proc-stats.js';
import { startBenchService, type ServiceClient } from './lib/service.js';
import { round, summarize } from './lib/stats.js';
import { sleep } from './lib/timing.js';
import { soakConfig } from './soak.js';

const QUIET_WINDOW_MS = 10_000;
const QUIET_WINDOWS = 3;
/** prom-client's event-loop histogram samples every 10 ms (eventLoopMonitoringPrecision): a delay is what exceeds it. */
const RESOLUTION_MS = 10;

async function scrape(client: ServiceClient): Promise<{ ms: number; text: string }> {
  const started = performance.now();
  const reply = await client.send('GET', '/metrics');
  const ms = performance.now() - started;
  if (reply.status !== 200 || typeof reply.body !== 'string') throw new Error(`GET /metrics answered ${reply.status}`);
  return { ms, text: reply.body };
}

function sample(text: string, name: string): number {
  const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return match ? Number(match[1]) : Number.NaN;
}

const delayMs = (seconds: number) => Math.max(0, round(seconds * 1000 - RESOLUTION_MS));

export const metricsScrape: Benchmark = {
  name: 'metrics-scrape',
  title: 'GET /metrics with 100 simulated presses: time and CPU of a scrape, event-loop delay',
  async run({ phaseSeconds, log }) {
    const { service, client } = await startBenchService({ config: soakConfig({ metrics: { anonymous: true } }) });
    const pid = service.child.pid!;
    try {
      for (let online = 0; online < 100; await sleep(500)) {
        online = sample((await scrape(client)).text, 'pressroom_presses_online');
      }
      log('100 presses online; warming up');
      for (let i = 0; i < 20; i++) await scrape(client);

      const quiet: { p99: number; max: number }[] = [];
      for (let w = 0; w < QUIET_WINDOWS; w++) {
        await sleep(QUIET_WINDOW_MS);
        const { text } = await scrape(client);
        quiet.push({ p99: delayMs(sample(text, 'nodejs_eventloop_lag_p99_seconds')), max: delayMs(sample(text, 'nodejs_eventloop_lag_max_seconds')) });
      }
      log(`scrape every 10 s: event-loop p99 ${quiet.map((q) => q.p99).join(', ')} ms`);

      const before = sampleProcess(pid);
      const times: number[] = [];
      let last = '';
      // each scrape reports the event loop since the one before: the worst of them covers the phase
      const hammered = { p99: 0, max: 0 };
      const end = performance.now() + phaseSeconds * 1000;
      while (performance.now() < end) {
        const { ms, text } = await scrape(client);
        times.push(ms);
        last = text;
        hammered.p99 = Math.max(hammered.p99, delayMs(sample(text, 'nodejs_eventloop_lag_p99_seconds')));
        hammered.max = Math.max(hammered.max, delayMs(sample(text, 'nodejs_eventloop_lag_max_seconds')));
      }
      const after = sampleProcess(pid);
      const scrapeMs = summarize(times);
      const cpuPerScrapeMs = (after.cpuMs - before.cpuMs) / times.length;
      const series = last.split('\n').filter((line) => line !== '' && !line.startsWith('#')).length;
      return {
        measured: { label: 'one scrape, p50 (loopback)', value: round(scrapeMs.p50), unit: 'ms' },
        checks: [
          check('one scrape p50', round(scrapeMs.p50), 'ms', null),
          check('one scrape p99', round(scrapeMs.p99), 'ms', null),
          check('service CPU per scrape', round(cpuPerScrapeMs), 'ms', null),
          check('event-loop p99, scraped every 10 s (worst window)', Math.max(...quiet.map((q) => q.p99)), 'ms', null),
          check('event-loop max, scraped back to back (worst between two scrapes)', hammered.max, 'ms', null),
        ],
        figures: {
          scrapes: times.length,
          scrapeP50Ms: round(scrapeMs.p50),
          scrapeP99Ms: round(scrapeMs.p99),
          scrapeMaxMs: round(scrapeMs.max),
          cpuPerScrapeMs: round(cpuPerScrapeMs),
          bytes: Buffer.byteLength(last),
          series,
          quietP99Ms: quiet.map((q) => q.p99).join(' '),
          quietMaxMs: quiet.map((q) => q.max).join(' '),
          hammeredP99Ms: hammered.p99,
          hammeredMaxMs: hammered.max,
        },
        notes: ['informative: no target in the issue; the machine is shared with 4-5 other sessions, so figures are under load'],
      };
    } finally {
      client.close();
      await service.stop({ cleanup: true });
    }
  },
};
