/**
 * A minimal Modbus slave for driver tests, built on the codec: register memory per unit id,
 * a per-request fault plan (delay, silence, exception, garbage, bad CRC, wrong transaction
 * id), and a log of when each request arrived and each reply left, so tests can check the
 * master's timing (one transaction on the line at a time, gaps).
 */
import { decodeRequest, encodeResponse, PduError, type ModbusRequest, type ModbusResponse } from '../../drivers/codec/pdu.js';
import { encodeRtu } from '../../drivers/codec/rtu.js';

export interface ReceivedRequest {
  unitId: number;
  request: ModbusRequest;
  /** MBAP transaction id (TCP only). */
  transactionId?: number;
  /** Sequence number of this request at the slave, from 0. */
  seq: number;
}

/** How to answer one request; the default is a correct, immediate answer. */
export interface ReplyPlan {
  delayMs?: number;
  /** Never answer. */
  silent?: boolean;
  /** Answer with this exception code instead. */
  exception?: number;
  /** Bytes sent just before the reply (RTU: noise on the line). */
  prefix?: Buffer;
  /** RTU: flip the CRC's low byte. */
  corruptCrc?: boolean;
  /** TCP: answer with this transaction id instead of the request's. */
  transactionId?: number;
  /** Replace the answer's register values (to tell two answers apart). */
  registers?: number[];
}

export interface LogEntry extends ReceivedRequest {
  receivedAt: number;
  repliedAt?: number;
}

interface UnitMemory {
  holding: Uint16Array;
  input: Uint16Array;
  coils: Uint8Array;
  discrete: Uint8Array;
}

export class SlaveCore {
  readonly log: LogEntry[] = [];
  plan: (received: ReceivedRequest) => ReplyPlan = () => ({});
  private readonly units = new Map<number, UnitMemory>();

  constructor(unitIds: number[]) {
    for (const unitId of unitIds) {
      const memory = { holding: new Uint16Array(65536), input: new Uint16Array(65536), coils: new Uint8Array(65536), discrete: new Uint8Array(65536) };
      // Recognisable contents: holding[a] = unit*1000 + a, input[a] = 40000 + a, coil a = a is odd, discrete a = a % 3 == 0.
      for (let a = 0; a < 65536; a++) {
        memory.holding[a] = (unitId * 1000 + a) & 0xffff;
        memory.input[a] = (40000 + a) & 0xffff;
        memory.coils[a] = a % 2;
        memory.discrete[a] = a % 3 === 0 ? 1 : 0;
      }
      this.units.set(unitId, memory);
    }
  }

  memory(unitId: number): UnitMemory {
    const memory = this.units.get(unitId);
    if (!memory) throw new Error(`slave has no unit ${unitId}`);
    return memory;
  }

  /**
   * Handle one request PDU. Returns undefined for units this slave does not serve (an RTU
   * slave stays silent for other addresses), else the plan and the answer PDU.
   */
  handle(unitId: number, pdu: Buffer, transactionId?: number): { plan: ReplyPlan; pdu: Buffer; entry: LogEntry } | undefined {
    const memory = this.units.get(unitId);
    if (!memory) return undefined;
    let request: ModbusRequest;
    try {
      request = decodeRequest(pdu);
    } catch (error) {
      const code = error instanceof PduError ? error.exceptionCode : 4;
      return {
        plan: {},
        pdu: encodeResponse({ fc: pdu[0] ?? 0, exception: code }),
        entry: this.record(unitId, { fc: 3, address: 0, count: 0 }, transactionId),
      };
    }
    const entry = this.record(unitId, request, transactionId);
    const plan = this.plan(entry);
    const response: ModbusResponse = plan.exception !== undefined ? { fc: request.fc, exception: plan.exception } : this.execute(memory, request, plan);
    return { plan, pdu: encodeResponse(response), entry };
  }

  private record(unitId: number, request: ModbusRequest, transactionId: number | undefined): LogEntry {
    const entry: LogEntry = { unitId, request, seq: this.log.length, receivedAt: performance.now() };
    if (transactionId !== undefined) entry.transactionId = transactionId;
    this.log.push(entry);
    return entry;
  }

  private execute(memory: UnitMemory, request: ModbusRequest, plan: ReplyPlan): ModbusResponse {
    switch (request.fc) {
      case 1:
      case 2: {
        const bits = request.fc === 1 ? memory.coils : memory.discrete;
        return { fc: request.fc, bits: Array.from(bits.subarray(request.address, request.address + request.count), (bit) => bit === 1) };
      }
      case 3:
      case 4: {
        const words = request.fc === 3 ? memory.holding : memory.input;
        return { fc: request.fc, registers: plan.registers ?? Array.from(words.subarray(request.address, request.address + request.count)) };
      }
      case 5:
        memory.coils[request.address] = request.value ? 1 : 0;
        return { fc: 5, address: request.address, value: request.value };
      case 6:
        memory.holding[request.address] = request.value;
        return { fc: 6, address: request.address, value: request.value };
      case 15:
        request.values.forEach((bit, i) => (memory.coils[request.address + i] = bit ? 1 : 0));
        return { fc: 15, address: request.address, count: request.values.length };
      case 16:
        memory.holding.set(request.values, request.address);
        return { fc: 16, address: request.address, count: request.values.length };
    }
  }
}

/** The RTU frame for an answer, with the plan's damage applied. */
export function rtuReply(unitId: number, pdu: Buffer, plan: ReplyPlan): Buffer {
  const frame = encodeRtu(unitId, pdu);
  if (plan.corruptCrc) frame[frame.length - 2]! ^= 0xff;
  return plan.prefix ? Buffer.concat([plan.prefix, frame]) : frame;
}

/** Run `send` after the plan's delay, unless silent; stamps the log entry when the reply leaves. */
export function sendPlanned(plan: ReplyPlan, entry: LogEntry, send: () => void): void {
  if (plan.silent) return;
  const go = () => {
    entry.repliedAt = performance.now();
    send();
  };
  if (plan.delayMs) setTimeout(go, plan.delayMs);
  else go();
}
