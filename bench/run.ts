/**
 * `npm run bench [-- NAME… ] [--soak-minutes N] [--seconds S] [--json FILE]`
 *
 * Runs the benchmarks (all, or those whose name contains one of the NAMEs), prints each
 * one's figures, the baseline measured in the same run, the ratio and the targets with
 * PASS/FAIL, then a summary; writes everything to bench/results/latest.json. Exit code 1
 * when a target was missed or a benchmark failed to run. Everything is bounded in time:
 * the default run takes about 5 minutes.
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { alarmLatency } from './alarm-latency.js';
import { peerJob } from './peer-job.js';
import { history } from './history.js';
import { metricsScrape } from './metrics-scrape.js';
import { pollerVsModbusSerial } from './poller-vs-modbus-serial.js';
import { formatResult, formatSummary, statusOf, writeJson, type BenchContext, type BenchResult, type Benchmark } from './lib/report.js';
import { reports } from './reports.js';
import { rtuWireLimit } from './rtu-wire-limit.js';
import { simulatorVsServerTcp } from './simulator-vs-servertcp.js';
import { soak } from './soak.js';
import { sparkplug } from './sparkplug.js';
import { supplyPosts } from './supply-posts.js';
import { xjmf } from './xjmf.js';

const BENCHMARKS: Benchmark[] = [
  pollerVsModbusSerial,
  simulatorVsServerTcp,
  rtuWireLimit,
  supplyPosts,
  alarmLatency,
  peerJob,
  history,
  metricsScrape,
  xjmf,
  reports,
  sparkplug,
  soak,
];
const here = path.dirname(fileURLToPath(import.meta.url));

function usage(): string {
  return `Usage: npm run bench -- [NAME…] [--soak-minutes N] [--seconds S] [--json FILE]
  NAME             run the benchmarks whose name contains NAME (${BENCHMARKS.map((b) => b.name).join(', ')})
  --soak-minutes   soak length after warm-up (default 10, the issue's figure; 1 for a quick check)
  --seconds        length of each throughput phase (default 6)
  --json           where to write the results (default bench/results/latest.json)`;
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      options: { 'soak-minutes': { type: 'string' }, seconds: { type: 'string' }, json: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage()}`);
    return 2;
  }
  if (parsed.values.help) {
    console.log(usage());
    return 0;
  }
  const soakMinutes = Number(parsed.values['soak-minutes'] ?? 10);
  const phaseSeconds = Number(parsed.values.seconds ?? 6);
  if (!(soakMinutes > 0 && soakMinutes <= 240) || !(phaseSeconds >= 1 && phaseSeconds <= 120)) {
    console.error(`--soak-minutes must be in (0, 240] and --seconds in [1, 120]\n\n${usage()}`);
    return 2;
  }
  const names = parsed.positionals.map((n) => n.toLowerCase());
  const selected = names.length ? BENCHMARKS.filter((b) => names.some((n) => b.name.includes(n))) : BENCHMARKS;
  if (selected.length === 0) {
    console.error(`no benchmark matches ${names.join(', ')}\n\n${usage()}`);
    return 2;
  }

  const started = new Date();
  console.log(`Pressroom benchmarks — ${selected.map((b) => b.name).join(', ')}`);
  console.log(
    `node ${process.version}, ${os.cpus().length} cores, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}; soak ${soakMinutes} min, phases ${phaseSeconds} s\n`,
  );
  const results: BenchResult[] = [];
  for (const bench of selected) {
    const context: BenchContext = { soakMinutes, phaseSeconds, log: (line) => console.log(`   [${bench.name}] ${line}`) };
    const t0 = performance.now();
    let result: BenchResult;
    try {
      const outcome = await bench.run(context);
      result = {
        name: bench.name,
        title: bench.title,
        ...outcome,
        status: outcome.status ?? statusOf(outcome.checks),
        durationS: (performance.now() - t0) / 1000,
      };
    } catch (error) {
      result = {
        name: bench.name,
        title: bench.title,
        status: 'error',
        checks: [],
        figures: {},
        notes: [`did not complete: ${error instanceof Error ? error.message : String(error)}`],
        durationS: (performance.now() - t0) / 1000,
      };
    }
    results.push(result);
    console.log(`${formatResult(result)}\n`);
  }

  console.log('Summary');
  console.log(formatSummary(results));
  const file = path.resolve(parsed.values.json ?? path.join(here, 'results', 'latest.json'));
  writeJson(file, {
    startedAt: started.toISOString(),
    durationS: (Date.now() - started.getTime()) / 1000,
    machine: { node: process.version, cores: os.cpus().length, cpu: os.cpus()[0]?.model, loadAverageAtStart: os.loadavg() },
    options: { soakMinutes, phaseSeconds, selected: selected.map((b) => b.name) },
    results,
  });
  console.log(`\nResults written to ${path.relative(process.cwd(), file)}`);
  return results.some((r) => r.status === 'fail' || r.status === 'error') ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
