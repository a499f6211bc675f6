/**
 * What the dashboard's browser tests share: the built dashboard, the real service as a
 * child process, one headless Chromium (the Debian package; never a downloaded browser),
 * and sign-in through the real API.
 *
 * Every page of every browser launched here is watched: a console error (a failed request
 * included: Chromium logs a 401 or a refused connection as one) or an uncaught exception
 * fails the test it happens in, unless that test said it expects it (`expectConsoleErrors`).
 * A wall screen's console stays clean in normal use; a red line there is a bug or a lie.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, expect } from 'vitest';
import YAML from 'yaml';
import { ADMIN_PASSWORD, repoRoot, startService, type ServiceProcess, type StartServiceOptions } from '../helpers/service-process.js';

export const artifactsDir = path.join(repoRoot, 'test-artifacts');

export const VIEWPORTS = {
  wall: { width: 1920, height: 1080 },
  tablet: { width: 1024, height: 768 },
  phone: { width: 390, height: 844 },
} as const;

/** Builds dashboard/dist when a source is newer (a no-op after `npm install`). */
export function ensureDashboardBuilt(): void {
  execFileSync(process.execPath, [path.join(repoRoot, 'dashboard/scripts/ensure-built.mjs')], { cwd: repoRoot, stdio: 'inherit' });
}

/** Console errors and uncaught exceptions seen since the last check, in every watched page. */
const consoleTrouble: string[] = [];
/** What the running test said it causes on purpose (a refused connection while the service is down). */
const expectedTrouble: { pattern: RegExp; why: string }[] = [];

/** Watches every page of the context, the ones opened later included. */
export function watchConsole(context: BrowserContext): void {
  context.on('console', (message) => {
    if (message.type() !== 'error') return;
    const where = message.location().url;
    consoleTrouble.push(`console.error: ${message.text()}${where ? ` (${where})` : ''}`);
  });
  const watchPage = (page: Page) => page.on('pageerror', (error) => consoleTrouble.push(`uncaught: ${error.message}`));
  context.pages().forEach(watchPage);
  context.on('page', watchPage);
}

/**
 * The current test causes console errors matching `pattern` on purpose (`why` says how), so
 * they do not fail it. Cleared after each test.
 */
export function expectConsoleErrors(pattern: RegExp, why: string): void {
  expectedTrouble.push({ pattern, why });
}

/** The console errors seen so far that no `expectConsoleErrors` of the current test explains; clears the list. */
export function unexpectedConsoleErrors(): string[] {
  return consoleTrouble.splice(0).filter((text) => !expectedTrouble.some(({ pattern }) => pattern.test(text)));
}

afterEach(() => {
  const unexpected = unexpectedConsoleErrors();
  expectedTrouble.length = 0;
  expect(unexpected, 'console errors or uncaught exceptions in the browser').toEqual([]);
});

afterAll(() => {
  // what came after the last test (a redraw, a late request) still counts
  expect(unexpectedConsoleErrors(), 'console errors or uncaught exceptions in the browser after the last test').toEqual([]);
});

/** `args`: extra Chromium switches (e.g. an autoplay policy as a desktop browser has it). */
export async function launchBrowser(options: { args?: string[] } = {}): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...(options.args ?? []),
    ],
  });
  // browser.newPage() goes through newContext() too: every context of this browser is watched
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (contextOptions) => {
    const context = await newContext(contextOptions);
    watchConsole(context);
    return context;
  };
  return browser;
}

/**
 * The embedded demo config with random jams turned off, so a test's injected jam is the
 * only one (the rest of the demo, simulated assistant included, is unchanged). `assistant:
 * false` also turns off the simulated assistant, which clears jams and refills low levels by
 * itself a few seconds later: a test that counts on an alarm staying as it made it needs that.
 * `polling` overrides a press's polling settings by press id (merged over its profile's).
 */
export function quietDemoConfig(options: { assistant?: boolean; polling?: Record<string, Record<string, unknown>> } = {}): string {
  const source = path.join(repoRoot, 'config/default.yaml');
  const config = YAML.parse(readFileSync(source, 'utf8')) as {
    profilesDir?: string;
    presses: { id: string; polling?: Record<string, unknown>; simulation?: Record<string, unknown> }[];
  };
  config.profilesDir = path.resolve(path.dirname(source), config.profilesDir ?? 'profiles');
  for (const press of config.presses) {
    press.simulation = { ...press.simulation, jamMeanIntervalMin: 0, ...(options.assistant === false ? { autoAssistant: false } : {}) };
    if (options.polling?.[press.id]) press.polling = options.polling[press.id];
  }
  const dir = path.join(tmpdir(), `pressroom-dashboard-config-${process.pid}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'quiet-demo.yaml');
  writeFileSync(file, YAML.stringify(config));
  return file;
}

export async function startDashboardService(options: StartServiceOptions = {}): Promise<ServiceProcess> {
  ensureDashboardBuilt();
  return startService(options);
}

/** Signs in over the API; returns the session cookie ("name=value") for Node-side requests. */
export async function apiLogin(
  service: ServiceProcess,
  credentials: { username: string; password?: string; pin?: string } = { username: 'admin', password: ADMIN_PASSWORD },
): Promise<string> {
  const response = await fetch(`${service.url}api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(credentials),
  });
  if (response.status !== 200) throw new Error(`login as ${credentials.username} failed: ${response.status} ${await response.text()}`);
  const cookie = response.headers.get('set-cookie');
  if (!cookie) throw new Error('login answered without a session cookie');
  return cookie.split(';')[0]!;
}

export async function api<T>(
  service: ServiceProcess,
  route: string,
  options: { method?: string; body?: unknown; cookie?: string } = {},
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${service.url}api/${route.replace(/^\//, '')}`, {
    method: options.method ?? 'GET',
    headers: { ...(options.body === undefined ? {} : { 'content-type': 'application/json' }), ...(options.cookie ? { cookie: options.cookie } : {}) },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}

/** A browser context already signed in as `credentials` (cookies shared with its pages). */
export async function signedInContext(
  browser: Browser,
  service: ServiceProcess,
  viewport: { width: number; height: number },
  credentials?: { username: string; password?: string; pin?: string },
): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport });
  const response = await context.request.post(`${service.url}api/auth/login`, { data: credentials ?? { username: 'admin', password: ADMIN_PASSWORD } });
  if (response.status() !== 200) throw new Error(`browser login failed: ${response.status()} ${await response.text()}`);
  return context;
}

/** Collects page errors so a test can assert the app threw none. */
export function watchPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

export async function boardReady(page: Page, presses: number): Promise<void> {
  await page.waitForFunction((count) => document.querySelectorAll('.press-tile').length === count && document.body.dataset.connection === 'live', presses, {
    timeout: 15_000,
  });
}
