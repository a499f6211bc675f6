/** A TCP client link: Modbus TCP, or RTU frames tunnelled through a serial device server. */
import net from 'node:net';
import { pino, type Logger } from 'pino';
import { TypedEmitter } from '../typed-emitter.js';
import { TransportClosedError, type LinkDown, type Transport, type TransportEvents } from './transport.js';

export interface TcpTransportOptions {
  host: string;
  port: number;
  /** Give up connecting after this long (a powered-off PLC does not refuse, it stays silent). Default 3000. */
  connectTimeoutMs?: number;
  /** TCP keep-alive probe delay; the bus's own half-open detection is faster. Default 10000. */
  keepAliveMs?: number;
  logger?: Logger;
}

export class TcpTransport implements Transport {
  readonly description: string;
  readonly events: TypedEmitter<TransportEvents>;
  private readonly logger: Logger;
  private socket: net.Socket | undefined;
  private opened = false;
  /** Sockets this side is closing, so their `close` is reported as `local`, not `remote`. */
  private readonly closingLocally = new WeakSet<net.Socket>();

  constructor(private readonly options: TcpTransportOptions) {
    this.description = `tcp ${options.host}:${options.port}`;
    this.logger = options.logger ?? pino({ level: 'silent' });
    this.events = new TypedEmitter<TransportEvents>((error, event) =>
      this.logger.error({ err: error, event, link: this.description }, 'a transport listener threw'),
    );
  }

  get isOpen(): boolean {
    return this.opened;
  }

  open(): Promise<void> {
    if (this.socket) return Promise.reject(new Error(`${this.description} is already open or opening`));
    const socket = new net.Socket();
    this.socket = socket;
    return new Promise<void>((resolve, reject) => {
      let lastError: Error | undefined;
      const timeoutMs = this.options.connectTimeoutMs ?? 1500;
      const connectTimer = setTimeout(() => {
        socket.destroy(new Error(`${this.description}: connect timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      socket.on('error', (error) => {
        lastError = error;
      });
      socket.on('data', (chunk: Buffer) => {
        if (this.opened) this.events.emit('data', chunk);
      });
      socket.once('connect', () => {
        clearTimeout(connectTimer);
        socket.setNoDelay(true);
        socket.setKeepAlive(true, this.options.keepAliveMs ?? 10_000);
        this.opened = true;
        resolve();
      });
      socket.once('close', () => {
        clearTimeout(connectTimer);
        if (this.socket === socket) this.socket = undefined;
        if (!this.opened) {
          reject(lastError ?? new Error(`${this.description}: closed while connecting`));
          return;
        }
        this.opened = false;
        const down: LinkDown = this.closingLocally.has(socket) ? { reason: 'local' } : lastError ? { reason: 'error', error: lastError } : { reason: 'remote' };
        this.closingLocally.delete(socket);
        this.events.emit('close', down);
      });
      socket.connect({ host: this.options.host, port: this.options.port });
    });
  }

  close(): Promise<void> {
    const socket = this.socket;
    if (!socket) return Promise.resolve();
    return new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      this.closingLocally.add(socket);
      socket.destroy();
    });
  }

  write(bytes: Buffer): Promise<void> {
    const socket = this.socket;
    if (!socket || !this.opened) return Promise.reject(new TransportClosedError(this.description));
    return new Promise<void>((resolve, reject) => {
      socket.write(bytes, (error) => {
        if (error) {
          // The socket also emits 'error' then 'close', which reports the link down.
          reject(error);
        } else resolve();
      });
    });
  }
}
