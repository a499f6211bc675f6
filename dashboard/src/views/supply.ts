/**
 * The tablet page: log in with a PIN, pick a suggestion or fill the form, and see every
 * entry made on this tablet as pending (kept here, not yet at the service) or sent.
 *
 * Suggestions sit in a box of one fixed height above the form, so the form stays where the
 * thumb is however many there are (a demo left running for 11 minutes had 24 unlogged refills,
 * which pushed the form 2.5 screens down). Each press shows its newest unlogged refills; the
 * rest wait behind "N more".
 */
import { describeError } from '../api.js';
import type { AppContext, View } from '../app-context.js';
import { announce, h, replaceChildren } from '../dom.js';
import { clock } from '../format.js';
import { loginPanel } from '../login-panel.js';
import { fetchSuggestions, type SupplySuggestion } from '../supply-suggestions.js';
import type { OutboxItem } from '../supply-outbox.js';
import { createSupplyForm } from './supply-form.js';

const STATUS_WORDS = { pending: '◷ pending', sent: '✓ sent', rejected: '✕ rejected' } as const;
/** Unlogged refills shown per press before "N more". */
export const REFILLS_SHOWN_PER_PRESS = 2;

function describeItem(context: AppContext, item: OutboxItem): string {
  const draft = item.draft;
  const press = context.store.presses.get(draft.pressId)?.name ?? draft.pressId;
  const what = [draft.kind, draft.unit !== undefined ? `unit ${draft.unit}` : null, draft.color, draft.product, draft.lot ? `lot ${draft.lot}` : null]
    .filter(Boolean)
    .join(' · ');
  return `${press}: ${what}, ${draft.quantity} ${draft.uom}`;
}

