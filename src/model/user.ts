import { userRoles, type Role } from './vocabulary.js';

export type { Role };

export interface SessionUser {
  id: number;
  username: string;
  displayName: string;
  role: Role;
}

export function hasRole(user: SessionUser | undefined, needed: Role): boolean {
  return user !== undefined && userRoles.indexOf(user.role) >= userRoles.indexOf(needed);
}
