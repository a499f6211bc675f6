/**
 * Modbus TCP framing for the master: MBAP header with a 16-bit transaction id.
 *
 * A reply is credited to the request in progress only if transaction id, unit id and
 * function code all match; anything else (a reply that arrives after its request timed
 * out, a gateway answering for the wrong unit) is discarded and counted. Ids run through
 * all 65536 values, so a reply delayed by up to 65535 requests still cannot be mistaken.
 */
import { encodeMbap, encodeMbapRead, MbapSplitter } from '../codec/mbap.js';
import { decodeResponse, encodeRequest, isReadRequest } from '../codec/pdu.js';
import { modbusError, PendingReply, type AttemptParams, type AttemptResult, type LinkProtocol, type ProtocolDeps } from './link-protocol.js';

interface InFlight {
  transactionId: number;
  params: AttemptParams;
  reply: PendingReply;
  sentAt: number;
}

export class TcpProtocol implements LinkProtocol {
  private readonly splitter = new MbapSplitter();
  private nextTransactionId: number;
  private inFlight: InFlight | undefined;

  constructor(
    private readonly deps: ProtocolDeps & {
      /** The stream lost framing: the bus must drop the connection. */
      onFramingError(error: Error): void;
    },
    options: { firstTransactionId?: number } = {},
  ) {
    this.nextTransactionId = (options.firstTransactionId ?? 1) & 0xffff;
  }

  receive(chunk: Buffer): void {
    let frames;
    try {
      frames = this.splitter.push(chunk);
    } catch (error) {
      this.splitter.reset();
      this.deps.discarded.bytes += chunk.length;
      const current = this.inFlight;
      if (current) current.reply.reject(modbusError('protocol', 'MBAP framing lost', current.params.context, error));
      this.deps.onFramingError(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    for (const frame of frames) {
      const current = this.inFlight;
      const fc = (frame.pdu[0] ?? 0) & 0x7f;
      if (
        current &&
        !current.reply.settled &&
        frame.transactionId === current.transactionId &&
        frame.unitId === current.params.unitId &&
        fc === current.params.request.fc
      ) {
        try {
          const response = decodeResponse(frame.pdu, current.params.request);
          current.reply.resolve({ response, latencyMs: this.deps.now() - current.sentAt });
        } catch (error) {
          current.reply.reject(modbusError('protocol', `malformed reply: ${(error as Error).message}`, current.params.context, error));
        }
        continue;
      }
      this.deps.discarded.frames++;
      this.deps.discarded.bytes += frame.pdu.length + 7;
      this.deps.logger.debug(
        { transactionId: frame.transactionId, unitId: frame.unitId, fc, expected: current?.transactionId },
        'discarded a TCP frame that answers no request in progress (late or mismatched)',
      );
    }
  }

  attempt(params: AttemptParams): Promise<AttemptResult> {
    const transactionId = this.nextTransactionId;
    this.nextTransactionId = (transactionId + 1) & 0xffff;
    const { request } = params;
    const frame = isReadRequest(request)
      ? encodeMbapRead(transactionId, params.unitId, request.fc, request.address, request.count)
      : encodeMbap(transactionId, params.unitId, encodeRequest(request));
    const inFlight: InFlight = {
      transactionId,
      params,
      // the attempt is over once its reply settles, whichever way: no async wrapper needed to clear it
      reply: new PendingReply(
        params.timeoutMs,
        () => modbusError('timeout', `no reply within ${params.timeoutMs} ms (transaction ${transactionId})`, params.context),
        () => {
          if (this.inFlight === inFlight) this.inFlight = undefined;
        },
      ),
      sentAt: this.deps.now(),
    };
    this.inFlight = inFlight;
    this.deps.write(frame).catch((error: unknown) => inFlight.reply.reject(modbusError('offline', 'could not send the request', params.context, error)));
    return inFlight.reply.promise;
  }

  linkDown(reason: string, cause?: Error): void {
    this.splitter.reset();
    const current = this.inFlight;
    if (current) current.reply.reject(modbusError('offline', reason, current.params.context, cause));
  }
}
