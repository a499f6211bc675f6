/** What every page gets: the live picture, the session, and the socket link. */
import type { Role } from './types.js';
import type { LiveConnection } from './live-connection.js';
import type { LiveStore } from './live-store.js';
import type { Session } from './session.js';
import type { SupplyOutbox } from './supply-outbox.js';
import type { UncodedStops } from './uncoded-stops.js';

export interface AppContext {
  store: LiveStore;
  session: Session;
  live: LiveConnection;
  outbox: SupplyOutbox;
  /** The stops waiting for an operator's cause, and the reason catalogue. */
  stops: UncodedStops;
  /** Shows the login dialog; resolves true once someone with at least `role` is signed in. */
  requireLogin(role: Role, why: string): Promise<boolean>;
}

/** A page: its element goes into <main>; destroy() stops its timers and subscriptions. */
export interface View {
  element: HTMLElement;
  title: string;
  destroy(): void;
}

export interface Route {
  page: string;
  params: string[];
  query: URLSearchParams;
}

export function parseRoute(hash: string): Route {
  const text = hash.replace(/^#\/?/, '');
  const [path = '', search = ''] = text.split('?', 2);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { page: parts[0] ?? 'board', params: parts.slice(1), query: new URLSearchParams(search) };
}