export function supplyView(context: AppContext): View {
  const { session, store, outbox } = context;
  const body = h('div', { class: 'supply-body' });
  // the tablet's way to the stops page, with how many wait for a cause
  const stopsLink = h('a', { href: '#/stops', class: 'button big stops-link' });
  const renderStopsLink = (): void => {
    const waiting = context.stops.events.length;
    const overdue = context.stops.overdue().length;
    stopsLink.textContent = `Stops to code: ${waiting}${overdue > 0 ? ` (${overdue} for more than ${context.stops.uncodedAfterMinutes} min)` : ''}`;
    stopsLink.classList.toggle('overdue', overdue > 0);
  };
  renderStopsLink();
  const element = h(
    'section',
    { class: 'supply-page', 'aria-labelledby': 'supply-title' },
    h('h1', { id: 'supply-title' }, 'Log a supply'),
    h('p', { class: 'stops-link-line' }, stopsLink),
    body,
  );
  const form = createSupplyForm({
    onSubmit: (draft) => {
      outbox.add(draft, session.user?.username ?? null);
      // a completed refill suggestion leaves the list once the service has the entry
      if (draft.suggestionId) void outbox.flush().then(loadSuggestions);
      announce(navigator.onLine ? 'Supply logged, sending' : 'Supply kept on this tablet, it will be sent when the network is back');
    },
  });
  const suggestionList = h('ul', { class: 'suggestions', 'aria-label': 'Suggestions' });
  const suggestionStatus = h('p', { class: 'muted suggestion-status' });
  const suggestionBox = h('div', { class: 'suggestion-box' }, suggestionStatus, suggestionList);
  let suggestions: SupplySuggestion[] = [];
  /** Presses whose every unlogged refill is shown ("N more" tapped). */
  const expanded = new Set<string>();
  const outboxList = h('ol', { class: 'outbox', reversed: true });
  const outboxSummary = h('p', { class: 'outbox-summary', role: 'status' });

  function renderLoggedIn(): void {
    replaceChildren(
      body,
      h(
        'p',
        { class: 'signed-in' },
        `Signed in as ${session.user?.displayName ?? session.user?.username ?? ''}`,
        h('button', { type: 'button', class: 'button small', onclick: () => void session.logout().catch(() => undefined) }, 'Log out'),
      ),
      h('section', { class: 'suggestion-block', 'aria-labelledby': 'suggestions-title' }, h('h2', { id: 'suggestions-title' }, 'Suggestions'), suggestionBox),
      form.element,
      h(
        'section',
        { class: 'outbox-block', 'aria-labelledby': 'outbox-title' },
        h('h2', { id: 'outbox-title' }, 'Entries from this tablet'),
        outboxSummary,
        outboxList,
      ),
    );
    form.setPresses(store.pressList());
    renderOutbox();
    void loadSuggestions();
  }

  // Kept across renders: the session check answering (or any session change) while someone
  // is typing their name and PIN must not wipe what they typed.
  let login: HTMLElement | null = null;

  function render(): void {
    if (session.can('operator')) {
      login = null;
      return renderLoggedIn();
    }
    const intro = session.user ? `${session.user.displayName} may only view. Log in as an operator to log supplies.` : 'Log in to log supplies.';
    if (login) {
      const introLine = login.querySelector('.login-intro');
      if (introLine) introLine.textContent = intro;
    } else {
      login = loginPanel({
        session,
        intro,
        onLoggedIn: () => {
          context.live.reconnect();
          void outbox.flush();
        },
      });
    }
    // moved only if it must be: detaching the form would take the focus from the field in use
    if (login.parentElement === body) {
      for (const child of [...body.children]) if (child !== login) child.remove();
    } else {
      replaceChildren(body, login);
    }
    renderOutbox();
    if (outbox.list().length > 0) body.append(h('section', { class: 'outbox-block' }, h('h2', {}, 'Entries from this tablet'), outboxSummary, outboxList));
  }

  async function loadSuggestions(): Promise<void> {
    suggestionStatus.textContent = 'Looking for unlogged refills…';
    try {
      suggestions = await fetchSuggestions();
      suggestionStatus.textContent = suggestions.length === 0 ? 'Nothing to confirm.' : '';
      renderSuggestions();
    } catch (error) {
      suggestionStatus.textContent = `Suggestions unavailable: ${describeError(error)}`;
    }
  }

  /** Per press, its newest unlogged refills (the service lists them newest first), then "N more"; low levels after. */
  function renderSuggestions(): void {
    const refills = new Map<string, SupplySuggestion[]>();
    for (const suggestion of suggestions) {
      if (suggestion.reason !== 'unlogged-refill') continue;
      refills.set(suggestion.pressId, [...(refills.get(suggestion.pressId) ?? []), suggestion]);
    }
    const items: HTMLElement[] = [];
    for (const [pressId, list] of refills) {
      const shown = expanded.has(pressId) ? list : list.slice(0, REFILLS_SHOWN_PER_PRESS);
      items.push(...shown.map((suggestion) => h('li', {}, suggestionButton(suggestion))));
      const hidden = list.length - shown.length;
      if (hidden > 0) {
        const press = store.presses.get(pressId)?.name ?? pressId;
        items.push(
          h(
            'li',
            {},
            h(
              'button',
              {
                type: 'button',
                class: 'button more-refills',
                'data-press-id': pressId,
                onclick: () => {
                  expanded.add(pressId);
                  renderSuggestions();
                },
              },
              `${hidden} more unlogged refill${hidden === 1 ? '' : 's'} on ${press}`,
            ),
          ),
        );
      }
    }
    items.push(...suggestions.filter((suggestion) => suggestion.reason !== 'unlogged-refill').map((suggestion) => h('li', {}, suggestionButton(suggestion))));
    suggestionList.replaceChildren(...items);
  }

  function suggestionButton(suggestion: SupplySuggestion): HTMLElement {
    const press = store.presses.get(suggestion.pressId)?.name ?? suggestion.pressId;
    const what = [suggestion.kind, suggestion.unit !== null ? `unit ${suggestion.unit}` : null, suggestion.color].filter(Boolean).join(' · ');
    const why = suggestion.reason === 'unlogged-refill' ? 'Refill not logged:' : 'Running low:';
    return h(
      'button',
      { type: 'button', class: `button suggestion reason-${suggestion.reason}`, onclick: () => form.prefill(suggestion) },
      h('strong', {}, why),
      ` ${press}: ${what}`,
      h('span', { class: 'muted' }, ` — ${suggestion.detail}`),
      suggestion.at ? h('span', { class: 'muted' }, ` (${clock(suggestion.at)})`) : null,
    );
  }

  function renderOutbox(): void {
    const items = [...outbox.list()].reverse();
    const pending = outbox.pendingCount();
    outboxSummary.textContent =
      pending === 0 ? 'Everything is sent.' : `${pending} waiting to be sent${outbox.needsLogin ? ' (log in to send)' : navigator.onLine ? '' : ' (offline)'}.`;
    outboxList.replaceChildren(
      ...items.map((item) =>
        h(
          'li',
          { class: `outbox-item status-${item.status}`, 'data-client-id': item.draft.clientId, 'data-status': item.status },
          h('span', { class: 'outbox-status' }, STATUS_WORDS[item.status]),
          h('span', {}, ` ${clock(item.createdAt)} · ${describeItem(context, item)}`),
          item.error && item.status !== 'sent' ? h('span', { class: 'muted' }, ` — ${item.error}`) : null,
          item.clockNote ? h('span', { class: 'muted clock-note' }, ` — ${item.clockNote}`) : null,
          item.status === 'rejected'
            ? h('button', { type: 'button', class: 'button small', onclick: () => outbox.discard(item.draft.clientId) }, 'Discard')
            : null,
        ),
      ),
    );
  }

  const unsubscribers = [
    context.stops.subscribe(renderStopsLink),
    outbox.subscribe(renderOutbox),
    session.subscribe(render),
    store.subscribe((change) => {
      if (change.kind === 'snapshot' && session.can('operator')) {
        form.setPresses(store.pressList());
        // suggestions drawn before the first snapshot named presses by id: now by name
        renderSuggestions();
      }
      if (change.kind === 'connection' && store.live) void outbox.flush();
    }),
  ];
  const onNetwork = (): void => renderOutbox();
  window.addEventListener('online', onNetwork);
  window.addEventListener('offline', onNetwork);
  render();

  return {
    element,
    title: 'Log a supply',
    destroy() {
      for (const unsubscribe of unsubscribers) unsubscribe();
      window.removeEventListener('online', onNetwork);
      window.removeEventListener('offline', onNetwork);
    },
  };
}
