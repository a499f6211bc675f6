/** The transports and the virtual null-modem binding, through their public contract. */
import net from 'node:net';
import { SerialPortStream } from '@serialport/stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createSerialPair, SerialTransport, TcpTransport, TransportClosedError, type LinkDown, type Transport } from '../../drivers/index.js';

function nextChunk(transport: Transport): Promise<Buffer> {
  return new Promise((resolve) => transport.events.once('data', resolve));
}
function nextClose(transport: Transport): Promise<LinkDown> {
  return new Promise((resolve) => transport.events.once('close', resolve));
}
async function openStream(port: SerialPortStream): Promise<void> {
  await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
}

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('PairedSerialBinding', () => {
  const line = { baudRate: 19200, parity: 'none', dataBits: 8, stopBits: 1 } as const;

  it('carries bytes both ways between the two paths', async () => {
    const pair = createSerialPair({ pathA: '/dev/ttyP1A', pathB: '/dev/ttyP1B' });
    const a = new SerialTransport({ ...line, path: pair.pathA, binding: pair.binding });
    const b = new SerialPortStream({ binding: pair.binding, path: pair.pathB, baudRate: 19200, autoOpen: false });
    await a.open();
    await openStream(b);
    cleanups.push(
      () => a.close(),
      () => new Promise((resolve) => b.close(resolve)),
    );
    const atB = new Promise<Buffer>((resolve) => b.once('data', resolve));
    await a.write(Buffer.from([1, 2, 3]));
    expect(await atB).toEqual(Buffer.from([1, 2, 3]));
    const atA = nextChunk(a);
    b.write(Buffer.from('pong'));
    expect((await atA).toString()).toBe('pong');
  });

  it('locks a path that is already open, and lists only plugged paths', async () => {
    const pair = createSerialPair({ pathA: '/dev/ttyP2A', pathB: '/dev/ttyP2B' });
    const first = new SerialTransport({ ...line, path: pair.pathA, binding: pair.binding });
    await first.open();
    cleanups.push(() => first.close());
    await expect(new SerialTransport({ ...line, path: pair.pathA, binding: pair.binding }).open()).rejects.toThrow(/lock/i);
    pair.unplug(pair.pathB);
    expect((await pair.binding.list()).map((port) => port.path)).toEqual([pair.pathA]);
  });

  it('unplugging an open port closes it as a vanished device; it opens again once plugged back', async () => {
    const pair = createSerialPair({ pathA: '/dev/ttyP3A', pathB: '/dev/ttyP3B' });
    const a = new SerialTransport({ ...line, path: pair.pathA, binding: pair.binding });
    await a.open();
    const closed = nextClose(a);
    pair.unplug();
    const down = await closed;
    expect(down.reason).toBe('error');
    expect(down.error).toMatchObject({ disconnected: true });
    expect(a.isOpen).toBe(false);
    await expect(a.write(Buffer.from([1]))).rejects.toBeInstanceOf(TransportClosedError);
    await expect(a.open()).rejects.toThrow(/No such file/);
    pair.plug();
    await a.open();
    expect(a.isOpen).toBe(true);
    await a.close();
  });

  it('a close on this side is reported as local, exactly once', async () => {
    const pair = createSerialPair({ pathA: '/dev/ttyP4A', pathB: '/dev/ttyP4B' });
    const a = new SerialTransport({ ...line, path: pair.pathA, binding: pair.binding });
    await a.open();
    const downs: LinkDown[] = [];
    a.events.on('close', (down) => downs.push(down));
    await a.close();
    await a.close();
    expect(downs).toEqual([{ reason: 'local' }]);
  });
});

describe('TcpTransport', () => {
  async function server(onSocket: (socket: net.Socket) => void): Promise<number> {
    const srv = net.createServer(onSocket);
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => srv.close(resolve)));
    return (srv.address() as net.AddressInfo).port;
  }

  it('sends and receives, and reports an orderly close by the far end as remote', async () => {
    const port = await server((socket) => socket.once('data', (chunk) => socket.end(Buffer.concat([Buffer.from('echo:'), chunk]))));
    const tcp = new TcpTransport({ host: '127.0.0.1', port });
    await tcp.open();
    const reply = nextChunk(tcp);
    const closed = nextClose(tcp);
    await tcp.write(Buffer.from('hi'));
    expect((await reply).toString()).toBe('echo:hi');
    expect(await closed).toEqual({ reason: 'remote' });
    expect(tcp.isOpen).toBe(false);
  });

  it('rejects open() when the connection is refused, and emits no close', async () => {
    const port = await server(() => undefined);
    const [close] = cleanups.splice(-1);
    await close!();
    const tcp = new TcpTransport({ host: '127.0.0.1', port });
    let closes = 0;
    tcp.events.on('close', () => closes++);
    await expect(tcp.open()).rejects.toThrow(/ECONNREFUSED/);
    expect(closes).toBe(0);
  });

  it('is reusable: close, then open again', async () => {
    let connections = 0;
    const port = await server((socket) => {
      connections++;
      socket.on('error', () => socket.destroy());
    });
    const tcp = new TcpTransport({ host: '127.0.0.1', port });
    await tcp.open();
    const closed = nextClose(tcp);
    await tcp.close();
    expect(await closed).toEqual({ reason: 'local' });
    await tcp.open();
    expect(tcp.isOpen).toBe(true);
    await tcp.close();
    expect(connections).toBe(2);
  });
});
