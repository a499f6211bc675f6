/**
 * Modbus PDUs (function code + data), the part shared by TCP and RTU.
 *
 * Both the master (drivers) and the slave (simulators) use this file, so its behaviour is
 * pinned by exact-byte tests against frames computed by hand from the specification
 * (Modbus Application Protocol V1.1b3): a bug here could not be caught by talking to ourselves.
 */

export const ExceptionCode = {
  illegalFunction: 1,
  illegalDataAddress: 2,
  illegalDataValue: 3,
  serverDeviceFailure: 4,
  serverDeviceBusy: 6,
  gatewayTargetFailed: 11,
} as const;

export const MAX_READ_REGISTERS = 125;
export const MAX_READ_BITS = 2000;
export const MAX_WRITE_REGISTERS = 123;
export const MAX_WRITE_BITS = 1968;

export type ReadBitsRequest = { fc: 1 | 2; address: number; count: number };
export type ReadRegistersRequest = { fc: 3 | 4; address: number; count: number };
export type WriteCoilRequest = { fc: 5; address: number; value: boolean };
export type WriteRegisterRequest = { fc: 6; address: number; value: number };
export type WriteCoilsRequest = { fc: 15; address: number; values: boolean[] };
export type WriteRegistersRequest = { fc: 16; address: number; values: number[] };
export type ModbusRequest = ReadBitsRequest | ReadRegistersRequest | WriteCoilRequest | WriteRegisterRequest | WriteCoilsRequest | WriteRegistersRequest;

export type ModbusResponse =
  | { fc: 1 | 2; bits: boolean[] }
  | { fc: 3 | 4; registers: number[] }
  | { fc: 5; address: number; value: boolean }
  | { fc: 6; address: number; value: number }
  | { fc: 15 | 16; address: number; count: number }
  | { fc: number; exception: number };

/** A frame that does not follow the protocol; `code` is the exception a slave would answer. */
export class PduError extends Error {
  constructor(
    message: string,
    readonly exceptionCode: number = ExceptionCode.illegalDataValue,
  ) {
    super(message);
    this.name = 'PduError';
  }
}

export function encodeRequest(request: ModbusRequest): Buffer {
  switch (request.fc) {
    case 1:
    case 2:
    case 3:
    case 4: {
      const pdu = Buffer.alloc(5);
      pdu[0] = request.fc;
      pdu.writeUInt16BE(request.address, 1);
      pdu.writeUInt16BE(request.count, 3);
      return pdu;
    }
    case 5: {
      const pdu = Buffer.alloc(5);
      pdu[0] = 5;
      pdu.writeUInt16BE(request.address, 1);
      pdu.writeUInt16BE(request.value ? 0xff00 : 0x0000, 3);
      return pdu;
    }
    case 6: {
      const pdu = Buffer.alloc(5);
      pdu[0] = 6;
      pdu.writeUInt16BE(request.address, 1);
      pdu.writeUInt16BE(request.value & 0xffff, 3);
      return pdu;
    }
    case 15: {
      const bytes = packBits(request.values);
      const pdu = Buffer.alloc(6 + bytes.length);
      pdu[0] = 15;
      pdu.writeUInt16BE(request.address, 1);
      pdu.writeUInt16BE(request.values.length, 3);
      pdu[5] = bytes.length;
      bytes.copy(pdu, 6);
      return pdu;
    }
    case 16: {
      const pdu = Buffer.alloc(6 + request.values.length * 2);
      pdu[0] = 16;
      pdu.writeUInt16BE(request.address, 1);
      pdu.writeUInt16BE(request.values.length, 3);
      pdu[5] = request.values.length * 2;
      request.values.forEach((value, i) => pdu.writeUInt16BE(value & 0xffff, 6 + i * 2));
      return pdu;
    }
  }
}

