/**
 * One request PDU in, one response PDU out, for one simulated press: the part of a PLC's
 * Modbus stack above the framing, shared by the TCP, RTU and RTU-over-TCP servers.
 */
import { decodeRequest, encodeResponse, ExceptionCode, PduError, type ModbusResponse } from '../drivers/codec/pdu.js';
import type { Area } from '../src/model/profile-schema.js';
import type { PressRegisters } from './press-registers.js';

const READ_AREA: Record<1 | 2 | 3 | 4, Area> = { 1: 'coil', 2: 'discrete', 3: 'holding', 4: 'input' };

/** The response PDU to `pdu` (an exception PDU for anything the press refuses). */
export function answerRequest(registers: PressRegisters, pdu: Buffer): Buffer {
  return encodeResponse(respond(registers, pdu));
}

function respond(registers: PressRegisters, pdu: Buffer): ModbusResponse {
  const fc = pdu[0] ?? 0;
  let request;
  try {
    request = decodeRequest(pdu);
  } catch (error) {
    if (error instanceof PduError) return { fc, exception: error.exceptionCode };
    throw error;
  }
  switch (request.fc) {
    case 1:
    case 2:
    case 3:
    case 4: {
      if (request.address + request.count > 0x10000) return { fc, exception: ExceptionCode.illegalDataAddress };
      const result = registers.read(READ_AREA[request.fc], request.address, request.count);
      if ('exception' in result) return { fc, exception: result.exception };
      if (request.fc === 1 || request.fc === 2) return { fc: request.fc, bits: result.values.map((v) => v !== 0) };
      return { fc: request.fc, registers: result.values };
    }
    case 5:
    case 6: {
      const refused = registers.write(request.fc === 5 ? 'coil' : 'holding', request.address, [Number(request.value)]);
      if (refused) return { fc, exception: refused.exception };
      return request.fc === 5 ? { fc: 5, address: request.address, value: request.value } : { fc: 6, address: request.address, value: request.value };
    }
    case 15:
    case 16: {
      if (request.address + request.values.length > 0x10000) return { fc, exception: ExceptionCode.illegalDataAddress };
      const refused = registers.write(request.fc === 15 ? 'coil' : 'holding', request.address, request.values.map(Number));
      if (refused) return { fc, exception: refused.exception };
      return { fc: request.fc, address: request.address, count: request.values.length };
    }
  }
}
