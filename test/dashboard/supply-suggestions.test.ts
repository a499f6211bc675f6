/**
 * Suggestions on the tablet's supply page against the real service: an ink refill nobody
 * logged (the simulated fountain raised, nothing logged) and a level running low are offered
 * first; a tap fills in press, kind, printing unit (and so its colour), and the entry sent
 * from there completes the suggestion. A press's newest unlogged refills are shown, the rest
 * behind "N more", and the form does not move however many suggestions come.
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
  // no simulated assistant: nothing refills by itself; levels read every 500 ms (the profiles' slow scan is 2 s)
  const levelsFast = { scanClasses: { slow: 500 } };
  const config = writeTestConfig({ polling: { 'press-1': levelsFast, 'press-2': levelsFast } });
  let service: ServiceProcess;
  let browser: Browser;
  let page: Page;
  let admin: string;
  let pageErrors: string[];
  let refill: UnloggedRefill;

  /** Sets simulated ink fountains (unit → level) and waits until the service has read the new levels. */
  async function setInk(pressId: string, levels: Record<number, number>): Promise<void> {
    for (const [unit, level] of Object.entries(levels)) {
      expect(
        (
          await api(service, `simulation/presses/${pressId}/events`, {
            method: 'POST',
            body: { action: 'refill-ink', unit: Number(unit), level },
            cookie: admin,
          })
        ).status,
      ).toBe(200);
    }
    await eventually(
      async () => {
        const { body } = await api<PressSnapshot>(service, `presses/${pressId}`);
        return Object.entries(levels).every(([unit, level]) => {
          const ink = body.ink.find((candidate) => candidate.unit === Number(unit));
          return ink?.level != null && Math.abs(ink.level - level) < 3;
        })
          ? true
          : undefined;
      },
      { what: `${pressId} ink ${JSON.stringify(levels)} read`, timeoutMs: 8000 },
    );
  }

  /** Where the form starts on the page (document coordinates), once the suggestions are in (and the "connecting" bar gone). */
  async function formTop(): Promise<number> {
    await page.waitForFunction(
      () => document.body.dataset.connection === 'live' && !/Looking for/.test(document.querySelector('.suggestion-block')?.textContent ?? 'Looking for'),
      undefined,
      { timeout: 5_000 },
    );
    return page.$eval('form.supply-form', (form) => form.getBoundingClientRect().top + window.scrollY);
  }

  let emptyFormTop: number;
  const refillsOnPress1 = () =>
    page.$$eval('button.suggestion.reason-unlogged-refill', (buttons) => buttons.map((b) => b.textContent ?? '').filter((text) => text.includes('Sheetfed 1')));

  const checkedValue = (name: string) =>
    page.evaluate((field) => document.querySelector<HTMLInputElement>(`form.supply-form input[name="${field}"]:checked`)?.value ?? null, name);

  beforeAll(async () => {
    [service, browser] = await Promise.all([startDashboardService({ config }), launchBrowser()]);
    admin = await apiLogin(service);
    expect((await api(service, 'users', { method: 'POST', body: OPERATOR, cookie: admin })).status).toBe(201);

    page = await (await browser.newContext({ viewport: VIEWPORTS.tablet, hasTouch: true })).newPage();
    pageErrors = watchPageErrors(page);
    await page.goto(`${service.url}#/supply`);
    await page.fill('.login-panel input[name="username"]', OPERATOR.username);
    for (const digit of OPERATOR.pin) await page.click(`.keypad button[aria-label="${digit}"]`);
    await page.click('.login-panel button[type="submit"]');
    await page.waitForSelector('form.supply-form');
    emptyFormTop = await formTop(); // no unlogged refill yet

    // press 1: every unit low, then yellow (unit 3) filled up with nothing logged, then units 1,
    // 2 and 4 the same (four unlogged refills on press 1, unit 3 the oldest); press 2 cyan
    // (unit 1) runs low. Each step waits for the slow scan to read it: three steps, not five.
    await Promise.all([setInk('press-1', { 1: 25, 2: 25, 3: 25, 4: 25 }), setInk('press-2', { 1: 8 })]);
    await setInk('press-1', { 3: 95 });
    await setInk('press-1', { 1: 95, 2: 95, 4: 95 });
    const suggestions = await eventually(
      async () => {
        const { body } = await api<Suggestions>(service, 'supplies/suggestions');
        const unlogged = body.unlogged.filter((s) => s.pressId === 'press-1' && s.kind === 'ink');
        const low = body.low.find((s) => s.pressId === 'press-2' && s.kind === 'ink' && s.unit === 1);
        return unlogged.length === 4 && low ? { unlogged, low } : undefined;
      },
      { what: 'four unlogged refills on press-1 and low ink on press-2 unit 1', timeoutMs: 10_000 },
    );
    refill = suggestions.unlogged.find((s) => s.unit === 3)!;
    await page.reload();
    await page.waitForSelector('form.supply-form');
  });

  afterAll(async () => {
    await browser?.close();
    await service?.stop({ cleanup: true });
    removeTestConfig(config);
  });

  it('shows a press\'s newest unlogged refills, the rest behind "N more", and the form stays where it was', async () => {
    // the suggestions name their press once the live snapshot has come
    await page.waitForFunction(
      () => Array.from(document.querySelectorAll('button.suggestion.reason-unlogged-refill')).some((b) => b.textContent?.includes('Sheetfed 1')),
      undefined,
      { timeout: 5_000 },
    );
    // the form has not moved for the five suggestions that came in
    expect(await formTop()).toBe(emptyFormTop);
    expect(emptyFormTop).toBeLessThan(VIEWPORTS.tablet.height);
    const shown = await refillsOnPress1();
    expect(shown).toHaveLength(2);
    expect(shown.join('|')).not.toContain('unit 3'); // the oldest waits behind "more"
    const more = page.locator('button.more-refills[data-press-id="press-1"]');
    expect(await more.textContent()).toBe('2 more unlogged refills on Sheetfed 1 (CMYK)');
    await more.click();
    expect(await refillsOnPress1()).toHaveLength(4);
    expect(await formTop()).toBe(emptyFormTop);
  });

  it('lists the unlogged refill and the low level as suggestions', async () => {
    const unlogged = page.locator('button.suggestion.reason-unlogged-refill', { hasText: 'unit 3' });
    await unlogged.waitFor();
    expect(await unlogged.textContent()).toMatch(/Refill not logged: Sheetfed 1 \(CMYK\): ink · unit 3 · yellow — level rose 2\d → 9\d %/);
    const low = page.locator('button.suggestion.reason-low-level', { hasText: 'Sheetfed 2' });
    expect(await low.textContent()).toMatch(/Running low: Sheetfed 2 \(CMYK \+ spot\): ink · unit 1 · cyan — [\d.]+ % left/);
  });

  it('a low level pre-fills press, kind and unit (with its colour)', async () => {
    await page.click('button.suggestion.reason-low-level:has-text("Sheetfed 2")');
    expect([await checkedValue('pressId'), await checkedValue('kind'), await checkedValue('unit')]).toEqual(['press-2', 'ink', '1']);
    expect(await page.textContent('form.supply-form label.choice:has(input[name="unit"]:checked)')).toContain('cyan');
  });

  it('tapping the unlogged refill pre-fills the form, and the entry sent completes the suggestion', async () => {
    await page.click('button.suggestion.reason-unlogged-refill:has-text("unit 3")');
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
    await page.waitForFunction(
      () => !Array.from(document.querySelectorAll('button.suggestion.reason-unlogged-refill')).some((b) => b.textContent?.includes('unit 3')),
      undefined,
      { timeout: 5_000 },
    );
    expect(pageErrors).toEqual([]);
  });
});