/** Slave side: parse a request PDU. Throws PduError with the exception code to answer. */
export function decodeRequest(pdu: Buffer): ModbusRequest {
  const fc = pdu[0];
  if (fc === undefined) throw new PduError('empty PDU', ExceptionCode.illegalFunction);
  if (fc < 1 || fc > 16 || (fc > 6 && fc < 15)) throw new PduError(`unsupported function code ${fc}`, ExceptionCode.illegalFunction);
  if (pdu.length < 5) throw new PduError(`function ${fc}: PDU of ${pdu.length} bytes is too short`);
  const address = pdu.readUInt16BE(1);
  const word = pdu.readUInt16BE(3);
  switch (fc) {
    case 1:
    case 2:
      if (pdu.length !== 5) throw new PduError(`function ${fc}: expected 5 bytes, got ${pdu.length}`);
      if (word < 1 || word > MAX_READ_BITS) throw new PduError(`function ${fc}: quantity ${word} outside 1..${MAX_READ_BITS}`);
      return { fc, address, count: word };
    case 3:
    case 4:
      if (pdu.length !== 5) throw new PduError(`function ${fc}: expected 5 bytes, got ${pdu.length}`);
      if (word < 1 || word > MAX_READ_REGISTERS) throw new PduError(`function ${fc}: quantity ${word} outside 1..${MAX_READ_REGISTERS}`);
      return { fc, address, count: word };
    case 5:
      if (pdu.length !== 5) throw new PduError(`function 5: expected 5 bytes, got ${pdu.length}`);
      if (word !== 0xff00 && word !== 0x0000) throw new PduError(`function 5: coil value 0x${word.toString(16)} is neither 0xFF00 nor 0x0000`);
      return { fc, address, value: word === 0xff00 };
    case 6:
      if (pdu.length !== 5) throw new PduError(`function 6: expected 5 bytes, got ${pdu.length}`);
      return { fc, address, value: word };
    case 15: {
      const byteCount = pdu[5];
      if (word < 1 || word > MAX_WRITE_BITS || byteCount !== Math.ceil(word / 8) || pdu.length !== 6 + byteCount) {
        throw new PduError(`function 15: quantity ${word} and byte count ${byteCount} disagree with a ${pdu.length}-byte PDU`);
      }
      return { fc, address, values: unpackBits(pdu.subarray(6), word) };
    }
    default: {
      // 16
      const byteCount = pdu[5];
      if (word < 1 || word > MAX_WRITE_REGISTERS || byteCount !== word * 2 || pdu.length !== 6 + byteCount) {
        throw new PduError(`function 16: quantity ${word} and byte count ${byteCount} disagree with a ${pdu.length}-byte PDU`);
      }
      const values: number[] = [];
      for (let i = 0; i < word; i++) values.push(pdu.readUInt16BE(6 + i * 2));
      return { fc: 16, address, values };
    }
  }
}

/** Slave side: the answer PDU. */
export function encodeResponse(response: ModbusResponse): Buffer {
  if ('exception' in response) return Buffer.from([(response.fc | 0x80) & 0xff, response.exception]);
  if ('bits' in response) {
    const bytes = packBits(response.bits);
    return Buffer.concat([Buffer.from([response.fc, bytes.length]), bytes]);
  }
  if ('registers' in response) {
    const pdu = Buffer.alloc(2 + response.registers.length * 2);
    pdu[0] = response.fc;
    pdu[1] = response.registers.length * 2;
    response.registers.forEach((value, i) => pdu.writeUInt16BE(value & 0xffff, 2 + i * 2));
    return pdu;
  }
  const pdu = Buffer.alloc(5);
  pdu[0] = response.fc;
  pdu.writeUInt16BE(response.address, 1);
  if ('count' in response) pdu.writeUInt16BE(response.count, 3);
  else if (typeof response.value === 'boolean') pdu.writeUInt16BE(response.value ? 0xff00 : 0, 3);
  else pdu.writeUInt16BE(response.value & 0xffff, 3);
  return pdu;
}

