/**
 * The reports page against the real service, on a past early shift written into its data
 * folder by the production feature's own code (shift-seed.ts) before it starts: what a
 * manager sees the morning after. The shift report (OEE per press as the API computes it, the
 * worst cause first on the Pareto, the timeline in the causes' colours, the jobs with their
 * make-ready), a table's CSV, the job report, MTBF/MTTR of jams over a range, and the layout:
 * a print on A4 and screens of 1920, 1024 and 390 px that never scroll sideways. Screenshots
 * and the printed PDF go to test-artifacts/.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import type { OeeRow, ReliabilityRow, DowntimeCauseTotal } from '../../src/model/production.js';
import { repoRoot, type ServiceProcess } from '../helpers/service-process.js';
import { api, apiLogin, artifactsDir, launchBrowser, quietDemoConfig, startDashboardService, VIEWPORTS } from './dashboard-harness.js';
import { seedShift, seedShifts, type SeededShift } from './shift-seed.js';

const MIN = 60_000;
const A4 = { width: 794, height: 1123 }; // 210 × 297 mm at 96 px per inch
const ratio = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)} %`);

describe('the reports page', () => {
  let service: ServiceProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let shift: SeededShift;

  async function openShiftReport(): Promise<void> {
    await page.goto(`${service.url}#/reports`);
    await page.waitForSelector(`#shift-picker option[value="${shift.from}"]`, { state: 'attached' });
    await page.selectOption('#shift-picker', String(shift.from));
    await page.waitForFunction(
      (day) => document.querySelector('.shift-report[aria-busy="false"] .report-period')?.textContent?.startsWith(`early ${day}`) ?? false,
      shift.day,
      { timeout: 15_000 },
    );
  }

  /** Clicks a CSV link and reads the download: its rows as objects by the header's names. */
  async function downloadCsv(link: string): Promise<Record<string, string>[]> {
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator(link).click()]);
    return csvRows(readFileSync((await download.path())!, 'utf8'));
  }

  /** The file a CSV link of the page points at, fetched as the browser would (the same address, no session needed). */
  async function linkedCsv(link: string): Promise<Record<string, string>[]> {
    const href = (await page.getAttribute(link, 'href'))!;
    expect(await page.getAttribute(link, 'download')).toBe('');
    const response = await fetch(new URL(href, service.url));
    expect(response.status).toBe(200);
    return csvRows(await response.text());
  }

  function csvRows(text: string): Record<string, string>[] {
    const lines = text.trim().split(/\r?\n/);
    const header = lines[0]!.split(',');
    return lines.slice(1).map((line) => Object.fromEntries(line.split(',').map((v, i) => [header[i], v])));
  }

  /** What sticks out of the window on the right (the page would scroll sideways); none is []. */
  const scrollsSideways = () =>
    page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      if (document.documentElement.scrollWidth <= width + 1) return [];
      return Array.from(document.querySelectorAll('body *'))
        .filter((el) => el.getBoundingClientRect().right > width + 1 && !el.closest('.table-scroll'))
        .slice(0, 5)
        .map((el) => `${el.tagName.toLowerCase()}.${el.className} right ${Math.round(el.getBoundingClientRect().right)} px`);
    });

  beforeAll(async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'pressroom-reports-'));
    const day = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
    shift = seedShift({ dataDir, day });
    const file = quietDemoConfig({ assistant: false });
    const config = YAML.parse(readFileSync(file, 'utf8')) as { shifts?: unknown; buses: { simulationTimeScale?: number }[] };
    config.shifts = seedShifts;
    // the seeded presses ran in real time: rated speed is per wall-clock hour (no demo time scale)
    for (const bus of config.buses) bus.simulationTimeScale = 1;
    writeFileSync(file, YAML.stringify(config));
    [service, browser] = await Promise.all([startDashboardService({ config: file, dataDir }), launchBrowser()]);
    context = await browser.newContext({ viewport: VIEWPORTS.wall, timezoneId: 'UTC', acceptDownloads: true });
    page = await context.newPage();
    mkdirSync(artifactsDir, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await service?.stop({ cleanup: true });
  });

  it('shows the shift’s OEE per press as the API computes it, the losses, the worst cause first and the timeline in the causes’ colours', async () => {
    await openShiftReport();
    const range = `from=${shift.from}&to=${shift.to}`;
    const { rows } = (await api<{ rows: OeeRow[] }>(service, `reports/oee?${range}&groupBy=shift`)).body;
    const press1 = rows.find((r) => r.pressId === 'press-1')!;
    // 450 min of shift without the break, less 60 min of planned make-ready and wash-up; run 285 min
    expect([press1.plannedMs / MIN, press1.runMs / MIN]).toEqual([390, 285]);
    for (const row of rows) {
      for (const figure of ['availability', 'performance', 'quality', 'oee'] as const) {
        expect(await page.textContent(`.oee-table tr[data-press-id="${row.pressId}"] td[data-figure="${figure}"]`)).toBe(ratio(row[figure]));
        expect(await page.textContent(`.press-report[data-press-id="${row.pressId}"] .oee-figure[data-figure="${figure}"] dd`)).toBe(ratio(row[figure]));
      }
    }
    expect(await page.textContent('.press-report[data-press-id="press-1"] .oee-figure[data-figure="availability"] dd')).toBe('73.1 %');

    const { causes } = (await api<{ causes: DowntimeCauseTotal[] }>(service, `reports/downtime?${range}&pressId=press-1`)).body;
    expect(causes[0]).toMatchObject({ code: 'waiting-paper', durationMs: 60 * MIN, count: 1 });
    const pareto = '.press-report[data-press-id="press-1"] .pareto tbody tr';
    expect(await page.locator(pareto).evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.cause))).toEqual(causes.map((c) => c.code));
    expect(await page.textContent(`${pareto} >> nth=0`)).toContain('Waiting for paper');
    expect(await page.textContent('.press-report[data-press-id="press-1"] .loss-bar')).toContain('Downtime: Waiting for paper: 1 h 00 min');

    const segment = await page.$eval('.press-report[data-press-id="press-1"] .timeline-segment[data-cause="waiting-paper"]', (el) => ({
      width: (el as HTMLElement).style.width,
      fill: getComputedStyle(el).backgroundColor,
    }));
    const swatch = await page.$eval(`${pareto}[data-cause="waiting-paper"] .swatch`, (el) => getComputedStyle(el).backgroundColor);
    expect(segment.fill).toBe(swatch);
    expect(Number.parseFloat(segment.width)).toBeCloseTo((60 / 480) * 100, 2);
    // the supplies feature's consumption over the shift: press-1's cyan fountain fell 20 points
    expect(await page.textContent('.supplies-used tr[data-press-id="press-1"]:has-text("Ink unit 1")')).toContain('20.0 % of the fountain');
    await page.screenshot({ path: path.join(artifactsDir, 'reports-shift-1920.png'), fullPage: true });
    // the docs' picture: written when missing or asked for, so a test run leaves the tree clean
    const docsImage = path.join(repoRoot, 'docs/img/reports.png');
    if (!existsSync(docsImage) || process.env.PRESSROOM_UPDATE_SCREENSHOTS === '1') await page.screenshot({ path: docsImage });
  }, 60_000);

  it('lists the shift’s jobs with make-ready time and waste; the CSV link downloads that table', async () => {
    await openShiftReport();
    const cell = (jobId: string, figure: string) => page.textContent(`.jobs-table tr[data-job-id="${jobId}"] td[data-figure="${figure}"]`);
    expect([await cell('24-1187', 'make-ready'), await cell('24-1187', 'make-ready-waste')]).toEqual(['26.0 min', '150']);
    expect([await cell('24-1188', 'make-ready'), await cell('24-1188', 'make-ready-waste')]).toEqual(['21.0 min', '80']);

    const rows = await downloadCsv('.report-table:has(.jobs-table) a.csv-link');
    expect(rows.map((r) => [r.jobId, r.makeReadyMinutes, r.makeReadyWaste]).sort()).toEqual([
      ['24-1187', '26', '150'],
      ['24-1188', '21', '80'],
    ]);
  }, 60_000);

  it('has a CSV for every table of the shift report: the timeline’s stretches with their causes and the supplies used as measured', async () => {
    await openShiftReport();
    const withoutCsv = await page
      .locator('.shift-report .report-table')
      .evaluateAll((tables) => tables.filter((t) => !t.querySelector('a.csv-link')).map((t) => t.querySelector('h3')?.textContent));
    expect(withoutCsv).toEqual([]);
    const press1 = '.press-report[data-press-id="press-1"]';
    expect(await page.locator(`${press1} .report-table-head:has(h3:text("Run states by cause")) a.csv-link`).count()).toBe(1);

    // the timeline: the same stretches the page draws, the 60 min paper wait under its cause
    const stretches = await linkedCsv(`${press1} .report-table-head:has(h3:text("Run states by cause")) a.csv-link`);
    expect(stretches).toHaveLength(await page.locator(`${press1} .cause-timeline .timeline-segment`).count());
    expect(stretches.filter((r) => r.causeCode === 'waiting-paper').map((r) => [r.state, r.minutes, r.category])).toEqual([['stopped', '60', 'unplanned']]);

    // supplies used: the supplies feature's measured consumption, as on the page (cyan fell 20 points)
    const supplies = await linkedCsv('.report-table:has(.supplies-used) a.csv-link');
    const cyan = supplies.find((r) => r.press === 'press-1' && r.supply === 'ink' && r.unit === '1')!;
    expect(cyan.used_percent_points).toBe('20');
    expect(supplies.some((r) => r.press === 'press-1' && r.supply === 'paper' && r.shift === 'early')).toBe(true);
  }, 60_000);

  it('opens the job report from the jobs table: make-ready against plan, the downtime within it with causes, speed against rated', async () => {
    await openShiftReport();
    await page.click('.jobs-table tr[data-job-id="24-1187"] a');
    await page.waitForSelector('.job-report[aria-busy="false"]');
    expect(await page.textContent('#report-title')).toBe('Job 24-1187 · Brochure A4');
    const fact = (key: string) => page.textContent(`.job-fact[data-figure="${key}"] dd`);
    expect(await fact('make-ready')).toBe('26.0 min (planned 20.0 min)');
    expect(await fact('make-ready-waste')).toBe('150 sheets');
    expect(await fact('good')).toMatch(/^41[,. ]?300 of 40[,. ]?000 planned \(103\.3 %\)$/);
    expect(await fact('speed')).toMatch(/sheets\/h of 15[,. ]?000 rated/);
    const causes = await page.locator('.job-downtime tbody tr').evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.cause));
    expect(causes).toEqual(expect.arrayContaining(['jam.feeder', 'waiting-paper', 'jam']));
    expect(causes).not.toContain('jam.delivery'); // the second job's
    // the ink and paper table as CSV: what the page shows, per ink unit and the paper
    const inkCell = (await page.textContent('.job-supplies tbody tr:has-text("Ink unit 1") td.number'))!;
    const supplies = await linkedCsv('.report-table:has(.job-supplies) a.csv-link');
    expect(supplies.map((r) => r.supply)).toEqual(['ink', 'ink', 'ink', 'ink', 'paper']);
    expect(`${Number(supplies[0]!.usedPercentPoints).toFixed(1)} % of the fountain`).toBe(inkCell);
    expect(supplies.every((r) => r.jobId === '24-1187' && r.pressId === 'press-1')).toBe(true);
    await page.screenshot({ path: path.join(artifactsDir, 'reports-job-1920.png'), fullPage: true });
  }, 60_000);

  it('compares presses over a range with MTBF and MTTR of jams, as the API computes them', async () => {
    await page.goto(`${service.url}#/reports/range?from=${shift.day}&to=${shift.day}&groupBy=day`);
    await page.waitForSelector('.range-report[aria-busy="false"]', { timeout: 15_000 });
    const dayStart = Date.parse(`${shift.day}T00:00:00Z`);
    const { rows } = (await api<{ rows: ReliabilityRow[] }>(service, `reports/reliability?from=${dayStart}&to=${dayStart + 86_400_000}&cause=jam`)).body;
    const press1 = rows.find((r) => r.pressId === 'press-1')!;
    // three jams (feeder alarm 20 min, the PLC's 10 min, delivery alarm 15 min) in 285 min of run time
    expect(press1).toMatchObject({ failures: 3, runMs: 285 * MIN, mtbfMs: 95 * MIN, mttrMs: 15 * MIN });
    const row = '.reliability-table tr[data-press-id="press-1"]';
    expect(await page.textContent(`${row} td[data-figure="failures"]`)).toBe('3');
    expect(await page.textContent(`${row} td[data-figure="mtbf"]`)).toBe('1 h 35 min');
    expect(await page.textContent(`${row} td[data-figure="mttr"]`)).toBe('15.0 min');
    expect(await page.textContent('.reliability-table tr[data-press-id="press-2"] td[data-figure="mtbf"]')).toBe('— (no jam)');
    expect(await page.textContent(`.range-groups tr[data-group="${shift.day}"]`)).toContain('%');
    // the whole range per press: the service's groupBy=range row, on the page and in its CSV
    const whole = (await api<{ rows: OeeRow[] }>(service, `reports/oee?from=${dayStart}&to=${dayStart + 86_400_000}&groupBy=range`)).body.rows;
    const summary = await linkedCsv('.report-table:has(.range-summary) a.csv-link');
    for (const r of whole) {
      expect(await page.textContent(`.range-summary tr[data-press-id="${r.pressId}"] td[data-figure="oee"]`)).toBe(ratio(r.oee));
      expect(await page.textContent(`.range-summary tr[data-press-id="${r.pressId}"] td[data-figure="availability"]`)).toBe(ratio(r.availability));
      const line = summary.find((row) => row.pressId === r.pressId)!;
      expect([line.group, Number(line.oee), Number(line.plannedMinutes)]).toEqual(['range', Math.round(r.oee! * 10_000) / 10_000, r.plannedMs / MIN]);
    }
    await page.screenshot({ path: path.join(artifactsDir, 'reports-range-1920.png'), fullPage: true });
  }, 60_000);

  it('follows the shift going on: a stop coded over the API appears on the open report’s Pareto, without a reload, at most one load per 2 s', async () => {
    const admin = await apiLogin(service);
    const pressEvent = async (body: Record<string, unknown>) =>
      expect((await api(service, 'simulation/presses/press-1/events', { method: 'POST', body, cookie: admin })).status).toBe(200);
    await page.goto(`${service.url}#/reports`);
    await page.waitForSelector('.shift-report[aria-busy="false"] .press-report[data-press-id="press-1"] .pareto', { timeout: 15_000 });
    expect(await page.textContent('.reports-page [role="status"]')).toMatch(/still going/);
    const pareto = '.press-report[data-press-id="press-1"] .pareto';
    expect(await page.locator(`${pareto} tr[data-cause="breakdown"]`).count()).toBe(0);
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
    const loads: number[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/api/reports/oee') loads.push(Date.now());
    });

    // press-1 runs, then stops with a plain stop code: an uncoded stop, coded "Breakdown" over the API
    await pressEvent({ action: 'start' });
    await expect.poll(async () => (await api<{ state: string }>(service, 'presses/press-1')).body.state, { timeout: 20_000 }).toBe('production');
    await pressEvent({ action: 'stop', reason: 'none' });
    let stop: { id: number } | undefined;
    await expect
      .poll(
        async () =>
          (stop = (
            await api<{ events: { id: number; state: string; to: number | null }[] }>(service, 'downtime?pressId=press-1&uncoded=true')
          ).body.events.find((e) => e.state === 'stopped' && e.to === null)),
        { timeout: 10_000 },
      )
      .toBeDefined();
    expect((await api(service, `downtime/${stop!.id}/cause`, { method: 'POST', cookie: admin, body: { code: 'breakdown' } })).status).toBe(200);
    await page.waitForSelector(`${pareto} tr[data-cause="breakdown"]`, { timeout: 10_000 });
    expect(await page.textContent(`${pareto} tr[data-cause="breakdown"]`)).toContain('Breakdown');
    expect(await page.textContent('.press-report[data-press-id="press-1"] .loss-bar')).toContain('Downtime: Breakdown');
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    // throttled: the announcements of one stop (idle ended, stop, coding) never load the report twice within 2 s
    expect(loads.length).toBeGreaterThanOrEqual(1);
    for (let i = 1; i < loads.length; i++) expect(loads[i]! - loads[i - 1]!).toBeGreaterThanOrEqual(1_900);
    await pressEvent({ action: 'start' });
  }, 60_000);

  it('follows an open job report: a stop within the running job appears in its downtime table with the cause coded over the API', async () => {
    const admin = await apiLogin(service);
    const pressEvent = async (body: Record<string, unknown>) =>
      expect((await api(service, 'simulation/presses/press-2/events', { method: 'POST', body, cookie: admin })).status).toBe(200);
    const created = await api<{ id: number }>(service, 'jobs', { method: 'POST', cookie: admin, body: { jobId: 'L-2001', pressId: 'press-2', name: 'Flyer' } });
    expect(created.status).toBe(201);
    expect((await api(service, 'jobs/L-2001/start', { method: 'POST', cookie: admin, body: { pressId: 'press-2' } })).status).toBe(200);
    await pressEvent({ action: 'start' });
    // make-ready or printing: either way the press is working on the job when it stops
    await expect
      .poll(async () => ['setup', 'production'].includes((await api<{ state: string }>(service, 'presses/press-2')).body.state), { timeout: 20_000 })
      .toBe(true);
    await page.goto(`${service.url}#/reports/job/${created.body.id}`);
    await page.waitForSelector('.job-report[aria-busy="false"]');
    expect(await page.locator('.job-downtime tr[data-cause="waiting-ink"]').count()).toBe(0);

    await pressEvent({ action: 'stop', reason: 'none' });
    let stop: { id: number; jobId: string | null } | undefined;
    await expect
      .poll(
        async () =>
          (stop = (
            await api<{ events: { id: number; state: string; to: number | null; jobId: string | null }[] }>(service, 'downtime?pressId=press-2&uncoded=true')
          ).body.events.find((e) => e.state === 'stopped' && e.to === null)),
        { timeout: 10_000 },
      )
      .toBeDefined();
    expect(stop!.jobId).toBe('L-2001');
    expect((await api(service, `downtime/${stop!.id}/cause`, { method: 'POST', cookie: admin, body: { code: 'waiting-ink' } })).status).toBe(200);
    await page.waitForSelector('.job-downtime tr[data-cause="waiting-ink"]', { timeout: 10_000 });
    expect(await page.textContent('.job-downtime tr[data-cause="waiting-ink"]')).toContain('Waiting for ink');
    await pressEvent({ action: 'start' });
  }, 60_000);

  it('prints the shift report on A4 without the navigation, and no screen size scrolls sideways', async () => {
    await openShiftReport();
    for (const [name, viewport] of [
      ['1024', VIEWPORTS.tablet],
      ['390', VIEWPORTS.phone],
      ['1920', VIEWPORTS.wall],
    ] as const) {
      await page.setViewportSize(viewport);
      expect(await scrollsSideways(), `sideways scroll at ${name} px`).toEqual([]);
      if (name !== '1920') await page.screenshot({ path: path.join(artifactsDir, `reports-shift-${name}.png`), fullPage: true });
    }
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize(A4);
    expect(await page.isVisible('.app-header')).toBe(false);
    expect(await page.isVisible('.report-tabs')).toBe(false);
    expect(await page.isVisible('.press-report[data-press-id="press-1"] .pareto')).toBe(true);
    expect(await scrollsSideways(), 'sideways overflow at A4 width').toEqual([]);
    await page.screenshot({ path: path.join(artifactsDir, 'reports-shift-print-a4.png'), fullPage: true });
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    writeFileSync(path.join(artifactsDir, 'reports-shift-a4.pdf'), pdf);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await page.emulateMedia({ media: 'screen' });
  }, 60_000);
});
