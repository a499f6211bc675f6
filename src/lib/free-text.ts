/**
 * Text people type (notes, product names, lot numbers, reasons, display names) ends up in
 * the database, in CSV exports opened by spreadsheets, in the audit log and on other people's
 * screens. Two kinds of character have no business there:
 * - control characters (NUL, escape, backspace, DEL, the C1 range): invisible, they cut text
 *   short in C tools and spreadsheets and smuggle terminal escapes into logs;
 * - bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) and the
 *   line and paragraph separators (U+2028, U+2029): they make text display differently from
 *   what it says ("Trojan Source", CVE-2021-42574), e.g. a lot number shown reversed.
 * Tabs and line breaks are ordinary in a note or a reason (`multiline`), not in a name.
 * Implicit direction marks (U+200E, U+200F, U+061C) are kept: Hebrew and Arabic text uses them
 * and they cannot reorder what follows.
 *
 * One refinement for every schema that takes such text, so a request is refused with a 400
 * naming the field (zod puts the field in the issue's path).
 */
import type { z } from 'zod';

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_SINGLE_LINE = /[\u0000-\u001F\u007F-\u009F]/u;
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_MULTILINE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/u;
const BIDI_OR_SEPARATOR = /[\u202A-\u202E\u2066-\u2069\u2028\u2029]/u;

export interface FreeTextOptions {
  /** Allow tab, line feed and carriage return (notes, reasons). Default false. */
  multiline?: boolean;
}

/** What is wrong with `text` as free text, in words, or undefined when nothing is. */
export function freeTextProblem(text: string, options: FreeTextOptions = {}): string | undefined {
  const control = (options.multiline ? CONTROL_MULTILINE : CONTROL_SINGLE_LINE).exec(text);
  if (control) return `must not contain control characters (${codePoint(control[0])} at character ${control.index + 1})`;
  const bidi = BIDI_OR_SEPARATOR.exec(text);
  if (bidi)
    return `must not contain bidirectional control or separator characters (${codePoint(bidi[0])} at character ${bidi.index + 1}): they change how the text is shown`;
  return undefined;
}

/** `schema`, refusing control and bidirectional control characters (see above). */
export function freeText<S extends z.ZodType<string>>(schema: S, options: FreeTextOptions = {}): S {
  return schema.superRefine((text, ctx) => {
    const problem = freeTextProblem(text, options);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  }) as S;
}

function codePoint(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}
