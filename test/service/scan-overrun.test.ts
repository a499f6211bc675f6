/**
 * A bus asked for more reads than it can carry, seen through the real service process.
 *
 * The embedded default's press-3 sits alone on an RTU-over-TCP line (a serial device server,
 * request timeout 150 ms). Its fast scan class reads 4 blocks every 250 ms, plus a counters
 * block every second and a levels block every 2 s: about 17.5 transactions a second. The
 * simulator is then told to answer every request 100 ms late — a slow device holding the
 * half-duplex line for each transaction — so the line carries at most 10 a second. Ticks
 * must be skipped; the service must say so: `comm.overrunning` in the press snapshot,
 * `buses[].overrunning` and a `degraded` status with its reason in GET /api/health, one warn
 * line when it starts and one info line when it stops. When the device answers promptly
 * again, all of it clears.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PressSnapshot } from '../../src/model/press-snapshot.js';
import type { HealthReport } from '../../src/http/ports.js';
import { removeTestConfig, signInCrew, writeTestConfig, type Crew } from '../e2e/e2e-kit.js';
import { eventually, startService, type ServiceProcess } from '../helpers/service-process.js';
import { parseScrape } from '../metrics/prometheus-text.js';

const config = writeTestConfig({ metrics: { anonymous: true } });
let service: ServiceProcess;
let crew: Crew;

const press3 = async () => (await crew.anonymous.get<PressSnapshot>('/api/presses/press-3')).body;
const health = async () => (await crew.anonymous.get<HealthReport>('/api/health')).body;

/** The service's log lines about press-3's scan classes overrunning (pino JSON on stdout). */
function overrunLog(): { level: number; msg: string }[] {
  return service
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: number; msg: string; pressId?: string; scanClass?: string })
    .filter((entry) => entry.pressId === 'press-3' && entry.scanClass !== undefined && /overrunning|keeps its period/.test(entry.msg));
}

beforeAll(async () => {
  service = await startService({ config, env: { LOG_LEVEL: 'info' } });
  crew = await signInCrew(service.url, { createUsers: true });
  await eventually(async () => ((await health()).status === 'ok' ? true : undefined), { what: 'every press online, status ok', timeoutMs: 15_000 });
});
afterAll(async () => {
  await service?.stop({ cleanup: true });
  removeTestConfig(config);
});

describe('a scan class that cannot keep its period', () => {
  it('is flagged in the snapshot and in /api/health while the bus is overloaded, and cleared after', async () => {
    expect((await press3()).comm.overrunning).toEqual([]);
    const calm = await health();
    expect(calm.reasons).toEqual([]);
    expect(calm.buses.every((bus) => bus.overrunning.length === 0)).toBe(true);

    const loadedAt = Date.now();
    const slow = await crew.operator.post('/api/simulation/presses/press-3/events', { action: 'fault', delayMs: 100 });
    expect(slow.status).toBe(200);

    const flagged = await eventually(
      async () => {
        const press = await press3();
        return press.comm.overrunning.includes('fast') ? press : undefined;
      },
      { what: 'press-3 fast class flagged as overrunning', timeoutMs: 10_000 },
    );
    const flaggedAfterMs = Date.now() - loadedAt;
    expect(flagged.online).toBe(true); // slow, not lost: no false timeouts
    expect(flagged.comm.overruns.fast).toBeGreaterThanOrEqual(5);

    const degraded = await health();
    expect(degraded.status).toBe('degraded');
    expect(degraded.presses.online).toBe(degraded.presses.total);
    const line = degraded.buses.find((bus) => bus.id === 'hall-b-rs485')!;
    expect(line.overrunning).toEqual([{ pressId: 'press-3', scanClasses: expect.arrayContaining(['fast']) }]);
    expect(degraded.buses.filter((bus) => bus.id !== 'hall-b-rs485').every((bus) => bus.overrunning.length === 0)).toBe(true);
    expect(degraded.reasons).toEqual([expect.stringMatching(/^press press-3 \(bus hall-b-rs485\): scan class(es)? .*fast.* overrunning/)]);

    // Prometheus sees it too: the skipped cycles, and answers slower than 100 ms on that line only
    // (the slow answers are counted as they come: on a busy machine the fifth may follow the flag)
    const metrics = await eventually(
      async () => {
        const scrape = parseScrape(await (await fetch(`${service.url}metrics`)).text());
        const answered = scrape.value('pressroom_modbus_request_duration_seconds_count', { bus: 'hall-b-rs485' })!;
        const within100ms = scrape.value('pressroom_modbus_request_duration_seconds_bucket', { bus: 'hall-b-rs485', le: '0.1' })!;
        return answered - within100ms >= 5 ? scrape : undefined;
      },
      { what: 'five answers slower than 100 ms counted on hall-b-rs485', timeoutMs: 5000 },
    );
    expect(metrics.value('pressroom_scan_overruns_total', { press: 'press-3', scan_class: 'fast', bus: 'hall-b-rs485' })).toBeGreaterThanOrEqual(5);

    const unloadedAt = Date.now();
    const cleared = await crew.operator.post('/api/simulation/presses/press-3/events', { action: 'clear-faults' });
    expect(cleared.status).toBe(200);
    await eventually(async () => ((await press3()).comm.overrunning.length === 0 ? true : undefined), {
      what: 'press-3 no longer overrunning',
      timeoutMs: 15_000,
    });
    const recovered = await eventually(
      async () => {
        const report = await health();
        return report.status === 'ok' ? report : undefined;
      },
      { what: 'status ok again', timeoutMs: 5000 },
    );
    console.log(`[figure] overload → flagged ${flaggedAfterMs} ms; load dropped → health ok ${Date.now() - unloadedAt} ms; reason: ${degraded.reasons[0]}`);
    expect(recovered.reasons).toEqual([]);
    expect(recovered.buses.find((bus) => bus.id === 'hall-b-rs485')!.overrunning).toEqual([]);

    // logged once at warn when it started and once at info when it stopped, per class — not per tick
    await eventually(() => (overrunLog().some((entry) => entry.level === 30) ? true : undefined), { what: 'the info line', timeoutMs: 2000 });
    const log = overrunLog();
    const fastLines = log.filter((entry) => / fast /.test(entry.msg));
    expect(fastLines.map((entry) => entry.level)).toEqual([40, 30]);
    expect(log.filter((entry) => entry.level === 40).length).toBe(log.filter((entry) => entry.level === 30).length);
  });
});
