/**
 * Child-process entry (see child.ts): the raw-loop baseline of the peer job. The same reads as
 * the service makes, with nothing else: per press one TCP connection, one request on the wire
 * at a time (a tick that finds it busy waits its turn), a holding-register block every fast
 * period and an input-register block every slow period, replies split by the MBAP length and
 * their registers read into an array. What it costs is what any Modbus TCP master must pay for
 * these reads on this machine: timers, socket writes and reads, wake-ups. It measures itself:
 * CPU time, replies, resident memory and event-loop delay (sampled as the service samples it).
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { connect, type Socket } from 'node:net';
import { serveChild } from './child.js';

export interface RawLoopJob {
  port: number;
  presses: number;
  fast: { fc: 3 | 4; address: number; count: number; periodMs: number };
  slow: { fc: 3 | 4; address: number; count: number; periodMs: number };
}

export interface RawLoopLoad {
  cpuMs: number;
  replies: number;
  rssMb: number;
  eventLoopP99Ms: number;
}

const sockets: Socket[] = [];
const timers: NodeJS.Timeout[] = [];
let replies = 0;
let checksum = 0;
let histogram: IntervalHistogram | undefined;
let mark = { cpu: process.cpuUsage(), replies: 0 };

function frame(transactionId: number, unitId: number, block: RawLoopJob['fast']): Buffer {
  const request = Buffer.allocUnsafe(12);
  request.writeUInt16BE(transactionId, 0);
  request.writeUInt16BE(0, 2);
  request.writeUInt16BE(6, 4);
  request[6] = unitId;
  request[7] = block.fc;
  request.writeUInt16BE(block.address, 8);
  request.writeUInt16BE(block.count, 10);
  return request;
}

function press(job: RawLoopJob, unitId: number): Promise<void> {
  const socket = connect({ host: '127.0.0.1', port: job.port, noDelay: true });
  sockets.push(socket);
  let transactionId = 0;
  let busy = false;
  const waiting: RawLoopJob['fast'][] = [];
  const send = (block: RawLoopJob['fast']) => {
    if (busy) {
      waiting.push(block);
      return;
    }
    busy = true;
    transactionId = (transactionId + 1) & 0xffff;
    socket.write(frame(transactionId, unitId, block));
  };
  let pending: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    while (pending.length >= 9 && pending.length >= 6 + pending.readUInt16BE(4)) {
      const length = 6 + pending.readUInt16BE(4);
      const count = pending[8]! >> 1;
      const registers: number[] = new Array(count);
      for (let i = 0; i < count; i++) registers[i] = pending.readUInt16BE(9 + 2 * i);
      checksum += registers[0] ?? 0;
      replies++;
      pending = pending.subarray(length);
      busy = false;
      const next = waiting.shift();
      if (next) send(next);
    }
  });
  socket.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => {
      timers.push(
        setInterval(() => send(job.fast), job.fast.periodMs),
        setInterval(() => send(job.slow), job.slow.periodMs),
      );
      resolve();
    });
    socket.once('error', reject);
  });
}

async function stop(): Promise<void> {
  for (const timer of timers.splice(0)) clearInterval(timer);
  for (const socket of sockets.splice(0)) socket.destroy();
  histogram?.disable();
  histogram = undefined;
}

serveChild(
  {
    async start(job: RawLoopJob) {
      await stop();
      await Promise.all(Array.from({ length: job.presses }, (_, i) => press(job, i + 1)));
      return { presses: job.presses };
    },
    /** Start of the measuring window. */
    mark() {
      mark = { cpu: process.cpuUsage(), replies };
      histogram?.disable();
      // the service's resolution (src/health/event-loop-monitor.ts), so the two figures compare
      histogram = monitorEventLoopDelay({ resolution: 10 });
      histogram.enable();
      return true;
    },
    load(): RawLoopLoad {
      const cpu = process.cpuUsage(mark.cpu);
      return {
        cpuMs: (cpu.user + cpu.system) / 1000,
        replies: replies - mark.replies,
        rssMb: process.memoryUsage().rss / 1048576,
        // the histogram holds whole timer intervals: the delay is what exceeds the resolution
        eventLoopP99Ms: histogram ? Math.max(0, histogram.percentile(99) / 1e6 - 10) : Number.NaN,
      };
    },
    checksum: () => checksum,
    stop,
  },
  stop,
);