/**
 * Master side: parse the answer to `request`. Anything that does not answer exactly this
 * request (other function code, wrong byte count, echo of another address) is a PduError,
 * so a stray or late frame is never taken for the answer.
 */
export function decodeResponse(pdu: Buffer, request: ModbusRequest): ModbusResponse {
  const fc = pdu[0];
  if (fc === undefined) throw new PduError('empty response');
  if (fc === (request.fc | 0x80)) {
    if (pdu.length !== 2) throw new PduError(`exception response of ${pdu.length} bytes, expected 2`);
    return { fc: request.fc, exception: pdu[1]! };
  }
  if (fc !== request.fc) throw new PduError(`response function code ${fc} does not answer request function ${request.fc}`);
  const expected = expectedResponseLength(request);
  if (pdu.length !== expected) throw new PduError(`function ${fc}: response of ${pdu.length} bytes, expected ${expected}`);
  switch (request.fc) {
    case 1:
    case 2: {
      if (pdu[1] !== Math.ceil(request.count / 8)) throw new PduError(`function ${fc}: byte count ${pdu[1]} for ${request.count} bits`);
      return { fc: request.fc, bits: unpackBits(pdu.subarray(2), request.count) };
    }
    case 3:
    case 4: {
      if (pdu[1] !== request.count * 2) throw new PduError(`function ${fc}: byte count ${pdu[1]} for ${request.count} registers`);
      const registers: number[] = new Array(request.count);
      for (let i = 0; i < request.count; i++) registers[i] = pdu.readUInt16BE(2 + i * 2);
      return { fc: request.fc, registers };
    }
    default: {
      const address = pdu.readUInt16BE(1);
      const word = pdu.readUInt16BE(3);
      if (address !== request.address) throw new PduError(`function ${fc}: echo of address ${address}, request was ${request.address}`);
      if (request.fc === 5) return { fc: 5, address, value: word === 0xff00 };
      if (request.fc === 6) {
        if (word !== (request.value & 0xffff)) throw new PduError(`function 6: echo of value ${word}, request was ${request.value}`);
        return { fc: 6, address, value: word };
      }
      const count = request.values.length;
      if (word !== count) throw new PduError(`function ${fc}: echo of quantity ${word}, request was ${count}`);
      return { fc: request.fc, address, count };
    }
  }
}

/** Length in bytes of the normal (non-exception) response PDU to `request`. */
export function expectedResponseLength(request: ModbusRequest): number {
  switch (request.fc) {
    case 1:
    case 2:
      return 2 + Math.ceil(request.count / 8);
    case 3:
    case 4:
      return 2 + request.count * 2;
    default:
      return 5;
  }
}

/**
 * Slave side, for RTU streams: the length of the request PDU starting at `buf[offset]`,
 * `undefined` if more bytes are needed to know, or -1 for an unknown function code.
 */
export function requestPduLength(buf: Uint8Array, offset: number): number | undefined {
  const fc = buf[offset];
  if (fc === undefined) return undefined;
  if (fc >= 1 && fc <= 6) return 5;
  if (fc === 15 || fc === 16) {
    const byteCount = buf[offset + 5];
    return byteCount === undefined ? undefined : 6 + byteCount;
  }
  return -1;
}

export function packBits(bits: readonly boolean[]): Buffer {
  const bytes = Buffer.alloc(Math.ceil(bits.length / 8));
  bits.forEach((bit, i) => {
    if (bit) bytes[i >> 3]! |= 1 << (i & 7);
  });
  return bytes;
}

export function unpackBits(bytes: Uint8Array, count: number): boolean[] {
  const bits: boolean[] = new Array(count);
  for (let i = 0; i < count; i++) bits[i] = ((bytes[i >> 3]! >> (i & 7)) & 1) === 1;
  return bits;
}

export function isReadRequest(request: ModbusRequest): request is ReadBitsRequest | ReadRegistersRequest {
  return request.fc <= 4;
}
