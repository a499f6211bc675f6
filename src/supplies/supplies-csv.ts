/**
 * The supply log as CSV (RFC 4180: comma-separated, CRLF line ends, fields with a comma, quote
 * or line break quoted, quotes doubled) for spreadsheets and the MIS.
 *
 * Formula injection: a spreadsheet runs a cell that starts with = + - @ (and, in some, a tab
 * or carriage return) as a formula, and product names, lots and notes are typed by people. Such
 * text cells get a leading apostrophe, which shows the text as typed and runs nothing. Numbers
 * are written as numbers and never prefixed.
 */
import type { SupplyEntry } from './supply-types.js';

export const CSV_HEADER = [
  'id', 'logged_at', 'press', 'kind', 'unit', 'color', 'product', 'lot', 'quantity', 'uom', 'note',
  'user', 'reconciliation', 'reconciliation_detail', 'voided_at', 'voided_by', 'void_reason', 'replaced_by', 'replaces', 'client_id', 'received_at',
] as const;

type Cell = string | number | null;

export function csvLine(cells: readonly Cell[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

export function csvCell(cell: Cell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : '';
  const guarded = /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
  return /[",\r\n]/.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

export function csvRow(entry: SupplyEntry): string {
  return csvLine([
    entry.id,
    new Date(entry.loggedAt).toISOString(),
    entry.pressId,
    entry.kind,
    entry.unit,
    entry.color,
    entry.product,
    entry.lot,
    entry.quantity,
    entry.uom,
    entry.note,
    entry.by?.username ?? null,
    entry.reconciliation.status,
    entry.reconciliation.detail,
    entry.voided ? new Date(entry.voided.at).toISOString() : null,
    entry.voided?.by.username ?? null,
    entry.voided?.reason ?? null,
    entry.voided?.replacedBy ?? null,
    entry.replaces,
    entry.clientId,
    new Date(entry.receivedAt).toISOString(),
  ]);
}
