/**
 * The wall board against the real service: every simulated press has a tile, the values
 * move live, the board says "reconnecting" when the service goes away and recovers by itself
 * when it comes back. Screenshots at the three target sizes go to test-artifacts/.
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, startService, type ServiceProcess } from '../helpers/service-process.js';
import {
  api,
  apiLogin,
  artifactsDir,
  boardReady,
  launchBrowser,
  startDashboardService,
  VIEWPORTS,
  watchPageErrors,
  expectConsoleErrors,
} from './dashboard-harness.js';

interface PressSummary {
  id: string;
  name: string;
}

describe('press board', () => {
  let service: ServiceProcess;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  let presses: PressSummary[];

  beforeAll(async () => {
    [service, browser] = await Promise.all([startDashboardService(), launchBrowser()]);
    presses = (await api<PressSummary[]>(service, 'presses')).body;
    page = await browser.newPage({ viewport: VIEWPORTS.wall });
    pageErrors = watchPageErrors(page);
    await page.goto(service.url);
    await boardReady(page, presses.length);
  });

  afterAll(async () => {
    await browser?.close();
    await service?.stop({ cleanup: true });
  });

  it('shows a tile for every press the service knows, with its run state in words', async () => {
    expect(presses.length).toBeGreaterThan(0);
    const tiles = await page.$$eval('.press-tile', (elements) =>
      elements.map((tile) => ({
        id: (tile as HTMLElement).dataset.pressId,
        name: tile.querySelector('h2')?.textContent,
        state: tile.querySelector('.run-state-word')?.textContent ?? '',
        inkBars: tile.querySelectorAll('.ink-row [role="meter"]').length,
      })),
    );
    expect(tiles.map((tile) => tile.id)).toEqual(presses.map((press) => press.id));
    expect(tiles.map((tile) => tile.name)).toEqual(presses.map((press) => press.name));
    for (const tile of tiles) {
      expect(tile.state).toMatch(/Production|Make-ready|Idle|Stopped|Wash-up|Offline/);
      expect(tile.inkBars).toBeGreaterThanOrEqual(4);
    }
  });

  it('updates the values live, without reloading the page', async () => {
    const tile = `.press-tile[data-press-id="${presses[0]!.id}"]`;
    const before = await page.$eval(
      tile,
      (element) => element.querySelector('.counter-good')!.textContent! + element.querySelector('.counter-waste')!.textContent!,
    );
    await page.evaluate(() => ((window as unknown as { marker: boolean }).marker = true));
    await page.waitForFunction(
      ([selector, text]) => {
        const element = document.querySelector(selector!);
        return element && element.querySelector('.counter-good')!.textContent! + element.querySelector('.counter-waste')!.textContent! !== text;
      },
      [tile, before],
      { timeout: 10_000 },
    );
    // the same document: it was an update over socket.io, not a reload
    expect(await page.evaluate(() => (window as unknown as { marker?: boolean }).marker)).toBe(true);
  });

  it('writes screenshots of the board at wall, tablet and phone size', async () => {
    mkdirSync(artifactsDir, { recursive: true });
    for (const [name, viewport] of Object.entries(VIEWPORTS)) {
      await page.setViewportSize(viewport);
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      const file = path.join(artifactsDir, `board-${name}.png`);
      await page.screenshot({ path: file });
      // nothing may stick out sideways at any size (phones scroll down, never across)
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `horizontal overflow at ${name}`).toBeLessThanOrEqual(0);
    }
    // the README picture: written when missing or asked for, so a test run leaves the tree clean
    const readmeImage = path.join(repoRoot, 'docs/img/board.png');
    if (!existsSync(readmeImage) || process.env.PRESSROOM_UPDATE_SCREENSHOTS === '1') {
      mkdirSync(path.dirname(readmeImage), { recursive: true });
      copyFileSync(path.join(artifactsDir, 'board-wall.png'), readmeImage);
    }
    await page.setViewportSize(VIEWPORTS.wall);
  });

  it('shows "reconnecting" while the service is down and is back in sync, unacknowledged jam included, within 5 s of the restart', async () => {
    const { port, dataDir } = service;
    // an unacknowledged jam that must survive the restart on the wall screen
    const admin = await apiLogin(service);
    const injected = await api(service, 'simulation/presses/press-1/events', { method: 'POST', body: { action: 'jam' }, cookie: admin });
    expect(injected.status).toBe(200);
    const jam = await page.waitForSelector('#alarm-banner [data-alarm-id].unacked');
    const jamId = await jam.getAttribute('data-alarm-id');
    // the alarm is committed before it is emitted, so the banner showing it means it is on disk

    expectConsoleErrors(/net::ERR_CONNECTION_REFUSED/, 'the service is killed on purpose: the board keeps trying to reconnect');
    await service.kill();
    await page.waitForFunction(() => document.body.dataset.connection === 'reconnecting', undefined, { timeout: 10_000 });
    expect(await page.textContent('#connection')).toMatch(/Reconnecting/);
    // values still on screen are marked as not live
    expect(await page.$$eval('.press-tile', (tiles) => tiles.every((tile) => tile.classList.contains('not-fresh')))).toBe(true);

    service = await startService({ dataDir, env: { PORT: String(port) } });
    const upAt = Date.now();
    await page.waitForFunction(
      (id) =>
        document.body.dataset.connection === 'live' &&
        Array.from(document.querySelectorAll('.press-tile')).some((tile) => !tile.classList.contains('not-fresh')) &&
        document.querySelector(`#alarm-banner [data-alarm-id="${id}"].unacked`) !== null,
      jamId,
      { timeout: 15_000 },
    );
    const inSyncAfter = Date.now() - upAt;
    if (process.env.PRESSROOM_TEST_VERBOSE) console.log(`wall screen back in sync ${inSyncAfter} ms after the service was up`);
    expect(inSyncAfter).toBeLessThan(5_000);
    expect(await page.isHidden('#connection')).toBe(true);
    expect(pageErrors).toEqual([]);
  });
});
