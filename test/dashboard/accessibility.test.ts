/**
 * Accessibility of every page against the real service, checked the way assistive
 * technology and keyboard users meet it: every control has an accessible name (Chromium's
 * own accessibility tree), the keyboard reaches and works the banner's Ack and the supply
 * form's submit, nothing scrolls sideways on a 390 px phone, the main texts have a
 * contrast of at least 4.5:1 (3:1 for large text) against what is behind them, and every
 * level bar stands out from its track by 3:1 or more (a black ink bar on the dark track was
 * nearly invisible), with levels below 10 % read to a tenth.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceProcess } from '../helpers/service-process.js';
import {
  api,
  apiLogin,
  boardReady,
  launchBrowser,
  quietDemoConfig,
  signedInContext,
  startDashboardService,
  VIEWPORTS,
  watchPageErrors,
} from './dashboard-harness.js';

const PAGES = [
  { name: 'board', hash: '#/', ready: '.press-tile' },
  { name: 'press detail', hash: '#/press/press-1', ready: '.press-detail, .press-tile' },
  { name: 'alarms', hash: '#/alarms?all=true', ready: '.alarm-table' },
  { name: 'supply', hash: '#/supply', ready: 'form.supply-form' },
  { name: 'shift report', hash: '#/reports', ready: '.shift-report[aria-busy="false"]' },
  { name: 'range report', hash: '#/reports/range', ready: '.range-report[aria-busy="false"]' },
  // last: the dialogs checked after the pages open from the users page
  { name: 'users', hash: '#/users', ready: '.users-page table' },
] as const;

/** Roles a person operates; each needs a name a screen reader can say. */
const CONTROL_ROLES = new Set([
  'button',
  'link',
  'textbox',
  'searchbox',
  'combobox',
  'listbox',
  'checkbox',
  'radio',
  'spinbutton',
  'slider',
  'switch',
  'menuitem',
  'tab',
]);

interface AxNode {
  ignored: boolean;
  role?: { value: string };
  name?: { value: string };
  backendDOMNodeId?: number;
}

/** Controls without an accessible name, from Chromium's computed accessibility tree. */
async function unnamedControls(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: AxNode[] };
    const unnamed = nodes.filter((node) => !node.ignored && CONTROL_ROLES.has(node.role?.value ?? '') && !(node.name?.value ?? '').trim());
    const described: string[] = [];
    for (const node of unnamed) {
      const { node: dom } = (await cdp.send('DOM.describeNode', { backendNodeId: node.backendDOMNodeId! })) as {
        node: { nodeName: string; attributes?: string[] };
      };
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
      const parts = m[1]!
        .split(/[ ,/]+/)
        .filter(Boolean)
        .map(Number);
      return [parts[0]!, parts[1]!, parts[2]!, parts[3] ?? 1];
    };
    const over = (top: Rgba, bottom: Rgba): Rgba => {
      const a = top[3];
      return [top[0] * a + bottom[0] * (1 - a), top[1] * a + bottom[1] * (1 - a), top[2] * a + bottom[2] * (1 - a), 1];
    };
    const luminance = ([r, g, b]: Rgba) => {
      const channel = (v: number) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
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
      if (ratio < (large ? 3 : 4.5))
        failures.push(
          `${ratio.toFixed(2)}:1 "${node.textContent.trim().slice(0, 40)}" <${element.tagName.toLowerCase()} class="${element.className}"> ${style.color} on rgb(${behind.slice(0, 3).map(Math.round).join(',')})`,
        );
    }
    return failures;
  });
}

/**
 * Level bars whose fill does not stand out from its track by 3:1 (WCAG 1.4.11, non-text
 * contrast): the better of the fill's own colour and its edge (the border where it meets the
 * track, 2 px or wider), each with the opacity it is drawn with, against the track's colour.
 */
