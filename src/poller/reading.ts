/**
 * What the poller hands to the domain services: one `Reading` per completed scan cycle of
 * a press, and the press's communication health.
 */
import type { SignalValue } from '../../drivers/codec/values.js';
import type { CommHealth } from '../model/press-snapshot.js';

/** A ModbusError kind, or `internal` for a failure that is not a Modbus error (a bug). */
export type ReadErrorKind = 'timeout' | 'offline' | 'exception' | 'crc' | 'protocol' | 'overload' | 'internal';

export interface ReadError {
  kind: ReadErrorKind;
  message: string;
}

export interface Reading {
  pressId: string;
  scanClass: string;
  /** When the cycle finished: the values are at least this fresh. */
  at: number;
  /** The values of every block that was read; a failed cycle may carry some or none. */
  values: Record<string, SignalValue>;
  /** Every block of the cycle was read and decoded. */
  ok: boolean;
  /** The first failure of the cycle. */
  error?: ReadError;
  /** Cycle duration: queueing on the bus plus every transaction. */
  latencyMs: number;
}

/** The poller's view of a press's link; `CommHealth` of the snapshot plus the online flag. */
export interface PressHealth extends CommHealth {
  pressId: string;
  /**
   * The press answers. False before the first good read, while its link is down
   * (`offline` errors) and while it is off-scan after repeated timeouts.
   */
  online: boolean;
}

// a type, not an interface: the emitter needs its implicit index signature
export type PollerEvents = {
  reading: (reading: Reading) => void;
  health: (health: PressHealth) => void;
};
