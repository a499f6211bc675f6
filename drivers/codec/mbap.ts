/**
 * Modbus TCP application header (MBAP): transaction id, protocol id 0, length, unit id.
 * The length field frames the stream, so TCP needs no timing to split frames.
 */

export const MBAP_HEADER_LENGTH = 7;
/** 7-byte header + the largest PDU (253 bytes). */
export const MAX_TCP_ADU = 260;

export interface TcpFrame {
  transactionId: number;
  unitId: number;
  pdu: Buffer;
}

/**
 * The MBAP frame of a read request (function 1 to 4), encoded straight into one buffer: the
 * same bytes as `encodeMbap(id, unit, encodeRequest(request))`, without the PDU in between.
 */
export function encodeMbapRead(transactionId: number, unitId: number, fc: 1 | 2 | 3 | 4, address: number, count: number): Buffer {
  const frame = Buffer.allocUnsafe(MBAP_HEADER_LENGTH + 5);
  frame.writeUInt16BE(transactionId & 0xffff, 0);
  frame.writeUInt16BE(0, 2);
  frame.writeUInt16BE(6, 4);
  frame[6] = unitId & 0xff;
  frame[7] = fc;
  frame.writeUInt16BE(address, 8);
  frame.writeUInt16BE(count, 10);
  return frame;
}

export function encodeMbap(transactionId: number, unitId: number, pdu: Uint8Array): Buffer {
  const frame = Buffer.alloc(MBAP_HEADER_LENGTH + pdu.length);
  frame.writeUInt16BE(transactionId & 0xffff, 0);
  frame.writeUInt16BE(0, 2);
  frame.writeUInt16BE(pdu.length + 1, 4);
  frame[6] = unitId & 0xff;
  frame.set(pdu, MBAP_HEADER_LENGTH);
  return frame;
}

export class MbapFramingError extends Error {
  override name = 'MbapFramingError';
}

/**
 * Splits a TCP byte stream into frames. A header with a non-zero protocol id or an
 * impossible length means the stream is out of step: it throws, and the connection must be
 * dropped, since nothing later on it can be trusted.
 */
export class MbapSplitter {
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): TcpFrame[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const frames: TcpFrame[] = [];
    let offset = 0;
    while (this.buffer.length - offset >= MBAP_HEADER_LENGTH) {
      const protocolId = this.buffer.readUInt16BE(offset + 2);
      const length = this.buffer.readUInt16BE(offset + 4);
      if (protocolId !== 0) throw new MbapFramingError(`MBAP protocol id ${protocolId}, expected 0`);
      if (length < 2 || length > MAX_TCP_ADU - 6) throw new MbapFramingError(`MBAP length ${length} outside 2..254`);
      const total = 6 + length;
      if (this.buffer.length - offset < total) break;
      frames.push({
        transactionId: this.buffer.readUInt16BE(offset),
        unitId: this.buffer[offset + 6]!,
        // a view, not a copy: received chunks are never written to, and a frame lives only while it is decoded
        pdu: this.buffer.subarray(offset + MBAP_HEADER_LENGTH, offset + total),
      });
      offset += total;
    }
    this.buffer = offset === 0 ? this.buffer : this.buffer.subarray(offset);
    return frames;
  }

  get pending(): number {
    return this.buffer.length;
  }

  reset(): void {
    this.buffer = Buffer.alloc(0);
  }
}
