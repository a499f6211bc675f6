/**
 * A serial port link (RS-485/RS-232 adapter) for Modbus RTU.
 *
 * The serialport binding is an optional, typed dependency: production uses the native
 * binding for this OS; tests pass a paired virtual binding (see paired-serial-binding.ts).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
// The package's ESM entry ships no types; its CommonJS entry does.
import type { BindingInterface } from '@serialport/bindings-interface' with { 'resolution-mode': 'require' };
import type * as SerialStreamModule from '@serialport/stream';
import type { SerialPortStream } from '@serialport/stream';
import { pino, type Logger } from 'pino';
import type * as SerialPortModule from 'serialport';
import { TypedEmitter } from '../typed-emitter.js';
import { TransportClosedError, type LinkDown, type Transport, type TransportEvents } from './transport.js';

export interface SerialLineSettings {
  path: string;
  baudRate: number;
  parity: 'none' | 'even' | 'odd';
  dataBits: 7 | 8;
  stopBits: 1 | 2;
}

export interface SerialTransportOptions extends SerialLineSettings {
  /** Defaults to the native binding of this OS. */
  binding?: BindingInterface;
  logger?: Logger;
}

const DEVICE_WATCH_MS = 200;

/*
 * serialport and its stream are loaded when a serial line is first opened, not with the driver:
 * ~1.5 MB of heap (and a native binding) that a box polling only Modbus TCP never uses.
 */
const requireCjs = createRequire(import.meta.url);
const serialStream = () => (requireCjs('@serialport/stream') as typeof SerialStreamModule).SerialPortStream;
const nativeBinding = () => (requireCjs('serialport') as typeof SerialPortModule).SerialPort.binding;

export class SerialTransport implements Transport {
  readonly description: string;
  readonly events: TypedEmitter<TransportEvents>;
  private readonly binding: BindingInterface;
  private readonly logger: Logger;
  private port: SerialPortStream | undefined;
  private opening: Promise<void> | undefined;
  private opened = false;
  private closingLocally = false;
  private deviceWatch: NodeJS.Timeout | undefined;

  constructor(private readonly options: SerialTransportOptions) {
    this.description = `serial ${options.path}@${options.baudRate}`;
    this.binding = options.binding ?? nativeBinding();
    this.logger = options.logger ?? pino({ level: 'silent' });
    this.events = new TypedEmitter<TransportEvents>((error, event) =>
      this.logger.error({ err: error, event, link: this.description }, 'a transport listener threw'),
    );
  }

  get isOpen(): boolean {
    return this.opened;
  }

  open(): Promise<void> {
    if (this.port) return Promise.reject(new Error(`${this.description} is already open or opening`));
    const { path, baudRate, parity, dataBits, stopBits } = this.options;
    const SerialPortStream = serialStream();
    const port = new SerialPortStream({ binding: this.binding, path, baudRate, parity, dataBits, stopBits, autoOpen: false });
    this.port = port;
    this.closingLocally = false;
    port.on('data', (chunk: Buffer) => {
      if (this.opened && this.port === port) this.events.emit('data', chunk);
    });
    // Listening to 'error' is what keeps a failing port from crashing the process.
    port.on('error', (error: Error) => this.linkDown(port, { reason: 'error', error }));
    // A vanished device closes the stream with a DisconnectedError.
    port.on('close', (error?: Error | null) => {
      this.linkDown(port, error ? { reason: 'error', error } : { reason: this.closingLocally ? 'local' : 'remote' });
    });
    this.opening = new Promise<void>((resolve, reject) => {
      port.open((error) => {
        this.opening = undefined;
        if (error) {
          if (this.port === port) this.port = undefined;
          reject(error);
          return;
        }
        this.opened = true;
        this.watchDevice(port);
        resolve();
      });
    });
    return this.opening;
  }

  async close(): Promise<void> {
    if (this.opening) await this.opening.catch(() => undefined); // its failure belongs to open()'s caller
    const port = this.port;
    if (!port || !this.opened) return;
    this.closingLocally = true;
    const closed = new Promise<void>((resolve) => this.events.once('close', () => resolve()));
    port.close((error) => {
      if (error) this.linkDown(port, { reason: 'error', error });
    });
    await closed;
  }

  write(bytes: Buffer): Promise<void> {
    const port = this.port;
    if (!port || !this.opened) return Promise.reject(new TransportClosedError(this.description));
    return new Promise<void>((resolve, reject) => {
      port.write(bytes, (error) => (error ? reject(error) : resolve()));
    });
  }

  /**
   * A USB adapter pulled out (or a pty whose other end died) usually fails the next read,
   * but not always at once: the native binding can sit on a dead descriptor. The device
   * node disappearing from /dev is the surest sign, so it is checked every 200 ms (a stat
   * call: cheap next to the line's own traffic).
   */
  private watchDevice(port: SerialPortStream): void {
    const { path } = this.options;
    if (this.options.binding !== undefined || !existsSync(path)) return; // a virtual port has no node to watch
    this.deviceWatch = setInterval(() => {
      if (!existsSync(path)) this.linkDown(port, { reason: 'error', error: new Error(`serial device ${path} vanished`) });
    }, DEVICE_WATCH_MS);
    this.deviceWatch.unref();
  }

  /** Report the link down once per open, and release the OS port if it is still held. */
  private linkDown(port: SerialPortStream, down: LinkDown): void {
    if (this.port !== port || !this.opened) return;
    clearInterval(this.deviceWatch);
    this.deviceWatch = undefined;
    this.port = undefined;
    this.opened = false;
    if (port.isOpen) {
      port.close((error) => {
        if (error) this.logger.debug({ err: error, path: this.options.path }, 'closing a failed serial port also failed');
      });
    }
    this.events.emit('close', down);
  }
}
