/**
 * Modbus TCP server for simulated presses, written on `net` directly: modbus-serial's
 * ServerTCP maps port 0 to 502 and serves about 700 requests/s, too slow to load-test the
 * poller. Requests pipelined on one connection are answered in order; the replies of one
 * incoming chunk leave in one write (cork/uncork).
 *
 * An unknown unit id gets no reply by default (a gateway with nothing behind that id), or
 * exception 11 (gateway target device failed to respond) with `unknownUnit: 'exception'`.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { pino, type Logger } from 'pino';
import { encodeMbap, MbapSplitter, type TcpFrame } from '../drivers/codec/mbap.js';
import { encodeResponse, ExceptionCode } from '../drivers/codec/pdu.js';
import { FaultSwitch, planReply } from './faults.js';
import { answerRequest } from './modbus-slave.js';
import { mulberry32, type Random } from './prng.js';
import { ReplyQueue } from './reply-queue.js';
import { TimerSet, type UnitDirectory } from './served-unit.js';

export interface ModbusTcpServerOptions {
  units: UnitDirectory;
  host?: string;
  /** 0 picks a free port (really: see `address`). */
  port?: number;
  unknownUnit?: 'ignore' | 'exception';
  /** Faults for every unit of this server. */
  faults?: FaultSwitch;
  /** Seed of fault decisions. */
  seed?: number;
  logger?: Logger;
}

export class ModbusTcpServer {
  readonly faults: FaultSwitch;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new TimerSet();
  private readonly random: Random;
  private readonly logger: Logger;

  private constructor(private readonly options: ModbusTcpServerOptions) {
    this.faults = options.faults ?? new FaultSwitch();
    this.random = mulberry32(options.seed ?? 1);
    this.logger = options.logger ?? pino({ level: 'silent' });
    this.server = createServer({ noDelay: true }, (socket) => this.accept(socket));
  }

  static async start(options: ModbusTcpServerOptions): Promise<ModbusTcpServer> {
    const server = new ModbusTcpServer(options);
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.server.listen(options.port ?? 502, options.host ?? '127.0.0.1', () => {
        server.server.off('error', reject);
        resolve();
      });
    });
    server.server.on('error', (error) => server.logger.error({ err: error }, 'modbus tcp server error'));
    return server;
  }

  get address(): { host: string; port: number } {
    const info = this.server.address() as AddressInfo;
    return { host: info.address, port: info.port };
  }

  get connectionCount(): number {
    return this.sockets.size;
  }

  /** Drops every open connection (the "dropped connection" fault, on demand). */
  dropConnections(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  async close(): Promise<void> {
    this.timers.clear();
    this.dropConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    const peer = `${socket.remoteAddress}:${socket.remotePort}`;
    this.logger.debug({ peer }, 'modbus tcp client connected');
    const splitter = new MbapSplitter();
    const queue = new ReplyQueue((bytes) => {
      if (!socket.destroyed) socket.write(bytes);
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
      socket.cork();
      for (const frame of frames) this.answer(frame, socket, queue);
      socket.uncork();
    });
    socket.on('error', (error) => this.logger.debug({ peer, err: error }, 'modbus tcp socket error'));
    socket.on('close', () => {
      this.sockets.delete(socket);
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
