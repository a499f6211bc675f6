/**
 * Accessibility of every page against the real service, checked the way assistive
 * technology and keyboard users meet it: every control has an accessible name (Chromium's
 * own accessibility tree), the keyboard reaches and works the banner's Ack and the supply
 * form's submit, nothing scrolls sideways on a 390 px phone, and the main texts have a
 * contrast of at least 4.5:1 (3:1 for large text) against what is behind them.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceProcess } from '../helpers/service-process.js';
import { api, apiLogin, boardReady, launchBrowser, quietDemoConfig, signedInContext, startDashboardService, VIEWPORTS, watchPageErrors } from './dashboard-harness.js';

const PAGES = [
  { name: 'board', hash: '#/', ready: '.press-tile' },
  { name: 'press detail', hash: '#/press/press-1', ready: '.press-detail, .press-tile' },
  { name: 'alarms', hash: '#/alarms?all=true', ready: '.alarm-table' },
  { name: 'supply', hash: '#/supply', ready: 'form.supply-form' },
  { name: 'users', hash: '#/users', ready: '.users-page table' },
] as const;

/** Roles a person operates; each needs a name a screen reader can say. */
const CONTROL_ROLES = new Set(['button', 'link', 'textbox', 'searchbox', 'combobox', 'listbox', 'checkbox', 'radio', 'spinbutton', 'slider', 'switch', 'menuitem', 'tab']);

interface AxNode { ignored: boolean; role?: { value: string }; name?: { value: string }; backendDOMNodeId?: number }

/** Controls without an accessible name, from Chromium's computed accessibility tree. */
async function unnamedControls(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: AxNode[] };
    const unnamed = nodes.filter((node) => !node.ignored && CONTROL_ROLES.has(node.role?.value ?? '') && !(node.name?.value ?? '').trim());
    const described: string[] = [];
    for (const node of unnamed) {
      const { node: dom } = (await cdp.send('DOM.describeNode', { backendNodeId: node.backendDOMNodeId! })) as { node: { nodeName: string; attributes?: string[] } };
      described.push(`${node.role!.value} <${dom.nodeName.toLowerCase()} ${(dom.attributes ?? []).join(' ')}>`);
    }
    return described;
  } finally {
    await cdp.detach();
  }
}

/** Text elements whose contrast is below 4.5:1 (3:1 when large), with the ratio found. */
function lowContrastTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    type Rgba = [number, number, number, number];
    const parse = (text: string): Rgba | null => {
      const m = text.match(/rgba?\(([^)]+)\)/);
      if (!m) return null;
      const parts = m[1]!.split(/[ ,/]+/).filter(Boolean).map(Number);
      return [parts[0]!, parts[1]!, parts[2]!, parts[3] ?? 1];
    };
    const over = (top: Rgba, bottom: Rgba): Rgba => {
      const a = top[3];
      return [top[0] * a + bottom[0] * (1 - a), top[1] * a + bottom[1] * (1 - a), top[2] * a + bottom[2] * (1 - a), 1];
    };
    const luminance = ([r, g, b]: Rgba) => {
      const channel = (v: number) => { const s = v / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    };
    /** The solid colour behind an element: its own and its ancestors' backgrounds, stacked. */
    const background = (element: Element): Rgba | 'image' => {
      const layers: Rgba[] = [];
      for (let at: Element | null = element; at; at = at.parentElement) {
        const style = getComputedStyle(at);
        if (style.backgroundImage !== 'none') return 'image';
        const colour = parse(style.backgroundColor);
        if (colour && colour[3] > 0) {
          layers.push(colour);
          if (colour[3] >= 1) break;
        }
      }
      return layers.reverse().reduce<Rgba>((below, layer) => over(layer, below), [255, 255, 255, 1]);
    };
    const failures: string[] = [];
    const seen = new Set<Element>();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const element = node.parentElement;
      if (!element || seen.has(element) || !node.textContent?.trim()) continue;
      seen.add(element);
      if (element.closest('[hidden], [aria-hidden="true"], script, style, .visually-hidden, button:disabled, dialog:not([open])')) continue;
      const rect = element.getBoundingClientRect();
      if (rect.width === 0 || rect.height === 0) continue;
      const style = getComputedStyle(element);
      if (style.visibility === 'hidden') continue;
      const behind = background(element);
      if (behind === 'image') continue; // hatched or striped on purpose: checked by eye in the screenshots
      let colour = parse(style.color)!;
      let opacity = 1;
      for (let at: Element | null = element; at; at = at.parentElement) opacity *= Number(getComputedStyle(at).opacity);
      colour = over([colour[0], colour[1], colour[2], colour[3] * opacity], behind);
      const [light, dark] = [luminance(colour), luminance(behind)].sort((a, b) => b - a) as [number, number];
      const ratio = (light + 0.05) / (dark + 0.05);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) failures.push(`${ratio.toFixed(2)}:1 "${node.textContent.trim().slice(0, 40)}" <${element.tagName.toLowerCase()} class="${element.className}"> ${style.color} on rgb(${behind.slice(0, 3).map(Math.round).join(',')})`);
    }
    return failures;
  });
}