function lowContrastBars(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    type Rgba = [number, number, number, number];
    const parse = (text: string): Rgba | null => {
      const m = text.match(/rgba?\(([^)]+)\)/);
      if (!m) return null;
      const parts = m[1]!
        .split(/[ ,/]+/)
        .filter(Boolean)
        .map(Number);
      return [parts[0]!, parts[1]!, parts[2]!, parts[3] ?? 1];
    };
    const over = (top: Rgba, bottom: Rgba): Rgba => {
      const a = top[3];
      return [top[0] * a + bottom[0] * (1 - a), top[1] * a + bottom[1] * (1 - a), top[2] * a + bottom[2] * (1 - a), 1];
    };
    const luminance = ([r, g, b]: Rgba) => {
      const channel = (v: number) => {
        const c = v / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    };
    const contrast = (a: Rgba, b: Rgba) => {
      const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
      return (light + 0.05) / (dark + 0.05);
    };
    const solidBehind = (element: Element): Rgba => {
      const layers: Rgba[] = [];
      for (let at: Element | null = element; at; at = at.parentElement) {
        const colour = parse(getComputedStyle(at).backgroundColor);
        if (colour && colour[3] > 0) {
          layers.push(colour);
          if (colour[3] >= 1) break;
        }
      }
      return layers.reverse().reduce<Rgba>((below, layer) => over(layer, below), [255, 255, 255, 1]);
    };
    const failures: string[] = [];
    for (const fill of Array.from(document.querySelectorAll<HTMLElement>('.level-track > .level-fill'))) {
      const track = fill.parentElement!;
      if (track.getBoundingClientRect().width === 0) continue;
      const trackColour = solidBehind(track);
      let opacity = 1;
      for (let at: Element | null = fill; at; at = at.parentElement) opacity *= Number(getComputedStyle(at).opacity);
      const style = getComputedStyle(fill);
      const fillColour = parse(style.backgroundColor)!;
      const vertical = fill.closest('.level-vertical') !== null;
      const edgeWidth = parseFloat(vertical ? style.borderTopWidth : style.borderRightWidth);
      const edgeColour = parse(vertical ? style.borderTopColor : style.borderRightColor)!;
      const ofFill = contrast(over([fillColour[0], fillColour[1], fillColour[2], fillColour[3] * opacity], trackColour), trackColour);
      const ofEdge =
        edgeWidth >= 2 && style.borderStyle !== 'none'
          ? contrast(over([edgeColour[0], edgeColour[1], edgeColour[2], edgeColour[3] * opacity], trackColour), trackColour)
          : 0;
      const ratio = Math.max(ofFill, ofEdge);
      if (ratio < 3) {
        const meter = fill.closest('[role="meter"]');
        failures.push(
          `${ratio.toFixed(2)}:1 "${meter?.getAttribute('aria-label') ?? fill.id}" fill ${style.backgroundColor}, edge ${edgeWidth}px ${vertical ? style.borderTopColor : style.borderRightColor} on rgb(${trackColour.slice(0, 3).map(Math.round).join(',')})`,
        );
      }
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
    // no simulated assistant: the levels a test sets stay as set (it would refill a low one)
    [service, browser] = await Promise.all([startDashboardService({ config: quietDemoConfig({ assistant: false }) }), launchBrowser()]);
    const admin = await apiLogin(service);
    // an unacknowledged jam, so the banner and its Ack button are on every page
    expect(
      (await api(service, 'simulation/presses/press-1/events', { method: 'POST', body: { action: 'jam', code: 'jam.feeder' }, cookie: admin })).status,
    ).toBe(200);
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
    for (const [name, opener] of [
      ['add user', 'button:has-text("+ Add user")'],
      ['edit user', '.users-page tr[data-user-id] button:has-text("Edit")'],
      ['ack', '#alarm-banner button.ack'],
    ] as const) {
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
    await page.evaluate(() =>
      document
        .getElementById('main')!
        .append(Object.assign(document.createElement('p'), { id: 'probe-grey', textContent: 'faint words', style: 'color: #5a6470' })),
    );
    expect(await lowContrastTexts(page)).toEqual([expect.stringMatching(/^[0-3]\.\d\d:1 "faint words"/)]);
    await page.evaluate(() => document.getElementById('probe-grey')!.remove());
  });

  it('shows a level below 10 % to a tenth: 0.5 % is not "1 %"', async () => {
    // press 1 is held by the jam, so nothing it prints moves these levels
    const admin = await apiLogin(service);
    for (const [unit, level] of [
      [1, 0.5],
      [2, 9.9],
      [3, 10],
      [4, 60],
    ] as const) {
      expect(
        (await api(service, 'simulation/presses/press-1/events', { method: 'POST', body: { action: 'refill-ink', unit, level }, cookie: admin })).status,
      ).toBe(200);
    }
    await open('#/', '.press-tile');
    const tile = '.press-tile[data-press-id="press-1"] .ink-row';
    await page.waitForFunction(
      (selector) =>
        Array.from(document.querySelectorAll(`${selector} .level-value`))
          .map((v) => v.textContent)
          .join('|') === '0.5 %|9.9 %|10 %|60 %',
      tile,
      { timeout: 10_000 },
    );
    const meters = await page.$$eval(`${tile} [role="meter"]`, (elements) =>
      elements.map((meter) => ({ now: meter.getAttribute('aria-valuenow'), label: meter.getAttribute('aria-label') })),
    );
    expect(meters[0]).toEqual({ now: '0.5', label: expect.stringMatching(/: 0\.5 %, low$/) });
  });

  it('every level bar stands out from its track by 3:1 or more, the black ink bar included', async () => {
    const problems: string[] = [];
    for (const target of [PAGES[0], PAGES[1]]) {
      await open(target.hash, target.ready);
      const bars = await page.$$eval('.level-track > .level-fill', (fills) => fills.length);
      expect(bars, `level bars on ${target.name}`).toBeGreaterThan(4);
      for (const failure of await lowContrastBars(page)) problems.push(`${target.name}: ${failure}`);
    }
    await open('#/', '.press-tile');
    // the board's black bar (press 1, unit 4) is among those checked
    expect(
      await page.$eval(
        '.press-tile[data-press-id="press-1"] .ink-row [role="meter"]:nth-child(4) .level-fill',
        (fill) => getComputedStyle(fill).backgroundColor,
      ),
    ).toBe('rgb(43, 43, 43)');
    expect(problems).toEqual([]);
    // the check itself sees what it must: a fill of the track's colour without an edge is reported
    await page.evaluate(() => {
      const probe = document.querySelector('.level-vertical')!.cloneNode(true) as HTMLElement;
      probe.id = 'probe-bar';
      probe.setAttribute('aria-label', 'probe');
      const fill = probe.querySelector<HTMLElement>('.level-fill')!;
      fill.style.background = 'rgb(44, 53, 66)';
      fill.style.border = 'none';
      document.getElementById('main')!.append(probe);
    });
    expect(await lowContrastBars(page)).toEqual([expect.stringMatching(/^1\.00:1 "probe"/)]);
    await page.evaluate(() => document.getElementById('probe-bar')!.remove());
  });

  it("Tab reaches the banner's Ack button; Enter and Space work it", async () => {
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
    const alarmId = await page.evaluate(() => document.activeElement?.closest('[data-alarm-id]')?.getAttribute('data-alarm-id'));
    expect(alarmId).toBeTruthy();
    await page.keyboard.press('Space');
    await page.waitForSelector('dialog[open] textarea[name="note"]');
    await page.keyboard.type('keyboard only');
    await tabTo('dialog[open] button[type="submit"]', 5);
    await page.keyboard.press('Enter');
    // that alarm is acknowledged (others, such as the low ink set above, may still wait)
    await page.waitForFunction((id) => !document.querySelector(`#alarm-banner [data-alarm-id="${id}"] button.ack`), alarmId);
  });

  it("Tab reaches the supply form's submit; Enter and Space send the form", async () => {
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
          .slice(0, 5)
          .map((element) => `<${element.tagName.toLowerCase()} class="${element.className}">`),
      }));
      if (scrollWidth > clientWidth) wide.push(`${target.name}: ${scrollWidth} > ${clientWidth} (${culprits.join(', ')})`);
    }
    expect(wide).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
