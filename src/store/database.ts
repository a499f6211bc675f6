import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { pino, type Logger } from 'pino';
import { ensureDataFolder } from './data-folder.js';
import { StoreError, toStoreError } from './errors.js';

export interface OpenDatabaseOptions {
  /** Folder for the database file; created (with parents) when missing. */
  dataDir: string;
  fileName?: string;
  logger?: Logger;
  /**
   * How long an operator write (durableWrite) or a read waits for another connection's lock
   * before failing with kind 'busy'. Default 250 ms: the wait is synchronous and stalls the
   * whole process (alarms to the dashboard included), and a refused operator write costs
   * little, since the tablet keeps it and sends it again.
   */
  busyTimeoutMs?: number;
  /**
   * The same for machine writes (`write`). better-sqlite3 waits synchronously, so every
   * waiting write stalls the whole process (polling, alarms to the dashboard): machine
   * writes are retried by their callers anyway, so they wait only briefly. Default 100 ms.
   */
  machineBusyTimeoutMs?: number;
}

/**
 * One SQLite connection with the store's settings, and the three ways to touch it.
 * better-sqlite3 is synchronous: every method runs to completion before it returns, so nothing
 * else in this process can use the connection in between.
 */
export interface StoreDatabase {
  /** The raw connection, for repositories to prepare statements on. */
  readonly connection: Database.Database;
  /** Absolute path of the database file. */
  readonly path: string;
  readonly logger: Logger;
  /** Run reads or single statements; SQLite and file errors come out as StoreError. */
  run<T>(operation: string, work: () => T): T;
  /**
   * Run `work` as one write transaction at synchronous=NORMAL: fast (one WAL append, no fsync).
   * A power cut may lose the last commits but never corrupts the file. For machine data.
   * Nested inside another write it becomes a savepoint of the outer transaction. Waits at most
   * `machineBusyTimeoutMs` for another process's lock.
   */
  write<T>(operation: string, work: () => T): T;
  /**
   * Run `work` as one write transaction whose commit is on disk (WAL fsynced) when this returns.
   * For operator writes (supply log, acknowledgements, audit) answered to a person.
   *
   * Why the same connection with a pragma toggle and not a second connection kept at FULL:
   * `synchronous` is a per-connection setting read at commit time. Because the API is
   * synchronous and Node runs one thread, no other commit can happen on this connection between
   * `PRAGMA synchronous=FULL` and the reset, so only this transaction's commit is affected. The
   * fsync of the WAL also makes every earlier NORMAL commit in it durable. A second connection
   * would instead compete for SQLite's single writer lock: a durable write issued while the
   * first connection held a transaction would block the event loop for the whole busy timeout
   * and then fail. The pragma itself does no I/O.
   */
  durableWrite<T>(operation: string, work: () => T): T;
  /**
   * Watch the time of each outermost write transaction (BEGIN to COMMIT or ROLLBACK):
   * `durable` for durableWrite, `machine` for write. For metrics; returns the unsubscribe.
   * Costs nothing while nobody watches.
   */
  onWrite(listener: (timing: WriteTiming) => void): () => void;
  close(): void;
}

export interface WriteTiming {
  kind: 'machine' | 'durable';
  ms: number;
}

const DEFAULT_FILE_NAME = 'pressroom.db';
const DEFAULT_BUSY_TIMEOUT_MS = 250;
const DEFAULT_MACHINE_BUSY_TIMEOUT_MS = 100;
/** Truncate the WAL back to this size after a checkpoint so a burst does not keep disk forever. */
const JOURNAL_SIZE_LIMIT_BYTES = 16 * 1024 * 1024;

