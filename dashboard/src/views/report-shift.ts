/**
 * The shift report: for a shift picked from the calendar, per press the OEE with A, P and Q,
 * the losses that make up the gap to the planned time, the run states coloured by downtime
 * cause and the Pareto of causes; then the jobs of the shift (make-ready time and waste, good,
 * waste, speed) and the ink and paper used. Every table has its CSV. It follows the floor:
 * a job or stop of the shift that changes (socket.io) loads it again, at most every 2 s.
 */
import { describeError, request } from '../api.js';
import type { AppContext } from '../app-context.js';
import { h, replaceChildren } from '../dom.js';
import { count, dateTime } from '../format.js';
import type { ConsumptionReport, DowntimeCauseTotal, JobView, OeeRow, PressSnapshot, ShiftInstance, TimelineStretch } from '../types.js';
import { CauseColours, causeTimeline, csvLink, lossBar, minutes, oeeFigures, pareto, ratio, reportTable } from './report-parts.js';
import { followLive } from './report-refresh.js';
import type { ReportPart } from './reports.js';

const DAY = 86_400_000;

interface PressFacts {
  press: { id: string; name: string };
  row: OeeRow | undefined;
  causes: DowntimeCauseTotal[];
  timeline: TimelineStretch[];
  consumption: ConsumptionReport | null;
}

export function shiftReport(context: AppContext, chosen: string | null): ReportPart {
  const picker = h('select', { id: 'shift-picker', name: 'shift' });
  const status = h('p', { class: 'muted', role: 'status' }, 'Loading the shifts…');
  const body = h('div', { class: 'shift-report', 'aria-busy': 'true' });
  const element = h(
    'div',
    {},
    h('h1', { id: 'report-title' }, 'Shift report'),
    h(
      'form',
      { class: 'filters report-filters', onsubmit: (e: Event) => e.preventDefault() },
      h('div', { class: 'filter' }, h('label', { for: picker.id }, 'Shift'), picker),
    ),
    status,
    body,
  );
  picker.addEventListener('change', () => (location.hash = `#/reports?shift=${picker.value}`));

  async function load(): Promise<void> {
    const now = Date.now();
    const [{ shifts }, presses] = await Promise.all([
      request<{ shifts: ShiftInstance[] }>('/api/shifts', { query: { from: now - 14 * DAY, to: now } }),
      request<PressSnapshot[]>('/api/presses'),
    ]);
    const newestFirst = [...shifts].reverse();
    // by default the shift going on now (figures up to now); the ones before are a pick away
    const shift = newestFirst.find((s) => String(s.from) === chosen) ?? newestFirst.find((s) => s.from <= now) ?? newestFirst[0];
    replaceChildren(
      picker,
      ...newestFirst.map((s) => h('option', { value: String(s.from), selected: s === shift }, `${s.label} (${dateTime(s.from)} – ${dateTime(s.to)})`)),
    );
    if (!shift) {
      status.textContent = 'The shift calendar has no shift in the last 14 days.';
      return;
    }
    status.textContent = 'Loading the report…';
    await render(shift, presses);
    if (destroyed) return;
    stopFollowing = followLive(context, {
      jobMatters: (job) => job.startedAt !== null && job.startedAt < shift.to && (job.finishedAt ?? Infinity) > shift.from,
      downtimeMatters: (event) => event.from < shift.to && (event.to ?? Infinity) > shift.from,
      reload: () =>
        render(shift, presses).catch((error: unknown) => {
          status.textContent = `The report could not be updated: ${describeError(error)}`;
        }),
    });
  }

  /** The report of one shift, up to now; again on every change the socket announces. */
  async function render(shift: ShiftInstance, presses: PressSnapshot[]): Promise<void> {
    const now = Date.now();
    const range = { from: shift.from, to: shift.to };
    const until = Math.min(shift.to, now);
    const [{ rows }, { jobs }, facts] = await Promise.all([
      request<{ rows: OeeRow[] }>('/api/reports/oee', { query: { ...range, groupBy: 'shift' } }),
      request<{ jobs: JobView[] }>('/api/jobs', { query: range }),
      Promise.all(
        presses.map(async (press): Promise<PressFacts> => {
          const [downtime, timeline, consumption] = await Promise.all([
            request<{ causes: DowntimeCauseTotal[] }>('/api/reports/downtime', { query: { ...range, pressId: press.id } }),
            request<{ stretches: TimelineStretch[] }>('/api/reports/timeline', { query: { from: shift.from, to: until, pressId: press.id } }),
            request<ConsumptionReport>('/api/supplies/consumption', { query: { from: shift.from, to: until, pressId: press.id } }).catch(() => null),
          ]);
          return { press, row: undefined, causes: downtime.causes, timeline: timeline.stretches, consumption };
        }),
      ),
    ]);
    for (const f of facts) f.row = rows.find((r) => r.pressId === f.press.id);
    const shiftJobs = jobs.filter((job) => job.startedAt !== null).sort((a, b) => a.startedAt! - b.startedAt!);
    const name = (pressId: string | null) => presses.find((p) => p.id === pressId)?.name ?? pressId ?? '—';
    // what the reader opened stays open across a reload (the timeline's table of stretches)
    const openDetails = new Set(
      Array.from(body.querySelectorAll<HTMLDetailsElement>('.press-report details[open]')).map((d) => d.closest<HTMLElement>('.press-report')!.dataset.pressId),
    );
    replaceChildren(
      body,
      h(
        'p',
        { class: 'report-period' },
        `${shift.label}: ${dateTime(shift.from)} – ${dateTime(shift.to)}`,
        shift.breaks.length ? ` · planned breaks ${shift.breaks.map((b) => `${clockOf(b.from)}–${clockOf(b.to)}`).join(', ')}` : '',
      ),
      oeeTable(rows, name, range),
      ...facts.map((f) => pressSection(f, shift, until)),
      jobsTable(shiftJobs, name, range),
      suppliesTable(facts, { from: shift.from, to: until }),
    );
    for (const details of body.querySelectorAll<HTMLDetailsElement>('.press-report details')) {
      if (openDetails.has(details.closest<HTMLElement>('.press-report')!.dataset.pressId)) details.open = true;
    }
    body.setAttribute('aria-busy', 'false');
    body.dataset.loadedAt = String(now);
    // the same words on every reload, so a screen reader does not announce each one
    status.textContent = shift.to > now ? 'This shift is still going: figures up to now, updated as the presses report.' : '';
  }

  let stopFollowing = (): void => {};
  let destroyed = false;
  void load().catch((error: unknown) => {
    status.textContent = `The report could not be loaded: ${describeError(error)}`;
  });
  return {
    element,
    title: 'Shift report',
    destroy: () => {
      destroyed = true;
      stopFollowing();
    },
  };
}

