/**
 * A raw Modbus slave on TCP for fault and fuzz tests, written on `net` and the codec so a
 * test decides every byte that goes back: it frames each request (MBAP, or RTU as a serial
 * device server passes it), computes the correct reply (registers hold their own address,
 * see kit.ts), and lets the test's `respond` turn that into any transmission: the correct
 * bytes, damaged bytes, random bytes, split into chunks with gaps, or nothing.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { encodeMbap, MbapSplitter } from '../../drivers/codec/mbap.js';
import { decodeRequest, encodeResponse, ExceptionCode, PduError, type ModbusRequest, type ModbusResponse } from '../../drivers/codec/pdu.js';
import { encodeRtu, extractRequest } from '../../drivers/codec/rtu.js';
import { expectedBlock } from './kit.js';

/** Bytes to write, each `afterMs` after the previous chunk (0: at once). */
export type Transmission = { bytes: Buffer; afterMs: number }[];

export interface RawRequest {
  unitId: number;
  /** Undefined when the PDU could not be decoded. */
  request: ModbusRequest | undefined;
  /** The whole correct reply frame (MBAP or RTU), ready to send. */
  correctReply: Buffer;
  /** Sequence number of this request on its connection. */
  seq: number;
}

export interface RawSlaveOptions {
  framing: 'mbap' | 'rtu';
  /** What to send back; undefined or [] sends nothing. Default: the correct reply. */
  respond?: (request: RawRequest) => Transmission | undefined;
}

export class RawSlave {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  requests = 0;

  private constructor(private readonly options: RawSlaveOptions) {
    this.server = createServer({ noDelay: true }, (socket) => this.accept(socket));
  }

  static async start(options: RawSlaveOptions): Promise<RawSlave> {
    const slave = new RawSlave(options);
    await new Promise<void>((resolve, reject) => {
      slave.server.once('error', reject);
      slave.server.listen(0, '127.0.0.1', () => resolve());
    });
    return slave;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let seq = 0;
    // Chunks of one reply leave in order even when the next reply is planned meanwhile.
    let sendingUntil = Promise.resolve();
    const transmit = (transmission: Transmission) => {
      sendingUntil = sendingUntil.then(async () => {
        for (const { bytes, afterMs } of transmission) {
          if (afterMs > 0) await this.sleep(afterMs);
          if (!socket.destroyed) socket.write(bytes);
        }
      });
    };
    const answer = (unitId: number, pdu: Buffer, wrap: (pdu: Buffer) => Buffer) => {
      this.requests++;
      const request = decodeOrUndefined(pdu);
      const correctReply = wrap(encodeResponse(respondTo(unitId, pdu, request)));
      const raw: RawRequest = { unitId, request, correctReply, seq: seq++ };
      const transmission = this.options.respond ? this.options.respond(raw) : [{ bytes: correctReply, afterMs: 0 }];
      if (transmission && transmission.length > 0) transmit(transmission);
    };
    if (this.options.framing === 'mbap') {
      const splitter = new MbapSplitter();
      socket.on('data', (chunk: Buffer) => {
        let frames;
        try {
          frames = splitter.push(chunk);
        } catch {
          socket.destroy(); // a real server drops a stream out of step; the test looks at the master
          return;
        }
        for (const frame of frames) answer(frame.unitId, frame.pdu, (pdu) => encodeMbap(frame.transactionId, frame.unitId, pdu));
      });
      return;
    }
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const found = extractRequest(buffer);
        if (found.kind === 'need-more') {
          buffer = buffer.subarray(found.skipped);
          return;
        }
        buffer = buffer.subarray(found.consumed);
        answer(found.unitId, found.pdu, (pdu) => encodeRtu(found.unitId, pdu));
      }
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }
}

function decodeOrUndefined(pdu: Buffer): ModbusRequest | undefined {
  try {
    return decodeRequest(pdu);
  } catch (error) {
    if (error instanceof PduError) return undefined;
    throw error;
  }
}

/** Reads of holding and input registers answer the register map; everything else is exception 1. */
function respondTo(unitId: number, pdu: Buffer, request: ModbusRequest | undefined): ModbusResponse {
  const fc = pdu[0] ?? 0;
  if (!request) return { fc, exception: ExceptionCode.illegalDataValue };
  if (request.fc !== 3 && request.fc !== 4) return { fc, exception: ExceptionCode.illegalFunction };
  return { fc: request.fc, registers: expectedBlock(unitId, request.address, request.count) };
}