export function openDatabase(options: OpenDatabaseOptions): StoreDatabase {
  const logger = options.logger ?? pino({ level: 'silent' });
  const dataDir = path.resolve(options.dataDir);
  const filePath = path.join(dataDir, options.fileName ?? DEFAULT_FILE_NAME);
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;

  ensureDataFolder(dataDir);

  let connection: Database.Database;
  try {
    connection = connect(filePath, busyTimeoutMs, logger, { exclusive: false });
  } catch (error) {
    const free = freeBytes(dataDir, logger);
    if (free === undefined || free >= FULL_BELOW_BYTES) throw error;
    // A disk full before the start: SQLite cannot grow the WAL index (-shm) it maps into memory
    // and says SQLITE_IOERR_SHMSIZE ("disk I/O error"). In exclusive locking mode the index lives
    // on the heap instead, so the database opens, reads work, and every write fails with
    // SQLITE_FULL ('disk-full', a 503 to operators, queued machine writes) until space is freed,
    // when writes simply succeed again. The price: no other process can read the file meanwhile.
    logger.error({ path: filePath, freeBytes: free, err: error }, 'the disk is full: serving live data, nothing is saved until space is freed');
    try {
      connection = connect(filePath, busyTimeoutMs, logger, { exclusive: true });
    } catch (retryError) {
      throw new StoreError(
        'disk-full',
        `the disk holding the data folder is full (${free} bytes free) and the database cannot be opened without space (a new database needs room for its tables); free space and start again`,
        {
          operation: 'open database',
          path: filePath,
          code: (retryError as { code?: string }).code ?? (error as { code?: string }).code,
        },
        { cause: retryError },
      );
    }
  }
  logger.info({ path: filePath, sqlite: connection.prepare('SELECT sqlite_version() AS v').pluck().get() }, 'database open');
  const machineBusyTimeoutMs = Math.min(busyTimeoutMs, options.machineBusyTimeoutMs ?? DEFAULT_MACHINE_BUSY_TIMEOUT_MS);
  return new SqliteStoreDatabase(connection, filePath, logger, Math.max(0, Math.floor(busyTimeoutMs)), Math.max(0, Math.floor(machineBusyTimeoutMs)));
}

/** Below this much free space, a failure to open the database is the full disk's doing. */
const FULL_BELOW_BYTES = 1024 * 1024;

