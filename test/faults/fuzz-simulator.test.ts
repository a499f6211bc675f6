/**
 * Fuzzing the simulator's server side (Modbus TCP and RTU over TCP) with a seeded PRNG:
 * unframed random bytes, well-framed random PDUs, and well-framed mutations of valid
 * requests (every function code, fields changed, truncated, extended). After every case the
 * server must still answer a valid read correctly on the same connection (or a new one, if
 * it dropped the stream as it should when MBAP framing is lost). An exception thrown in a
 * server's data handler would crash this process and fail the run.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { encodeMbap, MbapSplitter } from '../../drivers/codec/mbap.js';
import { encodeRequest, type ModbusRequest } from '../../drivers/codec/pdu.js';
import { encodeRtu, extractResponse } from '../../drivers/codec/rtu.js';
import { mulberry32, type Random } from '../../simulators/prng.js';
import { startSimulation, type Simulation } from '../../simulators/simulation.js';
import { RawClient } from '../simulators/helpers.js';
import { expectedBlock, fillRegisterMap, MAP_START, registerMapProfile } from './kit.js';

const CASES = 1500;
let simulation: Simulation | undefined;
afterEach(async () => {
  await simulation?.close();
  simulation = undefined;
});

const VALID_REQUESTS: ModbusRequest[] = [
  { fc: 1, address: 0, count: 16 },
  { fc: 2, address: 3, count: 9 },
  { fc: 3, address: MAP_START, count: 10 },
  { fc: 4, address: 0, count: 4 },
  { fc: 5, address: 2, value: true },
  { fc: 6, address: MAP_START + 150, value: 77 },
  { fc: 15, address: 0, values: [true, false, true] },
  { fc: 16, address: MAP_START + 180, values: [1, 2, 3] },
];

const bytes = (random: Random, n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));

/** A request PDU that is random, or a valid one with some bytes changed, cut short or extended. */
function fuzzPdu(random: Random): Buffer {
  if (random() < 0.3) return bytes(random, 1 + Math.floor(random() * 20));
  const pdu = Buffer.from(encodeRequest(VALID_REQUESTS[Math.floor(random() * VALID_REQUESTS.length)]!));
  const mutation = random();
  if (mutation < 0.5) {
    for (let n = 1 + Math.floor(random() * 3); n > 0; n--) pdu[Math.floor(random() * pdu.length)] = Math.floor(random() * 256);
    return pdu;
  }
  if (mutation < 0.75) return pdu.subarray(0, Math.floor(random() * pdu.length)); // may be empty
  return Buffer.concat([pdu, bytes(random, 1 + Math.floor(random() * 8))]);
}

/** The check: a read of 4 registers of unit 3's register map (a unit the fuzz never addresses), answered correctly. */
const CHECK_UNIT = 3;
const CHECK = { fc: 3, address: MAP_START + 20, count: 4 } as const;
const CHECK_ANSWER = expectedBlock(CHECK_UNIT, CHECK.address, CHECK.count);
/** Mostly unit 1, sometimes any other id but the check's. */
const fuzzUnit = (random: Random, max: number) => (random() < 0.8 ? 1 : [Math.floor(random() * max)].map((u) => (u === CHECK_UNIT ? 4 : u))[0]!);

