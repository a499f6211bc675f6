/**
 * The dashboard under the service's Content-Security-Policy (no inline script or style
 * markup): every page renders and goes live in Chromium with no violation reported and no
 * console error, and the styles the pages set from data (ink colours, bar widths, timeline
 * segments) take effect.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type ServiceProcess } from '../helpers/service-process.js';
import { api, boardReady, launchBrowser, quietDemoConfig, signedInContext, startDashboardService, VIEWPORTS, watchPageErrors } from './dashboard-harness.js';

declare global {
  interface Window {
    cspViolations?: string[];
  }
}

describe('the dashboard under its Content-Security-Policy', () => {
  let service: ServiceProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[];
  const consoleErrors: string[] = [];

  async function open(hash: string, ready: string): Promise<void> {
    await page.goto(`${service.url}${hash}`);
    await page.waitForSelector(ready, { timeout: 15_000 });
    await page.waitForFunction(() => document.body.dataset.connection === 'live');
  }

  const violations = () => page.evaluate(() => window.cspViolations ?? []);

  beforeAll(async () => {
    [service, browser] = await Promise.all([startDashboardService({ config: quietDemoConfig() }), launchBrowser()]);
    // a few samples, so the press page draws its trends and timeline
    await eventually(
      async () => ((await api<{ points: unknown[] }>(service, 'presses/press-1/history?signal=speed')).body.points.length >= 2 ? true : undefined),
      {
        timeoutMs: 15_000,
        what: 'speed samples of press-1',
      },
    );
    context = await signedInContext(browser, service, VIEWPORTS.tablet); // admin: every page
    await context.addInitScript(() => {
      window.cspViolations = [];
      document.addEventListener('securitypolicyviolation', (event) =>
        window.cspViolations!.push(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber})`),
      );
    });
    page = await context.newPage();
    pageErrors = watchPageErrors(page);
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await service?.stop({ cleanup: true });
  });

  it('is sent with the page', async () => {
    const response = await page.goto(service.url);
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(response?.headers()['permissions-policy']).toContain('camera=()');
  });

  it('the board goes live with its ink colours and level bars drawn', async () => {
    await page.goto(service.url);
    await boardReady(page, 3);
    const fills = await page.$$eval('.level-fill', (elements) =>
      elements.map((element) => ({
        ink: getComputedStyle(element).getPropertyValue('--ink').trim(),
        size: (element as HTMLElement).style.width || (element as HTMLElement).style.height,
      })),
    );
    expect(fills.length).toBeGreaterThan(0);
    expect(fills.every((fill) => fill.ink !== '')).toBe(true);
    expect(fills.some((fill) => fill.size !== '' && fill.size !== '0%')).toBe(true);
    expect(await violations()).toEqual([]);
  });

  it('the press page draws its timeline segments and trends', async () => {
    await open('#/press/press-1?range=1h', '.timeline-bar .timeline-segment');
    const width = await page.$eval('.timeline-bar .timeline-segment', (element) => (element as HTMLElement).style.width);
    expect(width).toMatch(/%$/);
    await page.waitForFunction(() => document.querySelector('.trends')?.getAttribute('aria-busy') === 'false', undefined, { timeout: 15_000 });
    expect(await page.$$eval('.trends canvas', (canvases) => canvases.length)).toBeGreaterThan(0);
    expect(await violations()).toEqual([]);
  });

  it('the supply, alarms and users pages render, with the colour swatches', async () => {
    await open('#/supply', 'form.supply-form');
    await page.click('.choice-pressId .choice[data-value="press-1"]');
    await page.click('.choice-kind .choice[data-value="ink"]');
    await page.waitForSelector('.swatch');
    expect(await page.$eval('.swatch', (element) => getComputedStyle(element).getPropertyValue('--ink').trim())).not.toBe('');
    await open('#/alarms?all=true', '.alarms-page form');
    await open('#/users', '.users-page table');
    expect(await violations()).toEqual([]);
  });

  it('no page threw and nothing was logged as an error', () => {
    expect(pageErrors).toEqual([]);
    // the anonymous session check's 401 is another matter (GET /api/auth/me); this page is signed in
    expect(consoleErrors.filter((text) => /Content.Security.Policy|Permissions.Policy|Refused to/i.test(text))).toEqual([]);
  });
});
