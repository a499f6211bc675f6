/** What a request is, in words an error message and a log line can use; and its sanity check. */
import type { ModbusErrorContext } from '../errors.js';
import { MAX_READ_BITS, MAX_READ_REGISTERS, MAX_WRITE_BITS, MAX_WRITE_REGISTERS, type ModbusRequest } from '../codec/pdu.js';

export function requestContext(bus: string, unitId: number, request: ModbusRequest): ModbusErrorContext {
  const count = 'count' in request ? request.count : 'values' in request ? request.values.length : 1;
  return { bus, unitId, functionCode: request.fc, address: request.address, count };
}

/** The largest quantity each function code may carry. */
const MAX_QUANTITY: Readonly<Record<ModbusRequest['fc'], number>> = {
  1: MAX_READ_BITS,
  2: MAX_READ_BITS,
  3: MAX_READ_REGISTERS,
  4: MAX_READ_REGISTERS,
  5: 1,
  6: 1,
  15: MAX_WRITE_BITS,
  16: MAX_WRITE_REGISTERS,
};

/** Why `request` cannot be sent, or undefined if it can. */
export function invalidRequestReason(unitId: number, request: ModbusRequest, rtu: boolean): string | undefined {
  if (!Number.isInteger(unitId) || unitId < 0 || unitId > 255) return `unit id ${unitId} outside 0..255`;
  // RTU addresses 1..247; 0 is broadcast (no reply to match), which this master does not send.
  if (rtu && (unitId < 1 || unitId > 247)) return `RTU unit id ${unitId} outside 1..247 (broadcast is not supported)`;
  if (!Number.isInteger(request.address) || request.address < 0 || request.address > 0xffff) return `address ${request.address} outside 0..65535`;
  const count = 'count' in request ? request.count : 'values' in request ? request.values.length : 1;
  const max = MAX_QUANTITY[request.fc];
  if (!Number.isInteger(count) || count < 1 || count > max) return `quantity ${count} outside 1..${max} for function ${request.fc}`;
  if (request.address + count > 0x10000) return `address ${request.address} + quantity ${count} runs past 65535`;
  if (request.fc === 6 || request.fc === 16) {
    const words = request.fc === 6 ? [request.value] : request.values;
    const bad = words.find((word) => !Number.isInteger(word) || word < 0 || word > 0xffff);
    if (bad !== undefined) return `register value ${bad} outside 0..65535`;
  }
  return undefined;
}
