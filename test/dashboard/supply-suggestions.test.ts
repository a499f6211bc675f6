/**
 * Suggestions on the tablet's supply page against the real service: an ink refill nobody
 * logged (the simulated fountain raised, nothing logged) and a level running low are offered
 * first; a tap fills in press, kind, printing unit (and so its colour), and the entry sent
 * from there completes the suggestion.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PressSnapshot } from '../../src/model/press-snapshot.js';
import type { LowLevelSuggestion, SupplyEntry, UnloggedRefill } from '../../src/model/supply.js';
import { removeTestConfig, writeTestConfig } from '../e2e/e2e-kit.js';
import { eventually, type ServiceProcess } from '../helpers/service-process.js';
import { api, apiLogin, launchBrowser, startDashboardService, VIEWPORTS, watchPageErrors } from './dashboard-harness.js';

const OPERATOR = { username: 'sven', displayName: 'Sven Supply', role: 'operator', password: 'sven-password-123', pin: '864213' };
type Suggestions = { unlogged: UnloggedRefill[]; low: LowLevelSuggestion[] };

describe('supply suggestions on a tablet', () => {
  const config = writeTestConfig(); // no simulated assistant: nothing refills by itself
  let service: ServiceProcess;
  let browser: Browser;
  let page: Page;
  let admin: string;
  let pageErrors: string[];
  let refill: UnloggedRefill;

  /** Sets a simulated ink fountain and waits until the service has read the new level. */
  async function setInk(pressId: string, unit: number, level: number): Promise<void> {
    expect((await api(service, `simulation/presses/${pressId}/events`, { method: 'POST', body: { action: 'refill-ink', unit, level }, cookie: admin })).status).toBe(200);
    await eventually(async () => {
      const { body } = await api<PressSnapshot>(service, `presses/${pressId}`);
      const ink = body.ink.find((candidate) => candidate.unit === unit);
      return ink?.level != null && Math.abs(ink.level - level) < 3 ? true : undefined;
    }, { what: `${pressId} ink unit ${unit} read near ${level} %`, timeoutMs: 8000 });
  }

  const checkedValue = (name: string) => page.evaluate((field) => document.querySelector<HTMLInputElement>(`form.supply-form input[name="${field}"]:checked`)?.value ?? null, name);

  beforeAll(async () => {
    [service, browser] = await Promise.all([startDashboardService({ config }), launchBrowser()]);
    admin = await apiLogin(service);
    expect((await api(service, 'users', { method: 'POST', body: OPERATOR, cookie: admin })).status).toBe(201);
    // press 1 yellow (unit 3): low, then filled up with nothing logged; press 2 cyan (unit 1) runs low
    await setInk('press-1', 3, 25);
    await setInk('press-1', 3, 95);
    await setInk('press-2', 1, 8);
    const suggestions = await eventually(async () => {
      const { body } = await api<Suggestions>(service, 'supplies/suggestions');
      const unlogged = body.unlogged.find((s) => s.pressId === 'press-1' && s.kind === 'ink' && s.unit === 3);
      const low = body.low.find((s) => s.pressId === 'press-2' && s.kind === 'ink' && s.unit === 1);
      return unlogged && low ? { unlogged, low } : undefined;
    }, { what: 'an unlogged refill on press-1 unit 3 and low ink on press-2 unit 1', timeoutMs: 10_000 });
    refill = suggestions.unlogged;

    page = await (await browser.newContext({ viewport: VIEWPORTS.tablet, hasTouch: true })).newPage();
    pageErrors = watchPageErrors(page);
    await page.goto(`${service.url}#/supply`);
    await page.fill('.login-panel input[name="username"]', OPERATOR.username);
    for (const digit of OPERATOR.pin) await page.click(`.keypad button[aria-label="${digit}"]`);
    await page.click('.login-panel button[type="submit"]');
    await page.waitForSelector('form.supply-form');
  });

  afterAll(async () => {
    await browser?.close();
    await service?.stop({ cleanup: true });
    removeTestConfig(config);
  });

  it('lists the unlogged refill and the low level as suggestions', async () => {
    const unlogged = page.locator('button.suggestion.reason-unlogged-refill', { hasText: 'Sheetfed 1' });
    await unlogged.waitFor();
    expect(await unlogged.textContent()).toMatch(/Refill not logged: Sheetfed 1 \(CMYK\): ink · unit 3 · yellow — level rose 2\d → 9\d %/);
    const low = page.locator('button.suggestion.reason-low-level', { hasText: 'Sheetfed 2' });
    expect(await low.textContent()).toMatch(/Running low: Sheetfed 2 \(CMYK \+ spot\): ink · unit 1 · cyan — \d+ % left/);
  });

  it('a low level pre-fills press, kind and unit (with its colour)', async () => {
    await page.click('button.suggestion.reason-low-level:has-text("Sheetfed 2")');
    expect([await checkedValue('pressId'), await checkedValue('kind'), await checkedValue('unit')]).toEqual(['press-2', 'ink', '1']);
    expect(await page.textContent('form.supply-form label.choice:has(input[name="unit"]:checked)')).toContain('cyan');
  });

  it('tapping the unlogged refill pre-fills the form, and the entry sent completes the suggestion', async () => {
    await page.click('button.suggestion.reason-unlogged-refill:has-text("Sheetfed 1")');
    expect([await checkedValue('pressId'), await checkedValue('kind'), await checkedValue('unit')]).toEqual(['press-1', 'ink', '3']);
    expect(await page.textContent('form.supply-form label.choice:has(input[name="unit"]:checked)')).toContain('yellow');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('supply-product'); // ready for the scanner
    expect(await page.inputValue('#supply-uom')).toBe('kg');

    await page.keyboard.type('Yellow process ink');
    await page.keyboard.press('Enter');
    await page.keyboard.type('LOT-Y-77');
    await page.click('button.quick:has-text("2.5 kg")');
    await page.click('button.submit-supply');
    await page.waitForSelector('.outbox-item[data-status="sent"]:has-text("LOT-Y-77")', { timeout: 5_000 });

    const { body } = await api<{ entries: SupplyEntry[] }>(service, 'supplies?pressId=press-1&limit=100');
    const stored = body.entries.filter((entry) => entry.lot === 'LOT-Y-77');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ kind: 'ink', unit: 3, color: 'yellow', quantity: 2.5, uom: 'kg', suggestionId: refill.id });
    expect(stored[0]!.reconciliation.status).toBe('confirmed');
    // resolved: gone from the service's list and from the tablet's
    const { body: after } = await api<Suggestions>(service, 'supplies/suggestions');
    expect(after.unlogged.some((s) => s.id === refill.id)).toBe(false);
    await page.waitForFunction(() => !document.querySelector('button.suggestion.reason-unlogged-refill'), undefined, { timeout: 5_000 });
    expect(pageErrors).toEqual([]);
  });
});
