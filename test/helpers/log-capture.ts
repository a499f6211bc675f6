/** A pino logger whose records land in an array, to assert what an operator would see in the log. */
import { pino, type Logger } from 'pino';

export interface LogRecord {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export const LEVEL = { debug: 20, info: 30, warn: 40, error: 50 } as const;

export function captureLogs(level: keyof typeof LEVEL = 'debug'): { logger: Logger; records: LogRecord[]; at: (name: keyof typeof LEVEL) => string[] } {
  const records: LogRecord[] = [];
  const logger = pino({ level }, { write: (line: string) => void records.push(JSON.parse(line) as LogRecord) });
  return { logger, records, at: (name) => records.filter((r) => r.level === LEVEL[name]).map((r) => r.msg) };
}
