/**
 * Who is signed in on this browser. The session itself is an httpOnly cookie the service
 * sets; this module only remembers the user it names, for showing and for role checks.
 */
import { ApiError, request } from './api.js';
import type { Role, SessionUser } from './types.js';

const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };
type Listener = (user: SessionUser | null) => void;

export class Session {
  user: SessionUser | null = null;
  private readonly listeners = new Set<Listener>();

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  can(role: Role): boolean {
    return this.user !== null && RANK[this.user.role] >= RANK[role];
  }

  /** Asks the service who we are; anonymous when it says 401 (or has no such route yet). */
  async refresh(): Promise<SessionUser | null> {
    try {
      const body = await request<{ user?: SessionUser | null } | SessionUser>('/api/auth/me');
      this.set(unwrapUser(body));
    } catch (error) {
      if (error instanceof ApiError && (error.kind === 'unauthenticated' || error.status === 404)) this.set(null);
      else if (!(error instanceof ApiError && error.kind === 'network')) throw error;
      // offline: keep what we knew, the tablet may still queue entries for this user
    }
    return this.user;
  }

  async login(credentials: { username: string; password?: string; pin?: string }): Promise<SessionUser> {
    const body = await request<{ user?: SessionUser } | SessionUser>('/api/auth/login', { method: 'POST', body: credentials });
    const user = unwrapUser(body);
    if (!user) throw new ApiError({ kind: 'server', message: 'The service did not say who logged in' });
    this.set(user);
    return user;
  }

  async logout(): Promise<void> {
    try {
      await request('/api/auth/logout', { method: 'POST', body: {} });
    } finally {
      this.set(null);
    }
  }

  /** The service answered 401 to something: our cookie is gone. */
  expired(): void {
    this.set(null);
  }

  private set(user: SessionUser | null): void {
    const changed = JSON.stringify(user) !== JSON.stringify(this.user);
    this.user = user;
    if (changed) for (const listener of this.listeners) listener(user);
  }
}

function unwrapUser(body: { user?: SessionUser | null } | SessionUser | null): SessionUser | null {
  if (!body) return null;
  if ('user' in body) return body.user ?? null;
  if ('username' in body) return body;
  return null;
}
