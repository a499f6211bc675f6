/**
 * Modbus TCP server for simulated presses, written on `net` directly: modbus-serial's
 * ServerTCP maps port 0 to 502 and serves about 700 requests/s, too slow to load-test the
 * poller. Requests pipelined on one connection are answered in order; the replies of one
 * incoming chunk leave in one buffer, one write.
 *
 * An unknown unit id gets no reply by default (a gateway with nothing behind that id), or
 * exception 11 (gateway target device failed to respond) with `unknownUnit: 'exception'`.
 */
import type { Socket } from 'node:net';
import { encodeMbap, MbapSplitter, type TcpFrame } from '../drivers/codec/mbap.js';
import { encodeResponse, ExceptionCode } from '../drivers/codec/pdu.js';
import { planReply } from './faults.js';
import { answerRequest } from './modbus-slave.js';
import { ReplyQueue } from './reply-queue.js';
import { SocketServer, type SocketServerOptions } from './socket-server.js';

export interface ModbusTcpServerOptions extends SocketServerOptions {
  unknownUnit?: 'ignore' | 'exception';
}

export class ModbusTcpServer extends SocketServer<ModbusTcpServerOptions> {
  private constructor(options: ModbusTcpServerOptions) {
    super(options, 'modbus tcp');
  }

  static async start(options: ModbusTcpServerOptions): Promise<ModbusTcpServer> {
    const server = new ModbusTcpServer(options);
    await server.listen();
    return server;
  }

  protected accept(socket: Socket): void {
    const peer = `${socket.remoteAddress}:${socket.remotePort}`;
    this.logger.debug({ peer }, 'modbus tcp client connected');
    const splitter = new MbapSplitter();
    // While a chunk's requests are answered, their replies gather here and leave in one
    // write: one buffer per chunk costs far less than one (even corked) write per reply.
    let batch: Buffer[] | undefined;
    const queue = new ReplyQueue((bytes) => {
      if (batch) batch.push(bytes);
      else if (!socket.destroyed) socket.write(bytes);
    });
    socket.on('data', (chunk) => {
      let frames: TcpFrame[];
      try {
        frames = splitter.push(chunk);
      } catch (error) {
        // Nothing later on this stream can be trusted once its framing is lost.
        this.logger.warn({ peer, err: error }, 'dropping connection: bad MBAP framing');
        socket.destroy();
        return;
      }
      batch = [];
      for (const frame of frames) this.answer(frame, socket, queue);
      const replies = batch;
      batch = undefined;
      if (replies.length > 0 && !socket.destroyed) socket.write(replies.length === 1 ? replies[0]! : Buffer.concat(replies));
    });
    socket.on('error', (error) => this.logger.debug({ peer, err: error }, 'modbus tcp socket error'));
    socket.on('close', () => {
      queue.clear();
      this.logger.debug({ peer }, 'modbus tcp client disconnected');
    });
  }

  private answer(frame: TcpFrame, socket: Socket, queue: ReplyQueue): void {
    const unit = this.options.units.get(frame.unitId);
    if (!unit) {
      if (this.options.unknownUnit === 'exception') {
        const pdu = encodeResponse({ fc: frame.pdu[0] ?? 0, exception: ExceptionCode.gatewayTargetFailed });
        queue.push(encodeMbap(frame.transactionId, frame.unitId, pdu));
      }
      return;
    }
    const plan = planReply(this.faults, unit.faults, this.random);
    if (plan.action === 'drop') {
      socket.destroy();
      return;
    }
    if (plan.action === 'silent') return;
    const adu = encodeMbap(frame.transactionId, frame.unitId, answerRequest(unit.registers, frame.pdu));
    const bytes = plan.garbage ? Buffer.concat([plan.garbage, adu]) : adu;
    if (plan.lateMs > 0) {
      this.timers.after(plan.lateMs, () => socket.destroyed || socket.write(bytes));
    } else if (plan.delayMs > 0) {
      const fill = queue.reserve();
      this.timers.after(plan.delayMs, () => fill(bytes));
    } else queue.push(bytes);
  }
}
