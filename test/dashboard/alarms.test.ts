/**
 * Alarms in the browser against the real service: a jam injected in the simulator reaches
 * the banner of every open dashboard within a second of the service raising it (flashing,
 * with a sound), and an acknowledgement made in one browser shows in the other at once.
 *
 * Deterministic: random jams and the simulated assistant are off, and every press is stopped
 * by its operator first, so no level falls and nothing raises an alarm by itself; each
 * alarm the tests make is waited for on the socket before the next is made (a test must not
 * depend on which of two scan classes or two presses answers first).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlarmView } from '../../src/model/alarm-view.js';
import type { PressSnapshot } from '../../src/model/press-snapshot.js';
import { recordEvents } from '../e2e/e2e-kit.js';
import { eventually, type ServiceProcess } from '../helpers/service-process.js';
import {
  api,
  apiLogin,
  artifactsDir,
  boardReady,
  launchBrowser,
  quietDemoConfig,
  signedInContext,
  startDashboardService,
  VIEWPORTS,
  watchPageErrors,
} from './dashboard-harness.js';

/** The alarm ids in a journal CSV export (ids and codes never contain commas or quotes). */
function csvAlarmIds(csv: string): Set<string> {
  return new Set(
    csv
      .split('\r\n')
      .slice(1)
      .filter(Boolean)
      .map((line) => line.split(',')[2]!),
  );
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
  let raised: ReturnType<typeof recordEvents<AlarmView>>;
  let cleared: ReturnType<typeof recordEvents<AlarmView>>;

  /** Sends a simulator event and waits for the alarm it must raise (or clear) to come over the socket. */
  async function drive(pressId: string, body: Record<string, unknown>, wanted: { event: 'raised' | 'cleared'; code: string }): Promise<AlarmView> {
    const events = wanted.event === 'raised' ? raised : cleared;
    const already = new Set(events.all.map((alarm) => alarm.id));
    const answer = await api(service, `simulation/presses/${pressId}/events`, { method: 'POST', body, cookie: admin });
    if (answer.status !== 200) throw new Error(`${JSON.stringify(body)} on ${pressId} answered ${answer.status}`);
    return events.next((alarm) => alarm.pressId === pressId && alarm.code === wanted.code && !already.has(alarm.id), 10_000);
  }

  /** The banner's rows on the wall screen, top to bottom. */
  function wallBanner(): Promise<{ id: string; code: string; priority: string; active: boolean }[]> {
    return wallPage.$$eval('#alarm-banner .banner-alarm[data-alarm-id]', (items) =>
      items.map((item) => ({
        id: (item as HTMLElement).dataset.alarmId!,
        code: (item as HTMLElement).dataset.code!,
        priority: item.querySelector('.priority-word')!.textContent!,
        active: !item.classList.contains('cleared'),
      })),
    );
  }

  beforeAll(async () => {
    // press-2's levels every 500 ms instead of the profile's 2 s: the low ink below is read sooner
    const config = quietDemoConfig({ assistant: false, polling: { 'press-2': { scanClasses: { slow: 500 } } } });
    [service, browser] = await Promise.all([startDashboardService({ config }), launchBrowser()]);
    admin = await apiLogin(service);
    // every press held by its operator: no sheet printed, no level falls, no alarm of its own
    for (const pressId of ['press-1', 'press-2', 'press-3']) {
      expect((await api(service, `simulation/presses/${pressId}/events`, { method: 'POST', body: { action: 'stop' }, cookie: admin })).status).toBe(200);
    }
    await eventually(
      async () => {
        const { body } = await api<PressSnapshot[]>(service, 'presses');
        return body.every((press) => press.state === 'stopped' && press.stopReason === 'operator') ? true : undefined;
      },
      { what: 'every press stopped by its operator' },
    );
    const { body: before } = await api<AlarmView[]>(service, 'alarms');
    expect(before, 'no alarm before the tests make one').toEqual([]);
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
    raised = recordEvents<AlarmView>(socket, 'alarm:raised');
    cleared = recordEvents<AlarmView>(socket, 'alarm:cleared');
    await new Promise<void>((resolve) => socket.once('snapshot', () => resolve()));
  });

  afterAll(async () => {
    socket?.close();
    await browser?.close();
    await service?.stop({ cleanup: true });
  });

  it('shows an injected jam in every banner within one second of the service raising it', async () => {
    const seen = new Promise<void>((resolve) =>
      socket.once('alarm:raised', () => {
        raisedAt = Date.now();
        resolve();
      }),
    );
    jam = await drive('press-1', { action: 'jam', code: 'jam.feeder' }, { event: 'raised', code: 'jam.feeder' });
    await seen;
    expect(jam).toMatchObject({ priority: 'critical', stopReason: 'jam', active: true });

    await wallPage.waitForSelector(`#alarm-banner [data-alarm-id="${jam.id}"]`);
    await wallPage.screenshot({ path: path.join(artifactsDir, 'banner-jam-wall.png') });
    for (const page of [operatorPage, wallPage]) {
      const seenAt = await page.waitForFunction((id) => (window as unknown as { bannerSeen: Record<string, number> }).bannerSeen[id], jam.id, {
        timeout: 5_000,
      });
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
    // after the jam (critical): a double sheet (high) on press 3, then low ink (medium) on press 2, each waited for
    const doubleSheet = await drive('press-3', { action: 'jam', code: 'double-sheet' }, { event: 'raised', code: 'double-sheet' });
    const lowInk = await drive('press-2', { action: 'refill-ink', unit: 1, level: 10 }, { event: 'raised', code: 'ink.low.1' });
    expect([doubleSheet.priority, lowInk.priority]).toEqual(['high', 'medium']);
    expect(lowInk.raisedAt).toBeGreaterThan(doubleSheet.raisedAt);
    await wallPage.waitForFunction((count) => document.querySelectorAll('#alarm-banner .banner-alarm[data-alarm-id]').length === count, 3, { timeout: 5_000 });
    // exactly the three made, newest last: priority wins over time
    expect(await wallBanner()).toEqual([
      { id: jam.id, code: 'jam.feeder', priority: 'critical', active: true },
      { id: doubleSheet.id, code: 'double-sheet', priority: 'high', active: true },
      { id: lowInk.id, code: 'ink.low.1', priority: 'medium', active: true },
    ]);
  });

  it('an acknowledgement in one browser shows in the other at once, with its note', async () => {
    await operatorPage.click(`#alarm-banner [data-alarm-id="${jam.id}"] button.ack`);
    await operatorPage.fill('dialog textarea[name="note"]', 'cleared the feeder');
    const ackedOnWall = wallPage.waitForFunction(
      (id) => {
        const item = document.querySelector(`#alarm-banner [data-alarm-id="${id}"]`);
        return item === null || item.classList.contains('acked');
      },
      jam.id,
      { timeout: 2_000 },
    );
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
    await operatorPage.waitForFunction(
      () => {
        const rows = Array.from(document.querySelectorAll('.alarm-table tr[data-alarm-id]'));
        return rows.length > 0 && rows.every((row) => row.classList.contains('priority-high') && row.classList.contains('unacked'));
      },
      undefined,
      { timeout: 5_000 },
    );
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

  it('lists active alarms before cleared unacknowledged ones whatever their priority, and never hides an active critical or high one', async () => {
    // five critical alarms that come and go, nobody acknowledging them: cleared, unacknowledged
    const clearedCriticals: AlarmView[] = [];
    for (const pressId of ['press-1', 'press-2', 'press-3']) {
      const eStop = await drive(pressId, { action: 'e-stop' }, { event: 'raised', code: 'e-stop' });
      await drive(pressId, { action: 'release-e-stop' }, { event: 'cleared', code: 'e-stop' });
      clearedCriticals.push(eStop);
    }
    for (const code of ['jam.feeder', 'jam.delivery']) {
      clearedCriticals.push(await drive('press-2', { action: 'jam', code }, { event: 'raised', code }));
      await drive('press-2', { action: 'clear-jam' }, { event: 'cleared', code });
    }
    expect(clearedCriticals.map((alarm) => alarm.priority)).toEqual(Array(5).fill('critical'));

    // then, active: a feeder jam (critical), a guard door (high), and the link to press 1 lost (high)
    const feederJam = await drive('press-3', { action: 'jam', code: 'jam.feeder' }, { event: 'raised', code: 'jam.feeder' });
    const door = await drive('press-3', { action: 'open-door' }, { event: 'raised', code: 'door-open' });
    const commLost = await drive('press-1', { action: 'fault', silent: 1 }, { event: 'raised', code: 'comm.lost' });
    expect([feederJam.priority, door.priority, commLost.priority]).toEqual(['critical', 'high', 'high']);
    const { body: listed } = await api<AlarmView[]>(service, 'alarms');
    const activeUrgent = listed.filter((alarm) => alarm.active && (alarm.priority === 'critical' || alarm.priority === 'high'));
    // the acknowledged jam (still active), the double sheet, and the three just made
    expect(activeUrgent).toHaveLength(5);

    await wallPage.waitForFunction((id) => document.querySelector(`#alarm-banner [data-alarm-id="${id}"]`) !== null, commLost.id, { timeout: 5_000 });
    await wallPage.screenshot({ path: path.join(artifactsDir, 'banner-active-first-wall.png') });
    const rows = await wallBanner();
    // every active critical and high alarm is a row, more than the four the banner shows otherwise
    expect(new Set(rows.map((row) => row.id))).toEqual(new Set(activeUrgent.map((alarm) => alarm.id)));
    // active ones first: critical (unacknowledged before acknowledged), then high, newest first
    expect(rows.map((row) => row.id)).toEqual([feederJam.id, jam.id, commLost.id, door.id, listed.find((alarm) => alarm.code === 'double-sheet')!.id]);
    expect(rows.every((row) => row.active)).toBe(true);
    // the rest (the medium low ink and the five cleared criticals) behind "+6 more"
    expect(await wallPage.textContent('#alarm-banner .banner-more')).toBe('+6 more');
  });
});