function clockOf(at: number): string {
  return new Date(at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

function oeeTable(rows: OeeRow[], name: (id: string) => string, range: { from: number; to: number }): HTMLElement {
  return reportTable({
    caption: 'OEE per press',
    csv: csvLink('/api/reports/oee.csv', { ...range, groupBy: 'shift' }, 'OEE per press'),
    head: ['Press', 'Planned', 'Run', 'Downtime', 'Availability', 'Performance', 'Quality', 'OEE', 'Good', 'Waste'],
    empty: 'No planned production time recorded in this shift.',
    className: 'oee-table',
    rows: rows.map((r) =>
      h(
        'tr',
        { 'data-press-id': r.pressId },
        h('th', { scope: 'row' }, name(r.pressId)),
        ...[minutes(r.plannedMs), minutes(r.runMs), minutes(r.downtimeMs)].map((v) => h('td', { class: 'number' }, v)),
        h('td', { class: 'number', 'data-figure': 'availability' }, ratio(r.availability)),
        h('td', { class: 'number', 'data-figure': 'performance' }, ratio(r.performance)),
        h('td', { class: 'number', 'data-figure': 'quality' }, ratio(r.quality)),
        h('td', { class: 'number', 'data-figure': 'oee' }, h('strong', {}, ratio(r.oee))),
        h('td', { class: 'number' }, count(r.good)),
        h('td', { class: 'number' }, count(r.waste)),
      ),
    ),
  });
}

function pressSection(f: PressFacts, shift: ShiftInstance, until: number): HTMLElement {
  const colours = new CauseColours();
  f.causes.forEach((c) => colours.fill(c.code));
  const range = { from: shift.from, to: shift.to, pressId: f.press.id };
  return h(
    'section',
    { class: 'press-report', 'data-press-id': f.press.id, 'aria-labelledby': `report-${f.press.id}` },
    h('h2', { id: `report-${f.press.id}` }, f.press.name),
    oeeFigures(f.row),
    f.row ? lossBar(f.row, f.causes, colours) : h('p', { class: 'muted' }, 'No planned production time recorded.'),
    h(
      'div',
      { class: 'report-table-head' },
      h('h3', {}, 'Run states by cause'),
      csvLink('/api/reports/timeline.csv', { from: shift.from, to: until, pressId: f.press.id }, `the run states of ${f.press.name}`),
    ),
    causeTimeline({ stretches: f.timeline, from: shift.from, to: until, colours }),
    pareto(f.causes, colours, {
      caption: `Downtime causes of ${f.press.name}`,
      csv: csvLink('/api/reports/downtime.csv', range, `downtime causes of ${f.press.name}`),
    }),
  );
}

function jobsTable(jobs: JobView[], name: (id: string | null) => string, range: { from: number; to: number }): HTMLElement {
  return reportTable({
    caption: 'Jobs in this shift',
    csv: csvLink('/api/jobs.csv', { ...range, started: true }, 'the jobs'),
    head: ['Job', 'Press', 'Make-ready', 'Make-ready waste', 'Good', 'Waste', 'Speed (sheets/h)', 'Start', 'End'],
    empty: 'No job ran in this shift.',
    className: 'jobs-table',
    rows: jobs.map((job) =>
      h(
        'tr',
        { 'data-job-id': job.jobId },
        h(
          'th',
          { scope: 'row' },
          h('a', { href: `#/reports/job/${job.id}` }, job.jobId),
          job.name !== job.jobId ? h('span', { class: 'muted' }, ` ${job.name}`) : null,
        ),
        h('td', {}, name(job.pressId)),
        h('td', { class: 'number', 'data-figure': 'make-ready' }, job.makeReadyMs === null ? '—' : minutes(job.makeReadyMs)),
        h('td', { class: 'number', 'data-figure': 'make-ready-waste' }, count(job.makeReadyWaste)),
        h('td', { class: 'number' }, count(job.good)),
        h('td', { class: 'number' }, count(job.waste)),
        h('td', { class: 'number' }, `${count(job.averageSpeed)}${job.ratedSpeed ? ` of ${count(job.ratedSpeed)}` : ''}`),
        h('td', {}, dateTime(job.startedAt)),
        h('td', {}, job.finishedAt === null ? 'running' : dateTime(job.finishedAt)),
      ),
    ),
  });
}

function suppliesTable(facts: PressFacts[], range: { from: number; to: number }): HTMLElement {
  const logged = (items: { uom: string; quantity: number }[]) => items.map((q) => `${count(q.quantity)} ${q.uom}`).join(', ') || '—';
  const rows = facts.flatMap((f) => {
    const c = f.consumption;
    if (!c) return [];
    const paper = c.paper.shifts.reduce(
      (sum, s) => ({ pile: sum.pile + s.pileUsed, loaded: sum.loaded + s.pilesLoaded, logged: [...sum.logged, ...s.logged] }),
      {
        pile: 0,
        loaded: 0,
        logged: [] as { uom: string; quantity: number }[],
      },
    );
    return [
      ...c.ink.map((ink) =>
        h(
          'tr',
          { 'data-press-id': f.press.id },
          h('th', { scope: 'row' }, f.press.name),
          h('td', {}, `Ink unit ${ink.unit} (${ink.color})`),
          h('td', { class: 'number' }, `${ink.levelUsed.toFixed(1)} % of the fountain`),
          h('td', {}, logged(ink.logged)),
        ),
      ),
      h(
        'tr',
        { 'data-press-id': f.press.id },
        h('th', { scope: 'row' }, f.press.name),
        h('td', {}, 'Paper'),
        h('td', { class: 'number' }, `${count(c.sheets.total)} sheets fed · ${paper.pile.toFixed(1)} % of piles, ${paper.loaded} loaded`),
        h('td', {}, logged(paper.logged)),
      ),
    ];
  });
  return reportTable({
    caption: 'Supplies used',
    csv: csvLink('/api/supplies/consumption.csv', range, 'the supplies used (measured, with what was logged)'),
    head: ['Press', 'Supply', 'Used (measured)', 'Logged'],
    empty: 'No supply levels recorded in this shift.',
    className: 'supplies-used',
    rows,
  });
}
