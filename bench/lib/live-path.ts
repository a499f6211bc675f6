/**
 * The live path measured beside a load (bench history, bench reports): jams raised on press-1 and
 * timed to the dashboards' alarm:raised, /api/health polled, and the service's event loop logged
 * per window (SIGUSR2 marks a window's end in its event-loop log, see ./service.ts). First a quiet
 * window with no load (the same-run baseline), then the load window.
 */
import { readFileSync } from 'node:fs';
import type { DashboardClients } from './dashboards.js';
import type { ServiceClient, ServiceProcess } from './service.js';
import { sleep } from './timing.js';

const PRESS = 'press-1';
const JAM_CODE = 'jam.feeder';

export interface EventLoopWindow {
  samples: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
  utilization: number;
  activeMs: number;
}

export async function jamRounds(client: ServiceClient, boards: DashboardClients, deadline: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; performance.now() < deadline; i++) {
    const seen = boards.alarms.length;
    const t0 = performance.now();
    const jam = await client.send('POST', `/api/simulation/presses/${PRESS}/events`, { action: 'jam', code: JAM_CODE });
    if (jam.status !== 200) throw new Error(`jam answered ${jam.status}: ${JSON.stringify(jam.body)}`);
    const raised = () => boards.alarms.slice(seen).find((a) => a.event === 'alarm:raised' && a.alarm.pressId === PRESS && a.alarm.code === JAM_CODE);
    await boards.until(() => raised() !== undefined, 20_000, `alarm:raised under trend load (round ${i + 1})`);
    latencies.push(raised()!.at - t0);
    const alarmId = raised()!.alarm.id;
    const clear = await client.send('POST', `/api/simulation/presses/${PRESS}/events`, { action: 'clear-jam' });
    if (clear.status !== 200) throw new Error(`clear-jam answered ${clear.status}`);
    await boards.until(
      () => boards.alarms.slice(seen).some((a) => a.event === 'alarm:cleared' && a.alarm.id === alarmId),
      20_000,
      `alarm:cleared (round ${i + 1})`,
    );
    const ack = await client.send('POST', `/api/alarms/${encodeURIComponent(alarmId)}/ack`, { note: 'bench' });
    if (ack.status !== 200) throw new Error(`ack answered ${ack.status}`);
    await sleep(200 + ((i * 97) % 250)); // spread the jams over the scan period
  }
  return latencies;
}

export async function healthProbes(client: ServiceClient, deadline: number): Promise<number[]> {
  const latencies: number[] = [];
  while (performance.now() < deadline) {
    const t0 = performance.now();
    const reply = await client.send('GET', '/api/health');
    if (reply.status !== 200) throw new Error(`GET /api/health answered ${reply.status}`);
    latencies.push(performance.now() - t0);
    await sleep(250);
  }
  return latencies;
}

export interface LiveWindow {
  jams: number[];
  health: number[];
  loop: EventLoopWindow;
}

/**
 * The quiet window (`quietSeconds` of jams and health polls alone), then the load window: `load`
 * runs while jams and health polls go on for `loadSeconds`. With `jamsMayFail`, a jam that never
 * reaches the socket under the load ends the jam rounds (a result for a check: `jamFailure`)
 * instead of the benchmark. `afterLoad` runs once the load window is marked closed.
 */
export async function quietThenLoad<T>(o: {
  service: ServiceProcess;
  client: ServiceClient;
  boards: DashboardClients;
  eventLoopLog: string;
  quietSeconds: number;
  loadSeconds: number;
  load: () => Promise<T>;
  jamsMayFail?: boolean;
  afterLoad?: () => Promise<void>;
}): Promise<{ quiet: LiveWindow; load: LiveWindow & { result: T; jamFailure: string | undefined } }> {
  const { client, boards } = o;
  const mark = () => process.kill(o.service.child.pid!, 'SIGUSR2');
  mark();
  const quietDeadline = performance.now() + o.quietSeconds * 1000;
  const [quietJams, quietHealth] = await Promise.all([jamRounds(client, boards, quietDeadline), healthProbes(client, quietDeadline)]);
  mark(); // the quiet window ends, the load window starts
  const deadline = performance.now() + o.loadSeconds * 1000;
  const loadDone = o.load();
  let jamFailure: string | undefined;
  const loadJams = o.jamsMayFail
    ? jamRounds(client, boards, deadline).catch((error: unknown) => {
        jamFailure = error instanceof Error ? error.message : String(error);
        return [] as number[];
      })
    : jamRounds(client, boards, deadline);
  const [result, jams, health] = await Promise.all([loadDone, loadJams, healthProbes(client, deadline)]);
  mark(); // … and ends
  await o.afterLoad?.();
  await sleep(200);
  const windows = readFileSync(o.eventLoopLog, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as EventLoopWindow);
  return {
    quiet: { jams: quietJams, health: quietHealth, loop: windows.at(-2)! },
    load: { result, jams, health, loop: windows.at(-1)!, jamFailure },
  };
}
