/** The audit log as CSV (see src/lib/csv.ts for the format and the formula guard). */
import { csvDocument, type CsvCell } from '../lib/csv.js';
import type { StoredAuditEntry } from './audit-reader.js';

export const AUDIT_CSV_HEADER = ['id', 'at', 'user_id', 'username', 'action', 'target', 'ip', 'details'] as const;

export function auditEntryCells(entry: StoredAuditEntry): CsvCell[] {
  return [
    entry.id,
    new Date(entry.at).toISOString(),
    entry.userId,
    entry.username,
    entry.action,
    entry.target,
    entry.ip,
    entry.details === null ? null : JSON.stringify(entry.details),
  ];
}

/** The whole export, header first, each record ending in CRLF. */
export function auditCsv(entries: StoredAuditEntry[]): string {
  return csvDocument(AUDIT_CSV_HEADER, entries.map(auditEntryCells));
}