/** One connection with the store's pragmas; `exclusive` keeps the WAL index off the disk (see above). */
function connect(filePath: string, busyTimeoutMs: number, logger: Logger, options: { exclusive: boolean }): Database.Database {
  let connection: Database.Database;
  try {
    connection = new Database(filePath);
  } catch (error) {
    throw openError(error, 'open database', filePath);
  }
  try {
    // busy_timeout first: the journal_mode change itself may wait on another process's lock.
    connection.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
    // before the first read: afterwards SQLite has mapped the -shm index already
    if (options.exclusive) connection.pragma('locking_mode = EXCLUSIVE');
    const journalMode = connection.pragma('journal_mode = WAL', { simple: true });
    if (journalMode !== 'wal') {
      // E.g. a file system without shared memory support; the store still works, slower.
      logger.warn({ path: filePath, journalMode }, 'SQLite refused WAL mode; concurrent readers will block writers');
    }
    connection.pragma('synchronous = NORMAL');
    connection.pragma('foreign_keys = ON');
    connection.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT_BYTES}`);
  } catch (error) {
    connection.close();
    // Opening a WAL database creates its -wal and -shm files, so a folder that cannot be
    // written fails here (SQLITE_CANTOPEN) even when the database file itself could be read.
    throw openError(error, 'configure database', filePath);
  }
  return connection;
}

function freeBytes(folder: string, logger: Logger): number | undefined {
  try {
    const stats = fs.statfsSync(folder);
    return stats.bavail * stats.bsize;
  } catch (error) {
    logger.debug({ err: error, folder }, 'cannot tell the free space; the open error stands as it was');
    return undefined;
  }
}

/**
 * SQLite says SQLITE_CANTOPEN both for a missing folder and for one it may not write to; probe
 * the folder so a read-only mount is reported as 'read-only', which is what a person must fix.
 */
function openError(error: unknown, operation: string, filePath: string): unknown {
  const wrapped = toStoreError(error, { operation, path: filePath });
  if (wrapped instanceof StoreError && wrapped.kind === 'io') {
    try {
      fs.accessSync(path.dirname(filePath), fs.constants.W_OK);
    } catch (probeError) {
      return new StoreError(
        'read-only',
        `cannot write the data folder: ${(probeError as Error).message}`,
        {
          operation,
          path: filePath,
          code: wrapped.code,
        },
        { cause: error },
      );
    }
  }
  return wrapped;
}

class SqliteStoreDatabase implements StoreDatabase {
  /**
   * Prepared once: machine writes may come hundreds a second, and `transaction()` builds its
   * wrapper functions on every call. The PRAGMAs around them go through `exec`, which makes no
   * statement object (`pragma()` costs about 4 µs a call, `exec` 0.5); they cannot be kept
   * prepared, since SQLite applies busy_timeout and synchronous when the statement is
   * prepared, not when it runs.
   */
  private readonly statements: { begin: Database.Statement; commit: Database.Statement; rollback: Database.Statement };
  private writeWatchers: ((timing: WriteTiming) => void)[] = [];

  constructor(
    readonly connection: Database.Database,
    readonly path: string,
    readonly logger: Logger,
    private readonly busyTimeoutMs: number,
    private readonly machineBusyTimeoutMs: number,
  ) {
    this.statements = {
      begin: connection.prepare('BEGIN IMMEDIATE'),
      commit: connection.prepare('COMMIT'),
      rollback: connection.prepare('ROLLBACK'),
    };
  }

  run<T>(operation: string, work: () => T): T {
    try {
      return work();
    } catch (error) {
      throw toStoreError(error, { operation, path: this.path });
    }
  }

  write<T>(operation: string, work: () => T): T {
    return this.run(operation, () => {
      // Nested: a savepoint of the outer transaction.
      if (this.connection.inTransaction) return this.connection.transaction(work)();
      // Like synchronous in durableWrite: a per-connection setting, and nothing else can run on
      // this connection until it is reset.
      if (this.machineBusyTimeoutMs === this.busyTimeoutMs) return this.immediate(work, 'machine');
      this.connection.exec(`PRAGMA busy_timeout = ${this.machineBusyTimeoutMs}`);
      try {
        return this.immediate(work, 'machine');
      } finally {
        this.connection.exec(`PRAGMA busy_timeout = ${this.busyTimeoutMs}`);
      }
    });
  }

  durableWrite<T>(operation: string, work: () => T): T {
    if (this.connection.inTransaction) {
      throw new StoreError('sql', 'a durable write cannot run inside another transaction: its commit would be the outer one', {
        operation,
        path: this.path,
      });
    }
    return this.run(operation, () => {
      this.connection.exec('PRAGMA synchronous = FULL');
      try {
        return this.immediate(work, 'durable');
      } finally {
        this.connection.exec('PRAGMA synchronous = NORMAL');
      }
    });
  }

  /**
   * `work` between BEGIN IMMEDIATE and COMMIT, rolled back if it throws, as better-sqlite3's
   * `transaction(work).immediate()` does. IMMEDIATE takes the write lock at BEGIN, so a busy
   * database fails here, before `work` runs, instead of at the first write after reads (which
   * SQLite cannot retry).
   */
  private immediate<T>(work: () => T, kind: WriteTiming['kind']): T {
    if (this.writeWatchers.length === 0) return this.transact(work);
    const started = performance.now();
    try {
      return this.transact(work);
    } finally {
      const timing = { kind, ms: performance.now() - started };
      for (const watcher of this.writeWatchers) watcher(timing);
    }
  }

  onWrite(listener: (timing: WriteTiming) => void): () => void {
    this.writeWatchers = [...this.writeWatchers, listener];
    return () => {
      this.writeWatchers = this.writeWatchers.filter((w) => w !== listener);
    };
  }

  private transact<T>(work: () => T): T {
    this.statements.begin.run();
    try {
      const result = work();
      this.statements.commit.run();
      return result;
    } catch (error) {
      // SQLite may have rolled back already (a full disk, an I/O error).
      if (this.connection.inTransaction) this.statements.rollback.run();
      throw error;
    }
  }

  close(): void {
    if (!this.connection.open) return;
    this.run('close database', () => this.connection.close());
    this.logger.info({ path: this.path }, 'database closed');
  }
}
