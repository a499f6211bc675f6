/**
 * The audit log as CSV for a spreadsheet: RFC 4180 (CRLF line ends, fields quoted when they
 * hold a comma, quote or line break, quotes doubled). A cell starting with = + - @ (or a tab
 * or carriage return) gets a leading apostrophe, so a username or note such as
 * `=HYPERLINK(...)` is shown as text instead of run as a formula (OWASP "CSV injection").
 */
import type { StoredAuditEntry } from './audit-reader.js';

export const AUDIT_CSV_HEADER = ['id', 'at', 'user_id', 'username', 'action', 'target', 'ip', 'details'] as const;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvRow(cells: (string | number | null)[]): string {
  return cells.map(csvCell).join(',');
}

export function auditEntryCells(entry: StoredAuditEntry): (string | number | null)[] {
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
  return [csvRow([...AUDIT_CSV_HEADER]), ...entries.map((entry) => csvRow(auditEntryCells(entry)))].map((line) => `${line}\r\n`).join('');
}
