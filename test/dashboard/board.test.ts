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
import { api, artifactsDir, boardReady, launchBrowser, startDashboardService, VIEWPORTS, watchPageErrors } from './dashboard-harness.js';

interface PressSummary { id: string; name: string }

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
    const tiles = await page.$$eval('.press-tile', (elements) => elements.map((tile) => ({
      id: (tile as HTMLElement).dataset.pressId,
      name: tile.querySelector('h2')?.textContent,
      state: tile.querySelector('.run-state-word')?.textContent ?? '',
      inkBars: tile.querySelectorAll('.ink-row [role="meter"]').length,
    })));
    expect(tiles.map((tile) => tile.id)).toEqual(presses.map((press) => press.id));
    expect(tiles.map((tile) => tile.name)).toEqual(presses.map((press) => press.name));
    for (const tile of tiles) {
      expect(tile.state).toMatch(/Production|Make-ready|Idle|Stopped|Wash-up|Offline/);
      expect(tile.inkBars).toBeGreaterThanOrEqual(4);
    }
  });

  it('updates the values live, without reloading the page', async () => {
    const tile = `.press-tile[data-press-id="${presses[0]!.id}"]`;
    const before = await page.$eval(tile, (element) => element.querySelector('.counter-good')!.textContent! + element.querySelector('.counter-waste')!.textContent!);
    await page.evaluate(() => ((window as unknown as { marker: boolean }).marker = true));
    await page.waitForFunction(([selector, text]) => {
      const element = document.querySelector(selector!);
      return element && element.querySelector('.counter-good')!.textContent! + element.querySelector('.counter-waste')!.textContent! !== text;
    }, [tile, before], { timeout: 10_000 });
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

  it('shows "reconnecting" while the service is down and recovers by itself when it is back', async () => {
    const { port, dataDir } = service;
    await service.kill();
    await page.waitForFunction(() => document.body.dataset.connection === 'reconnecting', undefined, { timeout: 10_000 });
    expect(await page.textContent('#connection')).toMatch(/Reconnecting/);
    // values still on screen are marked as not live
    expect(await page.$$eval('.press-tile', (tiles) => tiles.every((tile) => tile.classList.contains('not-fresh')))).toBe(true);

    service = await startService({ dataDir, env: { PORT: String(port) } });
    await page.waitForFunction(() => document.body.dataset.connection === 'live', undefined, { timeout: 15_000 });
    expect(await page.isHidden('#connection')).toBe(true);
    await page.waitForFunction(() => Array.from(document.querySelectorAll('.press-tile')).some((tile) => !tile.classList.contains('not-fresh')), undefined, { timeout: 10_000 });
    expect(pageErrors).toEqual([]);
  });
});
