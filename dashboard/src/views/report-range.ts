/**
 * Presses compared over a range: OEE per press for the whole range (`groupBy=range`: the
 * service sums the range's days, so a long stop weighs what it cost, and its CSV says the
 * same), the same per day or ISO week, and the MTBF and MTTR of jams per press. Defaults:
 * the last 7 whole days, by day.
 */
import { describeError, request } from '../api.js';
import type { AppContext } from '../app-context.js';
import { h, replaceChildren } from '../dom.js';
import { count, dateTime } from '../format.js';
import type { OeeRow, PressSnapshot, ReliabilityRow } from '../types.js';
import { csvLink, minutes, ratio, reportTable } from './report-parts.js';
import type { ReportPart } from './reports.js';

const DAY = 86_400_000;

function localDate(at: number): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function localMidnight(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d).getTime();
}

export function rangeReport(_context: AppContext, query: URLSearchParams): ReportPart {
  const today = localDate(Date.now());
  const fromDate = query.get('from') ?? localDate(localMidnight(today) - 7 * DAY);
  const toDate = query.get('to') ?? today;
  const groupBy = query.get('groupBy') === 'week' ? 'week' : 'day';
  const fromInput = h('input', { id: 'range-from', name: 'from', type: 'date', value: fromDate, required: true });
  const toInput = h('input', { id: 'range-to', name: 'to', type: 'date', value: toDate, required: true });
  const groupSelect = h(
    'select',
    { id: 'range-group', name: 'groupBy' },
    h('option', { value: 'day', selected: groupBy === 'day' }, 'per day'),
    h('option', { value: 'week', selected: groupBy === 'week' }, 'per week'),
  );
  const form = h(
    'form',
    { class: 'filters report-filters' },
    h('div', { class: 'filter' }, h('label', { for: fromInput.id }, 'From (first day)'), fromInput),
    h('div', { class: 'filter' }, h('label', { for: toInput.id }, 'To (last day)'), toInput),
    h('div', { class: 'filter' }, h('label', { for: groupSelect.id }, 'Rows'), groupSelect),
    h('button', { type: 'submit', class: 'button primary' }, 'Show'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    location.hash = `#/reports/range?from=${fromInput.value}&to=${toInput.value}&groupBy=${groupSelect.value}`;
  });
  const status = h('p', { class: 'muted', role: 'status' }, 'Loading…');
  const body = h('div', { class: 'range-report', 'aria-busy': 'true' });
  const element = h('div', {}, h('h1', { id: 'report-title' }, 'Presses over a range'), form, status, body);

  async function load(): Promise<void> {
    // whole local days: from the first day's midnight to the midnight after the last
    const range = { from: localMidnight(fromDate), to: localMidnight(toDate) + DAY };
    if (!(range.to > range.from)) throw new Error('The last day is before the first.');
    const [{ rows }, { rows: totals }, presses, reliability] = await Promise.all([
      request<{ rows: OeeRow[] }>('/api/reports/oee', { query: { ...range, groupBy } }),
      // the whole range per press, as the service sums it (the CSV gives the same figures)
      request<{ rows: OeeRow[] }>('/api/reports/oee', { query: { ...range, groupBy: 'range' } }),
      request<PressSnapshot[]>('/api/presses'),
      request<{ rows: ReliabilityRow[] }>('/api/reports/reliability', { query: { ...range, cause: 'jam' } }),
    ]);
    const name = (id: string) => presses.find((p) => p.id === id)?.name ?? id;
    const pressIds = [...new Set([...presses.map((p) => p.id), ...rows.map((r) => r.pressId)])];
    const summary = pressIds.map((id) => ({ id, row: totals.find((r) => r.pressId === id) }));
    replaceChildren(
      body,
      h('p', { class: 'report-period' }, `${dateTime(range.from)} – ${dateTime(range.to)}`),
      reportTable({
        caption: 'OEE per press over the range',
        csv: csvLink('/api/reports/oee.csv', { ...range, groupBy: 'range' }, 'OEE per press over the range'),
        head: ['Press', 'OEE', '', 'Availability', 'Performance', 'Quality', 'Planned', 'Run', 'Good', 'Waste'],
        empty: 'No planned production time in this range.',
        className: 'range-summary',
        rows: summary.map((s) =>
          h(
            'tr',
            { 'data-press-id': s.id },
            h('th', { scope: 'row' }, name(s.id)),
            h('td', { class: 'number', 'data-figure': 'oee' }, h('strong', {}, ratio(s.row?.oee))),
            h(
              'td',
              { class: 'bar-cell wide' },
              h(
                'span',
                { class: 'report-bar', 'aria-hidden': 'true' },
                h('span', { class: 'report-bar-fill', style: `width:${((s.row?.oee ?? 0) * 100).toFixed(1)}%;background:#1b7f3b` }),
              ),
            ),
            h('td', { class: 'number', 'data-figure': 'availability' }, ratio(s.row?.availability)),
            h('td', { class: 'number', 'data-figure': 'performance' }, ratio(s.row?.performance)),
            h('td', { class: 'number', 'data-figure': 'quality' }, ratio(s.row?.quality)),
            h('td', { class: 'number' }, minutes(s.row?.plannedMs ?? 0)),
            h('td', { class: 'number' }, minutes(s.row?.runMs ?? 0)),
            h('td', { class: 'number' }, count(s.row?.good ?? 0)),
            h('td', { class: 'number' }, count(s.row?.waste ?? 0)),
          ),
        ),
      }),
      byGroup(rows, pressIds, name, range, groupBy),
      reportTable({
        caption: 'Paper jams: MTBF and MTTR',
        csv: csvLink('/api/reports/reliability.csv', { ...range, cause: 'jam' }, 'MTBF and MTTR of jams'),
        head: ['Press', 'Jams', 'Run time', 'Jam downtime', 'MTBF (run time between jams)', 'MTTR (time to clear a jam)'],
        empty: 'No press in this range.',
        className: 'reliability-table',
        rows: reliability.rows.map((r) =>
          h(
            'tr',
            { 'data-press-id': r.pressId },
            h('th', { scope: 'row' }, name(r.pressId)),
            h('td', { class: 'number', 'data-figure': 'failures' }, count(r.failures)),
            h('td', { class: 'number' }, minutes(r.runMs)),
            h('td', { class: 'number' }, minutes(r.downtimeMs)),
            h('td', { class: 'number', 'data-figure': 'mtbf' }, r.mtbfMs === null ? '— (no jam)' : minutes(r.mtbfMs)),
            h('td', { class: 'number', 'data-figure': 'mttr' }, r.mttrMs === null ? '—' : minutes(r.mttrMs)),
          ),
        ),
      }),
    );
    body.setAttribute('aria-busy', 'false');
    status.textContent = '';
  }

  void load().catch((error: unknown) => {
    status.textContent = `The report could not be loaded: ${describeError(error)}`;
  });
  return { element, title: 'Presses over a range' };
}

