/**
 * Makes sure the data folder exists, creating the missing part of its path one folder at a
 * time, and refuses with a message a person can act on when it cannot.
 *
 * Why not `mkdirSync(path, { recursive: true })`: on Node 20 it loops forever (100 % CPU, no
 * message) on a path under a file system that answers ENOENT to mkdir, such as /proc
 * (`PRESSROOM_DATA_DIR=/proc/nope`). One level at a time, the first refusal is an error.
 */
import fs from 'node:fs';
import path from 'node:path';
import { StoreError, type StoreErrorKind } from './errors.js';

const HINT = 'set PRESSROOM_DATA_DIR (or --data-dir) to a folder this user may write';

export function ensureDataFolder(dataDir: string): void {
  const folder = path.resolve(dataDir);
  const missing: string[] = [];
  let existing = folder;
  for (;;) {
    const stat = statOrUndefined(existing, folder);
    if (stat) {
      if (!stat.isDirectory()) {
        throw refusal('io', `${existing} is not a folder`, folder);
      }
      break;
    }
    const parent = path.dirname(existing);
    missing.unshift(existing);
    if (parent === existing) break; // the root itself is missing: mkdir says why below
    existing = parent;
  }
  for (const level of missing) {
    try {
      fs.mkdirSync(level);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && statOrUndefined(level, folder)?.isDirectory()) continue; // made meanwhile
      const kind: StoreErrorKind =
        code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'read-only' : code === 'ENOSPC' || code === 'EDQUOT' ? 'disk-full' : 'io';
      const why = code === 'ENOENT' ? `the file system of ${path.dirname(level)} does not take new folders` : (error as Error).message;
      throw refusal(kind, `cannot create ${level}: ${why}`, folder, code, error);
    }
  }
}

function statOrUndefined(candidate: string, folder: string): fs.Stats | undefined {
  try {
    return fs.statSync(candidate, { throwIfNoEntry: false });
  } catch (error) {
    // EACCES on a parent, ENOTDIR (a file in the path), ELOOP
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOTDIR' ? 'a part of the path is a file, not a folder' : (error as Error).message;
    throw refusal(code === 'EACCES' ? 'read-only' : 'io', `cannot look at ${candidate}: ${why}`, folder, code, error);
  }
}

function refusal(kind: StoreErrorKind, message: string, folder: string, code?: string, cause?: unknown): StoreError {
  return new StoreError(kind, `${message}; ${HINT}`, { operation: 'create data folder', path: folder, ...(code ? { code } : {}) }, { cause });
}
