/**
 * The dashboard's entry: wires the live link, the session, the supply outbox, the alarm
 * banner and the pages (hash routing: #/, #/press/<id>, #/alarms, #/supply, #/stops, #/reports, #/users).
 */
import './styles.css';
import type { Role } from './types.js';
import { mountAlarmBanner } from './alarm-banner.js';
import { parseRoute, type AppContext, type View } from './app-context.js';
import { byId, h, replaceChildren } from './dom.js';
import { duration } from './format.js';
import { connectLive } from './live-connection.js';
import { LiveStore } from './live-store.js';
import { loginPanel } from './login-panel.js';
import { Session } from './session.js';
import { SupplyOutbox } from './supply-outbox.js';
import { UncodedStops } from './uncoded-stops.js';
import { alarmsView } from './views/alarms.js';
import { boardView } from './views/board.js';
import { pressDetailView } from './views/press-detail.js';
import { reportsView } from './views/reports.js';
import { stopsView } from './views/stops.js';
import { supplyView } from './views/supply.js';
import { usersView } from './views/users.js';

const store = new LiveStore();
const session = new Session();
const live = connectLive({ store });
const outbox = new SupplyOutbox({ onUnauthenticated: () => session.expired() });
const stops = new UncodedStops({ store });

async function requireLogin(role: Role, why: string): Promise<boolean> {
  if (session.can(role)) return true;
  let closeDialog: () => void = () => undefined;
  const panel = loginPanel({ session, intro: why, onLoggedIn: () => closeDialog() });
  // the login panel is its own form: the dialog only frames it
  const dialog = h(
    'dialog',
    { class: 'dialog', 'aria-label': why },
    panel,
    h('div', { class: 'dialog-actions' }, h('button', { type: 'button', class: 'button', onclick: () => dialog.close() }, 'Cancel')),
  );
  document.body.append(dialog);
  await new Promise<void>((resolve) => {
    closeDialog = () => dialog.close();
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve();
    });
    dialog.showModal();
  });
  if (session.user) {
    live.reconnect();
    void outbox.flush();
  }
  return session.can(role);
}

const context: AppContext = { store, session, live, outbox, stops, requireLogin };

// ---- header: navigation, who is signed in, the link's state ----
const NAV = [
  { page: 'board', href: '#/', label: 'Board' },
  { page: 'alarms', href: '#/alarms', label: 'Alarms' },
  { page: 'supply', href: '#/supply', label: 'Log supply' },
  { page: 'stops', href: '#/stops', label: 'Stops' },
  { page: 'reports', href: '#/reports', label: 'Reports' },
  { page: 'users', href: '#/users', label: 'Users', role: 'admin' as const },
];

function renderNav(): void {
  const current = parseRoute(location.hash).page;
  replaceChildren(
    byId('nav'),
    h(
      'ul',
      {},
      ...NAV.filter((item) => !item.role || session.can(item.role)).map((item) =>
        h(
          'li',
          {},
          h(
            'a',
            { href: item.href, 'aria-current': item.page === current || (item.page === 'board' && current === 'press') ? 'page' : null },
            item.label,
            item.page === 'stops' ? nagBadge() : null,
          ),
        ),
      ),
    ),
  );
}

/** The gentle nag: how many stops are uncoded for longer than the configured minutes. */
function nagBadge(): HTMLElement | null {
  const overdue = stops.overdue().length;
  if (overdue === 0) return null;
  return h(
    'span',
    { class: 'nag-badge', title: `Uncoded for more than ${stops.uncodedAfterMinutes} min` },
    h('span', { 'aria-hidden': 'true' }, ` ${overdue}`),
    h('span', { class: 'visually-hidden' }, ` (${overdue} uncoded for more than ${stops.uncodedAfterMinutes} min)`),
  );
}

function renderTools(): void {
  const tools = byId('header-tools');
  const pending = outbox.pendingCount();
  const notify =
    'Notification' in window && Notification.permission === 'default'
      ? h(
          'button',
          { type: 'button', class: 'button small', onclick: () => void Notification.requestPermission().then(renderTools) },
          'Enable jam notifications',
        )
      : null;
  const user = session.user
    ? [
        h('span', { class: 'user-name' }, `${session.user.displayName} (${session.user.role})`),
        h(
          'button',
          {
            type: 'button',
            class: 'button small',
            onclick: () =>
              void session.logout().then(
                () => live.reconnect(),
                (error: unknown) => console.error(error),
              ),
          },
          'Log out',
        ),
      ]
    : [h('button', { type: 'button', class: 'button small', onclick: () => void requireLogin('viewer', 'Log in') }, 'Log in')];
  replaceChildren(tools, pending ? h('a', { href: '#/supply', class: 'pending-chip' }, `◷ ${pending} unsent`) : null, notify, ...user);
}

function renderConnection(): void {
  const element = byId('connection');
  const away = store.disconnectedAt === null ? '' : ` for ${duration(Date.now() - store.disconnectedAt)}`;
  const text = {
    connecting: 'Connecting to the service…',
    live: '',
    reconnecting: `⟳ Reconnecting${away} — values shown are not live`,
    refused: '✕ The service refused the live connection (log in?) — values shown are not live',
  }[store.connection];
  element.textContent = text;
  element.hidden = text === '';
  element.className = `connection connection-${store.connection}`;
  document.body.dataset.connection = store.connection;
}

// ---- pages ----
let view: View | null = null;

function route(): void {
  const target = parseRoute(location.hash);
  view?.destroy();
  switch (target.page) {
    case 'press':
      view = pressDetailView(context, target.params[0] ?? '', target.query.get('range'));
      break;
    case 'alarms':
      view = alarmsView(context, target.query);
      break;
    case 'supply':
      view = supplyView(context);
      break;
    case 'stops':
      view = stopsView(context, target.query.get('pressId'));
      break;
    case 'reports':
      view = reportsView(context, target.params, target.query);
      break;
    case 'users':
      view = usersView(context);
      break;
    default:
      view = boardView(context);
  }
  const main = byId('main');
  replaceChildren(main, view.element);
  document.title = `${view.title} · Pressroom`;
  document.body.dataset.page = target.page;
  renderNav();
}

window.addEventListener('hashchange', () => {
  route();
  byId('main').focus({ preventScroll: true });
});
store.subscribe((change) => {
  if (change.kind === 'connection') {
    renderConnection();
    if (store.live) void outbox.flush();
  }
});
session.subscribe(() => {
  renderNav();
  renderTools();
});
outbox.subscribe(renderTools);
stops.subscribe(renderNav);
window.setInterval(() => {
  if (!store.live) renderConnection();
}, 1000);

const { sound } = mountAlarmBanner({ context, element: byId('alarm-banner') });
renderConnection();
renderTools();
route();
void session.refresh().catch((error: unknown) => console.error('dashboard: could not ask who is signed in', error));
void outbox.flush();

// for tests and for curious operators: the live picture, read-only
(window as unknown as { pressroom: unknown }).pressroom = { store, session, outbox, sound };
