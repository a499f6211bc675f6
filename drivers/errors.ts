/**
 * Every failure of a Modbus transaction is a ModbusError with a `kind` and the context
 * needed to find the fault on the shop floor: which bus, which unit id, which address.
 *
 * - timeout: no valid answer within the request timeout
 * - offline: the link is down (port closed or vanished, TCP connection refused or dropped)
 * - exception: the device answered with a Modbus exception (see `exceptionCode`)
 * - crc: a frame arrived with a bad CRC (RTU)
 * - protocol: a frame that does not answer the request (wrong function, length, unit)
 * - overload: the bus queue is full; the request was not sent
 */
export type ModbusErrorKind = 'timeout' | 'offline' | 'exception' | 'crc' | 'protocol' | 'overload';

export interface ModbusErrorContext {
  bus: string;
  unitId?: number;
  functionCode?: number;
  address?: number;
  count?: number;
  exceptionCode?: number;
}

export class ModbusError extends Error {
  override name = 'ModbusError';
  readonly bus: string;
  readonly unitId: number | undefined;
  readonly functionCode: number | undefined;
  readonly address: number | undefined;
  readonly count: number | undefined;
  readonly exceptionCode: number | undefined;

  constructor(
    readonly kind: ModbusErrorKind,
    message: string,
    context: ModbusErrorContext,
    options?: { cause?: unknown },
  ) {
    const where = [`bus ${context.bus}`];
    if (context.unitId !== undefined) where.push(`unit ${context.unitId}`);
    if (context.functionCode !== undefined) where.push(`fc ${context.functionCode}`);
    if (context.address !== undefined) where.push(`address ${context.address}${context.count !== undefined ? `+${context.count}` : ''}`);
    super(`${message} (${where.join(', ')})`, options);
    this.bus = context.bus;
    this.unitId = context.unitId;
    this.functionCode = context.functionCode;
    this.address = context.address;
    this.count = context.count;
    this.exceptionCode = context.exceptionCode;
  }
}

export function isModbusError(error: unknown): error is ModbusError {
  return error instanceof ModbusError;
}
