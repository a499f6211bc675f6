/**
 * Alarms in the browser against the real service: a jam injected in the simulator reaches
 * the banner of every open dashboard within a second of the service raising it (flashing,
 * with a sound), and an acknowledgement made in one browser shows in the other at once.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlarmView } from '../../src/model/alarm-view.js';
import type { ServiceProcess } from '../helpers/service-process.js';
import { api, apiLogin, artifactsDir, boardReady, launchBrowser, quietDemoConfig, signedInContext, startDashboardService, VIEWPORTS, watchPageErrors } from './dashboard-harness.js';

/** The alarm ids in a journal CSV export (ids and codes never contain commas or quotes). */
function csvAlarmIds(csv: string): Set<string> {
  return new Set(csv.split('\r\n').slice(1).filter(Boolean).map((line) => line.split(',')[2]!));
}

/** Notes, in the page, when each alarm first appears in the banner (same clock as the test). */
function recordBannerArrivals(page: Page): Promise<void> {
  return page.evaluate(() => {
    const seen: Record<string, number> = {};
    (window as unknown as { bannerSeen: Record<string, number> }).bannerSeen = seen;
    const note = () => {
      for (const item of Array.from(document.querySelectorAll<HTMLElement>('#alarm-banner [data-alarm-id]'))) seen[item.dataset.alarmId!] ??= Date.now();
    };
    new MutationObserver(note).observe(document.getElementById('alarm-banner')!, { childList: true, subtree: true });
    note();
  });
}