/** One row per day or week, one column per press: its OEE, and A · P · Q beneath. */
function byGroup(rows: OeeRow[], pressIds: string[], name: (id: string) => string, range: { from: number; to: number }, groupBy: string): HTMLElement {
  const groups = [...new Map(rows.map((r) => [r.group.from, r.group])).values()].sort((a, b) => a.from - b.from);
  return reportTable({
    caption: `OEE per press, ${groupBy === 'week' ? 'week' : 'day'} by ${groupBy === 'week' ? 'week' : 'day'}`,
    csv: csvLink('/api/reports/oee.csv', { ...range, groupBy }, `OEE per ${groupBy}`),
    head: [groupBy === 'week' ? 'Week' : 'Day', ...pressIds.map(name)],
    empty: 'No planned production time in this range.',
    className: 'range-groups',
    rows: groups.map((g) =>
      h(
        'tr',
        { 'data-group': g.label },
        h('th', { scope: 'row' }, g.label),
        ...pressIds.map((id) => {
          const r = rows.find((row) => row.pressId === id && row.group.from === g.from);
          return h(
            'td',
            { class: 'number', 'data-press-id': id },
            r
              ? [
                  h('strong', {}, ratio(r.oee)),
                  h('br'),
                  h('span', { class: 'muted small' }, `A ${ratio(r.availability)} · P ${ratio(r.performance)} · Q ${ratio(r.quality)}`),
                ]
              : '—',
          );
        }),
      ),
    ),
  });
}
