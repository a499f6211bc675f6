/**
 * Modbus RTU framing for the master, on a serial line or tunnelled over TCP.
 *
 * RTU frames carry no transaction id, so a reply can only be told from a late reply to an
 * earlier request by timing. The rules, in order of a transaction:
 * 1. Wait until the line is quiet: t3.5 since the last received byte (bytes that came while the
 *    process was busy are read first), and, for a request to
 *    a unit that timed out, past that unit's guard window (a slow slave may still answer
 *    the request we gave up on). Other units are not kept waiting: a late reply can only
 *    be taken for an answer from the unit that sent it (step 3), so it cannot be credited
 *    to them. A retry goes at once: the late reply to the attempt before answers the same
 *    request. Once a retry is answered, the other attempt's reply may still come, so the
 *    unit is guarded until the retry's own timer plus the guard would have run out.
 * 2. Drop whatever is in the receive buffer, send the request, start the attempt timer.
 * 3. Accept the first frame from this unit with this function code (or its exception) and a
 *    valid CRC; `extractResponse` slides over garbage before it (another unit's late reply).
 * 4. When the line falls silent without a valid frame, judge what is there: a frame of the
 *    right length from the right unit with a wrong CRC is a `crc` error; a valid frame of
 *    the wrong length is a `protocol` error; anything else waits for the timer (`timeout`).
 * Bytes that arrive while no request is in progress are discarded and counted.
 */
import { decodeResponse, encodeRequest, expectedResponseLength, type ModbusRequest } from '../codec/pdu.js';
import { encodeRtu, extractResponse, hasValidCrc } from '../codec/rtu.js';
import { modbusError, PendingReply, type AttemptParams, type AttemptResult, type LinkProtocol, type ProtocolDeps } from './link-protocol.js';

export interface RtuTiming {
  /** t3.5: silence that ends a frame and must precede the next request. */
  interFrameGapMs: number;
  /** After a timeout, keep the unit from being asked again for this long, so its late reply lands in nobody's buffer. `undefined`: the attempt's timeout. */
  lateReplyGuardMs: number | undefined;
  /** Time of one character on the wire, if the baud rate is known: the attempt timer grows by the frames' wire time. */
  characterTimeMs: number | undefined;
}

interface InFlight {
  params: AttemptParams;
  reply: PendingReply;
  sentAt: number;
  silenceTimer: NodeJS.Timeout | undefined;
}

const EMPTY = Buffer.alloc(0);

export class RtuProtocol implements LinkProtocol {
  private rx: Buffer = EMPTY;
  private inFlight: InFlight | undefined;
  private lastRxAt = Number.NEGATIVE_INFINITY;
  /** Per unit that timed out: no new request to it before this time (its late reply may still come). */
  private readonly guardUntil = new Map<number, number>();
  private idleBurst = false;
  private sleeper: { timer: NodeJS.Timeout; cancel: (error: Error) => void } | undefined;
  /** How long the line must be silent before an incomplete buffer is judged (CRC or protocol error). */
  private readonly silenceMs: number;

  constructor(
    private readonly deps: ProtocolDeps,
    private readonly timing: RtuTiming,
  ) {
    this.silenceMs = Math.max(4 * timing.interFrameGapMs, 20);
  }

