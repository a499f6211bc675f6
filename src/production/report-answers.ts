/**
 * The answers of report requests, kept as sent: the serialised JSON (or CSV) body and its ETag,
 * keyed by the normalised query. Under eight readers most of a report's main-thread time was
 * not the report but `res.json` (stringifying ~300 KB and hashing it for the ETag), and then
 * the socket's work on 300 KB: a kept answer is written as it is, gzipped once for the clients
 * that take gzip, and a client that sends its ETag back gets a 304.
 *
 * An answer is kept while what it covers has not changed: the rollup repository tells every
 * calendar segment it writes (`changed`), and each kept answer whose range touches it is
 * forgotten; so does a downtime event announced (opened, closed, its cause revised or coded).
 * A range that includes now also holds the stay going on now, which grows with every second
 * and every counter step: such an answer is kept at most `liveMs` (default 1 s), and sheets
 * counted meanwhile (`growth`: ten presses count several times a second) do not forget it; a
 * transition or a coded stop does.
 */
import { createHash } from 'node:crypto';
import { constants, gzipSync } from 'node:zlib';

export interface ReportAnswer {
  body: Buffer;
  /** The body gzipped, when a kept answer is large enough for it to matter (null otherwise). */
  gzipped: Buffer | null;
  contentType: string;
  etag: string;
}

/** Bodies from this size are kept gzipped too: a year by week is ~300 KB of JSON, ~10× less gzipped. */
const GZIP_FROM_BYTES = 2048;

interface Kept extends ReportAnswer {
  from: number;
  to: number;
  /** When it was made, for an answer whose range includes now (else null). */
  liveAt: number | null;
}

export interface ReportAnswersOptions {
  now(): number;
  /** How long an answer whose range includes now is kept. Default 1000 ms. */
  liveMs?: number;
  /** Bytes kept at most; the oldest answers go first. Default 32 MB. */
  maxBytes?: number;
}

export interface ReportAnswers {
  get(key: string): ReportAnswer | undefined;
  /** Keeps `body` for `key` (a report over [from, to), `live` when to reaches now); returns it with its ETag. */
  keep(key: string, answer: { from: number; to: number; live: boolean; body: Buffer; contentType: string }): ReportAnswer;
  /** Rollups of [from, to) changed: forget the answers that read them (`growth`: sheets counted now, kept by a live answer). */
  changed(from: number, to: number, growth?: boolean): void;
  stats(): { kept: number; bytes: number; hits: number; misses: number };
}

export function createReportAnswers(options: ReportAnswersOptions): ReportAnswers {
  const liveMs = options.liveMs ?? 1000;
  const maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
  const kept = new Map<string, Kept>();
  let bytes = 0;
  let hits = 0;
  let misses = 0;
  const forget = (key: string, entry: Kept) => {
    kept.delete(key);
    bytes -= size(entry);
  };
  const size = (entry: Kept) => entry.body.length + (entry.gzipped?.length ?? 0);

  return {
    get(key) {
      const entry = kept.get(key);
      if (entry && entry.liveAt !== null && options.now() - entry.liveAt >= liveMs) forget(key, entry);
      else if (entry) {
        hits += 1;
        // most recently used last: the byte bound drops the answers nobody asked for longest
        kept.delete(key);
        kept.set(key, entry);
        return entry;
      }
      misses += 1;
      return undefined;
    },
    keep(key, answer) {
      const etag = `W/"${answer.body.length.toString(16)}-${createHash('sha1').update(answer.body).digest('base64url').slice(0, 27)}"`;
      // once per kept answer, at the fastest level: most of what it saves is the socket's work, answer after answer
      const gzipped = answer.body.length >= GZIP_FROM_BYTES ? gzipSync(answer.body, { level: constants.Z_BEST_SPEED }) : null;
      const entry: Kept = {
        body: answer.body,
        gzipped: gzipped && gzipped.length < answer.body.length ? gzipped : null,
        contentType: answer.contentType,
        etag,
        from: answer.from,
        to: answer.to,
        liveAt: answer.live ? options.now() : null,
      };
      const old = kept.get(key);
      if (old) forget(key, old);
      if (answer.body.length <= maxBytes) {
        kept.set(key, entry);
        bytes += size(entry);
        for (const [oldest, e] of kept) {
          if (bytes <= maxBytes) break;
          forget(oldest, e);
        }
      }
      return entry;
    },
    changed(from, to, growth = false) {
      for (const [key, entry] of kept) {
        if (from >= entry.to || to <= entry.from) continue;
        // the stay going on grows: what liveMs allows a live answer
        if (growth && entry.liveAt !== null) continue;
        forget(key, entry);
      }
    },
    stats: () => ({ kept: kept.size, bytes, hits, misses }),
  };
}
