/**
 * The reports page (`#/reports`): what the shop manager asks the morning after. Three views
 * behind tabs: the shift report (`#/reports?shift=<start>`), presses compared over a range
 * with MTBF/MTTR of jams (`#/reports/range?from=&to=&groupBy=`), and one job
 * (`#/reports/job/<id>`). The shift and job reports follow socket.io and load again when a job
 * or stop they show changes (report-refresh.ts); the page prints on A4.
 */
import type { AppContext, View } from '../app-context.js';
import { h } from '../dom.js';
import { jobReport } from './report-job.js';
import { rangeReport } from './report-range.js';
import { shiftReport } from './report-shift.js';

const TABS = [
  { id: 'shift', href: '#/reports', label: 'Shift report' },
  { id: 'range', href: '#/reports/range', label: 'Presses over a range' },
] as const;

export function reportsView(context: AppContext, params: string[], query: URLSearchParams): View {
  const kind = params[0] === 'range' ? 'range' : params[0] === 'job' ? 'job' : 'shift';
  const part = kind === 'range' ? rangeReport(context, query) : kind === 'job' ? jobReport(context, params[1] ?? '') : shiftReport(context, query.get('shift'));
  const element = h(
    'section',
    { class: 'reports-page', 'aria-labelledby': 'report-title' },
    h(
      'nav',
      { class: 'report-tabs', 'aria-label': 'Reports' },
      ...TABS.map((tab) => h('a', { href: tab.href, class: 'button small', 'aria-current': tab.id === kind ? 'page' : null }, tab.label)),
      h('button', { type: 'button', class: 'button small print-button', onclick: () => window.print() }, 'Print'),
    ),
    part.element,
  );
  return { element, title: part.title, destroy: () => part.destroy?.() };
}

export interface ReportPart {
  element: HTMLElement;
  title: string;
  destroy?(): void;
}
