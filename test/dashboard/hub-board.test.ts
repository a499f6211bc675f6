/**
 * The hub's wall board: the presses of every site, grouped under a heading per site, live. A
 * plant box publishes to a real Mosquitto; the hub (no press of its own) serves the dashboard.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PressroomApp } from '../../src/app.js';
import { Mosquitto } from '../sparkplug/sparkplug-kit.js';
import { Services } from '../sparkplug/sparkplug-services.js';
import { VIEWPORTS, ensureDashboardBuilt, launchBrowser } from './dashboard-harness.js';

let broker: Mosquitto;
const services = new Services();
let north: PressroomApp;
let hub: PressroomApp;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ensureDashboardBuilt();
  broker = await Mosquitto.start();
  hub = await services.hub(broker.url);
  north = await services.edge(broker.url, 'plant-north');
  await services.edge(broker.url, 'plant-south');
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: VIEWPORTS.wall });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await services.stopAll();
  await broker?.stop();
});

describe('hub board', () => {
  it('groups the presses under a heading per site and shows a jam at a plant', async () => {
    await page.goto(hub.url);
    const northSite = page.locator('.board-site[data-site="print-group/plant-north"]');
    const southSite = page.locator('.board-site[data-site="print-group/plant-south"]');
    await expect.poll(() => northSite.locator('.press-tile').count(), { timeout: 15_000 }).toBe(3);
    await expect.poll(() => southSite.locator('.press-tile').count(), { timeout: 15_000 }).toBe(3);
    expect(await northSite.locator('.board-site-title').textContent()).toBe('print-group/plant-north');
    expect(await northSite.locator('.board-site-title').isVisible()).toBe(true);

    north.simulations.get('hall-a-ethernet')!.press(1).injectJam('jam.feeder');
    const tile = northSite.locator('.press-tile').filter({ hasText: 'Sheetfed 1 (CMYK)' });
    await expect.poll(() => tile.textContent(), { timeout: 15_000 }).toMatch(/jam/i);
  });
});
