/**
 * The slave side of one RTU byte stream (a serial line, or one TCP connection to a serial
 * device server in transparent mode): frames requests out of arbitrary chunks, answers the
 * unit ids it serves, and applies faults and line timing to the replies.
 *
 * - Only frames with a valid CRC are answered; garbage is skipped byte by byte.
 * - A partial frame left over after a silence longer than `resyncSilenceMs` (t3.5 on a real
 *   line) is dropped, so a truncated frame cannot swallow the next request.
 * - Unit 0 is a broadcast: writes are applied to every press, and nobody replies.
 * - Unit ids it does not serve are ignored: on a shared line they belong to someone else.
 * - With `lineTiming`, a reply leaves when a real line would have carried it: after the
 *   request's wire time, the t3.5 gap and the turnaround, plus the reply's own wire time
 *   (11 bits a character); one transaction at a time, as on RS-485.
 */
import { pino, type Logger } from 'pino';
import { isReadRequest, decodeRequest } from '../drivers/codec/pdu.js';
import { characterTimeMs, encodeRtu, extractRequest, interFrameGapMs } from '../drivers/codec/rtu.js';
import { planReply, type FaultSwitch } from './faults.js';
import { answerRequest } from './modbus-slave.js';
import type { Random } from './prng.js';
import { ReplyQueue } from './reply-queue.js';
import type { TimerSet, UnitDirectory } from './served-unit.js';

export interface LineTiming {
  baudRate: number;
  /** The device's processing time between the end of a request and its reply. */
  turnaroundMs: number;
}

export interface RtuSessionOptions {
  units: UnitDirectory;
  /** Server-wide faults (each unit has its own too). */
  faults: FaultSwitch;
  random: Random;
  timers: TimerSet;
  send: (bytes: Buffer) => void;
  /** The "dropped connection" fault for this link. */
  drop: () => void;
  resyncSilenceMs: number;
  lineTiming?: LineTiming;
  /** Monotonic ms clock; default performance.now. */
  now?: () => number;
  logger?: Logger;
}

export interface RtuSessionStats {
  requests: number;
  replies: number;
  /** Bytes skipped as garbage or stale partial frames. */
  skippedBytes: number;
}

const MAX_BUFFER = 4096;

export class RtuSession {
  readonly stats: RtuSessionStats = { requests: 0, replies: 0, skippedBytes: 0 };
  private buffer: Buffer = Buffer.alloc(0);
  private lastByteAt = -Infinity;
  /** Line timing: when the emulated line is next free. */
  private lineFreeAt = 0;
  private readonly queue: ReplyQueue;
  private readonly now: () => number;
  private readonly logger: Logger;

  constructor(private readonly options: RtuSessionOptions) {
    this.now = options.now ?? (() => performance.now());
    this.logger = options.logger ?? pino({ level: 'silent' });
    this.queue = new ReplyQueue((bytes) => {
      this.stats.replies++;
      options.send(bytes);
    });
  }

  receive(chunk: Buffer): void {
    const now = this.now();
    if (this.buffer.length > 0 && now - this.lastByteAt > this.options.resyncSilenceMs) {
      this.logger.debug({ bytes: this.buffer.length }, 'rtu: dropping partial frame after silence');
      this.stats.skippedBytes += this.buffer.length;
      this.buffer = Buffer.alloc(0);
    }
    this.lastByteAt = now;
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const found = extractRequest(this.buffer);
      this.stats.skippedBytes += found.skipped;
      if (found.kind === 'need-more') {
        this.buffer = this.buffer.subarray(found.skipped);
        break;
      }
      this.buffer = this.buffer.subarray(found.consumed);
      this.handle(found.unitId, found.pdu, found.consumed - found.skipped, now);
    }
    if (this.buffer.length > MAX_BUFFER) {
      this.stats.skippedBytes += this.buffer.length;
      this.buffer = Buffer.alloc(0);
    }
  }

  /** Forget partial input and queued replies (after the link was reopened). */
  reset(): void {
    this.buffer = Buffer.alloc(0);
    this.queue.clear();
    this.lineFreeAt = 0;
  }

  private handle(unitId: number, pdu: Buffer, frameLength: number, arrivedAt: number): void {
    this.stats.requests++;
    if (unitId === 0) return this.broadcast(pdu);
    const unit = this.options.units.get(unitId);
    if (!unit) return;
    const plan = planReply(this.options.faults, unit.faults, this.options.random);
    if (plan.action === 'drop') return this.options.drop();
    if (plan.action === 'silent') return;
    const adu = encodeRtu(unitId, answerRequest(unit.registers, pdu));
    if (plan.badCrc) adu[adu.length - 1] = adu[adu.length - 1]! ^ 0x5a;
    const bytes = plan.garbage ? Buffer.concat([plan.garbage, adu]) : adu;
    if (plan.lateMs > 0) {
      this.options.timers.after(plan.lateMs, () => this.options.send(bytes));
      return;
    }
    const wait = this.replyWait(frameLength, bytes.length, arrivedAt) + plan.delayMs;
    if (wait <= 0) return this.queue.push(bytes);
    const fill = this.queue.reserve();
    this.options.timers.after(wait, () => fill(bytes));
  }

  /** How long after `arrivedAt` the reply leaves, by the emulated wire (0 without line timing). */
  private replyWait(requestBytes: number, replyBytes: number, arrivedAt: number): number {
    const timing = this.options.lineTiming;
    if (!timing) return 0;
    const character = characterTimeMs(timing.baudRate);
    const gap = interFrameGapMs(timing.baudRate);
    // The request cannot go on the wire before the line is quiet again (previous reply + t3.5).
    const requestEnd = Math.max(arrivedAt, this.lineFreeAt) + requestBytes * character;
    const end = requestEnd + gap + timing.turnaroundMs + replyBytes * character;
    this.lineFreeAt = end + gap;
    return end - this.now();
  }

  private broadcast(pdu: Buffer): void {
    let isWrite: boolean;
    try {
      isWrite = !isReadRequest(decodeRequest(pdu));
    } catch (error) {
      this.logger.debug({ err: error }, 'rtu: malformed broadcast ignored');
      return;
    }
    if (!isWrite) return;
    for (const unit of this.options.units.values()) answerRequest(unit.registers, pdu);
  }
}
