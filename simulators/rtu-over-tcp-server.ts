/**
 * Raw RTU frames over TCP, as a serial device server in transparent mode passes them:
 * each connection is its own RTU stream (CRC, unit ids, resync, faults, line timing).
 */
import type { Socket } from 'node:net';
import { RtuSession, type LineTiming } from './rtu-session.js';
import { SocketServer, type SocketServerOptions } from './socket-server.js';

export interface RtuOverTcpServerOptions extends SocketServerOptions {
  lineTiming?: LineTiming;
  /** Silence after which a partial frame is dropped; TCP segments may be split, so the default is 50 ms. */
  resyncSilenceMs?: number;
}

export class RtuOverTcpServer extends SocketServer<RtuOverTcpServerOptions> {
  private constructor(options: RtuOverTcpServerOptions) {
    super(options, 'rtu-over-tcp');
  }

  static async start(options: RtuOverTcpServerOptions): Promise<RtuOverTcpServer> {
    const server = new RtuOverTcpServer(options);
    await server.listen();
    return server;
  }

  protected accept(socket: Socket): void {
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
    socket.on('close', () => session.reset());
  }
}
