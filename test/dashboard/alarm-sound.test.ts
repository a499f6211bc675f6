/**
 * The banner's sound and desktop notifications against the real service: a browser that
 * keeps audio locked says so and a tap unlocks it; the 10-minute mute silences a new jam,
 * counts down and runs out by itself (the page's clock is moved, nobody waits ten minutes);
 * a jam raises a notification naming the press where the browser allows it, and nothing
 * breaks where it does not.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlarmView } from '../../src/model/alarm-view.js';
import type { ServiceProcess } from '../helpers/service-process.js';
import { api, apiLogin, boardReady, launchBrowser, quietDemoConfig, startDashboardService, VIEWPORTS, watchPageErrors } from './dashboard-harness.js';

type PressroomWindow = { pressroom: { sound: { beeps: number; blocked: boolean } } };
type SpiedWindow = { notifications: { title: string; body?: string; tag?: string }[] };

const beeps = (page: Page) => page.evaluate(() => (window as unknown as PressroomWindow).pressroom.sound.beeps);

/** Records every `new Notification(...)` the page makes; `throws`: the constructor fails, as on Android Chrome. */
async function spyOnNotifications(context: BrowserContext, options: { throws: boolean }): Promise<void> {
  await context.addInitScript((throws: boolean) => {
    const Real = window.Notification;
    const made: { title: string; body?: string; tag?: string }[] = [];
    (window as unknown as SpiedWindow).notifications = made;
    function Spy(title: string, init?: NotificationOptions): Notification {
      made.push({ title, body: init?.body, tag: init?.tag });
      if (throws) throw new TypeError('Illegal constructor. Use ServiceWorkerRegistration.showNotification() instead.');
      return new Real(title, init);
    }
    Object.defineProperty(Spy, 'permission', { get: () => Real.permission });
    (Spy as unknown as { requestPermission: unknown }).requestPermission = Real.requestPermission.bind(Real);
    (window as unknown as { Notification: unknown }).Notification = Spy;
  }, options.throws);
}

