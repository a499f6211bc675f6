/**
 * Supply logging on a tablet against the real service: PIN login on the keypad, the
 * press → kind → unit → product/lot → quantity flow, and the offline outbox: entries made
 * with the network down are kept on the tablet and sent once when it returns.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SupplyEntry } from '../../src/model/supply.js';
import type { ServiceProcess } from '../helpers/service-process.js';
import { api, apiLogin, launchBrowser, startDashboardService, VIEWPORTS, watchPageErrors, expectConsoleErrors } from './dashboard-harness.js';

const OPERATOR = { username: 'olga', displayName: 'Olga Tablet', role: 'operator', password: 'olga-password-123', pin: '471100' };

describe('supply logging on a tablet', () => {
  let service: ServiceProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[];

  async function suppliesOf(pressId: string): Promise<SupplyEntry[]> {
    const { status, body } = await api<{ entries: SupplyEntry[] }>(service, `supplies?pressId=${pressId}&limit=1000`);
    expect(status).toBe(200);
    return body.entries;
  }

  async function logPaper(lot: string, sheets: number): Promise<void> {
    await page.click('label.choice:has-text("Sheetfed 1")');
    await page.click('label.choice:has-text("Paper")');
    await page.fill('#supply-product', 'Gloss 135 g/m² 70×100');
    await page.fill('#supply-lot', lot);
    await page.fill('#supply-quantity', String(sheets));
    await page.click('button.submit-supply');
    await page.waitForSelector(`.outbox-item:has-text("${lot}")`);
  }

  beforeAll(async () => {
    [service, browser] = await Promise.all([startDashboardService(), launchBrowser()]);
    const admin = await apiLogin(service);
    const created = await api(service, 'users', { method: 'POST', body: OPERATOR, cookie: admin });
    expect(created.status).toBe(201);
    context = await browser.newContext({ viewport: VIEWPORTS.tablet, hasTouch: true });
    page = await context.newPage();
    pageErrors = watchPageErrors(page);
    await page.goto(`${service.url}#/supply`);
  });

  afterAll(async () => {
    await browser?.close();
    await service?.stop({ cleanup: true });
  });

  it('keeps the keypad where it is when alarms arrive, so a tap never lands on another key', async () => {
    const key = page.locator('.keypad button[aria-label="4"]');
    await key.waitFor();
    const before = await key.boundingBox();
    const admin = await apiLogin(service);
    const alarmsBefore = Number(await page.getAttribute('#alarm-banner', 'data-count'));
    for (const [pressId, action] of [
      ['press-1', 'jam'],
      ['press-2', 'e-stop'],
    ] as const) {
      expect((await api(service, `simulation/presses/${pressId}/events`, { method: 'POST', body: { action }, cookie: admin })).status).toBe(200);
    }
    await page.waitForFunction((count) => Number(document.getElementById('alarm-banner')!.dataset.count) >= count + 2, alarmsBefore);
    expect(await page.isVisible('#alarm-banner .banner-more')).toBe(true); // more alarms than the one row shows
    expect(await key.boundingBox()).toEqual(before);
  });

  it('signs in with a name and a PIN typed on the keypad', async () => {
    await page.fill('.login-panel input[name="username"]', OPERATOR.username);
    for (const digit of OPERATOR.pin) await page.click(`.keypad button[aria-label="${digit}"]`);
    await page.click('.login-panel button[type="submit"]');
    await page.waitForSelector('form.supply-form');
    expect(await page.textContent('.signed-in')).toContain(OPERATOR.displayName);
  });

  it('logs an ink refill in a few taps and the service stores it with who did it', async () => {
    await page.click('label.choice:has-text("Sheetfed 2")');
    await page.click('label.choice:has-text("Ink")');
    await page.click('label.choice:has-text("Pantone 286 C")');
    // a barcode scanner types the code and presses Enter: it moves on, it does not submit
    await page.focus('#supply-product');
    await page.keyboard.type('Pantone 286 C offset ink 2.5 kg');
    await page.keyboard.press('Enter');
    await page.keyboard.type('LOT-286-0042');
    await page.keyboard.press('Enter');
    await page.click('button.quick:has-text("2.5 kg")');
    await page.click('button.submit-supply');
    await page.waitForSelector('.outbox-item[data-status="sent"]:has-text("LOT-286-0042")', { timeout: 5_000 });

    const stored = (await suppliesOf('press-2')).filter((entry) => entry.lot === 'LOT-286-0042');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ kind: 'ink', unit: 5, color: 'Pantone 286 C', product: 'Pantone 286 C offset ink 2.5 kg', quantity: 2.5, uom: 'kg' });
    expect(stored[0]!.by?.username).toBe(OPERATOR.username);
  });

  it('keeps entries made offline on the tablet and stores each exactly once when the network returns', async () => {
    expectConsoleErrors(/net::ERR_INTERNET_DISCONNECTED/, 'the tablet is taken offline on purpose: the socket and the POSTs fail');
    const lots = ['OFF-1', 'OFF-2', 'OFF-3'];
    await context.setOffline(true);
    for (const [index, lot] of lots.entries()) await logPaper(lot, 1000 * (index + 1));

    const statuses = await page.$$eval('.outbox-item', (items) => items.map((item) => `${(item as HTMLElement).dataset.status} ${item.textContent}`));
    for (const lot of lots) expect(statuses.find((status) => status.includes(lot))).toMatch(/^pending/);
    expect(await page.textContent('.outbox-summary')).toMatch(/3 waiting/);
    // kept on the tablet itself, so a reload or a flat battery does not lose them
    const kept = await page.evaluate(() => JSON.parse(localStorage.getItem('pressroom.supplyOutbox.v1') ?? '[]') as { status: string }[]);
    expect(kept.filter((item) => item.status === 'pending')).toHaveLength(3);
    expect((await suppliesOf('press-1')).filter((entry) => lots.includes(entry.lot ?? ''))).toHaveLength(0);

    await context.setOffline(false);
    await page.waitForFunction(() => document.querySelectorAll('.outbox-item[data-status="pending"]').length === 0, undefined, { timeout: 15_000 });
    const stored = (await suppliesOf('press-1')).filter((entry) => lots.includes(entry.lot ?? ''));
    expect(stored.map((entry) => entry.lot).sort()).toEqual(lots);
    expect(new Set(stored.map((entry) => entry.clientId)).size).toBe(3);
    expect(stored.map((entry) => entry.quantity).sort((a, b) => a - b)).toEqual([1000, 2000, 3000]);
    expect(pageErrors).toEqual([]);
  });

  it('sends again what a lost answer left pending, and the service keeps it once', async () => {
    // the entry reached the service but the tablet never heard back: it is still pending here
    const [entry] = (await suppliesOf('press-1')).filter((candidate) => candidate.lot === 'OFF-1');
    await page.evaluate((clientId) => {
      const key = 'pressroom.supplyOutbox.v1';
      const items = JSON.parse(localStorage.getItem(key)!) as { draft: { clientId: string }; status: string }[];
      for (const item of items) if (item.draft.clientId === clientId) item.status = 'pending';
      localStorage.setItem(key, JSON.stringify(items));
    }, entry!.clientId);
    await page.reload();
    await page.waitForSelector(`.outbox-item[data-status="sent"][data-client-id="${entry!.clientId}"]`, { timeout: 10_000 });
    expect((await suppliesOf('press-1')).filter((candidate) => candidate.lot === 'OFF-1')).toHaveLength(1);
  });

  it('sends the time each entry was made: one kept offline for an hour keeps its hour; a clock far ahead costs the time, not the entry', async () => {
    expectConsoleErrors(/net::ERR_INTERNET_DISCONNECTED/, 'the tablet is offline while the entries are made');
    expectConsoleErrors(/status of 400 .*\/api\/supplies\)$/, 'the service refuses the time of the tablet whose clock is an hour ahead, once');
    // another tablet, signed in, whose clock we set: first an hour behind the service
    const tablet = await browser.newContext({ viewport: VIEWPORTS.tablet, hasTouch: true });
    expect((await tablet.request.post(`${service.url}api/auth/login`, { data: { username: OPERATOR.username, pin: OPERATOR.pin } })).status()).toBe(200);
    const other = await tablet.newPage();
    const hourAgo = Date.now() - 3600_000;
    await other.clock.setFixedTime(hourAgo);
    await other.goto(`${service.url}#/supply`);
    await other.waitForSelector('form.supply-form');
    await tablet.setOffline(true);
    const log = async (lot: string) => {
      await other.click('label.choice:has-text("Sheetfed 1")');
      await other.click('label.choice:has-text("Paper")');
      await other.fill('#supply-lot', lot);
      await other.fill('#supply-quantity', '500');
      await other.click('button.submit-supply');
      await other.waitForSelector(`.outbox-item[data-status="pending"]:has-text("${lot}")`);
    };
    await log('HOUR-OLD');
    // then the clock jumps an hour ahead of the service (beyond the 2 minutes of skew it allows)
    await other.clock.setFixedTime(Date.now() + 3600_000);
    await log('CLOCK-AHEAD');
    const sentAt = Date.now();
    await tablet.setOffline(false);
    await other.evaluate(() => window.dispatchEvent(new Event('online')));
    await other.waitForFunction(() => document.querySelectorAll('.outbox-item[data-status="pending"]').length === 0, undefined, { timeout: 15_000 });

    const stored = (await suppliesOf('press-1')).filter((entry) => ['HOUR-OLD', 'CLOCK-AHEAD'].includes(entry.lot ?? ''));
    expect(stored).toHaveLength(2);
    const old = stored.find((entry) => entry.lot === 'HOUR-OLD')!;
    expect(old.loggedAt).toBe(hourAgo); // when it was made, not when it arrived
    expect(old.receivedAt).toBeGreaterThanOrEqual(sentAt - 1000);
    const ahead = stored.find((entry) => entry.lot === 'CLOCK-AHEAD')!;
    expect(ahead.loggedAt).toBe(ahead.receivedAt); // the wrong time was not taken; the entry was
    expect(await other.textContent('.outbox-item:has-text("CLOCK-AHEAD") .clock-note')).toMatch(
      /clock was off \(60 min ahead of the service's clock.*logged as of when it reached the service/,
    );
    await tablet.close();
  });
});
