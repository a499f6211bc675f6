/**
 * Jobs on the dashboard against the real service: the board tile shows the running job's
 * number, good of planned as a bar and the expected finish at the current speed ("—" when
 * the press stops), live from job:updated and press:update. The simulator is driven by its
 * events (no random jams, no assistant), so the press does only what the test tells it.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceProcess } from '../helpers/service-process.js';
import { api, apiLogin, artifactsDir, boardReady, launchBrowser, quietDemoConfig, startDashboardService, VIEWPORTS } from './dashboard-harness.js';

interface PressSummary {
  id: string;
  name: string;
}
interface JobReply {
  id: number;
  jobId: string;
  state: string;
  good: number;
}

/** "45 s", "12 min", "1 h 05 min" (the dashboard's durations) in milliseconds; NaN for anything else. */
function inMs(text: string): number {
  const parts = /^(?:(\d+) h )?(?:(\d+) min|(\d+) s)$/.exec(text.trim());
  if (!parts) return Number.NaN;
  return (Number(parts[1] ?? 0) * 3600 + Number(parts[2] ?? 0) * 60 + Number(parts[3] ?? 0)) * 1000;
}

describe('jobs on the board', () => {
  let service: ServiceProcess;
  let browser: Browser;
  let page: Page;
  let admin: string;
  let presses: PressSummary[];
  const tile = '.press-tile[data-press-id="press-1"]';

  async function pressEvent(pressId: string, body: Record<string, unknown>): Promise<void> {
    expect((await api(service, `simulation/presses/${pressId}/events`, { method: 'POST', body, cookie: admin })).status).toBe(200);
  }

  beforeAll(async () => {
    [service, browser] = await Promise.all([startDashboardService({ config: quietDemoConfig({ assistant: false }) }), launchBrowser()]);
    admin = await apiLogin(service);
    presses = (await api<PressSummary[]>(service, 'presses')).body;
    page = await browser.newPage({ viewport: VIEWPORTS.wall });
    await page.goto(service.url);
    await boardReady(page, presses.length);
  });

  afterAll(async () => {
    await browser?.close();
    await service?.stop({ cleanup: true });
  });

  it('shows the running job with good of planned and when it will be done at the current speed', async () => {
    const created = await api<JobReply>(service, 'jobs', {
      method: 'POST',
      cookie: admin,
      body: { jobId: '24-1187', pressId: 'press-1', name: 'Brochure A4', plannedGood: 30_000 },
    });
    expect(created.status).toBe(201);
    expect((await api<JobReply>(service, 'jobs/24-1187/start', { method: 'POST', cookie: admin, body: { pressId: 'press-1' } })).status).toBe(200);
    await pressEvent('press-1', { action: 'start' });

    await page.waitForSelector(`${tile} .job[data-job-id="24-1187"]`);
    expect(await page.textContent(`${tile} .job-title`)).toBe('Job 24-1187 · Brochure A4');
    expect(await page.getAttribute(`${tile} .job-track`, 'aria-valuemax')).toBe('30000');
    // in production at speed: a clock time, and the good count moves with the press
    await page
      .waitForFunction(
        (selector) => {
          const element = document.querySelector(selector)!;
          return (element as HTMLElement).dataset.state === 'production' && /Finish ≈ \S.* \(in \d/.test(element.querySelector('.job-finish')!.textContent!);
        },
        tile,
        { timeout: 20_000 },
      )
      .catch(async (error: unknown) => {
        throw new Error(`${String(error)}\n${await page.textContent(tile)}`);
      });
    const goodBefore = await page.getAttribute(`${tile} .job-track`, 'aria-valuenow');
    await page.waitForFunction(
      ([selector, before]) => document.querySelector(`${selector!} .job-track`)!.getAttribute('aria-valuenow') !== before,
      [tile, goodBefore] as const,
      { timeout: 10_000 },
    );
    expect(await page.textContent(`${tile} .job-good`)).toMatch(/^[\d,. ]+ of 30[,. ]?000 good \(\d+ %\)$/);
    const fill = await page.$eval(`${tile} .job-fill`, (element) => (element as HTMLElement).style.width);
    expect(fill).toMatch(/%$/);

    mkdirSync(artifactsDir, { recursive: true });
    await page.locator(tile).screenshot({ path: path.join(artifactsDir, 'job-tile-running.png') });
  }, 60_000);

  it('says "—" for the finish while the press is stopped, and the time again when it runs', async () => {
    await pressEvent('press-1', { action: 'stop' });
    await page.waitForFunction(
      (selector) => {
        const element = document.querySelector(selector)!;
        return (element as HTMLElement).dataset.state === 'stopped' && element.querySelector('.job-finish')!.textContent === ' · Finish —';
      },
      tile,
      { timeout: 10_000 },
    );
    await page.locator(tile).screenshot({ path: path.join(artifactsDir, 'job-tile-stopped.png') });
    await pressEvent('press-1', { action: 'start' });
    await page.waitForFunction((selector) => /Finish ≈ \S.* \(in \d/.test(document.querySelector(`${selector} .job-finish`)!.textContent!), tile, {
      timeout: 20_000,
    });
  });

  it('on the 20× demo, the expected finish is when the job will be done by the wall clock, not in press time', async () => {
    // the demo's presses run simulationTimeScale (20) times faster than the wall clock: their speed register
    // is in press time, while the good count grows 20 times faster per wall-clock hour
    const snapshot = (await api<{ timeScale?: number; state: string }>(service, 'presses/press-1')).body;
    expect(snapshot.timeScale).toBe(20);
    const good = async () => ({ at: Date.now(), good: (await api<JobReply>(service, 'jobs/24-1187')).body.good });
    const first = await good();
    await expect.poll(async () => (await good()).good - first.good, { timeout: 10_000 }).toBeGreaterThan(300);
    const second = await good();
    const perMs = (second.good - first.good) / (second.at - first.at);
    const measuredMs = (30_000 - second.good) / perMs;
    const text = (await page.textContent(`${tile} .job-finish`))!;
    const shownMs = inMs(/\(in (.+)\)$/.exec(text)?.[1] ?? '');
    // the tile's duration floors to whole minutes; a 20× error in either direction is far outside this
    expect(shownMs / measuredMs, `${text} against ${Math.round(measuredMs / 1000)} s measured`).toBeGreaterThan(0.5);
    expect(shownMs / measuredMs, `${text} against ${Math.round(measuredMs / 1000)} s measured`).toBeLessThan(2);
  }, 30_000);

  it('shows a job started elsewhere after a reload, and "No job running" once it is finished', async () => {
    await page.reload();
    await boardReady(page, presses.length);
    await page.waitForSelector(`${tile} .job[data-job-id="24-1187"]`);
    expect((await api<JobReply>(service, 'jobs/24-1187/finish', { method: 'POST', cookie: admin, body: {} })).status).toBe(200);
    await page.waitForFunction((selector) => document.querySelector(`${selector} .job-title`)!.textContent === 'No job running', tile, { timeout: 10_000 });
    expect(await page.isVisible(`${tile} .job-track`)).toBe(false);
  });
});
