/** The supply log as CSV for spreadsheets and the MIS (see src/lib/csv.ts for the format and the formula guard). */
import { csvLine } from '../lib/csv.js';
import type { SupplyEntry } from '../model/supply.js';

export { csvLine };

export const CSV_HEADER = [
  'id',
  'logged_at',
  'press',
  'kind',
  'unit',
  'color',
  'product',
  'lot',
  'quantity',
  'uom',
  'note',
  'user',
  'reconciliation',
  'reconciliation_detail',
  'voided_at',
  'voided_by',
  'void_reason',
  'replaced_by',
  'replaces',
  'client_id',
  'received_at',
] as const;

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
