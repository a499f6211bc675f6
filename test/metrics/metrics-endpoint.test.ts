/**
 * GET /metrics on the real service: closed without the scrape token, the Prometheus text with
 * it; the figures follow what happens on the presses (a jam shows up as an active alarm, the
 * buses' requests keep counting); and the Grafana dashboard in docs/grafana reads only metrics
 * that a real scrape has.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTestConfig, signInCrew, writeTestConfig, type Crew } from '../e2e/e2e-kit.js';
import { eventually, repoRoot, startService, type ServiceProcess } from '../helpers/service-process.js';
import { metricNamesIn, parseScrape } from './prometheus-text.js';

const TOKEN = 'scrape-token-for-tests-7f3a';
const config = writeTestConfig({ metrics: { token: TOKEN } });
let service: ServiceProcess;
let crew: Crew;

beforeAll(async () => {
  service = await startService({ config });
  crew = await signInCrew(service.url);
}, 30_000);

afterAll(async () => {
  await service?.stop({ cleanup: true });
  removeTestConfig(config);
});

const scrape = async (headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) => fetch(`${service.url}metrics`, { headers });

describe('who may scrape', () => {
  it('refuses a scrape without the token, with a wrong one and with only an admin session (401, JSON error, WWW-Authenticate)', async () => {
    const attempts: Record<string, string>[] = [{}, { authorization: `Bearer ${TOKEN}x` }, { authorization: TOKEN }, { cookie: crew.admin.cookie ?? '' }];
    for (const headers of attempts) {
      const res = await scrape(headers);
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
    }
  });

  it('answers the Prometheus text format to the bearer token', async () => {
    const res = await scrape();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toMatch(/^# HELP pressroom_modbus_requests_total /m);
    expect(text).not.toMatch(/press-1.*password|token/i);
  });
});

describe('the figures', () => {
  it('counts Modbus requests and their latency per bus, presses online and in each state, and process metrics', async () => {
    const metrics = await eventually(
      async () => {
        const m = parseScrape(await (await scrape()).text());
        return (m.value('pressroom_modbus_request_duration_seconds_count', { bus: 'hall-a-ethernet' }) ?? 0) > 0 ? m : undefined;
      },
      { what: 'answered Modbus requests on hall-a-ethernet' },
    );
    for (const bus of ['hall-a-ethernet', 'hall-b-rs485']) {
      expect(metrics.value('pressroom_modbus_requests_total', { bus })).toBeGreaterThan(0);
      expect(metrics.value('pressroom_modbus_timeouts_total', { bus })).toBe(0);
      expect(metrics.value('pressroom_modbus_errors_total', { bus, kind: 'crc' })).toBe(0);
      expect(metrics.value('pressroom_modbus_bus_connected', { bus })).toBe(1);
    }
    expect(metrics.value('pressroom_presses')).toBe(3);
    expect(metrics.value('pressroom_presses_online')).toBe(3);
    const inStates = ['production', 'setup', 'idle', 'stopped', 'cleanup', 'offline'].map(
      (state) => metrics.value('pressroom_presses_in_state', { state }) ?? 0,
    );
    expect(inStates.reduce((a, b) => a + b)).toBe(3);
    expect(metrics.value('pressroom_outbox_depth', { outbox: 'webhook' })).toBe(0);
    expect(metrics.value('pressroom_outbox_depth', { outbox: 'xjmf' })).toBe(0);
    expect(metrics.value('process_resident_memory_bytes')).toBeGreaterThan(10e6);
    expect(metrics.names).toContain('nodejs_eventloop_lag_p99_seconds');
    expect(metrics.names).toContain('pressroom_scan_overruns_total');
  });

  it('shows a jam as an active high-priority alarm and its supply log as durable store writes', async () => {
    const before = parseScrape(await (await scrape()).text());
    const durableBefore = before.value('pressroom_store_write_duration_seconds_count', { kind: 'durable' }) ?? 0;
    const jam = await crew.operator.post('/api/simulation/presses/press-1/events', { action: 'jam', code: 'jam.feeder' });
    expect(jam.status).toBe(200);
    const alarms = await eventually(
      async () => {
        const list = (await crew.anonymous.get<{ code: string; priority: string; active: boolean }[]>('/api/alarms')).body;
        return list.find((a) => a.code === 'jam.feeder' && a.active);
      },
      { what: 'the jam alarm' },
    );
    const after = await eventually(
      async () => {
        const m = parseScrape(await (await scrape()).text());
        return (m.value('pressroom_alarms_active', { priority: alarms.priority }) ?? 0) >= 1 ? m : undefined;
      },
      { what: `pressroom_alarms_active{priority="${alarms.priority}"} ≥ 1` },
    );
    // the simulation event is audited: one durable (fsynced) write at least
    expect(after.value('pressroom_store_write_duration_seconds_count', { kind: 'durable' })).toBeGreaterThan(durableBefore);
    expect(after.value('pressroom_alarms_unacknowledged', { priority: alarms.priority })).toBeGreaterThanOrEqual(1);
  });
});

describe('the Grafana dashboard (docs/grafana/pressroom.json)', () => {
  it('reads only metrics a real scrape has', async () => {
    const dashboard = JSON.parse(readFileSync(path.join(repoRoot, 'docs/grafana/pressroom.json'), 'utf8')) as {
      panels: { title: string; targets: { expr: string }[] }[];
      templating: { list: { query?: unknown }[] };
    };
    const exprs = [
      ...dashboard.panels.flatMap((panel) => panel.targets.map((target) => ({ where: panel.title, expr: target.expr }))),
      ...dashboard.templating.list.flatMap((v) => {
        const query = typeof v.query === 'object' && v.query !== null ? (v.query as { query?: string }).query : undefined;
        return query?.startsWith('label_values(') ? [{ where: 'variable', expr: query.replace(/^label_values\(([^,)]+).*$/, '$1') }] : [];
      }),
    ];
    const scraped = parseScrape(await (await scrape()).text()).names;
    const named = exprs.flatMap(({ where, expr }) => metricNamesIn(expr).map((name) => ({ where, name })));
    expect(named.length).toBeGreaterThan(20);
    expect(named.filter(({ name }) => !scraped.has(name))).toEqual([]);
    // every pressroom family is on the board somewhere
    const onBoard = new Set(named.map(({ name }) => name.replace(/_(bucket|sum|count)$/, '')));
    expect([...scraped].filter((name) => name.startsWith('pressroom_') && !/_(bucket|sum|count)$/.test(name) && !onBoard.has(name))).toEqual([]);
  });
});
