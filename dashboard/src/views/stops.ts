/**
 * The tablet's stops page (`#/stops?pressId=`): the stops of a press that nobody has said
 * the cause of yet, each with the reason catalogue as a few large buttons (inky fingers,
 * gloves). Coding needs an operator: the PIN keypad opens when nobody is signed in.
 */
import { describeError } from '../api.js';
import type { AppContext, View } from '../app-context.js';
import { announce, h, replaceChildren } from '../dom.js';
import { clock, duration, runState } from '../format.js';
import type { DowntimeEventView } from '../types.js';
import { pressJobs } from './press-jobs.js';

export function stopsView(context: AppContext, pressFilter: string | null): View {
  const { store, stops } = context;
  const pressBar = h('nav', { class: 'stop-presses', 'aria-label': 'Presses' });
  const status = h('p', { class: 'muted stops-status', role: 'status' });
  const list = h('ol', { class: 'stop-list' });
  const element = h(
    'section',
    { class: 'stops-page', 'aria-labelledby': 'stops-title' },
    h('p', {}, h('a', { href: '#/supply', class: 'button small' }, '← Log a supply')),
    h('h1', { id: 'stops-title' }, 'Stops to code'),
    pressBar,
    status,
    list,
  );
  // with one press chosen, its jobs come after its stops: start from the queue, finish
  const jobs = pressFilter ? pressJobs(context, pressFilter) : null;
  if (jobs) element.append(jobs.element);
  /** Errors of a coding that failed, by event, shown until the next try. */
  const failures = new Map<number, string>();
  const busy = new Set<number>();

  function pressName(pressId: string): string {
    return store.presses.get(pressId)?.name ?? pressId;
  }

  function render(): void {
    const events = stops.events.filter((event) => !pressFilter || event.pressId === pressFilter);
    const pressIds = [...new Set([...store.presses.keys(), ...stops.events.map((event) => event.pressId)])];
    replaceChildren(
      pressBar,
      h('a', { href: '#/stops', class: 'button', 'aria-current': pressFilter ? null : 'page' }, `All presses (${stops.events.length})`),
      ...pressIds.map((pressId) =>
        h(
          'a',
          {
            href: `#/stops?pressId=${encodeURIComponent(pressId)}`,
            class: 'button',
            'data-press-id': pressId,
            'aria-current': pressFilter === pressId ? 'page' : null,
          },
          `${pressName(pressId)} (${stops.events.filter((event) => event.pressId === pressId).length})`,
        ),
      ),
    );
    status.textContent = !stops.loaded
      ? 'Loading…'
      : events.length === 0
        ? 'Every stop is coded.'
        : `${events.length} stop${events.length === 1 ? '' : 's'} to code, newest first.`;
    list.replaceChildren(...events.map(stopItem));
  }

  function stopItem(event: DowntimeEventView): HTMLElement {
    const lasted = stops.lastedMs(event);
    const overdue = lasted >= stops.uncodedAfterMinutes * 60_000;
    const plcSays = event.cause ? h('span', { class: 'muted' }, ` — the press says “${event.cause.label}”`) : null;
    return h(
      'li',
      { class: `stop${overdue ? ' overdue' : ''}`, 'data-event-id': event.id, 'data-press-id': event.pressId },
      h(
        'p',
        { class: 'stop-head' },
        h('strong', {}, pressName(event.pressId)),
        ` · ${runState(event.state).word} since ${clock(event.from)}`,
        event.to === null ? ` (${duration(lasted)}, still going)` : ` for ${duration(lasted)}`,
        event.jobId ? ` · job ${event.jobId}` : '',
        plcSays,
      ),
      h(
        'div',
        { class: 'reason-buttons', role: 'group', 'aria-label': `Cause of the stop of ${pressName(event.pressId)} at ${clock(event.from)}` },
        ...stops.reasons.map((reason) =>
          h(
            'button',
            {
              type: 'button',
              class: `button reason reason-${reason.category}`,
              'data-code': reason.code,
              disabled: busy.has(event.id),
              onclick: () => void codeStop(event, reason.code, reason.label),
            },
            reason.label,
          ),
        ),
      ),
      failures.has(event.id) ? h('p', { class: 'form-error', role: 'alert' }, failures.get(event.id)) : null,
    );
  }

  async function codeStop(event: DowntimeEventView, code: string, label: string): Promise<void> {
    if (!(await context.requireLogin('operator', 'Log in as an operator to code this stop'))) return;
    busy.add(event.id);
    failures.delete(event.id);
    render();
    try {
      await stops.code(event.id, code);
      announce(`Stop of ${pressName(event.pressId)} at ${clock(event.from)} coded as ${label}`);
    } catch (error) {
      failures.set(event.id, `Not saved: ${describeError(error)}`);
    } finally {
      busy.delete(event.id);
      render();
    }
  }

  const unsubscribers = [
    stops.subscribe(render),
    store.subscribe((change) => {
      if (change.kind === 'snapshot') render();
    }),
  ];
  render();
  if (!stops.loaded) void stops.load();

  return {
    element,
    title: 'Stops to code',
    destroy() {
      for (const unsubscribe of unsubscribers) unsubscribe();
      jobs?.destroy();
    },
  };
}
