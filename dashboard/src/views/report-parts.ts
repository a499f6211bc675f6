/**
 * The pieces the report pages share: figures as a manager reads them, the CSV link beside each
 * table, the loss bar (planned time split into what was made and what was lost), the Pareto of
 * downtime causes and a timeline of run states coloured by cause. Bars are plain elements
 * sized through the CSSOM (no chart library), each with its words, so they print and a
 * screen reader reads them.
 */
import { withQuery, type RequestOptions } from '../api.js';
import { h } from '../dom.js';
import { clock, count, duration, runState } from '../format.js';
import type { DowntimeCauseTotal, OeeRow, TimelineStretch } from '../types.js';

/** "83.4 %" for a ratio, "—" for none. */
export function ratio(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : `${(value * 100).toFixed(1)} %`;
}

/** Minutes with one decimal under an hour ("12.5 min"), else hours and minutes. */
export function minutes(ms: number): string {
  if (ms < 3_600_000) return `${(Math.round(ms / 6_000) / 10).toFixed(1)} min`;
  return duration(ms);
}

/** The table's CSV: the same query as the table, at the route's `.csv` twin. */
export function csvLink(path: string, query: RequestOptions['query'], what: string): HTMLAnchorElement {
  return h(
    'a',
    { class: 'button small csv-link', href: withQuery(path, query), download: '', 'data-csv': path },
    `⤓ CSV`,
    h('span', { class: 'visually-hidden' }, ` of ${what}`),
  );
}

export function headRow(...names: string[]): HTMLTableSectionElement {
  return h('thead', {}, h('tr', {}, ...names.map((name) => h('th', { scope: 'col' }, name))));
}

/** A table in its scroller, with a caption and the CSV link above it. */
export function reportTable(options: {
  caption: string;
  csv?: HTMLAnchorElement;
  head: string[];
  rows: HTMLTableRowElement[];
  empty: string;
  className?: string;
}): HTMLElement {
  return h(
    'div',
    { class: 'report-table' },
    h('div', { class: 'report-table-head' }, h('h3', {}, options.caption), options.csv ?? null),
    options.rows.length === 0
      ? h('p', { class: 'muted' }, options.empty)
      : h(
          'div',
          { class: 'table-scroll' },
          h(
            'table',
            { class: `data-table ${options.className ?? ''}` },
            h('caption', { class: 'visually-hidden' }, options.caption),
            headRow(...options.head),
            h('tbody', {}, ...options.rows),
          ),
        ),
  );
}

/** Distinct fills dark enough for white words (≥ 4.5:1), given to causes worst first. */
const CAUSE_FILLS = ['#b71c1c', '#1f5fbf', '#6a3fa0', '#8d4a00', '#00695c', '#ad1457', '#283593', '#5d4037', '#4e5b6e', '#7a5c00'];
const PRODUCTION_FILL = '#1b7f3b';

/** Cause code → fill, the same on the Pareto, the loss bar and the timeline of a report. */
export class CauseColours {
  private readonly fills = new Map<string, string>();
  fill(code: string): string {
    let fill = this.fills.get(code);
    if (!fill) this.fills.set(code, (fill = CAUSE_FILLS[this.fills.size % CAUSE_FILLS.length]!));
    return fill;
  }
}

function bar(fraction: number, fill: string, className = 'report-bar-fill'): HTMLElement {
  return h('span', { class: className, style: `width:${Math.max(0, Math.min(100, fraction * 100)).toFixed(2)}%;background:${fill}` });
}

/** A, P, Q and OEE as four large figures. */
export function oeeFigures(row: OeeRow | undefined): HTMLElement {
  const figure = (name: string, value: number | null | undefined, key: string) =>
    h('div', { class: `oee-figure oee-${key}`, 'data-figure': key }, h('dt', {}, name), h('dd', {}, ratio(value)));
  return h(
    'dl',
    { class: 'oee-figures' },
    figure('OEE', row?.oee, 'oee'),
    figure('Availability', row?.availability, 'availability'),
    figure('Performance', row?.performance, 'performance'),
    figure('Quality', row?.quality, 'quality'),
  );
}

/**
 * Planned production time as one bar: fully productive time, quality loss (waste at rated
 * speed), speed loss and the downtime by cause, so the gap to the planned time is visible.
 */
