/**
 * Child-process entry (see child.ts): the counting Modbus TCP server of the Node-RED peer
 * benchmark (../shared/bench-peers/modbus-counter-server.mjs), the same behaviour in this
 * repository so `npm run bench` needs nothing outside it. No dependencies, no framing library:
 * it must cost far less than the client it serves, and count every request it answers.
 *
 * FC 1 to 4 for unit ids 1..247 (others: exception 0x0B; other function codes: 0x01). Register
 * value = its address, except holding 0 (+1 every 100 ms), 1 (+1 every second) and input 100
 * (+7 every 100 ms, a level that keeps rising). Bits are the bits of the register table.
 * Pipelined requests are answered in order.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { loadMark, processLoad, serveChild } from './child.js';

const registers = new Uint16Array(65536);
for (let address = 0; address < 65536; address++) registers[address] = address;

let totalRequests = 0;
let server: Server | undefined;
const sockets = new Set<Socket>();
const timers: NodeJS.Timeout[] = [];
let mark = loadMark();

function exception(transactionId: number, unitId: number, fc: number, code: number): Buffer {
  const reply = Buffer.allocUnsafe(9);
  reply.writeUInt16BE(transactionId, 0);
  reply.writeUInt16BE(0, 2);
  reply.writeUInt16BE(3, 4);
  reply[6] = unitId;
  reply[7] = fc | 0x80;
  reply[8] = code;
  return reply;
}

function answer(transactionId: number, unitId: number, pdu: Buffer): Buffer {
  const fc = pdu[0]!;
  if (unitId < 1 || unitId > 247) return exception(transactionId, unitId, fc, 0x0b);
  if (fc < 1 || fc > 4) return exception(transactionId, unitId, fc, 0x01);
  if (pdu.length < 5) return exception(transactionId, unitId, fc, 0x03);
  const address = pdu.readUInt16BE(1);
  const quantity = pdu.readUInt16BE(3);
  const bits = fc <= 2;
  if (quantity < 1 || quantity > (bits ? 2000 : 125)) return exception(transactionId, unitId, fc, 0x03);
  if (address + quantity > 65536) return exception(transactionId, unitId, fc, 0x02);
  const bytes = bits ? (quantity + 7) >> 3 : quantity * 2;
  const reply = Buffer.allocUnsafe(9 + bytes);
  reply.writeUInt16BE(transactionId, 0);
  reply.writeUInt16BE(0, 2);
  reply.writeUInt16BE(3 + bytes, 4);
  reply[6] = unitId;
  reply[7] = fc;
  reply[8] = bytes;
  if (bits) {
    reply.fill(0, 9);
    for (let i = 0; i < quantity; i++) {
      const bit = address + i;
      if ((registers[bit >> 4]! >> (bit & 15)) & 1) reply[9 + (i >> 3)]! |= 1 << (i & 7);
    }
  } else {
    for (let i = 0; i < quantity; i++) reply.writeUInt16BE(registers[address + i]!, 9 + 2 * i);
  }
  return reply;
}

function serve(socket: Socket): void {
  sockets.add(socket);
  let pending: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    const replies: Buffer[] = [];
    let offset = 0;
    while (pending.length - offset >= 8) {
      const length = pending.readUInt16BE(offset + 4);
      if (length < 2 || length > 254) {
        socket.destroy(); // not Modbus TCP framing
        return;
      }
      if (pending.length - offset < 6 + length) break;
      const transactionId = pending.readUInt16BE(offset);
      const protocolId = pending.readUInt16BE(offset + 2);
      const unitId = pending[offset + 6]!;
      const pdu = pending.subarray(offset + 7, offset + 6 + length);
      offset += 6 + length;
      if (protocolId !== 0) continue;
      totalRequests++;
      replies.push(answer(transactionId, unitId, pdu));
    }
    pending = offset ? pending.subarray(offset) : pending;
    if (replies.length === 1) socket.write(replies[0]!);
    else if (replies.length > 1) socket.write(Buffer.concat(replies));
  });
  socket.on('error', () => undefined);
  socket.on('close', () => sockets.delete(socket));
}

async function stop(): Promise<void> {
  for (const timer of timers.splice(0)) clearInterval(timer);
  for (const socket of sockets) socket.destroy();
  const closing = server;
  server = undefined;
  if (closing) await new Promise((resolve) => closing.close(resolve));
}

serveChild(
  {
    async start() {
      await stop();
      for (let address = 0; address < 65536; address++) registers[address] = address;
      timers.push(
        setInterval(() => {
          registers[0]!++;
          registers[100] = (registers[100]! + 7) & 0xffff;
        }, 100),
        setInterval(() => registers[1]!++, 1000),
      );
      const listening = createServer({ noDelay: true }, serve);
      await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
      server = listening;
      mark = loadMark();
      return { port: (listening.address() as AddressInfo).port };
    },
    /** Requests answered since start, and the connections open now. */
    count() {
      return { totalRequests, connections: sockets.size };
    },
    load() {
      return processLoad(mark);
    },
    stop,
  },
  stop,
);
