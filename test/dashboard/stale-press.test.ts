/**
 * One press goes silent while the dashboard stays connected: its tile must not show the last
 * values received as live ones. The counters are marked stale (class, ⚠, a spoken "stale"),
 * and "last good … ago" keeps counting while nothing new arrives from the press.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceProcess } from '../helpers/service-process.js';
import { api, apiLogin, boardReady, launchBrowser, quietDemoConfig, startDashboardService, VIEWPORTS, watchPageErrors } from './dashboard-harness.js';

const TILE = '.press-tile[data-press-id="press-3"]';
const COUNTERS = ['.counter-good', '.counter-waste', '.counter-share'];

/** Seconds in "… last good 12 s ago" (or "2 min ago"). */
function agoSeconds(text: string): number {
  const match = /last good (\d+) (s|min) ago/.exec(text);
  if (!match) throw new Error(`no "last good … ago" in "${text}"`);
  return Number(match[1]) * (match[2] === 'min' ? 60 : 1);
}

describe('a silent press on the board', () => {
  let service: ServiceProcess;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    [service, browser] = await Promise.all([startDashboardService({ config: quietDemoConfig() }), launchBrowser()]);
    page = await browser.newPage({ viewport: VIEWPORTS.wall });
    pageErrors = watchPageErrors(page);
    await page.goto(service.url);
    await boardReady(page, 3);
  });

  afterAll(async () => {
    await browser?.close();
    await service?.stop({ cleanup: true });
  });

  it('shows live counters unmarked while the press answers', async () => {
    await page.waitForFunction((selector) => document.querySelector(selector)?.getAttribute('data-state') !== 'offline', TILE, { timeout: 10_000 });
    for (const counter of COUNTERS) {
      const marked = await page.$eval(`${TILE} ${counter}`, (element) => ({
        stale: element.classList.contains('is-stale'),
        tagShown: !element.querySelector<HTMLElement>('.stale-tag')!.hidden,
      }));
      expect(marked, counter).toEqual({ stale: false, tagShown: false });
    }
  });

  it('marks the counters of an offline press stale, in words too, and keeps counting how long ago it last answered', async () => {
    const admin = await apiLogin(service);
    const fault = await api(service, 'simulation/presses/press-3/events', { method: 'POST', body: { action: 'fault', silent: 1 }, cookie: admin });
    expect(fault.status).toBe(200);
    await page.waitForFunction((selector) => document.querySelector(selector)?.getAttribute('data-state') === 'offline', TILE, { timeout: 15_000 });
    // the other presses are still live: this is about one press, not the dashboard's link
    expect(await page.evaluate(() => document.body.dataset.connection)).toBe('live');
    expect(await page.$eval('.press-tile[data-press-id="press-1"]', (element) => element.classList.contains('not-fresh'))).toBe(false);

    for (const counter of COUNTERS) {
      const marked = await page.$eval(`${TILE} ${counter}`, (element) => {
        const tag = element.querySelector<HTMLElement>('.stale-tag')!;
        const spoken = tag.querySelector('.visually-hidden');
        return {
          stale: element.classList.contains('is-stale'),
          tagShown: !tag.hidden && getComputedStyle(tag).display !== 'none',
          icon: tag.querySelector('[aria-hidden="true"]')?.textContent?.trim(),
          spoken: spoken?.textContent?.trim(),
          struckThrough: getComputedStyle(element.querySelector('.counter-value')!).textDecorationLine,
        };
      });
      expect(marked, counter).toEqual({ stale: true, tagShown: true, icon: '⚠', spoken: 'stale', struckThrough: 'line-through' });
    }
    expect(await page.textContent(`${TILE} .speed-value`)).toContain('(not live)');

    // From here the page gets nothing new about press 3, as once the poller has backed off a
    // dead device (until then its failed polls still send updates): only the tile's clock can
    // move "last good … ago".
    await page.evaluate(() => {
      const { store } = (window as unknown as { pressroom: { store: { applyPress(press: { id: string }): void } } }).pressroom;
      const applyPress = store.applyPress.bind(store);
      store.applyPress = (press) => {
        if (press.id !== 'press-3') applyPress(press);
      };
    });
    const first = agoSeconds((await page.textContent(`${TILE} .comm`))!);
    await page.waitForFunction(
      ([selector, seconds]) => {
        const match = /last good (\d+) s ago/.exec(document.querySelector(`${selector} .comm`)?.textContent ?? '');
        return match !== null && Number(match[1]) >= Number(seconds) + 3;
      },
      [TILE, first] as const,
      { timeout: 6_000 },
    );
    expect(agoSeconds((await page.textContent(`${TILE} .comm`))!)).toBeGreaterThanOrEqual(first + 3);
    expect(pageErrors).toEqual([]);
  });
});
