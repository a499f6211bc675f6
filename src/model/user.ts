/** Roles, from least to most: viewer reads; operator logs supplies and handles alarms; admin manages users and settings. */
export type Role = 'viewer' | 'operator' | 'admin';

export const ROLE_RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

export interface SessionUser {
  id: number;
  username: string;
  displayName: string;
  role: Role;
}

export function hasRole(user: SessionUser | undefined, needed: Role): boolean {
  return user !== undefined && ROLE_RANK[user.role] >= ROLE_RANK[needed];
}
