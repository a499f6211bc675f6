/**
 * One press: its live tile, trends of speed, ink and paper over a chosen range, the
 * run-state timeline, the alarm journal and the supply history.
 */
import { describeError, listFrom, request } from '../api.js';
import type { AppContext, View } from '../app-context.js';
import { h, replaceChildren } from '../dom.js';
import { inkColour } from '../format.js';
import type { AlarmView, HistoryPoint, PressSnapshot, SupplyEntry, Transition } from '../types.js';
import { PressTile } from './press-tile.js';
import { stateTimeline } from './state-timeline.js';
import { alarmTable, supplyTable } from './tables.js';
import { createTrendChart, type TrendChart } from './trend-chart.js';

const RANGES = [
  { id: '15m', label: '15 min', ms: 15 * 60_000 },
  { id: '1h', label: '1 hour', ms: 3600_000 },
  { id: '8h', label: '8 hours', ms: 8 * 3600_000 },
  { id: '24h', label: '24 hours', ms: 24 * 3600_000 },
  { id: '7d', label: '7 days', ms: 7 * 24 * 3600_000 },
];

async function history(pressId: string, signal: string, from: number, to: number, maxPoints: number): Promise<HistoryPoint[]> {
  const body = await request<{ points?: HistoryPoint[]; previous?: HistoryPoint | null }>(`/api/presses/${encodeURIComponent(pressId)}/history`, {
    query: { signal, from, to, maxPoints },
  });
  const points = body.points ?? [];
  // samples are kept on change: the value before the range still holds at its start
  const previous = body.previous;
  if (previous && previous.value !== null && (points[0]?.at ?? Infinity) > from) points.unshift({ ...previous, at: from });
  // …and the last one holds until now (a comm loss is stored as a bad sample, so this never bridges one)
  const last = points.at(-1);
  if (last && last.value !== null && last.at < to) points.push({ ...last, at: to });
  return points;
}

