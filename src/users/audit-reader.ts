/**
 * Reading the audit log back, for admins: the HTTP routes depend on this port, the store
 * implements it (src/store/audit-repository.ts).
 */
import type { AuditEntry } from '../model/audit.js';

export interface StoredAuditEntry extends AuditEntry {
  id: number;
}

export interface AuditQuery {
  /** Inclusive bounds, ms since epoch. */
  from?: number;
  to?: number;
  /** Username, case-insensitive, exact. */
  username?: string;
  /** Exact action (`auth.login`), or a prefix when it ends with `*` (`user.*`). */
  action?: string;
  /** At most this many entries, newest first. */
  limit: number;
}

export interface AuditReader {
  list(query: AuditQuery): StoredAuditEntry[];
}
