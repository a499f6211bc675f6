/**
 * The framing half of a bus: how one request goes out and its reply is recognised.
 * `TcpProtocol` matches by MBAP transaction id; `RtuProtocol` has no id and relies on
 * timing instead (one frame on the line at a time, gaps, a guard window after a timeout).
 *
 * The bus calls `attempt` for one request at a time, never overlapping, and feeds every
 * received chunk to `receive`.
 */
import type { Logger } from 'pino';
import { ModbusError, type ModbusErrorContext, type ModbusErrorKind } from '../errors.js';
import type { ModbusRequest, ModbusResponse } from '../codec/pdu.js';

export interface AttemptParams {
  unitId: number;
  request: ModbusRequest;
  timeoutMs: number;
  /** The same request again, right after its previous attempt failed. */
  isRetry: boolean;
  /** Names the request in errors: bus, unit, function code, address, count. */
  context: ModbusErrorContext;
}

export interface AttemptResult {
  /** A normal response or a Modbus exception (`{ fc, exception }`): both are answers. */
  response: ModbusResponse;
  latencyMs: number;
}

export interface LinkProtocol {
  /** Received bytes, in any chunking. */
  receive(chunk: Buffer): void;
  /**
   * Send `request` and wait for its answer. Rejects with a ModbusError of kind `timeout`,
   * `crc`, `protocol` or `offline` (write failed or `linkDown` was called meanwhile).
   */
  attempt(params: AttemptParams): Promise<AttemptResult>;
  /** The link went down: fail the attempt in progress (kind `offline`) and forget partial input. */
  linkDown(reason: string, cause?: Error): void;
}

/** Shared by the protocols: how to send, what time it is, where to count discarded input. */
export interface ProtocolDeps {
  write(bytes: Buffer): Promise<void>;
  now(): number;
  logger: Logger;
  discarded: { frames: number; bytes: number };
}

export function modbusError(kind: ModbusErrorKind, message: string, context: ModbusErrorContext, cause?: unknown): ModbusError {
  return new ModbusError(kind, message, context, cause === undefined ? undefined : { cause });
}

/** A reply being waited for: settles once, with its own timer. */
export class PendingReply {
  readonly promise: Promise<AttemptResult>;
  private resolveReply!: (result: AttemptResult) => void;
  private rejectReply!: (error: ModbusError) => void;
  private readonly timer: NodeJS.Timeout;
  private done = false;

  /** `onSettled` runs once the reply is settled, either way, before the awaiting code resumes. */
  constructor(
    timeoutMs: number,
    onTimeout: () => ModbusError,
    private readonly onSettled?: () => void,
  ) {
    this.promise = new Promise<AttemptResult>((resolve, reject) => {
      this.resolveReply = resolve;
      this.rejectReply = reject;
    });
    // Timers run before I/O in each turn of the event loop: after a stall (GC, a starved CPU)
    // the timer and the reply that arrived meanwhile are both due, and the timer would win.
    // setImmediate runs after the I/O poll, so a reply already received is read first.
    this.timer = setTimeout(() => setImmediate(() => this.done || this.reject(onTimeout())), timeoutMs);
  }

  get settled(): boolean {
    return this.done;
  }

  resolve(result: AttemptResult): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.timer);
    this.onSettled?.();
    this.resolveReply(result);
  }

  reject(error: ModbusError): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.timer);
    this.onSettled?.();
    this.rejectReply(error);
  }
}
