/** Configuration, events and statistics of a ModbusBus (one physical link). */
import type { BindingInterface } from '@serialport/bindings-interface' with { 'resolution-mode': 'require' };
import type { Logger } from 'pino';
import type { ModbusErrorKind } from '../errors.js';

export type LinkOptions =
  /** Modbus TCP (MBAP framing, transaction ids). */
  | { kind: 'tcp'; host: string; port: number }
  /** RTU frames through a serial device server; `baudRate` of its serial side sizes the gaps and wire time. */
  | { kind: 'rtu-over-tcp'; host: string; port: number; baudRate?: number }
  /** RTU on a local serial port (RS-485 adapter). */
  | {
      kind: 'rtu';
      path: string;
      baudRate: number;
      parity: 'none' | 'even' | 'odd';
      dataBits: 7 | 8;
      stopBits: 1 | 2;
      /** Defaults to the native serialport binding; tests pass a virtual one. */
      binding?: BindingInterface;
    };

export type LinkKind = LinkOptions['kind'];

export interface ReconnectOptions {
  /** First delay after a failure; doubles on each further failure. */
  initialMs: number;
  /** Upper bound of the delay. */
  maxMs: number;
}

export interface BusOptions {
  /** Names the bus in logs and errors, e.g. `line-1`. */
  id: string;
  link: LinkOptions;
  /** Time allowed for each attempt, from sending the request to receiving the whole reply. */
  timeoutMs: number;
  /** Further attempts after a timeout, CRC or protocol error (never after an exception or offline). */
  retries: number;
  /** Requests waiting behind the one on the line; beyond it a request fails at once with `overload`. Default 64. */
  maxQueue?: number;
  /** Reconnect backoff, with jitter. Default 100 ms doubling to 1000 ms (with the connect timeout, reconnect within 2 s of the peer coming back). */
  reconnect?: ReconnectOptions;
  /** RTU: silence between a reply and the next request. Default: t3.5 at the link's baud rate. */
  interFrameGapMs?: number;
  /** RTU: after a timeout, how long to keep discarding a late reply before the next request. Default: timeoutMs. */
  lateReplyGuardMs?: number;
  /**
   * TCP: consecutive timeouts (retries count) after which the connection is taken for
   * half-open and dropped. Default 2: one request and its retry. A unit that stops answering
   * while other units on the same connection still answer (a gateway) does not drop it.
   */
  halfOpenTimeouts?: number;
  /**
   * TCP connect timeout. Default 1500. A powered-off PLC answers no SYN: the kernel resends
   * one after 1 s, then 3 s; a PLC back just after the first resend is reached by the next
   * attempt, ≤ 1500 + 1000 ms (backoff) after the attempt began, so within 2 s of its return.
   */
  connectTimeoutMs?: number;
  logger?: Logger;
  /** Milliseconds clock for latency and line timing; default `performance.now`. */
  now?: () => number;
  /** Random source in [0, 1) for backoff jitter; default `Math.random`. */
  random?: () => number;
}

export interface RequestOptions {
  timeoutMs?: number;
  retries?: number;
  /**
   * A background request (an off-scan probe) yields to every other request, and waits for
   * the traffic after it was queued to end (at most 1 s), so that it takes the line in its
   * idle time between scan ticks rather than delaying them.
   */
  background?: boolean;
}

export type DisconnectReason =
  /** `stop()` was called. */
  | 'stopped'
  /** The far end closed the connection. */
  | 'remote-closed'
  /** Socket error, serial device vanished, write failed. */
  | 'link-error'
  /** TCP: requests in a row timed out (`halfOpenTimeouts`) and no other unit answers, so the connection is presumed half-open. */
  | 'half-open'
  /** TCP: the byte stream lost MBAP framing, nothing more on it can be trusted. */
  | 'framing';

export interface BusEvents {
  connected: () => void;
  disconnected: (info: { reason: DisconnectReason; error?: Error }) => void;
  /** A (re)connect attempt failed; the next one follows after `retryInMs`. */
  connectFailed: (info: { error: Error; retryInMs: number }) => void;
  /**
   * An attempt was answered (a reply or an exception) after `latencyMs` on the line. For
   * latency histograms: called on every transaction, so a listener must be cheap.
   */
  answered: (latencyMs: number) => void;
}

export interface BusStats {
  connected: boolean;
  /** Requests waiting (not counting the one on the line). */
  queued: number;
  /** Requests sent on the line, counting each retry. */
  transactions: number;
  /** Failed attempts by kind (plus requests refused with `overload` or `offline`). */
  errors: Record<ModbusErrorKind, number>;
  /** Received data that answered nothing: late replies, mismatched transaction ids, garbage. */
  discarded: { frames: number; bytes: number };
  /** Request-to-reply time of the last answered attempt. */
  lastLatencyMs: number | undefined;
  /** Successful connections after the first. */
  reconnects: number;
}
