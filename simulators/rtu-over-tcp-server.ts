/**
 * Raw RTU frames over TCP, as a serial device server in transparent mode passes them:
 * each connection is its own RTU stream (CRC, unit ids, resync, faults, line timing).
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { pino, type Logger } from 'pino';
import { FaultSwitch } from './faults.js';
import { mulberry32, type Random } from './prng.js';
import { RtuSession, type LineTiming } from './rtu-session.js';
import { TimerSet, type UnitDirectory } from './served-unit.js';

export interface RtuOverTcpServerOptions {
  units: UnitDirectory;
  host?: string;
  port?: number;
  lineTiming?: LineTiming;
  /** Silence after which a partial frame is dropped; TCP segments may be split, so the default is 50 ms. */
  resyncSilenceMs?: number;
  faults?: FaultSwitch;
  seed?: number;
  logger?: Logger;
}

export class RtuOverTcpServer {
  readonly faults: FaultSwitch;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new TimerSet();
  private readonly random: Random;
  private readonly logger: Logger;

  private constructor(private readonly options: RtuOverTcpServerOptions) {
    this.faults = options.faults ?? new FaultSwitch();
    this.random = mulberry32(options.seed ?? 1);
    this.logger = options.logger ?? pino({ level: 'silent' });
    this.server = createServer({ noDelay: true }, (socket) => this.accept(socket));
  }

  static async start(options: RtuOverTcpServerOptions): Promise<RtuOverTcpServer> {
    const server = new RtuOverTcpServer(options);
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        server.server.off('error', reject);
        resolve();
      });
    });
    server.server.on('error', (error) => server.logger.error({ err: error }, 'rtu-over-tcp server error'));
    return server;
  }

  get address(): { host: string; port: number } {
    const info = this.server.address() as AddressInfo;
    return { host: info.address, port: info.port };
  }

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
    const session = new RtuSession({
      units: this.options.units,
      faults: this.faults,
      random: this.random,
      timers: this.timers,
      send: (bytes) => socket.destroyed || socket.write(bytes),
      drop: () => socket.destroy(),
      resyncSilenceMs: this.options.resyncSilenceMs ?? 50,
      lineTiming: this.options.lineTiming,
      logger: this.logger,
    });
    socket.on('data', (chunk) => session.receive(chunk));
    socket.on('error', (error) => this.logger.debug({ err: error }, 'rtu-over-tcp socket error'));
    socket.on('close', () => {
      this.sockets.delete(socket);
      session.reset();
    });
  }
}
