/** The alarm journal as CSV (see src/lib/csv.ts for the format and the formula guard). */
import { csvDocument } from '../lib/csv.js';
import type { JournalEntry } from './alarm-types.js';

export const JOURNAL_CSV_HEADER = ['at', 'press', 'alarm_id', 'code', 'action', 'priority', 'user', 'note'] as const;

export function journalToCsv(entries: Iterable<JournalEntry>): string {
  const rows = [...entries].map((entry) => [
    new Date(entry.at).toISOString(),
    entry.pressId,
    entry.alarmId,
    entry.code,
    entry.action,
    entry.priority,
    entry.user,
    entry.note,
  ]);
  return csvDocument(JOURNAL_CSV_HEADER, rows);
}
