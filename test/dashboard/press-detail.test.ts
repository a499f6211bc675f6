/**
 * The press detail page against the real service: trends of speed, ink and paper drawn with
 * data, a run-state timeline that covers the whole range (from the state in force at its start
 * up to now) and grows a segment when the press stops, and the press's alarm journal and
 * supply history.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlarmView } from '../../src/model/alarm-view.js';
import { openTestStore as openStore } from '../helpers/test-store.js';
import { eventually, type ServiceProcess } from '../helpers/service-process.js';
import { api, apiLogin, launchBrowser, quietDemoConfig, signedInContext, startDashboardService, VIEWPORTS, watchPageErrors } from './dashboard-harness.js';

const HOUR = 3600_000;

interface SegmentInfo {
  state: string;
  start: number;
  end: number;
  left: number;
  width: number;
}

function segments(page: Page): Promise<SegmentInfo[]> {
  return page.$$eval('.timeline-bar .timeline-segment', (elements) =>
    elements.map((element) => {
      const segment = element as HTMLElement;
      return {
        state: segment.dataset.state!,
        start: Number(segment.dataset.start),
        end: Number(segment.dataset.end),
        left: parseFloat(segment.style.left),
        width: parseFloat(segment.style.width),
      };
    }),
  );
}

describe('press detail', () => {
  let service: ServiceProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[];
  let admin: string;
  const seededAt = Date.now() - 2 * HOUR;

  beforeAll(async () => {
    // press-1 has been in production for two hours, longer than the 1-hour range
    const dataDir = mkdtempSync(path.join(tmpdir(), 'pressroom-detail-'));
    const store = openStore({ dataDir });
    store.transitions.append({ pressId: 'press-1', at: seededAt, state: 'production', reason: null, detail: null });
    store.close();
    [service, browser] = await Promise.all([startDashboardService({ config: quietDemoConfig(), dataDir }), launchBrowser()]);
    admin = await apiLogin(service);
    for (const [clientId, pressId, lot] of [
      ['detail-test-press-1', 'press-1', 'LOT-DETAIL-1'],
      ['detail-test-press-2', 'press-2', 'LOT-DETAIL-2'],
    ] as const) {
      const logged = await api(service, 'supplies', {
        method: 'POST',
        cookie: admin,
        body: { clientId, pressId, kind: 'ink', unit: 1, color: 'cyan', product: 'Process Cyan', lot, quantity: 2.5, uom: 'kg' },
      });
      expect(logged.status, JSON.stringify(logged.body)).toBe(201);
    }
    // a few seconds of samples for the trends
    await eventually(
      async () => {
        const { body } = await api<{ points: unknown[] }>(service, 'presses/press-1/history?signal=speed');
        return body.points.length >= 2 ? true : undefined;
      },
      { timeoutMs: 15_000, what: 'speed samples of press-1' },
    );
    context = await signedInContext(browser, service, VIEWPORTS.wall);
    page = await context.newPage();
    pageErrors = watchPageErrors(page);
    await page.goto(`${service.url}#/press/press-1?range=1h`);
    await page.waitForSelector('.timeline-bar .timeline-segment', { timeout: 15_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await service?.stop({ cleanup: true });
  });

  it('draws the speed, ink and paper trends with data', async () => {
    await page.waitForFunction(() => document.querySelector('.trends')?.getAttribute('aria-busy') === 'false', undefined, { timeout: 15_000 });
    const trends = await page.$$eval('.trends figure.trend', (figures) =>
      figures.map((figure) => ({
        caption: figure.querySelector('figcaption')?.textContent ?? '',
        canvases: figure.querySelectorAll('canvas').length,
        summary: figure.getAttribute('aria-label') ?? '',
        empty: figure.textContent?.includes('No data in this range') ?? false,
      })),
    );
    expect(trends.map((trend) => trend.caption)).toEqual(['Speed (sheets/h)', 'Ink (%)', 'Paper (%)']);
    for (const trend of trends) {
      expect(trend.empty, trend.caption).toBe(false);
      expect(trend.canvases, trend.caption).toBeGreaterThanOrEqual(1);
      expect(trend.summary, trend.caption).toMatch(/Latest: /);
      expect(trend.summary, trend.caption).not.toMatch(/no data/);
    }
    // one line per printing unit, each with a latest value
    expect(trends[1]!.summary).toMatch(/1 cyan \d+, 2 magenta \d+, 3 yellow \d+, 4 black \d+/);
  });

  it('covers the whole range with the run state: from the state in force at its start up to now', async () => {
    const drawn = await segments(page);
    const press = (await api<{ state: string }>(service, 'presses/press-1')).body;
    expect(drawn.length).toBeGreaterThanOrEqual(1);
    // starts at the range start, with the state stored two hours ago, not blank until the first change
    expect(drawn[0]!.left).toBeCloseTo(0, 5);
    expect(drawn[0]!.state).toBe('production');
    expect(drawn[0]!.start).toBeGreaterThan(seededAt);
    // no gaps, and the last segment (the current state) reaches the end of the range
    for (let i = 1; i < drawn.length; i++) expect(drawn[i]!.start).toBe(drawn[i - 1]!.end);
    expect(drawn.reduce((sum, segment) => sum + segment.width, 0)).toBeCloseTo(100, 3);
    expect(drawn.at(-1)!.end - drawn[0]!.start).toBeCloseTo(HOUR, -3);
    expect(drawn.at(-1)!.state).toBe(press.state);
    expect(await page.textContent('.timeline')).not.toContain('No run state recorded');
    // the table says since when the first state held
    expect(await page.textContent('.timeline table tbody tr:last-child td:first-child')).toMatch(/^since /);
  });

  it('shows a stop as a new segment, and the jam in the alarm journal', async () => {
    const before = await segments(page);
    // the code given, not drawn by the simulator's PRNG
    const injected = await api(service, 'simulation/presses/press-1/events', { method: 'POST', body: { action: 'jam', code: 'jam.feeder' }, cookie: admin });
    expect(injected.status).toBe(200);
    // the page reloads its tables on the press's alarms; the stop is a segment of its own
    await page.waitForSelector('.timeline-bar .timeline-segment[data-state="stopped"]', { timeout: 10_000 });
    const after = await segments(page);
    expect(after.length).toBeGreaterThan(before.length);
    const stopped = after.filter((segment) => segment.state === 'stopped').at(-1)!;
    expect(stopped.start).toBeGreaterThan(before.at(-1)!.start);
    expect(await page.textContent('.timeline table')).toContain('Stopped');

    const { body: alarms } = await api<AlarmView[]>(service, 'alarms?pressId=press-1');
    const jam = alarms.find((alarm) => alarm.code === 'jam.feeder');
    expect(jam).toBeDefined();
    await page.waitForSelector(`.alarm-table tr[data-alarm-id="${jam!.id}"]`, { timeout: 10_000 });
    expect(await page.textContent(`.alarm-table tr[data-alarm-id="${jam!.id}"]`)).toContain('Sheetfed 1');
  });

  it('lists an older alarm that is still active or unacknowledged, though it was raised before the range', async () => {
    const { body: alarms } = await api<AlarmView[]>(service, 'alarms?pressId=press-1');
    const jam = alarms.find((alarm) => alarm.stopReason === 'jam' && !alarm.acknowledged)!;
    expect(jam).toBeDefined();
    // as if it had been raised before the range: the ranged history does not have it
    const other = await context.newPage();
    await other.route(/\/api\/alarms\?.*\bfrom=/, (route) => route.fulfill({ json: [] }));
    await other.goto(`${service.url}#/press/press-1?range=15m`);
    await other.waitForSelector(`.alarm-table tr[data-alarm-id="${jam.id}"]`, { timeout: 10_000 });
    expect(await other.textContent('.alarm-table caption')).toMatch(/still active or unacknowledged/);
    await other.close();
  });

  it("lists this press's supplies in the range, not another press's", async () => {
    await page.waitForSelector('.supply-table tr[data-client-id="detail-test-press-1"]', { timeout: 10_000 });
    const row = await page.textContent('.supply-table tr[data-client-id="detail-test-press-1"]');
    expect(row).toContain('LOT-DETAIL-1');
    expect(row).toContain('2.5 kg');
    expect(await page.$('.supply-table tr[data-client-id="detail-test-press-2"]')).toBeNull();
    expect(pageErrors).toEqual([]);
  });
});
