/**
 * What the simulator's TCP-based servers share: listening (port 0 honoured), the set of open
 * connections, the "dropped connection" fault, fault decisions from one seeded random
 * source, timers cleared on close. Each server adds only how it reads its byte stream.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { pino, type Logger } from 'pino';
import { FaultSwitch } from './faults.js';
import { mulberry32, type Random } from './prng.js';
import { TimerSet, type UnitDirectory } from './served-unit.js';

export interface SocketServerOptions {
  units: UnitDirectory;
  host?: string;
  /** 0 picks a free port (really: see `address`). */
  port?: number;
  /** Faults for every unit of this server. */
  faults?: FaultSwitch;
  /** Seed of fault decisions. */
  seed?: number;
  logger?: Logger;
}

export abstract class SocketServer<Options extends SocketServerOptions> {
  readonly faults: FaultSwitch;
  protected readonly sockets = new Set<Socket>();
  protected readonly timers = new TimerSet();
  protected readonly random: Random;
  protected readonly logger: Logger;
  private readonly server: Server;

  protected constructor(
    protected readonly options: Options,
    private readonly label: string,
  ) {
    this.faults = options.faults ?? new FaultSwitch();
    this.random = mulberry32(options.seed ?? 1);
    this.logger = options.logger ?? pino({ level: 'silent' });
    this.server = createServer({ noDelay: true }, (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      this.accept(socket);
    });
  }

  protected async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.server.on('error', (error) => this.logger.error({ err: error }, `${this.label} server error`));
  }

  /** Serve one client connection. */
  protected abstract accept(socket: Socket): void;

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
}
