/**
 * Every write is audited: who, when, what, from which address. Services call an AuditLog;
 * the store keeps it (committed with the write it describes, synchronous=FULL).
 */
export interface AuditEntry {
  at: number;
  /** User id and name, or null for the system (e.g. an automatic action). */
  userId: number | null;
  username: string | null;
  /** e.g. `supply.log`, `supply.void`, `alarm.ack`, `alarm.shelve`, `user.create`, `auth.login`, `auth.login-failed` */
  action: string;
  /** What it acted on, e.g. `supply:42`, `alarm:abc`, `user:7`. */
  target: string | null;
  /** The client's address as seen on the socket (never taken from X-Forwarded-For). */
  ip: string | null;
  details: Record<string, unknown> | null;
}

export interface AuditLog {
  record(entry: Omit<AuditEntry, 'at'> & { at?: number }): void;
}
