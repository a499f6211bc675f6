/**
 * The poller's only view of a Modbus link: read registers or bits from one unit.
 *
 * `drivers/master/modbus-bus.ts` (`ModbusBus`) satisfies this structurally; tests use an
 * in-memory image. The contract the poller relies on:
 *
 * - A call either resolves with exactly `count` values (registers as unsigned 16-bit
 *   numbers, bits as booleans), or rejects with a `ModbusError` (drivers/errors.ts) whose
 *   `kind` says why: `timeout`, `offline`, `exception`, `crc`, `protocol`, `overload`.
 * - `opts.timeoutMs` bounds one attempt; `opts.retries` is how many more attempts follow a
 *   timeout or CRC error. The reader serialises requests on its link, so a slow unit
 *   delays every other unit on the same bus: that is why the poller takes a unit that
 *   keeps timing out off-scan.
 * - Calls may be issued concurrently (several presses share a reader); the reader queues them.
 * - `opts.background` marks a read that may wait (an off-scan probe): the reader may run it
 *   after the others, when the line falls idle, so its timeout delays no one's scan.
 */
export interface ReadOptions {
  timeoutMs?: number;
  retries?: number;
  /** Yield to every other read and take the line when it falls idle (off-scan probes). */
  background?: boolean;
}

export type RegisterArea = 'holding' | 'input';
export type BitArea = 'coil' | 'discrete';

export interface RegisterReader {
  /** Bus id, for logs. */
  readonly id: string;
  readRegisters(unitId: number, area: RegisterArea, address: number, count: number, opts?: ReadOptions): Promise<number[]>;
  readBits(unitId: number, area: BitArea, address: number, count: number, opts?: ReadOptions): Promise<boolean[]>;
}
