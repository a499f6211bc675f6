/** The supply log as CSV for spreadsheets and the MIS (see src/lib/csv.ts for the format and the formula guard). */
import { csvLine } from '../lib/csv.js';
import type { ConsumptionReport, LoggedQuantity, SupplyEntry } from '../model/supply.js';

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

/**
 * The consumption answer as CSV (`GET /api/supplies/consumption.csv`): one row per ink unit
 * over the whole time, then one paper row per shift in it. `used` is in percentage points of
 * the fountain or pile (measured level drops between refills), `refills` the refills or piles
 * seen loaded, `sheets` the impression counters' increase over the same time; `logged` what
 * the supply log has for it ("2.5 kg; 1 l").
 */
export const CONSUMPTION_CSV_HEADER = [
  'press',
  'from',
  'to',
  'supply',
  'unit',
  'color',
  'shift',
  'used_percent_points',
  'refills',
  'sheets_total',
  'sheets_good',
  'used_per_1000_sheets',
  'logged',
] as const;

export function consumptionCsvRows(report: ConsumptionReport): string {
  const iso = (ms: number) => new Date(ms).toISOString();
  const logged = (items: readonly LoggedQuantity[]) => items.map((q) => `${q.quantity} ${q.uom}`).join('; ');
  let body = '';
  for (const ink of report.ink) {
    body += csvLine([
      report.pressId,
      iso(report.from),
      iso(report.to),
      'ink',
      ink.unit,
      ink.color,
      null,
      ink.levelUsed,
      ink.refillsSeen,
      report.sheets.total,
      report.sheets.good,
      ink.perThousandSheets,
      logged(ink.logged),
    ]);
  }
  for (const shift of report.paper.shifts) {
    body += csvLine([
      report.pressId,
      iso(Math.max(shift.start, report.from)),
      iso(Math.min(shift.end, report.to)),
      'paper',
      null,
      null,
      shift.name,
      shift.pileUsed,
      shift.pilesLoaded,
      shift.sheets.total,
      shift.sheets.good,
      null,
      logged(shift.logged),
    ]);
  }
  return body;
}
