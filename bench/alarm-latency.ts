/**
 * alarm-latency: from the moment a jam is set in a simulated press (the simulator writes the
 * bit into its registers as the HTTP request is handled) to `alarm:raised` arriving at each
 * of 20 dashboard clients: Modbus poll (fast scan, 250 ms), alarm engine, socket.io fan-out.
 * Each round: jam → every client has the raise → clear-jam → cleared → acknowledge, so the
 * next jam is a new raise; a deterministic pause between rounds spreads the jam over the
 * scan period. Also the dashboard fan-out: press:update messages per second delivered
 * across the clients, and their server-to-client delay.
 */
import { check, type Benchmark } from './lib/report.js';
import { DashboardClients } from './lib/dashboards.js';
import { startBenchService, writeTempConfig } from './lib/service.js';
import { rate, round, summarize } from './lib/stats.js';
import { sleep } from './lib/timing.js';

const CLIENTS = 20;
const SCAN_PERIOD_MS = 250;
const TARGET_P99_MS = SCAN_PERIOD_MS + 50;
const JAM_CODE = 'jam.feeder';
const PRESS = 'press-1';

export function alarmBenchConfig(): string {
  return writeTempConfig({
    server: { port: 0, host: '127.0.0.1' },
    access: { anonymousRead: true },
    buses: [
      { id: 'hall-a-ethernet', kind: 'tcp', simulate: true, simulationTimeScale: 20 },
      { id: 'hall-b-rs485', kind: 'rtu-over-tcp', baudRate: 19200, simulate: true, simulationTimeScale: 20, timeoutMs: 150 },
    ],
    presses: [
      // no random jams and no assistant on the measured press: the benchmark sets and clears its jams
      {
        id: PRESS,
        name: 'Sheetfed 1',
        profile: 'demo-sheetfed-4c',
        bus: 'hall-a-ethernet',
        unitId: 1,
        simulation: { seed: 11, jamMeanIntervalMin: 0, autoAssistant: false },
      },
      { id: 'press-2', name: 'Sheetfed 2', profile: 'demo-sheetfed-5c', bus: 'hall-a-ethernet', unitId: 2, simulation: { seed: 22, jamMeanIntervalMin: 0 } },
      { id: 'press-3', name: 'Sheetfed 3', profile: 'demo-sheetfed-4c', bus: 'hall-b-rs485', unitId: 3, simulation: { seed: 33, jamMeanIntervalMin: 0 } },
    ],
  });
}

export const alarmLatency: Benchmark = {
  name: 'alarm-latency',
  title: `jam → alarm:raised at ${CLIENTS} dashboard clients (p99 target ≤ scan ${SCAN_PERIOD_MS} ms + 50 ms); press:update fan-out`,
  async run({ phaseSeconds, log }) {
    const rounds = Math.max(30, Math.round(phaseSeconds * 5));
    const { service, client } = await startBenchService({ config: alarmBenchConfig() });
    let dashboards: DashboardClients | undefined;
    try {
      dashboards = await DashboardClients.connect(service.url, CLIENTS);
      const boards = dashboards;
      // Fan-out first, on a quiet system: press:update per second across all clients.
      await sleep(1000);
      const updatesBefore = boards.pressUpdates;
      boards.trackDelays(true);
      const fanStart = performance.now();
      await sleep(Math.min(10_000, (phaseSeconds * 1000) / 2));
      const fanOutPerS = rate(boards.pressUpdates - updatesBefore, performance.now() - fanStart);
      boards.trackDelays(false);
      const updateDelay = summarize(boards.updateDelays);

      const latencies: number[] = [];
      const perRoundSpread: number[] = [];
      for (let i = 0; i < rounds; i++) {
        const seen = boards.alarms.length;
        const t0 = performance.now();
        const jam = await client.send('POST', `/api/simulation/presses/${PRESS}/events`, { action: 'jam', code: JAM_CODE });
        if (jam.status !== 200) throw new Error(`jam answered ${jam.status}: ${JSON.stringify(jam.body)}`);
        const raisedHere = () => boards.alarms.slice(seen).filter((a) => a.event === 'alarm:raised' && a.alarm.pressId === PRESS && a.alarm.code === JAM_CODE);
        await boards.until(() => raisedHere().length >= CLIENTS, 5000, `alarm:raised at all ${CLIENTS} clients (round ${i + 1})`);
        const arrivals = raisedHere().map((a) => a.at - t0);
        latencies.push(...arrivals);
        perRoundSpread.push(Math.max(...arrivals) - Math.min(...arrivals));
        const alarmId = raisedHere()[0]!.alarm.id;
        const clear = await client.send('POST', `/api/simulation/presses/${PRESS}/events`, { action: 'clear-jam' });
        if (clear.status !== 200) throw new Error(`clear-jam answered ${clear.status}: ${JSON.stringify(clear.body)}`);
        await boards.until(
          () => boards.alarms.slice(seen).some((a) => a.event === 'alarm:cleared' && a.alarm.id === alarmId),
          5000,
          `alarm:cleared (round ${i + 1})`,
        );
        const ack = await client.send('POST', `/api/alarms/${encodeURIComponent(alarmId)}/ack`, { note: 'bench' });
        if (ack.status !== 200) throw new Error(`ack answered ${ack.status}: ${JSON.stringify(ack.body)}`);
        await sleep((i * 97) % SCAN_PERIOD_MS); // spread the next jam over the scan period
      }
      const latency = summarize(latencies);
      log(
        `alarm latency over ${rounds} raises × ${CLIENTS} clients: p50 ${round(latency.p50)} ms, p99 ${round(latency.p99)} ms; fan-out ${round(fanOutPerS)} press:update/s`,
      );
      return {
        measured: { label: `jam → alarm:raised, p99 over ${latencies.length} deliveries`, value: latency.p99, unit: 'ms' },
        checks: [
          check('p99 jam → alarm:raised', latency.p99, 'ms', { op: '<=', limit: TARGET_P99_MS }),
          check('p50 jam → alarm:raised', latency.p50, 'ms', null),
          check(`press:update delivered across ${CLIENTS} clients`, fanOutPerS, 'msg/s', null),
        ],
        figures: {
          rounds,
          clients: CLIENTS,
          'latency.minMs': round(latency.min, 1),
          'latency.p50Ms': round(latency.p50, 1),
          'latency.p90Ms': round(latency.p90, 1),
          'latency.p99Ms': round(latency.p99, 1),
          'latency.maxMs': round(latency.max, 1),
          'latency.firstToLastClientP50Ms': round(summarize(perRoundSpread).p50, 1),
          'fanOut.pressUpdatesPerS': round(fanOutPerS),
          'fanOut.perClientPerS': round(fanOutPerS / CLIENTS, 1),
          'fanOut.delayP50Ms': round(updateDelay.p50, 1),
          'fanOut.delayP99Ms': round(updateDelay.p99, 1),
        },
        notes: [
          'Latency = request sent (the simulator sets the bit while handling it) → event at the client; it includes up to one scan period of waiting for the next fast-class read by design.',
          `3 simulated presses (2 on Modbus TCP, 1 on RTU over TCP), time scale 20; ${CLIENTS} socket.io clients over WebSocket in the bench process. Fan-out delay: client Date.now() − snapshot.updatedAt (when the snapshot was last changed, so it includes the one-update-per-scan-period throttle's hold-back).`,
        ],
      };
    } finally {
      dashboards?.close();
      client.close();
      await service.stop({ cleanup: true });
    }
  },
};
