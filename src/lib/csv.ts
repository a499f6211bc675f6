/**
 * CSV for spreadsheets and the MIS, one writer for every export (alarm journal, audit log,
 * supply log): RFC 4180 (comma separated, CRLF line ends, a field with a comma, quote or line
 * break in double quotes, quotes doubled), written by csv-stringify.
 *
 * Free text is typed by people, and a spreadsheet runs a cell that starts with = + - @ (or a
 * tab or carriage return) as a formula: `=HYPERLINK(...)` in an ack note would run on the
 * office PC that opens the export. Such text cells get a leading apostrophe, which shows the
 * text as typed and runs nothing (OWASP "CSV injection"); numbers are written as numbers.
 */
import { stringify, type Options } from 'csv-stringify/sync';

export type CsvCell = string | number | null | undefined;

const OPTIONS: Options = {
  escape_formulas: true,
  record_delimiter: 'windows',
  // csv-stringify quotes a field with the record delimiter (CRLF) but not a lone CR or LF
  quoted_match: /[\r\n]/,
  cast: { number: (value) => (Number.isFinite(value) ? String(value) : '') },
};

/** One record, ending in CRLF. */
export function csvLine(cells: readonly CsvCell[]): string {
  return stringify([cells.map((cell) => cell ?? null)], OPTIONS);
}

/** A whole export: the header, then each record, each ending in CRLF. */
export function csvDocument(header: readonly string[], rows: Iterable<readonly CsvCell[]>): string {
  let out = csvLine(header);
  for (const row of rows) out += csvLine(row);
  return out;
}