/** Until `done()` or the connection closes; false if it closed first. */
async function until(client: RawClient, done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (client.closed) return false;
    if (performance.now() > deadline) throw new Error(`no answer within ${timeoutMs} ms and the connection is still open`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return true;
}

/** True when the check was answered correctly, false when the server closed the connection instead. */
async function checkTcp(client: RawClient, transactionId: number): Promise<boolean> {
  client.send(encodeMbap(transactionId, CHECK_UNIT, encodeRequest(CHECK)));
  const splitter = new MbapSplitter();
  for (;;) {
    if (!(await until(client, () => client.received.length >= 7 && client.received.length >= 6 + client.received.readUInt16BE(4), 1000))) return false;
    const length = 6 + client.received.readUInt16BE(4);
    const [frame] = splitter.push(Buffer.from(client.received.subarray(0, length)));
    client.received = client.received.subarray(length);
    if (frame?.transactionId !== transactionId) continue; // the answer to the fuzz frame
    expect(frame.unitId).toBe(CHECK_UNIT);
    expect(frame.pdu[0]).toBe(3);
    expect(Array.from({ length: CHECK.count }, (_, i) => frame.pdu.readUInt16BE(2 + i * 2))).toEqual(CHECK_ANSWER);
    return true;
  }
}

/** RTU: the check frame may be swallowed by a fuzz frame that declared itself longer; after a silence the server resyncs, so ask again. */
async function checkRtu(client: RawClient): Promise<void> {
  for (let attempt = 0; attempt < 4; attempt++) {
    client.received = Buffer.alloc(0);
    client.send(encodeRtu(CHECK_UNIT, encodeRequest(CHECK)));
    const deadline = performance.now() + 40;
    while (performance.now() < deadline) {
      const found = extractResponse(client.received, CHECK_UNIT, CHECK);
      if (found.kind === 'frame') {
        expect(found.pdu[0]).toBe(3);
        expect(Array.from({ length: CHECK.count }, (_, i) => found.pdu.readUInt16BE(2 + i * 2))).toEqual(CHECK_ANSWER);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }
  throw new Error('the RTU server stopped answering valid requests');
}

async function start(kind: 'tcp' | 'rtu-over-tcp'): Promise<number> {
  simulation = await startSimulation({
    presses: [
      { unitId: 1, profile: registerMapProfile() },
      { unitId: 2, profile: 'demo-sheetfed-4c' },
      { unitId: CHECK_UNIT, profile: registerMapProfile() },
    ],
    // A short resync silence: loopback does not split small writes, and the test stays fast.
    serve: kind === 'tcp' ? { kind, port: 0 } : { kind, port: 0, resyncSilenceMs: 5 },
    tickMs: 0,
  });
  fillRegisterMap(simulation);
  return simulation.address!.port;
}

describe('fuzzing the simulator with random and mutated requests', () => {
  it(`Modbus TCP: ${CASES} cases; it answers a valid read after each`, async () => {
    const port = await start('tcp');
    const random = mulberry32(0xf022);
    let client = await RawClient.open(port);
    let drops = 0;
    for (let i = 0; i < CASES; i++) {
      if (random() < 0.2) {
        // Unframed bytes may announce a frame longer than what follows: the server rightly
        // waits for the rest, so they go on a connection of their own, closed afterwards.
        const stray = await RawClient.open(port);
        stray.send(bytes(random, 1 + Math.floor(random() * 30)));
        if (await checkTcp(client, 0x8000 + (i & 0x7fff))) {
          stray.close();
          continue;
        }
        throw new Error(`case ${i}: the server closed a healthy connection`);
      }
      const fuzz = encodeMbap(i & 0x7fff, fuzzUnit(random, 256), fuzzPdu(random));
      client.send(fuzz);
      if (await checkTcp(client, 0x8000 + (i & 0x7fff))) continue;
      // A frame it refuses (an MBAP length under 2): it drops the stream, and serves a new one.
      drops++;
      client = await RawClient.open(port);
      expect(await checkTcp(client, 1)).toBe(true);
    }
    client.close();
    expect(drops).toBeGreaterThan(0);
  }, 60_000);

  it(`RTU over TCP: ${CASES} cases, random bytes and CRC-valid mutated frames; it answers a valid read after each`, async () => {
    const port = await start('rtu-over-tcp');
    const random = mulberry32(0xf0a7);
    const client = await RawClient.open(port);
    for (let i = 0; i < CASES; i++) {
      const fuzz = random() < 0.2 ? bytes(random, 1 + Math.floor(random() * 30)) : encodeRtu(fuzzUnit(random, 248), fuzzPdu(random));
      client.send(fuzz);
      await checkRtu(client);
    }
    expect(client.closed).toBe(false);
    client.close();
  }, 60_000);
});
