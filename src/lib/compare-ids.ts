/**
 * Order of ids and codes (`press-2`, `jam.feeder`): by code point. localeCompare would do the same
 * for these ASCII names, but its first call loads ICU's collation data (~3 MB of RSS held for good).
 */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
