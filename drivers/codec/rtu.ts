/**
 * Modbus RTU framing: unit id + PDU + CRC-16 (low byte first).
 *
 * A real RTU line separates frames by 3.5 character times of silence; bytes arrive in
 * arbitrary chunks. Both extractors below work on an accumulating buffer and tolerate a
 * garbage prefix by sliding forward to the next position where a frame with a valid CRC
 * starts, so one bad byte costs one frame, not the link.
 */
import { crc16 } from './crc16.js';
import { expectedResponseLength, requestPduLength, type ModbusRequest } from './pdu.js';

/** unit id + largest PDU + CRC */
export const MAX_RTU_ADU = 256;

export function encodeRtu(unitId: number, pdu: Uint8Array): Buffer {
  const frame = Buffer.alloc(pdu.length + 3);
  frame[0] = unitId & 0xff;
  frame.set(pdu, 1);
  const crc = crc16(frame, 0, frame.length - 2);
  frame.writeUInt16LE(crc, frame.length - 2);
  return frame;
}

export function hasValidCrc(frame: Uint8Array, start = 0, end = frame.length): boolean {
  if (end - start < 4) return false;
  const expected = frame[end - 2]! | (frame[end - 1]! << 8);
  return crc16(frame, start, end - 2) === expected;
}

export type RtuExtract = { kind: 'frame'; pdu: Buffer; consumed: number; skipped: number } | { kind: 'need-more'; skipped: number };

/**
 * Master side: look for the answer of `unitId` to `request` in `buf`. Only a frame from
 * that unit with that function code (or its exception) and a valid CRC is accepted;
 * `skipped` counts bytes discarded before it (garbage, a late reply to an earlier request).
 */
export function extractResponse(buf: Buffer, unitId: number, request: ModbusRequest): RtuExtract {
  const normalLength = 1 + expectedResponseLength(request) + 2;
  for (let start = 0; start < buf.length; start++) {
    if (buf[start] !== unitId) continue;
    const fc = buf[start + 1];
    if (fc === undefined) return { kind: 'need-more', skipped: start };
    let length: number;
    if (fc === request.fc) length = normalLength;
    else if (fc === (request.fc | 0x80)) length = 5;
    else continue;
    if (buf.length - start < length) {
      // Could still be our frame: wait for the rest before sliding past it.
      return { kind: 'need-more', skipped: start };
    }
    if (hasValidCrc(buf, start, start + length)) {
      return { kind: 'frame', pdu: Buffer.from(buf.subarray(start + 1, start + length - 2)), consumed: start + length, skipped: start };
    }
  }
  return { kind: 'need-more', skipped: buf.length };
}

export type RtuRequestExtract = { kind: 'frame'; unitId: number; pdu: Buffer; consumed: number; skipped: number } | { kind: 'need-more'; skipped: number };

/**
 * Slave side: the next request frame with a valid CRC in `buf`. Bytes that cannot start a
 * valid request are skipped (and counted), so a corrupted frame is never answered.
 */
export function extractRequest(buf: Buffer): RtuRequestExtract {
  for (let start = 0; start < buf.length; start++) {
    const pduLength = requestPduLength(buf, start + 1);
    if (pduLength === undefined) return { kind: 'need-more', skipped: start };
    if (pduLength < 0 || pduLength + 3 > MAX_RTU_ADU) continue;
    const end = start + 1 + pduLength + 2;
    if (buf.length < end) return { kind: 'need-more', skipped: start };
    if (hasValidCrc(buf, start, end)) {
      return { kind: 'frame', unitId: buf[start]!, pdu: Buffer.from(buf.subarray(start + 1, end - 2)), consumed: end, skipped: start };
    }
  }
  return { kind: 'need-more', skipped: buf.length };
}

/** Time on the wire of `bytes` characters at `baudRate`, 11 bits a character (start, 8 data, parity or 2nd stop, stop). */
export function characterTimeMs(baudRate: number, bitsPerCharacter = 11): number {
  return (bitsPerCharacter * 1000) / baudRate;
}

/** The 3.5-character silence that ends an RTU frame; fixed at 1.75 ms above 19200 baud (spec, §2.5.1.1). */
export function interFrameGapMs(baudRate: number): number {
  return baudRate > 19200 ? 1.75 : 3.5 * characterTimeMs(baudRate);
}
