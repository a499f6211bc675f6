/**
 * Modbus RTU slave on a serial path: a real port, a socat pty, or any serialport binding
 * (pass `binding`, e.g. the in-process paired binding, so tests need no hardware).
 * The "dropped connection" fault closes the port and reopens it after `reopenAfterMs`,
 * like a device server that reboots.
 */
import { SerialPortStream, type OpenOptions } from '@serialport/stream';
import { pino, type Logger } from 'pino';
import { SerialPort } from 'serialport';
import { interFrameGapMs } from '../drivers/codec/rtu.js';
import { FaultSwitch } from './faults.js';
import { mulberry32 } from './prng.js';
import { RtuSession, type LineTiming, type RtuSessionStats } from './rtu-session.js';
import { TimerSet, type UnitDirectory } from './served-unit.js';

/** A serialport binding (native, mock, paired). Taken from @serialport/stream's types: bindings-interface's package has no types for ESM resolution. */
export type SerialBinding = OpenOptions['binding'];

export interface RtuSerialServerOptions {
  units: UnitDirectory;
  path: string;
  baudRate?: number;
  parity?: 'none' | 'even' | 'odd';
  stopBits?: 1 | 2;
  /** serialport binding; default the native one. */
  binding?: SerialBinding;
  lineTiming?: LineTiming;
  /** Silence after which a partial frame is dropped; default t3.5 at the baud rate, at least 5 ms (Node timers are not finer on a busy host). */
  resyncSilenceMs?: number;
  reopenAfterMs?: number;
  faults?: FaultSwitch;
  seed?: number;
  logger?: Logger;
}

export class RtuSerialServer {
  readonly faults: FaultSwitch;
  private port: SerialPortStream;
  private readonly session: RtuSession;
  private readonly timers = new TimerSet();
  private readonly logger: Logger;
  private closed = false;

  private constructor(private readonly options: RtuSerialServerOptions) {
    this.faults = options.faults ?? new FaultSwitch();
    this.logger = options.logger ?? pino({ level: 'silent' });
    const baudRate = options.baudRate ?? 19200;
    this.session = new RtuSession({
      units: options.units,
      faults: this.faults,
      random: mulberry32(options.seed ?? 1),
      timers: this.timers,
      send: (bytes) => this.port.isOpen && this.port.write(bytes),
      drop: () => this.dropLink(),
      resyncSilenceMs: options.resyncSilenceMs ?? Math.max(5, interFrameGapMs(baudRate)),
      lineTiming: options.lineTiming,
      logger: this.logger,
    });
    this.port = this.createPort();
  }

  static async start(options: RtuSerialServerOptions): Promise<RtuSerialServer> {
    const server = new RtuSerialServer(options);
    await server.open();
    return server;
  }

  get path(): string {
    return this.options.path;
  }

  get stats(): RtuSessionStats {
    return this.session.stats;
  }

  get isOpen(): boolean {
    return this.port.isOpen;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.timers.clear();
    await this.closePort();
  }

  private createPort(): SerialPortStream {
    const port = new SerialPortStream({
      binding: this.options.binding ?? SerialPort.binding,
      path: this.options.path,
      baudRate: this.options.baudRate ?? 19200,
      parity: this.options.parity ?? 'none',
      stopBits: this.options.stopBits ?? 1,
      dataBits: 8,
      autoOpen: false,
    });
    port.on('data', (chunk: Buffer) => this.session.receive(chunk));
    port.on('error', (error) => this.logger.error({ err: error, path: this.options.path }, 'rtu serial port error'));
    return port;
  }

  private open(): Promise<void> {
    return new Promise((resolve, reject) =>
      this.port.open((error) => (error ? reject(new Error(`cannot open serial port ${this.options.path}: ${error.message}`, { cause: error })) : resolve())),
    );
  }

  private closePort(): Promise<void> {
    if (!this.port.isOpen) return Promise.resolve();
    return new Promise((resolve) =>
      this.port.close((error) => {
        if (error) this.logger.warn({ err: error }, 'rtu serial port close failed');
        resolve();
      }),
    );
  }

  private dropLink(): void {
    this.logger.info({ path: this.options.path }, 'fault: closing serial port');
    this.session.reset();
    void this.closePort().then(() => {
      this.timers.after(this.options.reopenAfterMs ?? 1000, () => {
        if (this.closed) return;
        this.port = this.createPort();
        this.open().catch((error: unknown) => this.logger.error({ err: error }, 'fault: serial port did not reopen'));
      });
    });
  }
}