describe('accessibility of every page', () => {
  let service: ServiceProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[];

  async function open(hash: string, ready: string): Promise<void> {
    await page.goto(`${service.url}${hash}`);
    await page.waitForSelector(ready);
    await page.waitForFunction(() => document.body.dataset.connection === 'live');
  }

  /** Presses Tab until `selector` has focus; the number of presses, or fails. */
  async function tabTo(selector: string, most = 120): Promise<number> {
    for (let presses = 1; presses <= most; presses++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate((wanted) => document.activeElement?.matches(wanted) ?? false, selector)) return presses;
    }
    throw new Error(`Tab never reached ${selector} in ${most} presses`);
  }

  beforeAll(async () => {
    [service, browser] = await Promise.all([startDashboardService({ config: quietDemoConfig() }), launchBrowser()]);
    const admin = await apiLogin(service);
    // an unacknowledged jam, so the banner and its Ack button are on every page
    expect((await api(service, 'simulation/presses/press-1/events', { method: 'POST', body: { action: 'jam', code: 'jam.feeder' }, cookie: admin })).status).toBe(200);
    context = await signedInContext(browser, service, VIEWPORTS.tablet); // admin: sees every page
    page = await context.newPage();
    pageErrors = watchPageErrors(page);
    await page.goto(service.url);
    await boardReady(page, 3);
    await page.waitForSelector('#alarm-banner button.ack');
  });

  afterAll(async () => {
    await browser?.close();
    await service?.stop({ cleanup: true });
  });

  it('every control on every page has an accessible name (tablet size)', async () => {
    const problems: string[] = [];
    for (const target of PAGES) {
      await open(target.hash, target.ready);
      for (const control of await unnamedControls(page)) problems.push(`${target.name}: ${control}`);
    }
    // and the dialogs: add user, edit user, acknowledge
    for (const [name, opener] of [['add user', 'button:has-text("+ Add user")'], ['edit user', '.users-page tr[data-user-id] button:has-text("Edit")'], ['ack', '#alarm-banner button.ack']] as const) {
      await page.locator(opener).first().click();
      await page.waitForSelector('dialog[open]');
      for (const control of await unnamedControls(page)) problems.push(`${name} dialog: ${control}`);
      await page.keyboard.press('Escape');
      await page.waitForSelector('dialog[open]', { state: 'detached' });
    }
    expect(problems).toEqual([]);
    // the check itself sees what it must: a bare icon button is reported
    await page.evaluate(() => document.getElementById('main')!.append(Object.assign(document.createElement('button'), { id: 'probe-unnamed' })));
    expect(await unnamedControls(page)).toEqual([expect.stringContaining('id probe-unnamed')]);
    await page.evaluate(() => document.getElementById('probe-unnamed')!.remove());
  });

  it('the main texts on every page have a contrast of at least 4.5:1', async () => {
    const problems: string[] = [];
    for (const target of PAGES) {
      await open(target.hash, target.ready);
      for (const failure of await lowContrastTexts(page)) problems.push(`${target.name}: ${failure}`);
    }
    expect(problems).toEqual([]);
    // the check itself sees what it must: grey on the dark panel is reported, with its ratio
    await page.evaluate(() => document.getElementById('main')!.append(Object.assign(document.createElement('p'), { id: 'probe-grey', textContent: 'faint words', style: 'color: #5a6470' })));
    expect(await lowContrastTexts(page)).toEqual([expect.stringMatching(/^[0-3]\.\d\d:1 "faint words"/)]);
    await page.evaluate(() => document.getElementById('probe-grey')!.remove());
  });

  it('Tab reaches the banner\'s Ack button; Enter and Space work it', async () => {
    await open('#/', '.press-tile');
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await tabTo('#alarm-banner button.ack');
    // the banner redraws whenever an alarm or the sound changes: the focus must survive it
    await page.evaluate(() => {
      const { sound } = (window as unknown as { pressroom: { sound: { mute(minutes: number): void; unmute(): void } } }).pressroom;
      sound.mute(1);
      sound.unmute();
    });
    expect(await page.evaluate(() => document.activeElement?.matches('#alarm-banner button.ack'))).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForSelector('dialog[open] textarea[name="note"]');
    await page.keyboard.press('Escape');
    await page.waitForSelector('dialog[open]', { state: 'detached' });
    // focus is back on the Ack button; Space opens it too, and the note is submitted from the keyboard
    expect(await page.evaluate(() => document.activeElement?.matches('#alarm-banner button.ack'))).toBe(true);
    await page.keyboard.press('Space');
    await page.waitForSelector('dialog[open] textarea[name="note"]');
    await page.keyboard.type('keyboard only');
    await tabTo('dialog[open] button[type="submit"]', 5);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => !document.querySelector('#alarm-banner button.ack'));
  });

  it('Tab reaches the supply form\'s submit; Enter and Space send the form', async () => {
    await open('#/supply', 'form.supply-form');
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await tabTo('form.supply-form button.submit-supply');
    await page.keyboard.press('Enter');
    expect(await page.textContent('form.supply-form .form-error')).toBe('Choose a press.');

    await page.click('label.choice:has-text("Sheetfed 1")');
    await page.click('label.choice:has-text("Paper")');
    await page.fill('#supply-lot', 'KEYBOARD-1');
    await page.fill('#supply-quantity', '500');
    await page.focus('#supply-note');
    await tabTo('form.supply-form button.submit-supply', 5);
    await page.keyboard.press('Space');
    await page.waitForSelector('.outbox-item:has-text("KEYBOARD-1")');
  });

  it('nothing scrolls sideways on a 390 px phone, on any page', async () => {
    await page.setViewportSize(VIEWPORTS.phone);
    const wide: string[] = [];
    for (const target of PAGES) {
      await open(target.hash, target.ready);
      const { scrollWidth, clientWidth, culprits } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
        culprits: Array.from(document.querySelectorAll<HTMLElement>('body *'))
          .filter((element) => element.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && !element.closest('.table-scroll'))
          .slice(0, 5).map((element) => `<${element.tagName.toLowerCase()} class="${element.className}">`),
      }));
      if (scrollWidth > clientWidth) wide.push(`${target.name}: ${scrollWidth} > ${clientWidth} (${culprits.join(', ')})`);
    }
    expect(wide).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
