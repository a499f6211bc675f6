/**
 * The byte pipe under a Modbus bus: a TCP socket or a serial port.
 *
 * A transport moves bytes and reports when the link goes down. It knows nothing of Modbus
 * framing, timeouts or retries (the bus does); it never reconnects by itself (the bus
 * decides when); and it never throws an unhandled 'error' event: every failure of an open
 * link ends in exactly one `close` event carrying the reason.
 *
 * Lifecycle contract, for implementers and callers alike:
 *
 *   closed ──open()──▶ opening ──resolves──▶ open ──(close() | remote end | error)──▶ closed
 *                          └──rejects──▶ closed
 *
 * - A transport object is reusable: after it is closed, `open()` may be called again. This
 *   is how a bus reconnects to the same TCP endpoint or to a serial path that reappeared.
 * - `open()` must not be called while the transport is open or opening; it rejects.
 */
import type { TypedEmitter } from '../typed-emitter.js';

/** Why an open link went down. */
export type LinkDownReason =
  /** `close()` was called on this side. */
  | 'local'
  /** The far end closed the link in order (TCP FIN). */
  | 'remote'
  /** The link failed: socket error, serial port vanished (USB adapter unplugged), write error. */
  | 'error';

export interface LinkDown {
  reason: LinkDownReason;
  /** The underlying error, for `reason: 'error'` (and when the OS gave one). */
  error?: Error;
}

export interface TransportEvents {
  /**
   * Bytes received, in whatever chunks the OS delivered: a Modbus frame may arrive in
   * several chunks, or several frames in one. Emitted only while open.
   */
  data: (chunk: Buffer) => void;
  /**
   * The link is down. Emitted exactly once for every successful `open()`, after which
   * `isOpen` is false and no more `data` follows. Never emitted for an `open()` that rejected.
   */
  close: (down: LinkDown) => void;
}

export interface Transport {
  /** For logs and errors, e.g. `tcp 10.0.0.7:502` or `serial /dev/ttyUSB0@19200`. */
  readonly description: string;

  /** Readers and writers can use the link. False while opening. */
  readonly isOpen: boolean;

  /** Subscribe to `data` and `close`. Listeners survive reconnects (the same object reopens). */
  readonly events: Pick<TypedEmitter<TransportEvents>, 'on' | 'once' | 'off'>;

  /**
   * Open the link. Resolves when bytes can be written; rejects with the OS error (connection
   * refused, connect timeout, no such serial path, port locked) and stays closed.
   */
  open(): Promise<void>;

  /**
   * Close the link. Resolves once it is closed and the `close` event (reason `local`) has
   * been emitted. Idempotent: closing a closed transport resolves at once. Also cancels an
   * `open()` in progress, which then rejects.
   */
  close(): Promise<void>;

  /**
   * Hand `bytes` to the OS for sending. Resolves once accepted (not once on the wire: a
   * serial port at 9600 baud still needs ~1 ms a byte). Rejects when the transport is not
   * open or the write fails; a failed write also takes the link down (`close`, reason `error`).
   * Callers must not overlap writes' meaning: the bus writes one request at a time.
   */
  write(bytes: Buffer): Promise<void>;
}

/** The error a transport rejects with when used while closed. */
export class TransportClosedError extends Error {
  override name = 'TransportClosedError';
  constructor(description: string) {
    super(`${description} is not open`);
  }
}
