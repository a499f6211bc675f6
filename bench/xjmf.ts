/**
 * xjmf: signal latency and the cost of subscriptions on the live path. 20 MIS subscribers
 * (one HTTP receiver in the bench process, a path each) subscribe to press-1's status with
 * RepeatTime 1 s. Each round: jam → every subscriber has a SignalStatus "Stopped" → clear-jam
 * → every subscriber has one that is not → acknowledge; latency is from the jam request (the
 * simulator sets the bit while handling it) to the subscriber's HTTP request arriving. The
 * event loop of the service is measured over a window without subscribers and one with the
 * 20 (event-loop-hook.mjs), so a busy machine shows in both.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { alarmBenchConfig } from './alarm-latency.js';
import { check, type Benchmark } from './lib/report.js';
import { startBenchService } from './lib/service.js';
import { round, summarize } from './lib/stats.js';
import { sleep } from './lib/timing.js';

const SUBSCRIBERS = 20;
const SCAN_PERIOD_MS = 250;
const TARGET_P99_MS = SCAN_PERIOD_MS + 200;
const TARGET_EVENT_LOOP_P99_MS = 20;
const PRESS = 'press-1';
const TOKEN = 'bench-token-0123456789abcdef';

interface Arrival {
  subscriber: number;
  at: number;
  status: string;
}

interface EventLoopWindow {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  utilization: number;
}

function xjmfBenchConfig(): string {
  const file = alarmBenchConfig();
  const config = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  config.xjmf = { allowedSubscribers: ['127.0.0.1'], tokens: [{ name: 'bench', token: TOKEN }], minRepeatSeconds: 1 };
  writeFileSync(file, stringify(config));
  return file;
}

const xjmfEnvelope = (messages: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><XJMF xmlns="http://www.CIP4.org/JDFSchema_2_0"><Header DeviceID="BenchMIS" ID="e" Time="2026-12-06T00:00:00Z"/>${messages}</XJMF>`;

export const xjmf: Benchmark = {
  name: 'xjmf',
  title: `state change → SignalStatus at ${SUBSCRIBERS} XJMF subscribers (p99 < scan ${SCAN_PERIOD_MS} ms + 200 ms); event loop with ${SUBSCRIBERS} × RepeatTime 1 s (p99 < ${TARGET_EVENT_LOOP_P99_MS} ms)`,
  async run({ phaseSeconds, log }) {
    const rounds = Math.max(20, Math.round(phaseSeconds * 4));
    const arrivals: Arrival[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const at = performance.now();
        res.writeHead(204).end();
        const subscriber = Number(/\/mis\/(\d+)/.exec(req.url ?? '')?.[1] ?? -1);
        const status = /<DeviceInfo [^>]*Status="([A-Za-z]+)"/.exec(body)?.[1] ?? '';
        arrivals.push({ subscriber, at, status });
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const port = (receiver.address() as AddressInfo).port;
    const config = xjmfBenchConfig();
    const eventLoopLog = path.join(path.dirname(config), 'event-loop.jsonl');
    const { service, client } = await startBenchService({ config, eventLoopLog });
    const mark = () => process.kill(service.child.pid!, 'SIGUSR2');
    const post = async (body: string) => {
      const res = await fetch(`${service.url}xjmf/${PRESS}`, {
        method: 'POST',
        headers: { 'content-type': 'application/vnd.cip4-xjmf+xml', authorization: `Bearer ${TOKEN}` },
        body,
      });
      return res.text();
    };
    const until = async (condition: () => boolean, what: string, timeoutMs = 5000) => {
      const deadline = performance.now() + timeoutMs;
      while (!condition()) {
        if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await sleep(5);
      }
    };
    const simulate = async (body: Record<string, unknown>) => {
      const reply = await client.send('POST', `/api/simulation/presses/${PRESS}/events`, body);
      if (reply.status !== 200) throw new Error(`${String(body.action)} answered ${reply.status}: ${JSON.stringify(reply.body)}`);
    };
    try {
      await sleep(2000); // presses online, first scans done
      mark();
      await sleep(phaseSeconds * 1000); // the quiet window: the live path, no subscriber
      mark();

      for (let i = 0; i < SUBSCRIBERS; i++) {
        const answer = await post(
          xjmfEnvelope(
            `<QueryStatus><Header DeviceID="BenchMIS" ID="sub${i}" Time="2026-12-06T00:00:00Z"/><Subscription URL="http://127.0.0.1:${port}/mis/${i}" RepeatTime="1"/></QueryStatus>`,
          ),
        );
        if (!answer.includes('ReturnCode="0"')) throw new Error(`subscription ${i} refused: ${answer}`);
      }
      await sleep(1500);
      // the loaded window: the live path plus 20 × RepeatTime 1 s, nothing else
      mark();
      const loadStarted = performance.now();
      await sleep(phaseSeconds * 1000);
      const loadSeconds = (performance.now() - loadStarted) / 1000;
      const signalsPerS = arrivals.filter((a) => a.at >= loadStarted).length / loadSeconds;
      mark();

      const latencies: number[] = [];
      for (let i = 0; i < rounds; i++) {
        const t0 = performance.now();
        await simulate({ action: 'jam', code: 'jam.feeder' });
        const stoppedSince = () => new Map(arrivals.filter((a) => a.at >= t0 && a.status === 'Stopped').map((a) => [a.subscriber, a.at]));
        await until(() => stoppedSince().size >= SUBSCRIBERS, `SignalStatus Stopped at all ${SUBSCRIBERS} subscribers (round ${i + 1})`);
        for (const [, at] of stoppedSince()) latencies.push(at - t0);
        const t1 = performance.now();
        await simulate({ action: 'clear-jam' });
        await until(
          () => new Set(arrivals.filter((a) => a.at >= t1 && a.status !== 'Stopped').map((a) => a.subscriber)).size >= SUBSCRIBERS,
          `SignalStatus after the clear (round ${i + 1})`,
        );
        await sleep((i * 97) % SCAN_PERIOD_MS); // spread the next jam over the scan period
      }
      mark();
      await sleep(200);
      const windows = readFileSync(eventLoopLog, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as EventLoopWindow);
      const quiet = windows.at(-4)!;
      const loaded = windows.at(-2)!;
      const jamming = windows.at(-1)!;
      const latency = summarize(latencies);
      log(
        `latency over ${rounds} jams × ${SUBSCRIBERS} subscribers: p50 ${round(latency.p50)} ms, p99 ${round(latency.p99)} ms; event loop p99 ${loaded.p99Ms} ms with subscribers, ${quiet.p99Ms} ms without, ${jamming.p99Ms} ms during the jam rounds; ${round(signalsPerS)} signals/s`,
      );
      return {
        measured: { label: `jam → SignalStatus at the subscriber, p99 over ${latencies.length}`, value: latency.p99, unit: 'ms' },
        baseline: { label: 'event loop p99 without subscribers', value: quiet.p99Ms, unit: 'ms' },
        checks: [
          check('p99 state change → subscriber request', latency.p99, 'ms', { op: '<=', limit: TARGET_P99_MS }),
          check('p50 state change → subscriber request', latency.p50, 'ms', null),
          check(`event loop p99 with ${SUBSCRIBERS} subscribers, RepeatTime 1 s`, loaded.p99Ms, 'ms', { op: '<=', limit: TARGET_EVENT_LOOP_P99_MS }),
          check('event loop p99 without subscribers', quiet.p99Ms, 'ms', null),
        ],
        figures: {
          rounds,
          subscribers: SUBSCRIBERS,
          'latency.minMs': round(latency.min, 1),
          'latency.p50Ms': round(latency.p50, 1),
          'latency.p90Ms': round(latency.p90, 1),
          'latency.p99Ms': round(latency.p99, 1),
          'latency.maxMs': round(latency.max, 1),
          signalsPerS: round(signalsPerS, 1),
          'eventLoop.loaded.p50Ms': loaded.p50Ms,
          'eventLoop.loaded.p99Ms': loaded.p99Ms,
          'eventLoop.loaded.maxMs': loaded.maxMs,
          'eventLoop.loaded.utilization': loaded.utilization,
          'eventLoop.quiet.p99Ms': quiet.p99Ms,
          'eventLoop.quiet.maxMs': quiet.maxMs,
          'eventLoop.quiet.utilization': quiet.utilization,
          'eventLoop.jamRounds.p99Ms': jamming.p99Ms,
          'eventLoop.jamRounds.maxMs': jamming.maxMs,
          'eventLoop.jamRounds.utilization': jamming.utilization,
        },
        notes: [
          'Latency = jam request sent (the simulator sets the bit while handling it) → the subscriber receives the SignalStatus; it includes up to one fast-scan period (250 ms) of waiting by design, the outbox commit and the HTTP POST.',
          `3 simulated presses (time scale 20), ${SUBSCRIBERS} status subscriptions on ${PRESS} with RepeatTime 1 s, receivers in the bench process answering 204. Event loop: a window of the live path alone, then one with the 20 subscriptions' repeats and nothing else (the target), then the jam rounds (informative).`,
        ],
      };
    } finally {
      client.close();
      await service.stop({ cleanup: true });
      receiver.close();
    }
  },
};
