/**
 * A virtual null-modem cable for serialport: a BindingInterface whose ports come in pairs,
 * so bytes written to one end are read at the other. It lets a simulated RTU slave run in
 * the same process as the master (demo, tests) through the real SerialPortStream code.
 *
 * Like a real cable, bytes sent while the far end is not open are lost. `unplug(path)`
 * behaves like a USB adapter pulled out: the open port's read fails (serialport then closes
 * the stream with a DisconnectedError), writes fail, and the path cannot be opened or listed
 * until `plug(path)`.
 *
 * Usage: `const pair = createSerialPair({ pathA: '/dev/ttyV0', pathB: '/dev/ttyV1' })`, then
 * `new SerialPortStream({ binding: pair.binding, path: pair.pathA, baudRate: 19200 })`.
 */
import type {
  BindingInterface,
  BindingPortInterface,
  OpenOptions,
  PortInfo,
  PortStatus,
  SetOptions,
  UpdateOptions,
} from '@serialport/bindings-interface' with { 'resolution-mode': 'require' };

/** serialport treats a read or write error with `canceled: true` as a deliberate close, anything else as a disconnect. */
class CanceledError extends Error {
  readonly canceled = true;
}

interface Endpoint {
  path: string;
  peer: string;
  plugged: boolean;
  port: PairedPort | undefined;
}

const OPEN_DEFAULTS = {
  dataBits: 8,
  lock: true,
  stopBits: 1,
  parity: 'none',
  rtscts: false,
  xon: false,
  xoff: false,
  xany: false,
  hupcl: true,
} as const;

export class PairedSerialBinding implements BindingInterface {
  private readonly endpoints = new Map<string, Endpoint>();

  /** Add a cable between two new paths. */
  addPair(pathA: string, pathB: string): void {
    for (const path of [pathA, pathB]) if (this.endpoints.has(path)) throw new Error(`serial path ${path} already exists`);
    if (pathA === pathB) throw new Error('a serial pair needs two different paths');
    this.endpoints.set(pathA, { path: pathA, peer: pathB, plugged: true, port: undefined });
    this.endpoints.set(pathB, { path: pathB, peer: pathA, plugged: true, port: undefined });
  }

  async list(): Promise<PortInfo[]> {
    return [...this.endpoints.values()]
      .filter((endpoint) => endpoint.plugged)
      .map((endpoint) => ({
        path: endpoint.path,
        manufacturer: 'Pressroom virtual null-modem',
        serialNumber: undefined,
        pnpId: undefined,
        locationId: undefined,
        productId: undefined,
        vendorId: undefined,
      }));
  }

  async open(options: OpenOptions): Promise<PairedPort> {
    await nextTick();
    const endpoint = this.endpoints.get(options.path);
    if (!endpoint || !endpoint.plugged) throw new Error(`Error: No such file or directory, cannot open ${options.path}`);
    if (endpoint.port?.isOpen) throw new Error(`Error Resource temporarily unavailable Cannot lock port ${options.path}`);
    const port = new PairedPort({ ...OPEN_DEFAULTS, ...options }, (bytes) => this.deliver(endpoint.peer, bytes));
    endpoint.port = port;
    return port;
  }

  /** The adapter at `path` is pulled out: its open port fails as a vanished device does. */
  unplug(path: string): void {
    const endpoint = this.endpoint(path);
    endpoint.plugged = false;
    endpoint.port?.vanish(new Error(`device at ${path} disconnected`));
    endpoint.port = undefined;
  }

  /** The adapter at `path` is back; it can be opened again. */
  plug(path: string): void {
    this.endpoint(path).plugged = true;
  }

  isOpen(path: string): boolean {
    return this.endpoint(path).port?.isOpen ?? false;
  }

  private endpoint(path: string): Endpoint {
    const endpoint = this.endpoints.get(path);
    if (!endpoint) throw new Error(`no virtual serial path ${path}`);
    return endpoint;
  }

  private deliver(path: string, bytes: Buffer): void {
    const port = this.endpoints.get(path)?.port;
    if (port?.isOpen) port.receive(bytes);
  }
}

export class PairedPort implements BindingPortInterface {
  isOpen = true;
  private received: Buffer[] = [];
  private pendingRead: (() => void) | undefined;
  private failure: Error | undefined;

  constructor(
    readonly openOptions: Required<OpenOptions>,
    private readonly send: (bytes: Buffer) => void,
  ) {}

  /** Bytes arriving from the other end of the cable. */
  receive(bytes: Buffer): void {
    this.received.push(Buffer.from(bytes));
    this.wakeReader();
  }

  vanish(error: Error): void {
    this.failure = error;
    this.wakeReader();
  }

  async read(buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer; bytesRead: number }> {
    for (;;) {
      if (!this.isOpen) throw new CanceledError('port is closed');
      if (this.failure) throw this.failure;
      const chunk = this.received[0];
      if (chunk) {
        const bytesRead = chunk.copy(buffer, offset, 0, Math.min(length, chunk.length));
        if (bytesRead === chunk.length) this.received.shift();
        else this.received[0] = chunk.subarray(bytesRead);
        return { buffer, bytesRead };
      }
      await new Promise<void>((resolve) => (this.pendingRead = resolve));
    }
  }

  async write(buffer: Buffer): Promise<void> {
    if (!this.isOpen) throw new CanceledError('port is closed');
    if (this.failure) throw this.failure;
    const bytes = Buffer.from(buffer);
    await nextTick();
    if (!this.isOpen) throw new CanceledError('port is closed');
    if (this.failure) throw this.failure;
    this.send(bytes);
  }

  async close(): Promise<void> {
    if (!this.isOpen) throw new Error('Port is not open');
    this.isOpen = false;
    this.received = [];
    this.wakeReader();
  }

  async update(options: UpdateOptions): Promise<void> {
    this.assertUsable();
    this.openOptions.baudRate = options.baudRate;
  }

  async set(_options: SetOptions): Promise<void> {
    this.assertUsable();
  }

  async get(): Promise<PortStatus> {
    this.assertUsable();
    return { cts: true, dsr: true, dcd: true };
  }

  async getBaudRate(): Promise<{ baudRate: number }> {
    this.assertUsable();
    return { baudRate: this.openOptions.baudRate };
  }

  async flush(): Promise<void> {
    this.assertUsable();
    this.received = [];
  }

  async drain(): Promise<void> {
    this.assertUsable();
  }

  private assertUsable(): void {
    if (!this.isOpen) throw new Error('Port is not open');
    if (this.failure) throw this.failure;
  }

  private wakeReader(): void {
    const wake = this.pendingRead;
    this.pendingRead = undefined;
    wake?.();
  }
}

export interface SerialPair {
  binding: PairedSerialBinding;
  pathA: string;
  pathB: string;
  /** Pull out the adapter at `path` (default: A, the master's side). */
  unplug(path?: string): void;
  plug(path?: string): void;
}

/** One virtual cable on a new binding. For several cables, call `addPair` on one binding. */
export function createSerialPair(options: { pathA: string; pathB: string; binding?: PairedSerialBinding }): SerialPair {
  const binding = options.binding ?? new PairedSerialBinding();
  binding.addPair(options.pathA, options.pathB);
  return {
    binding,
    pathA: options.pathA,
    pathB: options.pathB,
    unplug: (path = options.pathA) => binding.unplug(path),
    plug: (path = options.pathA) => binding.plug(path),
  };
}

function nextTick(): Promise<void> {
  return new Promise((resolve) => process.nextTick(resolve));
}