describe('alarm banner', () => {
  let service: ServiceProcess;
  let browser: Browser;
  let operatorContext: BrowserContext;
  let operatorPage: Page;
  let wallPage: Page;
  let socket: Socket;
  let admin: string;
  let jam: AlarmView;
  let raisedAt: number;
  const errors: string[][] = [];

  beforeAll(async () => {
    [service, browser] = await Promise.all([startDashboardService({ config: quietDemoConfig() }), launchBrowser()]);
    admin = await apiLogin(service);
    operatorContext = await signedInContext(browser, service, VIEWPORTS.tablet);
    operatorPage = await operatorContext.newPage();
    // the wall screen: nobody signed in
    wallPage = await (await browser.newContext({ viewport: VIEWPORTS.wall })).newPage();
    for (const page of [operatorPage, wallPage]) {
      errors.push(watchPageErrors(page));
      await page.goto(service.url);
      await boardReady(page, 3);
      await recordBannerArrivals(page);
    }
    socket = io(service.url, { transports: ['websocket'] });
    await new Promise<void>((resolve) => socket.once('snapshot', () => resolve()));
  });

  afterAll(async () => {
    socket?.close();
    await browser?.close();
    await service?.stop({ cleanup: true });
  });

  it('shows an injected jam in every banner within one second of the service raising it', async () => {
    const raised = new Promise<AlarmView>((resolve) => {
      socket.on('alarm:raised', (alarm: AlarmView) => {
        if (alarm.pressId === 'press-1' && alarm.stopReason === 'jam') {
          raisedAt = Date.now();
          resolve(alarm);
        }
      });
    });
    const injected = await api(service, 'simulation/presses/press-1/events', { method: 'POST', body: { action: 'jam' }, cookie: admin });
    expect(injected.status).toBe(200);
    jam = await raised;

    await wallPage.waitForSelector(`#alarm-banner [data-alarm-id="${jam.id}"]`);
    await wallPage.screenshot({ path: path.join(artifactsDir, 'banner-jam-wall.png') });
    for (const page of [operatorPage, wallPage]) {
      const seenAt = await page.waitForFunction((id) => (window as unknown as { bannerSeen: Record<string, number> }).bannerSeen[id], jam.id, { timeout: 5_000 });
      const delay = Number(await seenAt.jsonValue()) - raisedAt;
      expect(delay).toBeLessThan(1_000);
      if (process.env.PRESSROOM_TEST_VERBOSE) console.log(`jam in banner ${delay} ms after alarm:raised`);
      const item = page.locator(`#alarm-banner [data-alarm-id="${jam.id}"]`);
      expect(await item.getAttribute('class')).toMatch(/\bunacked\b/); // flashes until acknowledged
      expect(await item.textContent()).toContain('Sheetfed 1');
    }
    // jams are loud: the annunciator beeped (not muted)
    expect(await wallPage.evaluate(() => (window as unknown as { pressroom: { sound: { beeps: number } } }).pressroom.sound.beeps)).toBeGreaterThanOrEqual(1);
  });

  it('puts the highest priority first, even when a lower one is newer', async () => {
    // after the jam (critical or high): a double sheet (high) on press 3, then low ink (medium) on press 2
    for (const [pressId, body] of [['press-3', { action: 'jam', code: 'double-sheet' }], ['press-2', { action: 'refill-ink', unit: 1, level: 10 }]] as const) {
      expect((await api(service, `simulation/presses/${pressId}/events`, { method: 'POST', body, cookie: admin })).status).toBe(200);
    }
    await wallPage.waitForFunction(() => {
      const codes = Array.from(document.querySelectorAll<HTMLElement>('#alarm-banner .banner-alarm')).map((item) => item.dataset.code);
      return codes.includes('double-sheet') && codes.includes('ink.low.1');
    }, undefined, { timeout: 15_000 });
    const shown = await wallPage.$$eval('#alarm-banner .banner-alarm', (items) => items.map((item) => ({
      priority: item.querySelector('.priority-word')!.textContent!,
      code: (item as HTMLElement).dataset.code!,
      raisedAt: Date.parse(item.querySelector('time')!.getAttribute('datetime')!),
    })));
    const rank = { critical: 0, high: 1, medium: 2, low: 3 } as Record<string, number>;
    const ranks = shown.map((alarm) => rank[alarm.priority]!);
    expect(new Set(ranks).size).toBeGreaterThanOrEqual(2);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    // the newest alarm is the low ink, and it is not first: priority wins over time
    const newest = shown.reduce((a, b) => (b.raisedAt > a.raisedAt ? b : a));
    expect(newest.code).toBe('ink.low.1');
    expect(shown[0]!.code).not.toBe('ink.low.1');
    expect(shown.at(-1)!.priority).toBe('medium');
    expect(shown.find((alarm) => alarm.code === 'double-sheet')!.priority).toBe('high');
  });

  it('an acknowledgement in one browser shows in the other at once, with its note', async () => {
    await operatorPage.click(`#alarm-banner [data-alarm-id="${jam.id}"] button.ack`);
    await operatorPage.fill('dialog textarea[name="note"]', 'cleared the feeder');
    const ackedOnWall = wallPage.waitForFunction((id) => {
      const item = document.querySelector(`#alarm-banner [data-alarm-id="${id}"]`);
      return item === null || item.classList.contains('acked');
    }, jam.id, { timeout: 2_000 });
    const ackedAt = Date.now();
    await operatorPage.click('dialog button[type="submit"]');
    await ackedOnWall;
    expect(Date.now() - ackedAt).toBeLessThan(1_500);
    if (process.env.PRESSROOM_TEST_VERBOSE) console.log(`ack shown on the wall ${Date.now() - ackedAt} ms after the click`);
    await wallPage.screenshot({ path: path.join(artifactsDir, 'banner-acked-wall.png') });

    const { body } = await api<AlarmView[]>(service, `alarms?pressId=press-1&all=true&from=${jam.raisedAt - 1}`);
    const stored = body.find((alarm) => alarm.id === jam.id);
    expect(stored).toMatchObject({ acknowledged: true, ackNote: 'cleared the feeder', ackedBy: 'admin' });
  });

  it('lists the jam on the alarms page and exports the journal as CSV', async () => {
    await operatorPage.goto(`${service.url}#/alarms?all=true&pressId=press-1`);
    await operatorPage.waitForSelector(`.alarm-table tr[data-alarm-id="${jam.id}"]`);
    const href = await operatorPage.getAttribute('a[download]', 'href');
    expect(href).toBe('/api/alarms.csv?all=true&pressId=press-1');
    const csv = await operatorPage.request.get(new URL(href!, service.url).toString());
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toMatch(/text\/csv/);
    expect(csvAlarmIds(await csv.text())).toEqual(new Set([jam.id]));
  });

  it('filters the alarms page from its form, and the CSV download holds exactly the alarms in the table', async () => {
    await operatorPage.goto(`${service.url}#/alarms`);
    await operatorPage.waitForSelector('.alarm-table');
    await operatorPage.selectOption('#filter-all', 'true');
    await operatorPage.selectOption('#filter-unacknowledged', 'true');
    await operatorPage.selectOption('#filter-priority', 'high');
    await operatorPage.click('form.filters button[type="submit"]');
    await operatorPage.waitForFunction(() => location.hash.includes('priority=high'));
    // the table reloads: only unacknowledged high alarms (the double sheet; not the acked jam, not the medium low ink)
    await operatorPage.waitForFunction(() => {
      const rows = Array.from(document.querySelectorAll('.alarm-table tr[data-alarm-id]'));
      return rows.length > 0 && rows.every((row) => row.classList.contains('priority-high') && row.classList.contains('unacked'));
    }, undefined, { timeout: 5_000 });
    const tableIds = new Set(await operatorPage.$$eval('.alarm-table tr[data-alarm-id]', (rows) => rows.map((row) => (row as HTMLElement).dataset.alarmId!)));
    const { body: expected } = await api<AlarmView[]>(service, 'alarms?all=true&unacknowledged=true&priority=high');
    expect(tableIds).toEqual(new Set(expected.map((alarm) => alarm.id)));
    expect(tableIds.has(jam.id)).toBe(false);

    const href = await operatorPage.getAttribute('a[download]', 'href');
    expect(new URLSearchParams(href!.split('?')[1])).toEqual(new URLSearchParams('all=true&unacknowledged=true&priority=high'));
    const [download] = await Promise.all([operatorPage.waitForEvent('download'), operatorPage.click('a[download]')]);
    const text = readFileSync((await download.path())!, 'utf8');
    expect(text.split('\r\n')[0]).toBe('at,press,alarm_id,code,action,priority,user,note');
    expect(csvAlarmIds(text)).toEqual(tableIds);
    // the journal of those alarms: at least their raise lines
    const raises = text.split('\r\n').filter((line) => line.split(',')[4] === 'raise');
    expect(new Set(raises.map((line) => line.split(',')[2]))).toEqual(tableIds);

    // "current" (the default List) is honoured too: the CSV of the current high alarms
    await operatorPage.selectOption('#filter-all', '');
    await operatorPage.click('form.filters button[type="submit"]');
    await operatorPage.waitForFunction(() => !location.hash.includes('all=true'));
    expect(new URLSearchParams((await operatorPage.getAttribute('a[download]', 'href'))!.split('?')[1]).get('all')).toBe('false');
    for (const pageErrors of errors) expect(pageErrors).toEqual([]);
  });
});
