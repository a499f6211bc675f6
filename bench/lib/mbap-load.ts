/**
 * A lean Modbus TCP load generator: raw sockets, pre-encoded MBAP requests, replies counted
 * by framing only (the length field), so the client costs far less than any server it
 * measures. Each connection keeps `depth` requests in flight (1: a classic master; more:
 * pipelined, as the Modbus TCP spec allows) for `durationMs`, then stops sending and waits
 * for the replies still owed.
 */
import { performance } from 'node:perf_hooks';
import { connect, type Socket } from 'node:net';

export interface LoadOptions {
  port: number;
  connections: number;
  /** Requests in flight per connection. */
  depth: number;
  durationMs: number;
  unitId: number;
  /** FC 3 (read holding registers) of `count` registers at `address`. */
  address: number;
  count: number;
}

export interface LoadResult {
  replies: number;
  elapsedMs: number;
  /** Replies whose function code had the exception bit set. */
  exceptions: number;
  /** Request-to-reply times of a sample of requests (every 64th), ms. */
  latencySampleMs: number[];
  clientEventLoopUtilization: number;
}

function request(transactionId: number, options: LoadOptions): Buffer {
  const frame = Buffer.alloc(12);
  frame.writeUInt16BE(transactionId, 0);
  frame.writeUInt16BE(0, 2);
  frame.writeUInt16BE(6, 4);
  frame.writeUInt8(options.unitId, 6);
  frame.writeUInt8(3, 7);
  frame.writeUInt16BE(options.address, 8);
  frame.writeUInt16BE(options.count, 10);
  return frame;
}

export async function runMbapLoad(options: LoadOptions): Promise<LoadResult> {
  // 256 distinct pre-encoded requests per connection; transaction ids cycle through them.
  const frames = Array.from({ length: 256 }, (_, i) => request(i, options));
  const sockets = await Promise.all(
    Array.from(
      { length: options.connections },
      () =>
        new Promise<Socket>((resolve, reject) => {
          const socket = connect({ host: '127.0.0.1', port: options.port, noDelay: true }, () => resolve(socket));
          socket.once('error', reject);
        }),
    ),
  );
  const eluStart = performance.eventLoopUtilization();
  const started = performance.now();
  const deadline = started + options.durationMs;
  let replies = 0;
  let exceptions = 0;
  const latencySampleMs: number[] = [];
  let lastReplyAt = started;

  const finished = sockets.map(
    (socket) =>
      new Promise<void>((resolve, reject) => {
        let buffer: Buffer = Buffer.alloc(0);
        let sent = 0;
        let answered = 0;
        const sentAt = new Map<number, number>();
        const send = () => {
          const id = sent & 0xff;
          if ((sent & 63) === 0) sentAt.set(id, performance.now());
          socket.write(frames[id]!);
          sent++;
        };
        socket.on('error', reject);
        socket.on('close', () => (answered === sent ? resolve() : reject(new Error(`connection closed with ${sent - answered} replies owed`))));
        socket.on('data', (chunk: Buffer) => {
          buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
          let offset = 0;
          const now = performance.now();
          let toSend = 0;
          while (buffer.length - offset >= 8) {
            const length = buffer.readUInt16BE(offset + 4);
            if (buffer.length - offset < 6 + length) break;
            const id = buffer.readUInt16BE(offset) & 0xff;
            const started = sentAt.get(id);
            if (started !== undefined) {
              latencySampleMs.push(now - started);
              sentAt.delete(id);
            }
            if ((buffer[offset + 7]! & 0x80) !== 0) exceptions++;
            offset += 6 + length;
            answered++;
            replies++;
            if (now < deadline) toSend++;
          }
          buffer = offset === buffer.length ? Buffer.alloc(0) : buffer.subarray(offset);
          lastReplyAt = now;
          if (toSend > 0) {
            socket.cork();
            for (let i = 0; i < toSend; i++) send();
            socket.uncork();
          }
          if (now >= deadline && answered === sent) socket.end();
        });
        socket.cork();
        for (let i = 0; i < options.depth; i++) send();
        socket.uncork();
      }),
  );
  const guard = setTimeout(() => sockets.forEach((s) => s.destroy(new Error('load did not finish within its time budget'))), options.durationMs + 10_000);
  try {
    await Promise.all(finished);
  } finally {
    clearTimeout(guard);
    sockets.forEach((s) => s.destroy());
  }
  return {
    replies,
    elapsedMs: lastReplyAt - started,
    exceptions,
    latencySampleMs,
    clientEventLoopUtilization: performance.eventLoopUtilization(eluStart).utilization,
  };
}