export function pressDetailView(context: AppContext, pressId: string, rangeId: string | null): View {
  const { store } = context;
  const range = RANGES.find((candidate) => candidate.id === rangeId) ?? RANGES[1]!;
  const heading = h('h1', {}, store.presses.get(pressId)?.name ?? pressId);
  const tileSlot = h('div', { class: 'detail-tile' });
  const trends = h('div', { class: 'trends', 'aria-busy': 'true' });
  const timeline = h('div');
  const journal = h('div');
  const supplies = h('div');
  const status = h('p', { class: 'muted', role: 'status' });
  const rangePicker = h(
    'div',
    { class: 'range-picker', role: 'group', 'aria-label': 'Time range' },
    ...RANGES.map((candidate) =>
      h(
        'a',
        {
          class: `button small${candidate === range ? ' selected' : ''}`,
          href: `#/press/${encodeURIComponent(pressId)}?range=${candidate.id}`,
          'aria-current': candidate === range ? 'true' : null,
        },
        candidate.label,
      ),
    ),
  );
  const element = h(
    'section',
    { class: 'press-detail' },
    h('p', {}, h('a', { href: '#/' }, '← Board')),
    heading,
    tileSlot,
    rangePicker,
    status,
    h('h2', {}, 'Trends'),
    trends,
    h('h2', {}, 'Run state'),
    timeline,
    h('h2', {}, 'Alarm journal'),
    journal,
    h('h2', {}, 'Supply history'),
    supplies,
  );

  let tile: PressTile | null = null;
  let charts: TrendChart[] = [];
  let destroyed = false;

  function renderTile(): void {
    const press = store.presses.get(pressId);
    if (!press) return;
    heading.textContent = press.name;
    if (!tile) {
      tile = new PressTile(press);
      tileSlot.replaceChildren(tile.element);
    }
    tile.update(press, { now: store.now(), live: store.live });
  }

  /** One section's content, or its own error: a route that fails must not blank the rest. */
  async function section(slot: HTMLElement, build: () => Promise<HTMLElement | HTMLElement[]>): Promise<void> {
    try {
      const content = await build();
      if (!destroyed) replaceChildren(slot, content);
    } catch (error) {
      if (!destroyed) replaceChildren(slot, h('p', { class: 'form-error' }, `Could not load: ${describeError(error)}`));
    }
  }

  async function loadTrends(from: number, to: number): Promise<HTMLElement[]> {
    const width = Math.max(300, Math.min(1200, trends.clientWidth || 900));
    // on a first load the live snapshot may not be in yet: ask for the press itself
    const press = store.presses.get(pressId) ?? (await request<PressSnapshot>(`/api/presses/${encodeURIComponent(pressId)}`));
    const inkUnits = press.ink;
    const [speed, paper, inks] = await Promise.all([
      history(pressId, 'speed', from, to, width),
      history(pressId, 'paper', from, to, width),
      Promise.all(inkUnits.map((ink) => history(pressId, `ink.${ink.unit}`, from, to, width))),
    ]);
    const chartWidth = Math.max(280, (trends.clientWidth || width) - 16);
    const inkLine = (colour: string): string => (colour === '#2b2b2b' ? '#bdbdbd' : colour); // black ink on a dark chart
    const built = await Promise.all([
      createTrendChart({ title: 'Speed', unit: 'sheets/h', width: chartWidth, series: [{ label: 'Speed', colour: '#4fc3f7', points: speed }] }),
      createTrendChart({
        title: 'Ink',
        unit: '%',
        width: chartWidth,
        range: [0, 100],
        series: inkUnits.map((ink, index) => ({ label: `${ink.unit} ${ink.color}`, colour: inkLine(inkColour(ink.color).fill), points: inks[index] ?? [] })),
      }),
      createTrendChart({ title: 'Paper', unit: '%', width: chartWidth, range: [0, 100], series: [{ label: 'Paper', colour: '#e8e2d0', points: paper }] }),
    ]);
    for (const chart of charts) chart.destroy();
    charts = built;
    if (destroyed) for (const chart of built) chart.destroy();
    trends.setAttribute('aria-busy', 'false');
    return built.map((chart) => chart.element);
  }

  async function load(): Promise<void> {
    const to = store.now();
    const from = to - range.ms;
    status.textContent = 'Loading…';
    const encoded = encodeURIComponent(pressId);
    await Promise.all([
      section(trends, () => loadTrends(from, to)),
      section(timeline, async () => {
        const body = await request<{ transitions?: Transition[]; previous?: Transition | null }>(`/api/presses/${encoded}/transitions`, {
          query: { from, to },
        });
        return stateTimeline({ transitions: body.transitions ?? [], previous: body.previous ?? null, from, to });
      }),
      section(journal, async () => {
        // raised in the range, and the press's current list: an alarm raised earlier that is
        // still active or unacknowledged belongs in the journal too (the current entry is fresher)
        const [raised, current] = await Promise.all([
          request<unknown>('/api/alarms', { query: { pressId, from, to } }),
          request<unknown>('/api/alarms', { query: { pressId } }),
        ]);
        const byId = new Map<string, AlarmView>();
        for (const alarm of [...listFrom<AlarmView>(raised, 'alarms'), ...listFrom<AlarmView>(current, 'alarms')]) byId.set(alarm.id, alarm);
        const alarms = [...byId.values()].sort((a, b) => b.raisedAt - a.raisedAt);
        return alarmTable(context, alarms, {
          caption: `Alarms raised in the last ${range.label}, and older ones still active or unacknowledged`,
          onChanged: () => void load(),
        });
      }),
      section(supplies, async () => {
        const entries = listFrom<SupplyEntry>(await request<unknown>('/api/supplies', { query: { pressId, from, to } }), 'entries', 'supplies');
        return supplyTable(context, entries, { caption: `Supplies, last ${range.label}` });
      }),
    ]);
    status.textContent = `Updated ${new Date().toLocaleTimeString()}`;
  }

  let reloadTimer: number | null = null;
  /** Alarm and supply events come in bursts: one reload for a burst. */
  function reloadSoon(): void {
    reloadTimer ??= window.setTimeout(() => {
      reloadTimer = null;
      void load();
    }, 500);
  }

  const unsubscribe = store.subscribe((change) => {
    if ((change.kind === 'press' && change.pressId === pressId) || change.kind === 'snapshot' || change.kind === 'connection') renderTile();
    if (change.kind === 'supply' || (change.kind === 'alarm' && change.alarm.pressId === pressId)) reloadSoon();
  });
  const ticker = window.setInterval(() => tile?.tick(store.now()), 1000);
  // short ranges move visibly: redraw them twice a minute
  const refresher = range.ms <= 3600_000 ? window.setInterval(() => void load(), 30_000) : null;
  context.live.watchPress(pressId);
  renderTile();
  // after the element is in the page, so the charts know their width
  window.setTimeout(() => void load(), 0);

  return {
    element,
    title: store.presses.get(pressId)?.name ?? pressId,
    destroy() {
      destroyed = true;
      unsubscribe();
      window.clearInterval(ticker);
      if (refresher !== null) window.clearInterval(refresher);
      if (reloadTimer !== null) window.clearTimeout(reloadTimer);
      context.live.watchPress(null);
      for (const chart of charts) chart.destroy();
    },
  };
}
