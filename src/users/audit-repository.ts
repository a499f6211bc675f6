import type { AuditEntry, AuditLog } from '../model/audit.js';
import type { AuditQuery, AuditReader, StoredAuditEntry } from './audit-reader.js';
import type { StoreDatabase } from '../store/database.js';

interface AuditRow {
  id: number;
  at: number;
  user_id: number | null;
  username: string | null;
  action: string;
  target: string | null;
  ip: string | null;
  details: string | null;
}

/**
 * The audit log in SQLite. `record` is durable (synchronous=FULL) when it runs on its own.
 * Called inside another write transaction it joins that transaction instead, so an operator
 * write and its audit entry commit together or not at all: callers that want both durable
 * wrap them in `db.durableWrite(...)`.
 */
export class AuditRepository implements AuditLog, AuditReader {
  private readonly insert;

  constructor(
    private readonly db: StoreDatabase,
    private readonly now: () => number = Date.now,
  ) {
    this.insert = db.connection.prepare<[number, number | null, string | null, string, string | null, string | null, string | null]>(
      'INSERT INTO audit_log (at, user_id, username, action, target, ip, details) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
  }

  record(entry: Omit<AuditEntry, 'at'> & { at?: number }): void {
    const details = entry.details === null ? null : JSON.stringify(entry.details);
    const write = () => {
      this.insert.run(entry.at ?? this.now(), entry.userId, entry.username, entry.action, entry.target, entry.ip, details);
    };
    const operation = `record audit ${entry.action}`;
    if (this.db.connection.inTransaction) this.db.write(operation, write);
    else this.db.durableWrite(operation, write);
  }

  list(query: AuditQuery): StoredAuditEntry[] {
    const where: string[] = [];
    const params: Record<string, string | number> = { limit: query.limit };
    if (query.from !== undefined) {
      where.push('at >= :from');
      params.from = query.from;
    }
    if (query.to !== undefined) {
      where.push('at <= :to');
      params.to = query.to;
    }
    if (query.username !== undefined) {
      where.push('username = :username COLLATE NOCASE');
      params.username = query.username;
    }
    if (query.action !== undefined) {
      if (query.action.endsWith('*')) {
        // substr comparison, not LIKE: an action containing % or _ must match literally
        const prefix = query.action.slice(0, -1);
        where.push('substr(action, 1, :prefixLength) = :prefix');
        params.prefix = prefix;
        params.prefixLength = prefix.length;
      } else {
        where.push('action = :action');
        params.action = query.action;
      }
    }
    const sql = `SELECT id, at, user_id, username, action, target, ip, details FROM audit_log
      ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at DESC, id DESC LIMIT :limit`;
    return this.db.run('list audit log', () => this.db.connection.prepare<[Record<string, string | number>], AuditRow>(sql).all(params)).map(fromRow);
  }
}

function fromRow(row: AuditRow): StoredAuditEntry {
  return {
    id: row.id,
    at: row.at,
    userId: row.user_id,
    username: row.username,
    action: row.action,
    target: row.target,
    ip: row.ip,
    details: row.details === null ? null : (JSON.parse(row.details) as Record<string, unknown>),
  };
}
