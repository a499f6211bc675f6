/**
 * The run-state timeline: coloured segments with the state's word, and a table for screen readers.
 * It covers the whole range: `previous` (the transition in force at `from`) fills the start, the
 * last state holds until `to` (now).
 */
import { h } from '../dom.js';
import { clock, dateTime, duration, runState, STOP_REASONS } from '../format.js';
import type { Transition } from '../types.js';

export function stateTimeline(options: { transitions: Transition[]; previous?: Transition | null; from: number; to: number }): HTMLElement {
  const transitions = [...options.transitions].sort((a, b) => a.at - b.at);
  const inRange = options.previous && (transitions[0]?.at ?? Infinity) > options.from ? [options.previous, ...transitions] : transitions;
  const span = Math.max(1, options.to - options.from);
  const bar = h('div', { class: 'timeline-bar', 'aria-hidden': 'true' });
  inRange.forEach((transition, index) => {
    const start = Math.max(options.from, transition.at);
    const end = Math.min(options.to, inRange[index + 1]?.at ?? options.to);
    if (end <= start) return;
    const state = runState(transition.state);
    const width = ((end - start) / span) * 100;
    const reason = transition.reason ? ` (${STOP_REASONS[transition.reason] ?? transition.reason})` : '';
    bar.append(
      h(
        'div',
        {
          class: `timeline-segment state-${transition.state}`,
          'data-state': transition.state,
          'data-start': String(start),
          'data-end': String(end),
          style: `left:${((start - options.from) / span) * 100}%;width:${width}%`,
          title: `${state.word}${reason}: ${clock(start)}–${clock(end)} (${duration(end - start)})`,
        },
        width > 6 ? `${state.icon} ${state.word}` : state.icon,
      ),
    );
  });
  const row = (transition: Transition, note?: string): HTMLElement =>
    h(
      'tr',
      {},
      h('td', {}, note ?? dateTime(transition.at)),
      h('td', {}, `${runState(transition.state).icon} ${runState(transition.state).word}`),
      h('td', {}, transition.reason ? (STOP_REASONS[transition.reason] ?? transition.reason) : ''),
      h('td', {}, transition.detail ?? ''),
    );
  const first = inRange[0];
  const table = h(
    'table',
    { class: 'data-table' },
    h('caption', { class: 'visually-hidden' }, 'Run-state changes'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Time'),
        h('th', { scope: 'col' }, 'State'),
        h('th', { scope: 'col' }, 'Reason'),
        h('th', { scope: 'col' }, 'Detail'),
      ),
    ),
    h(
      'tbody',
      {},
      ...transitions
        .slice()
        .reverse()
        .map((transition) => row(transition)),
      ...(first && first !== transitions[0] ? [row(first, `since ${dateTime(first.at)}`)] : []),
    ),
  );
  const summary = transitions.length === 0 ? 'No state changes in this range' : `All ${transitions.length} state changes`;
  return h(
    'div',
    { class: 'timeline' },
    bar.childElementCount === 0 ? h('p', { class: 'muted' }, 'No run state recorded in this range.') : bar,
    h('div', { class: 'timeline-axis', 'aria-hidden': 'true' }, h('span', {}, clock(options.from)), h('span', {}, clock(options.to))),
    h('details', {}, h('summary', {}, summary), table),
  );
}
