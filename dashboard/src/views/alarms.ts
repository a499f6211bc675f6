/** The alarms page: the alarm list with filters, and the journal of the listed alarms as a CSV download. */
import { describeError, listFrom, request, withQuery } from '../api.js';
import { alarmPriorities } from '../types.js';
import type { AppContext, View } from '../app-context.js';
import { h, replaceChildren } from '../dom.js';
import type { AlarmView } from '../types.js';
import { alarmTable } from './tables.js';

const FILTERS = ['all', 'active', 'unacknowledged', 'pressId', 'priority', 'from', 'to'] as const;

/** datetime-local text ("2025-03-01T06:00") to epoch ms, in the browser's time zone. */
function localToEpoch(text: string): string {
  const at = Date.parse(text);
  return Number.isFinite(at) ? String(at) : '';
}

function epochToLocal(text: string | null): string {
  const at = Number(text);
  if (!text || !Number.isFinite(at)) return '';
  const date = new Date(at - new Date(at).getTimezoneOffset() * 60_000);
  return date.toISOString().slice(0, 16);
}

export function alarmsView(context: AppContext, query: URLSearchParams): View {
  const { store } = context;
  const select = (name: string, label: string, options: [string, string][]) => {
    const element = h(
      'select',
      { id: `filter-${name}`, name },
      ...options.map(([value, text]) => h('option', { value, selected: query.get(name) === value }, text)),
    );
    return h('div', { class: 'filter' }, h('label', { for: element.id }, label), element);
  };
  const dateInput = (name: string, label: string) => {
    const element = h('input', { id: `filter-${name}`, name, type: 'datetime-local', value: epochToLocal(query.get(name)) });
    return h('div', { class: 'filter' }, h('label', { for: element.id }, label), element);
  };
  const pressOptions = (): [string, string][] => [['', 'all presses'], ...store.pressList().map((press): [string, string] => [press.id, press.name])];
  let pressFilter = select('pressId', 'Press', pressOptions());
  const form = h(
    'form',
    { class: 'filters', 'aria-label': 'Alarm filters' },
    select('all', 'List', [
      ['', 'current (not yet back to normal)'],
      ['true', 'history (every occurrence)'],
    ]),
    select('active', 'Condition', [
      ['', 'active or cleared'],
      ['true', 'active'],
      ['false', 'cleared'],
    ]),
    select('unacknowledged', 'Acknowledgement', [
      ['', 'any'],
      ['true', 'unacknowledged'],
      ['false', 'acknowledged'],
    ]),
    pressFilter,
    select('priority', 'Priority', [['', 'any'], ...alarmPriorities.map((p): [string, string] => [p, p])]),
    dateInput('from', 'From'),
    dateInput('to', 'To'),
    h('button', { type: 'submit', class: 'button primary' }, 'Apply'),
  );
  const csv = h('a', { class: 'button', download: 'alarms.csv' }, '↓ Export the journal of these alarms (CSV)');
  const results = h('div', { 'aria-live': 'polite' });
  const element = h('section', { class: 'alarms-page' }, h('h1', {}, 'Alarms'), form, h('p', {}, csv), results);

  function currentQuery(): Record<string, string> {
    const values: Record<string, string> = {};
    for (const name of FILTERS) {
      const value = query.get(name);
      if (value) values[name] = value;
    }
    return values;
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const next = new URLSearchParams();
    for (const name of FILTERS) {
      const raw = String(data.get(name) ?? '');
      const value = name === 'from' || name === 'to' ? localToEpoch(raw) : raw;
      if (value) next.set(name, value);
    }
    location.hash = `#/alarms${next.size ? `?${next}` : ''}`;
  });

  async function load(): Promise<void> {
    const filters = currentQuery();
    // every filter shown, and `all` always: the service then exports the journal lines of
    // exactly the alarms in the table (without it, the whole journal of the press and range)
    csv.href = withQuery('/api/alarms.csv', { ...filters, all: filters.all ?? 'false' });
    try {
      const alarms = listFrom<AlarmView>(await request<unknown>('/api/alarms', { query: filters }), 'alarms');
      alarms.sort((a, b) => b.raisedAt - a.raisedAt);
      replaceChildren(
        results,
        alarmTable(context, alarms, { caption: `${alarms.length} alarm${alarms.length === 1 ? '' : 's'}`, onChanged: () => void load() }),
      );
    } catch (error) {
      replaceChildren(results, h('p', { class: 'form-error' }, `Could not load alarms: ${describeError(error)}`));
    }
  }

  let pending: number | null = null;
  const unsubscribe = store.subscribe((change) => {
    if (change.kind === 'snapshot') {
      // press names arrive with the first snapshot, possibly after the first load
      const next = select('pressId', 'Press', pressOptions());
      pressFilter.replaceWith(next);
      pressFilter = next;
    } else if (change.kind !== 'alarm') {
      return;
    }
    // a burst of alarm events becomes one reload
    if (pending === null)
      pending = window.setTimeout(() => {
        pending = null;
        void load();
      }, 300);
  });
  void load();
  return {
    element,
    title: 'Alarms',
    destroy() {
      unsubscribe();
      if (pending !== null) window.clearTimeout(pending);
    },
  };
}