  receive(chunk: Buffer): void {
    this.lastRxAt = this.deps.now();
    const current = this.inFlight;
    if (!current || current.reply.settled) {
      this.deps.discarded.bytes += chunk.length;
      if (!this.idleBurst) this.deps.discarded.frames++;
      this.idleBurst = true;
      this.deps.logger.debug({ bytes: chunk.length }, 'discarded RTU bytes received with no request in progress (late reply or noise)');
      return;
    }
    this.rx = this.rx.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.rx, chunk]);
    const found = extractResponse(this.rx, current.params.unitId, current.params.request);
    if (found.kind === 'need-more') {
      if (current.silenceTimer) clearTimeout(current.silenceTimer);
      current.silenceTimer = setTimeout(() => this.judgeSilence(current), this.silenceMs);
      return;
    }
    this.deps.discarded.bytes += found.skipped;
    this.rx = this.rx.subarray(found.consumed);
    try {
      const response = decodeResponse(found.pdu, current.params.request);
      current.reply.resolve({ response, latencyMs: this.deps.now() - current.sentAt });
    } catch (error) {
      current.reply.reject(modbusError('protocol', `malformed reply: ${(error as Error).message}`, current.params.context, error));
    }
  }

  async attempt(params: AttemptParams): Promise<AttemptResult> {
    // A retry may go while its unit is guarded: a late reply to the attempt before answers it too.
    const overlapsLateReply = params.isRetry && (this.guardUntil.get(params.unitId) ?? Number.NEGATIVE_INFINITY) > this.deps.now();
    await this.waitForQuietLine(params, params.isRetry);
    this.discardReceiveBuffer();
    this.idleBurst = false;
    const frame = encodeRtu(params.unitId, encodeRequest(params.request));
    const charMs = this.timing.characterTimeMs;
    const wireMs = charMs === undefined ? 0 : charMs * (frame.length + 3 + expectedResponseLength(params.request));
    const guardMs = this.timing.lateReplyGuardMs ?? params.timeoutMs;
    const reply = new PendingReply(params.timeoutMs + wireMs, () => {
      this.guard(params.unitId, this.deps.now() + guardMs);
      return modbusError('timeout', `no reply within ${Math.round(params.timeoutMs + wireMs)} ms`, params.context);
    });
    const current: InFlight = { params, reply, sentAt: this.deps.now(), silenceTimer: undefined };
    this.inFlight = current;
    this.deps.write(frame).catch((error: unknown) => reply.reject(modbusError('offline', 'could not send the request', params.context, error)));
    try {
      const result = await reply.promise;
      // Answered, perhaps by the late reply to the attempt before: this attempt's own reply may follow.
      if (overlapsLateReply) this.guard(params.unitId, current.sentAt + params.timeoutMs + wireMs + guardMs);
      return result;
    } finally {
      if (current.silenceTimer) clearTimeout(current.silenceTimer);
      this.inFlight = undefined;
    }
  }

  private guard(unitId: number, until: number): void {
    this.guardUntil.set(unitId, Math.max(until, this.guardUntil.get(unitId) ?? Number.NEGATIVE_INFINITY));
  }

  linkDown(reason: string, cause?: Error): void {
    this.rx = EMPTY;
    const current = this.inFlight;
    if (current) current.reply.reject(modbusError('offline', reason, current.params.context, cause));
    const sleeper = this.sleeper;
    if (sleeper) {
      clearTimeout(sleeper.timer);
      sleeper.cancel(new Error(reason, { cause }));
    }
  }

  private async waitForQuietLine(params: AttemptParams, ignoreGuard: boolean): Promise<void> {
    for (;;) {
      const guardUntil = ignoreGuard ? Number.NEGATIVE_INFINITY : (this.guardUntil.get(params.unitId) ?? Number.NEGATIVE_INFINITY);
      const quietAt = Math.max(guardUntil, this.lastRxAt + this.timing.interFrameGapMs);
      const waitMs = quietAt - this.deps.now();
      if (waitMs <= 0) return;
      try {
        await new Promise<void>((resolve, reject) => {
          this.sleeper = { timer: setTimeout(resolve, Math.ceil(waitMs)), cancel: reject };
        });
      } catch (error) {
        throw modbusError('offline', (error as Error).message, params.context, (error as Error).cause);
      } finally {
        this.sleeper = undefined;
      }
      // A timer due and bytes already received can be ready at once when the process was busy:
      // Node runs the timer first. Let the I/O phase read those bytes (a late reply, now
      // discarded, moving lastRxAt) before the loop judges the line quiet and sends.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private discardReceiveBuffer(): void {
    if (this.rx.length > 0) this.deps.discarded.bytes += this.rx.length;
    this.rx = EMPTY;
  }

  private judgeSilence(current: InFlight): void {
    if (current !== this.inFlight || current.reply.settled) return;
    const verdict = damagedFrame(this.rx, current.params.unitId, current.params.request);
    if (verdict === 'crc') {
      current.reply.reject(modbusError('crc', 'reply with a bad CRC', current.params.context));
    } else if (verdict === 'protocol') {
      current.reply.reject(modbusError('protocol', 'reply of the wrong length for the request', current.params.context));
    }
  }
}

/**
 * Once the line is silent and no valid reply was found: is there a reply that came in
 * damaged? Scans for frames from `unitId` with the request's function code.
 */
function damagedFrame(buf: Buffer, unitId: number, request: ModbusRequest): 'crc' | 'protocol' | undefined {
  const normalLength = 1 + expectedResponseLength(request) + 2;
  let verdict: 'crc' | 'protocol' | undefined;
  for (let start = 0; start + 4 <= buf.length; start++) {
    if (buf[start] !== unitId) continue;
    const fc = buf[start + 1];
    if (fc === (request.fc | 0x80)) {
      if (buf.length - start >= 5 && !hasValidCrc(buf, start, start + 5)) verdict ??= 'crc';
      continue;
    }
    if (fc !== request.fc) continue;
    // A read reply says its own length: a valid frame of another length answers something else.
    const declared = request.fc <= 4 ? 3 + (buf[start + 2] ?? 0) + 2 : normalLength;
    if (declared !== normalLength && buf.length - start >= declared && hasValidCrc(buf, start, start + declared)) return 'protocol';
    if (buf.length - start >= normalLength && !hasValidCrc(buf, start, start + normalLength)) verdict ??= 'crc';
  }
  return verdict;
}
