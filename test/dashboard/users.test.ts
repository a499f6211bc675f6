/**
 * The users page against the real service, as an admin would use it: add an operator with
 * a role and a PIN, change the role, disable; the new user signs in on a tablet's keypad with
 * name and PIN, and no longer once disabled; a PIN can be removed from the page (audited).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceProcess } from '../helpers/service-process.js';
import { api, apiLogin, launchBrowser, signedInContext, startDashboardService, VIEWPORTS, watchPageErrors, expectConsoleErrors } from './dashboard-harness.js';

interface UserRow {
  id: number;
  username: string;
  role: string;
  disabled?: boolean;
  hasPin?: boolean;
}

describe('users page (admin)', () => {
  let service: ServiceProcess;
  let browser: Browser;
  let admin: string;
  let page: Page;
  let pageErrors: string[];

  /** A fresh tablet (nobody signed in) logging in on the supply page with name and PIN. */
  async function keypadLogin(username: string, pin: string): Promise<{ ok: boolean; error: string }> {
    const tablet = await browser.newContext({ viewport: VIEWPORTS.tablet, hasTouch: true });
    try {
      const tabletPage = await tablet.newPage();
      await tabletPage.goto(`${service.url}#/supply`);
      await tabletPage.fill('.login-panel input[name="username"]', username);
      for (const digit of pin) await tabletPage.click(`.keypad button[aria-label="${digit}"]`);
      await tabletPage.click('.login-panel button[type="submit"]');
      const signedIn = tabletPage.waitForSelector('form.supply-form', { timeout: 5_000 }).then(
        () => 'ok',
        () => 'timeout',
      );
      const refused = tabletPage
        .waitForFunction(() => (document.querySelector('.login-panel .form-error')?.textContent ?? '') !== '', undefined, { timeout: 5_000 })
        .then(
          () => 'refused',
          () => 'timeout',
        );
      const outcome = await Promise.race([signedIn, refused]);
      const error = await tabletPage.evaluate(() => document.querySelector('.login-panel .form-error')?.textContent ?? '');
      return { ok: outcome === 'ok', error };
    } finally {
      await tablet.close();
    }
  }

  async function userRow(username: string): Promise<UserRow> {
    const { body } = await api<{ users: UserRow[] }>(service, 'users', { cookie: admin });
    const user = body.users.find((candidate) => candidate.username === username);
    if (!user) throw new Error(`no user ${username}`);
    return user;
  }

  /**
   * The dialog closed and the row is there; if the dialog shows an error instead, or neither
   * happens within 10 s, fail saying what the page shows (not a bare test timeout).
   */
  async function submitted(expected: ReturnType<typeof row>): Promise<void> {
    const outcome = await Promise.race([
      expected.waitFor({ timeout: 10_000 }).then(
        () => 'row',
        () => 'no row',
      ),
      page.waitForSelector('dialog .form-error:not(:empty)', { timeout: 10_000 }).then(
        () => 'error',
        () => 'no error',
      ),
    ]);
    if (outcome === 'row') return;
    const dialog = await page.evaluate(() => ({
      open: document.querySelector('dialog')?.open ?? false,
      error: document.querySelector('dialog .form-error')?.textContent ?? null,
      submitDisabled: (document.querySelector('dialog button[type="submit"]') as HTMLButtonElement | null)?.disabled ?? null,
      users: document.querySelector('.users-page caption')?.textContent ?? null,
    }));
    throw new Error(`after submitting, ${outcome}: the page shows ${JSON.stringify(dialog)}; errors in the page: ${JSON.stringify(pageErrors)}`);
  }

  /** Opens the add-user dialog; if it does not open within 8 s, fails saying what the page shows. */
  async function openAddUser(): Promise<void> {
    try {
      await page.click('button:has-text("+ Add user")', { timeout: 8000 });
      await page.waitForSelector('dialog #user-username', { timeout: 8000 });
    } catch (error) {
      const state = await page.evaluate(() => ({
        hash: location.hash,
        dialogs: Array.from(document.querySelectorAll('dialog')).map((d) => ({
          open: d.open,
          label: d.getAttribute('aria-label') ?? d.textContent?.slice(0, 80),
        })),
        users: document.querySelector('.users-page')?.textContent?.slice(0, 200) ?? null,
        header: document.querySelector('header')?.textContent?.slice(0, 200) ?? null,
      }));
      throw new Error(
        `the add-user dialog did not open (${(error as Error).message.split('\n')[0]}): the page shows ${JSON.stringify(state)}; page errors ${JSON.stringify(pageErrors)}`,
        { cause: error },
      );
    }
  }

  const row = (username: string) => page.locator('.users-page tr[data-user-id]', { has: page.locator(`td:text-is("${username}")`) });

  beforeAll(async () => {
    [service, browser] = await Promise.all([startDashboardService(), launchBrowser()]);
    admin = await apiLogin(service);
    page = await (await signedInContext(browser, service, VIEWPORTS.tablet)).newPage();
    pageErrors = watchPageErrors(page);
    await page.goto(`${service.url}#/users`);
    await page.waitForSelector('.users-page table');
  });

  afterAll(async () => {
    await browser?.close();
    await service?.stop({ cleanup: true });
  });

  it('adds a user with a role and a PIN, then changes the role', async () => {
    await openAddUser();
    await page.fill('dialog #user-username', 'pia');
    await page.fill('dialog #user-displayName', 'Pia Press');
    await page.selectOption('dialog #user-role', 'viewer');
    await page.fill('dialog #user-pin', '246813');
    await page.fill('dialog #user-password', 'pia-password-123');
    await page.click('dialog button[type="submit"]');
    await submitted(row('pia'));
    expect(await row('pia').locator('.user-role').textContent()).toBe('viewer');
    expect(await row('pia').locator('.user-pin').textContent()).toBe('set');
    expect(await userRow('pia')).toMatchObject({ role: 'viewer', hasPin: true });

    await row('pia').locator('button:has-text("Edit")').click();
    await page.selectOption('dialog #user-role', 'operator');
    await page.click('dialog button[type="submit"]');
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll('.users-page tr[data-user-id]')).some(
        (tr) => tr.textContent?.includes('pia') && tr.querySelector('.user-role')?.textContent === 'operator',
      ),
    );
    expect((await userRow('pia')).role).toBe('operator');
  });

  it('asks for 6 to 8 digits and does not take a 4-digit PIN', async () => {
    await openAddUser();
    expect(await page.textContent('dialog label[for="user-pin"]')).toContain('6 to 8 digits');
    await page.fill('dialog #user-username', 'ina');
    await page.fill('dialog #user-pin', '2468');
    await page.fill('dialog #user-password', 'ina-password-123');
    await page.click('dialog button[type="submit"]');
    expect(await page.$eval('dialog #user-pin', (input) => (input as HTMLInputElement).validity.valid)).toBe(false);
    expect(await page.isVisible('dialog')).toBe(true);
    await page.click('dialog button:has-text("Cancel")');
    const { body } = await api<{ users: UserRow[] }>(service, 'users', { cookie: admin });
    expect(body.users.some((user) => user.username === 'ina')).toBe(false);
  });

  it('the new operator signs in on the tablet keypad with name and PIN', async () => {
    expect(await keypadLogin('pia', '246813')).toMatchObject({ ok: true });
  });

  it('a disabled user cannot sign in', async () => {
    expectConsoleErrors(/status of 401 .*\/api\/auth\/login\)$/, 'the refused login answers 401, which Chromium logs');
    await row('pia').locator('button:has-text("Disable")').click();
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll('.users-page tr[data-user-id]')).some(
        (tr) => tr.textContent?.includes('pia') && tr.querySelector('.user-status')?.textContent === 'disabled',
      ),
    );
    expect((await userRow('pia')).disabled).toBe(true);
    const attempt = await keypadLogin('pia', '246813');
    expect(attempt.ok).toBe(false);
    expect(attempt.error).not.toBe('');
  });

  it('removes a PIN from the page: keypad login stops, the password still works, the audit says so', async () => {
    expectConsoleErrors(/status of 401 .*\/api\/auth\/login\)$/, 'the keypad login with the removed PIN answers 401, which Chromium logs');
    const created = await api(service, 'users', {
      method: 'POST',
      body: { username: 'rolf', displayName: 'Rolf Roller', role: 'operator', password: 'rolf-password-123', pin: '135724' },
      cookie: admin,
    });
    expect(created.status).toBe(201);
    await page.reload();
    await row('rolf').waitFor();
    await row('rolf').locator('button:has-text("Edit")').click();
    await page.check('dialog #user-remove-pin');
    await page.click('dialog button[type="submit"]');
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll('.users-page tr[data-user-id]')).some(
        (tr) => tr.textContent?.includes('rolf') && tr.querySelector('.user-pin')?.textContent === 'none',
      ),
    );
    expect((await userRow('rolf')).hasPin).toBe(false);

    expect((await keypadLogin('rolf', '135724')).ok).toBe(false);
    expect((await api(service, 'auth/login', { method: 'POST', body: { username: 'rolf', password: 'rolf-password-123' } })).status).toBe(200);
    const { body: audit } = await api<unknown>(service, 'audit?action=user.update', { cookie: admin });
    expect(JSON.stringify(audit)).toContain('pin-removed');
    expect(pageErrors).toEqual([]);
  });
});
