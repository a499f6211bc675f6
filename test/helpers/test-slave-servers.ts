/**
 * Ways to put a SlaveCore on a link: a Modbus TCP server, an RTU-over-TCP server (a serial
 * device server's view), and an RTU slave on a serial port stream (virtual pair or pty).
 */
import net from 'node:net';
import type { SerialPortStream } from '@serialport/stream';
import { encodeMbap, MbapSplitter } from '../../drivers/codec/mbap.js';
import { extractRequest } from '../../drivers/codec/rtu.js';
import { rtuReply, sendPlanned, type SlaveCore } from './modbus-test-slave.js';

export class TcpSlaveServer {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  port = 0;
  connections = 0;

  constructor(
    readonly core: SlaveCore,
    private readonly framing: 'mbap' | 'rtu' = 'mbap',
  ) {}

  /** Listen on 127.0.0.1 (port 0 the first time, the same port after a restart). */
  async listen(): Promise<number> {
    const server = net.createServer((socket) => this.serve(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    this.port = address.port;
    return this.port;
  }

  /** Stop listening and cut every connection (the PLC rebooted). */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Cut the open connections but keep listening. */
  dropConnections(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  private serve(socket: net.Socket): void {
    this.connections++;
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const write = (bytes: Buffer) => {
      if (!socket.destroyed) socket.write(bytes);
    };
    if (this.framing === 'rtu') {
      attachRtuSlave(this.core, { onData: (listener) => socket.on('data', listener), write });
      return;
    }
    const splitter = new MbapSplitter();
    socket.on('data', (chunk: Buffer) => {
      for (const frame of splitter.push(chunk)) {
        const handled = this.core.handle(frame.unitId, frame.pdu, frame.transactionId);
        if (!handled) continue;
        const { plan, pdu, entry } = handled;
        sendPlanned(plan, entry, () => write(encodeMbap(plan.transactionId ?? frame.transactionId, frame.unitId, pdu)));
      }
    });
  }
}

export interface ByteLink {
  onData(listener: (chunk: Buffer) => void): void;
  write(bytes: Buffer): void;
}

/** An RTU slave on a byte stream: accumulates bytes, answers each valid request for its units. */
export function attachRtuSlave(core: SlaveCore, link: ByteLink): void {
  let buffer = Buffer.alloc(0);
  link.onData((chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const found = extractRequest(buffer);
      if (found.kind === 'need-more') {
        buffer = buffer.subarray(found.skipped);
        return;
      }
      buffer = buffer.subarray(found.consumed);
      const handled = core.handle(found.unitId, found.pdu);
      if (!handled) continue;
      const { plan, pdu, entry } = handled;
      sendPlanned(plan, entry, () => link.write(rtuReply(found.unitId, pdu, plan)));
    }
  });
}

/** An RTU slave on an open serialport stream; port errors are collected for the test to inspect. */
export function serveRtuOnPort(core: SlaveCore, port: SerialPortStream): { errors: Error[] } {
  const errors: Error[] = [];
  port.on('error', (error: Error) => errors.push(error));
  attachRtuSlave(core, {
    onData: (listener) => port.on('data', listener),
    write: (bytes) => {
      if (port.isOpen) port.write(bytes);
    },
  });
  return { errors };
}