export function lossBar(row: OeeRow, causes: DowntimeCauseTotal[], colours: CauseColours): HTMLElement {
  const planned = Math.max(1, row.plannedMs);
  const parts: { label: string; ms: number; fill: string; code?: string }[] = [
    { label: 'Fully productive', ms: row.losses.fullyProductiveMs, fill: PRODUCTION_FILL },
    { label: 'Quality loss (waste)', ms: row.losses.qualityLossMs, fill: '#7a5c00' },
    { label: 'Speed loss', ms: row.losses.speedLossMs, fill: '#4e5b6e' },
  ];
  let downtimeLeft = row.downtimeMs;
  for (const cause of causes.filter((c) => c.category !== 'planned')) {
    const ms = Math.min(downtimeLeft, cause.durationMs);
    if (ms <= 0) continue;
    downtimeLeft -= ms;
    parts.push({ label: `Downtime: ${cause.label}`, ms, fill: colours.fill(cause.code), code: cause.code });
  }
  if (downtimeLeft > 1000) parts.push({ label: 'Downtime: other', ms: downtimeLeft, fill: '#3a3f47' });
  const shown = parts.filter((p) => p.ms > 0);
  return h(
    'figure',
    { class: 'loss-bar' },
    h(
      'figcaption',
      {},
      `Planned production time ${minutes(row.plannedMs)}`,
      row.losses.plannedDowntimeMs > 0 ? ` (planned downtime ${minutes(row.losses.plannedDowntimeMs)} taken out)` : '',
    ),
    h('div', { class: 'report-bar stacked', 'aria-hidden': 'true' }, ...shown.map((p) => bar(p.ms / planned, p.fill, 'report-bar-part'))),
    h(
      'ul',
      { class: 'legend' },
      ...shown.map((p) =>
        h(
          'li',
          { 'data-loss': p.code ?? p.label },
          h('span', { class: 'swatch', style: `background:${p.fill}`, 'aria-hidden': 'true' }),
          `${p.label}: ${minutes(p.ms)} (${ratio(p.ms / planned)})`,
        ),
      ),
    ),
  );
}

/** Downtime causes worst first: minutes and stops as bars, and the cumulative share of the minutes. */
export function pareto(causes: DowntimeCauseTotal[], colours: CauseColours, options: { caption: string; csv: HTMLAnchorElement }): HTMLElement {
  const totalMs = causes.reduce((sum, c) => sum + c.durationMs, 0);
  const maxMs = Math.max(1, ...causes.map((c) => c.durationMs));
  const maxCount = Math.max(1, ...causes.map((c) => c.count));
  let cumulative = 0;
  const rows = causes.map((cause) => {
    cumulative += cause.durationMs;
    return h(
      'tr',
      { 'data-cause': cause.code },
      h(
        'th',
        { scope: 'row' },
        h('span', { class: 'swatch', style: `background:${colours.fill(cause.code)}`, 'aria-hidden': 'true' }),
        cause.label,
        cause.category === 'planned' ? h('span', { class: 'muted' }, ' (planned)') : null,
      ),
      h(
        'td',
        { class: 'bar-cell' },
        h('span', { class: 'report-bar', 'aria-hidden': 'true' }, bar(cause.durationMs / maxMs, colours.fill(cause.code))),
        h('span', { class: 'number pareto-minutes' }, minutes(cause.durationMs)),
      ),
      h(
        'td',
        { class: 'bar-cell' },
        h('span', { class: 'report-bar thin', 'aria-hidden': 'true' }, bar(cause.count / maxCount, '#8a94a3')),
        h('span', { class: 'number pareto-count' }, count(cause.count)),
      ),
      h('td', { class: 'number' }, ratio(totalMs > 0 ? cumulative / totalMs : null)),
    );
  });
  return reportTable({
    caption: options.caption,
    csv: options.csv,
    head: ['Cause', 'Minutes', 'Stops', 'Cumulative'],
    rows,
    empty: 'No downtime in this time.',
    className: 'pareto',
  });
}

/**
 * The run states of a press over [from, to) as the service cuts them (`/api/reports/timeline`,
 * whose CSV lists the same stretches): each stop in the colour of its downtime cause, production
 * in green; a table says the same.
 */
export function causeTimeline(options: { stretches: TimelineStretch[]; from: number; to: number; colours: CauseColours }): HTMLElement {
  const { from, to } = options;
  const span = Math.max(1, to - from);
  const segments = options.stretches.map((s) => ({ start: s.from, end: s.to, state: s.state, cause: s.cause }));
  const words = (s: (typeof segments)[number]) =>
    s.state === 'production' ? runState('production').word : `${runState(s.state).word}: ${s.cause?.label ?? 'not coded'}`;
  const fill = (s: (typeof segments)[number]) => (s.state === 'production' ? PRODUCTION_FILL : options.colours.fill(s.cause?.code ?? 'uncoded'));
  return h(
    'div',
    { class: 'timeline cause-timeline' },
    segments.length === 0
      ? h('p', { class: 'muted' }, 'No run state recorded in this time.')
      : h(
          'div',
          { class: 'timeline-bar', 'aria-hidden': 'true' },
          ...segments.map((s) =>
            h('div', {
              class: 'timeline-segment',
              'data-state': s.state,
              'data-cause': s.cause?.code ?? (s.state === 'production' ? '' : 'uncoded'),
              style: `left:${(((s.start - from) / span) * 100).toFixed(3)}%;width:${(((s.end - s.start) / span) * 100).toFixed(3)}%;background:${fill(s)}`,
              title: `${words(s)}, ${clock(s.start)}–${clock(s.end)} (${duration(s.end - s.start)})`,
            }),
          ),
        ),
    h('div', { class: 'timeline-axis', 'aria-hidden': 'true' }, h('span', {}, clock(from)), h('span', {}, clock(to))),
    h(
      'details',
      {},
      h('summary', {}, `The ${segments.length} stretches as a table`),
      h(
        'table',
        { class: 'data-table' },
        headRow('From', 'To', 'State and cause', 'Lasted'),
        h(
          'tbody',
          {},
          ...segments.map((s) =>
            h('tr', {}, h('td', {}, clock(s.start)), h('td', {}, clock(s.end)), h('td', {}, words(s)), h('td', {}, duration(s.end - s.start))),
          ),
        ),
      ),
    ),
  );
}
