/**
 * The alarm journal as CSV for a spreadsheet (RFC 4180: comma separated, CRLF line ends,
 * fields with a comma, quote or line break in double quotes, quotes doubled).
 *
 * Notes and user names are typed by people, and a spreadsheet runs a cell that starts with
 * = + - @ (or a tab or carriage return) as a formula: `=HYPERLINK(...)` in an ack note would
 * run on the office PC that opens the export. Such cells get a leading apostrophe, which
 * spreadsheets show as text (OWASP "CSV injection").
 */
import type { JournalEntry } from './alarm-types.js';

export const JOURNAL_CSV_HEADER = ['at', 'press', 'alarm_id', 'code', 'action', 'priority', 'user', 'note'] as const;

export function journalToCsv(entries: Iterable<JournalEntry>): string {
  const lines = [JOURNAL_CSV_HEADER.join(',')];
  for (const entry of entries) {
    lines.push(
      [new Date(entry.at).toISOString(), entry.pressId, entry.alarmId, entry.code, entry.action, entry.priority, entry.user ?? '', entry.note ?? '']
        .map(csvCell)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

export function csvCell(value: string): string {
  const guarded = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(guarded) ? `"${guarded.replaceAll('"', '""')}"` : guarded;
}