describe('alarm sound and notifications', () => {
  let service: ServiceProcess;
  let browser: Browser;
  let admin: string;

  async function jam(pressId: string, code: string): Promise<AlarmView> {
    const injected = await api(service, `simulation/presses/${pressId}/events`, { method: 'POST', body: { action: 'jam', code }, cookie: admin });
    expect(injected.status).toBe(200);
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline) {
      const { body } = await api<AlarmView[]>(service, `alarms?pressId=${pressId}`);
      const alarm = body.find((candidate) => candidate.code === code && candidate.active);
      if (alarm) return alarm;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no ${code} alarm on ${pressId}`);
  }

  beforeAll(async () => {
    [service, browser] = await Promise.all([startDashboardService({ config: quietDemoConfig() }), launchBrowser()]);
    admin = await apiLogin(service);
  });

  afterAll(async () => {
    await browser?.close();
    await service?.stop({ cleanup: true });
  });

  it('says the sound is off while the browser keeps audio locked, and a tap turns it on', async () => {
    // a desktop browser's default: no sound before the first click or key press
    const locked = await launchBrowser({ args: ['--autoplay-policy=document-user-activation-required'] });
    try {
      const page = await (await locked.newContext({ viewport: VIEWPORTS.tablet })).newPage();
      const errors = watchPageErrors(page);
      await page.goto(service.url);
      await boardReady(page, 3);
      const cue = page.locator('#alarm-banner button.sound-blocked');
      await cue.waitFor({ state: 'visible' });
      expect(await cue.textContent()).toContain('Sound off — tap to enable');
      expect(await page.evaluate(() => (window as unknown as PressroomWindow).pressroom.sound.blocked)).toBe(true);
      await cue.click();
      await cue.waitFor({ state: 'detached' });
      expect(await page.evaluate(() => (window as unknown as PressroomWindow).pressroom.sound.blocked)).toBe(false);
      expect(await page.isHidden('#alarm-banner')).toBe(true); // nothing else to say: no alarms
      expect(errors).toEqual([]);
    } finally {
      await locked.close();
    }
  });

  it('a new jam stays silent while muted, the mute counts down and runs out by itself', async () => {
    const context = await browser.newContext({ viewport: VIEWPORTS.wall });
    await context.clock.install(); // time flows as usual until the test moves it
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    await page.goto(service.url);
    await boardReady(page, 3);

    const first = await jam('press-1', 'jam.feeder');
    await page.waitForSelector(`#alarm-banner [data-alarm-id="${first.id}"]`);
    await page.waitForFunction(() => (window as unknown as PressroomWindow).pressroom.sound.beeps >= 1);

    const control = page.locator('#alarm-banner button.mute-control');
    await control.click();
    expect(await control.textContent()).toMatch(/^♪ Muted, (10:00|9:5\d) left — unmute$/);
    const mutedAt = await beeps(page);
    const second = await jam('press-2', 'jam.feeder');
    await page.waitForSelector(`#alarm-banner [data-alarm-id="${second.id}"]`);
    await page.waitForTimeout(300);
    expect(await beeps(page)).toBe(mutedAt);
    // the time left goes down, second by second (the page's clock moved 3 s on, nobody waits)
    await page.clock.runFor(3_000);
    await page.waitForFunction(() => /9:5[0-7] left/.test(document.querySelector('#alarm-banner .mute-control')?.textContent ?? ''), undefined, {
      timeout: 5_000,
    });
    // survives a reload
    await page.reload();
    await boardReady(page, 3);
    expect(await control.textContent()).toMatch(/Muted, 9:5\d left/);

    // ten minutes later: no longer muted, without anyone touching it
    await page.clock.setSystemTime(Date.now() + 10 * 60_000 + 1_000);
    await page.waitForFunction(() => document.querySelector('#alarm-banner .mute-control')?.textContent === '♪ Mute 10 min', undefined, { timeout: 3_000 });
    await page.waitForFunction(() => document.body.dataset.connection === 'live');
    const unmutedAt = await beeps(page);
    const third = await jam('press-3', 'jam.feeder');
    await page.waitForSelector(`#alarm-banner [data-alarm-id="${third.id}"]`);
    await page.waitForFunction((before) => (window as unknown as PressroomWindow).pressroom.sound.beeps > before, unmutedAt, { timeout: 12_000 });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a jam raises a desktop notification naming the press where notifications are allowed', async () => {
    const context = await browser.newContext({ viewport: VIEWPORTS.wall });
    await context.grantPermissions(['notifications'], { origin: new URL(service.url).origin });
    await spyOnNotifications(context, { throws: false });
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    await page.goto(service.url);
    await boardReady(page, 3);
    expect(await page.evaluate(() => Notification.permission)).toBe('granted');
    // allowed already: no button to ask
    expect(await page.locator('#header-tools button:has-text("Enable jam notifications")').count()).toBe(0);

    const alarm = await jam('press-1', 'jam.delivery');
    await page.waitForFunction(() => (window as unknown as SpiedWindow).notifications.length > 0, undefined, { timeout: 5_000 });
    const made = await page.evaluate(() => (window as unknown as SpiedWindow).notifications);
    expect(made).toHaveLength(1);
    expect(made[0]!.title).toBe(`Sheetfed 1 (CMYK): ${alarm.label}`);
    expect(made[0]!.tag).toBe(alarm.id);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('without permission no notification is made, and a browser that refuses the constructor breaks nothing', async () => {
    const asked = await browser.newContext({ viewport: VIEWPORTS.wall });
    await spyOnNotifications(asked, { throws: false });
    const askedPage = await asked.newPage();
    const refusing = await browser.newContext({ viewport: VIEWPORTS.wall });
    await refusing.grantPermissions(['notifications'], { origin: new URL(service.url).origin });
    await spyOnNotifications(refusing, { throws: true });
    const refusingPage = await refusing.newPage();
    const errors = [watchPageErrors(askedPage), watchPageErrors(refusingPage)];
    for (const page of [askedPage, refusingPage]) {
      await page.goto(service.url);
      await boardReady(page, 3);
    }
    expect(await askedPage.evaluate(() => Notification.permission)).not.toBe('granted');

    const alarm = await jam('press-2', 'jam.delivery');
    for (const page of [askedPage, refusingPage]) await page.waitForSelector(`#alarm-banner [data-alarm-id="${alarm.id}"]`);
    await askedPage.waitForTimeout(300);
    expect(await askedPage.evaluate(() => (window as unknown as SpiedWindow).notifications)).toEqual([]);
    // the refusing browser tried once, caught the error, and the banner still shows the jam
    expect(await refusingPage.evaluate(() => (window as unknown as SpiedWindow).notifications.length)).toBe(1);
    for (const pageErrors of errors) expect(pageErrors).toEqual([]);
    await Promise.all([asked.close(), refusing.close()]);
  });
});
