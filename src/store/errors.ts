import Database from 'better-sqlite3';

/**
 * Every failure of the store reaches callers as a StoreError with a `kind` a person can act on,
 * the operation that failed, the database file, and the original error as `cause`.
 *
 * - read-only: the file or its folder cannot be written (read-only mount, SD card gone read-only,
 *   immutable file, opened read-only)
 * - disk-full: SQLITE_FULL or ENOSPC; the write did not happen
 * - busy: another connection or process holds the lock longer than the busy timeout
 * - corrupt: the file is not a database, or its pages are damaged
 * - io: the operating system failed a read or write, or the file cannot be opened
 * - constraint: the data broke a UNIQUE, CHECK, NOT NULL or FOREIGN KEY rule
 * - sql: the statement itself is wrong (a bug or a bad migration), or misuse of the API
 */
export type StoreErrorKind = 'read-only' | 'disk-full' | 'busy' | 'corrupt' | 'io' | 'constraint' | 'sql';

export interface StoreErrorContext {
  /** What the store was doing, in words: 'append transition', 'migrate core-001'. */
  operation: string;
  /** The database file. */
  path: string;
  /** The SQLite extended result code (SQLITE_READONLY_DBMOVED …) or errno code (ENOSPC …). */
  code?: string;
}

export class StoreError extends Error {
  override name = 'StoreError';
  readonly operation: string;
  readonly path: string;
  readonly code: string | undefined;

  constructor(
    readonly kind: StoreErrorKind,
    message: string,
    context: StoreErrorContext,
    options?: { cause?: unknown },
  ) {
    super(`${context.operation}: ${message} [${kind}${context.code ? `, ${context.code}` : ''}] (${context.path})`, options);
    this.operation = context.operation;
    this.path = context.path;
    this.code = context.code;
  }
}

export function isStoreError(error: unknown): error is StoreError {
  return error instanceof StoreError;
}

/** Map an SQLite result code (primary or extended) to the kind callers act on. */
export function kindOfSqliteCode(code: string): StoreErrorKind {
  if (code.startsWith('SQLITE_READONLY')) return 'read-only';
  if (code === 'SQLITE_FULL') return 'disk-full';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'busy';
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return 'corrupt';
  if (code.startsWith('SQLITE_CONSTRAINT')) return 'constraint';
  if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_PROTOCOL') return 'io';
  return 'sql';
}

/** Map a Node file-system errno (from creating the data folder) to a kind. */
function kindOfErrno(code: string): StoreErrorKind | undefined {
  if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') return 'read-only';
  if (code === 'ENOSPC' || code === 'EDQUOT') return 'disk-full';
  if (code === 'EIO') return 'io';
  return undefined;
}

/**
 * Wrap an SQLite or file-system error as a StoreError. Anything else (a TypeError in a caller's
 * callback, a domain error thrown inside a transaction) is returned unchanged so it is not masked.
 */
export function toStoreError(error: unknown, context: Omit<StoreErrorContext, 'code'>): unknown {
  if (error instanceof StoreError) return error;
  if (error instanceof Database.SqliteError) {
    return new StoreError(kindOfSqliteCode(error.code), error.message, { ...context, code: error.code }, { cause: error });
  }
  const errno = (error as NodeJS.ErrnoException | null)?.code;
  if (error instanceof Error && typeof errno === 'string') {
    const kind = kindOfErrno(errno);
    if (kind) return new StoreError(kind, error.message, { ...context, code: errno }, { cause: error });
  }
  return error;
}
