/**
 * Fuzzing the Modbus master (ModbusBus) with what a broken or hostile device might send, on
 * Modbus TCP and RTU over TCP, from a raw slave (raw-slave.ts) driven by a seeded PRNG:
 * random bytes, valid replies with bytes changed, cut short or extended, wrong unit ids,
 * function codes, byte counts and exception frames (on RTU with the CRC made valid again,
 * so the mutation reaches the decoder), replies split into chunks, several replies at once.
 *
 * What must hold: no crash and no hang (every request settles within its timeout plus
 * margin, as a ModbusError); every success is a well-formed answer (exactly the registers
 * asked, each 0..65535); on RTU, where every accepted frame has a valid CRC and the right
 * unit, function and length, an untouched reply is always read correctly; and once the
 * device answers properly again, reads succeed within 2 s.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { crc16 } from '../../drivers/codec/crc16.js';
import { isModbusError, ModbusBus } from '../../drivers/index.js';
import { mulberry32, type Random } from '../../simulators/prng.js';
import { startConnected } from '../helpers/bus-events.js';
import { busEvent, expectedBlock, settled } from './kit.js';
import { RawSlave, type RawRequest, type Transmission } from './raw-slave.js';

/** Requests per framing: RTU's are slower (most fail at the timeout, then the late-reply guard). */
const CASES = { mbap: 3000, rtu: 2000 };
const LANES = 8;
const TIMEOUT_MS = 30;

let slave: RawSlave | undefined;
const buses: ModbusBus[] = [];
afterEach(async () => {
  await Promise.all(buses.splice(0).map((bus) => bus.stop()));
  await slave?.close();
  slave = undefined;
});

const bytes = (random: Random, n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));

/** What the raw slave sends for each request: seeded per connection's unit id; `untouched` records which replies were left intact. */
class Mischief {
  private readonly randoms = new Map<number, Random>();
  readonly untouched = new Map<number, boolean[]>();
  healed = false;

  constructor(private readonly framing: 'mbap' | 'rtu') {}

  respond = (request: RawRequest): Transmission => {
    if (this.healed) return [{ bytes: request.correctReply, afterMs: 0 }];
    const random = this.randoms.get(request.unitId) ?? mulberry32(0xfa11 + request.unitId);
    this.randoms.set(request.unitId, random);
    const roll = random();
    const intact = roll < 0.3;
    const log = this.untouched.get(request.unitId) ?? [];
    log.push(intact);
    this.untouched.set(request.unitId, log);
    if (intact) return [{ bytes: request.correctReply, afterMs: 0 }];
    if (roll < 0.4) return [{ bytes: bytes(random, Math.floor(random() * 40)), afterMs: 0 }];
    if (roll < 0.5) return []; // silence
    const mutated = this.mutate(request.correctReply, random);
    if (roll < 0.6) return [{ bytes: Buffer.concat([mutated, request.correctReply]), afterMs: 0 }];
    if (roll < 0.7) {
      const cut = Math.floor(random() * mutated.length);
      return [
        { bytes: mutated.subarray(0, cut), afterMs: 0 },
        { bytes: mutated.subarray(cut), afterMs: Math.floor(random() * 3) },
      ];
    }
    return [{ bytes: mutated, afterMs: 0 }];
  };

  private mutate(reply: Buffer, random: Random): Buffer {
    let frame = Buffer.from(reply);
    const header = this.framing === 'mbap' ? 7 : 1; // where the PDU starts
    const choice = random();
    if (choice < 0.3) {
      for (let n = 1 + Math.floor(random() * 3); n > 0; n--) frame[Math.floor(random() * frame.length)] = Math.floor(random() * 256);
    } else if (choice < 0.45) {
      frame = frame.subarray(0, Math.floor(random() * frame.length));
    } else if (choice < 0.6) {
      frame = Buffer.concat([frame, bytes(random, 1 + Math.floor(random() * 6))]);
    } else if (choice < 0.7) {
      frame[header + 1] = Math.floor(random() * 256); // byte count
    } else if (choice < 0.8) {
      frame[header] = [0x83, 0x84, 3, 4, 16, 1][Math.floor(random() * 6)]!; // function code or exception
    } else if (choice < 0.9) {
      frame[header - 1] = Math.floor(random() * 256); // unit id
    } else {
      frame = Buffer.concat([frame.subarray(0, header), Buffer.from([0x83, Math.floor(random() * 256)])]); // an exception frame
    }
    if (this.framing === 'rtu' && frame.length >= 4 && random() < 0.7) {
      // A valid CRC over the damage: only the decoder's checks stand between it and a wrong value.
      frame = Buffer.from(frame);
      frame.writeUInt16LE(crc16(frame, 0, frame.length - 2), frame.length - 2);
    }
    if (this.framing === 'mbap' && frame.length >= 6 && random() < 0.7) {
      frame = Buffer.from(frame);
      frame.writeUInt16BE(Math.max(0, frame.length - 6), 4); // a consistent MBAP length
    }
    return frame;
  }
}

async function fuzzLane(bus: ModbusBus, unitId: number, count: number) {
  const random = mulberry32(0xc0de + unitId);
  const problems: string[] = [];
  const successes: { index: number; correct: boolean }[] = [];
  const kinds = new Set<string>();
  for (let i = 0; i < count; i++) {
    const words = 1 + Math.floor(random() * 10);
    const address = Math.floor(random() * (0x10000 - words));
    const startedAt = performance.now();
    const outcome = await settled(bus.readRegisters(unitId, 'holding', address, words));
    // Timeout plus the RTU guard window of an earlier timeout, plus margin.
    if (outcome.at - startedAt > 2 * TIMEOUT_MS + 250) problems.push(`#${i} took ${Math.round(outcome.at - startedAt)} ms`);
    if (!outcome.ok) {
      if (!isModbusError(outcome.error)) problems.push(`#${i} rejected with a non-Modbus error: ${String(outcome.error)}`);
      else kinds.add(outcome.error.kind);
      // TCP drops a stream that lost its framing: wait for the new connection, so every case reaches the device.
      if (isModbusError(outcome.error) && outcome.error.kind === 'offline' && !bus.connected) await busEvent(bus, 'connected', 2000);
      continue;
    }
    const registers = outcome.value!;
    if (registers.length !== words || !registers.every((r) => Number.isInteger(r) && r >= 0 && r <= 0xffff))
      problems.push(`#${i} malformed: ${JSON.stringify(registers)}`);
    successes.push({ index: i, correct: registers.join() === expectedBlock(unitId, address, words).join() });
  }
  return { problems, successes, kinds };
}

async function fuzzMaster(framing: 'mbap' | 'rtu') {
  const mischief = new Mischief(framing);
  slave = await RawSlave.start({ framing, respond: mischief.respond });
  const link =
    framing === 'mbap'
      ? ({ kind: 'tcp', host: '127.0.0.1', port: slave.port } as const)
      : ({ kind: 'rtu-over-tcp', host: '127.0.0.1', port: slave.port } as const);
  for (let lane = 1; lane <= LANES; lane++) {
    const bus = new ModbusBus({ id: `fuzz-${lane}`, link, timeoutMs: TIMEOUT_MS, retries: 0, reconnect: { initialMs: 5, maxMs: 20 } });
    buses.push(bus);
    await startConnected(bus);
  }
  const lanes = await Promise.all(buses.map((bus, i) => fuzzLane(bus, i + 1, CASES[framing] / LANES)));

  // The device behaves again: every lane reads correctly within 2 s.
  mischief.healed = true;
  const healedAt = performance.now();
  await Promise.all(
    buses.map(async (bus, i) => {
      for (;;) {
        const outcome = await settled(bus.readRegisters(i + 1, 'holding', 100, 3));
        if (outcome.ok) {
          expect(outcome.value).toEqual(expectedBlock(i + 1, 100, 3));
          return;
        }
        if (performance.now() - healedAt > 2000) throw new Error(`lane ${i + 1} still failing 2 s after the device healed: ${String(outcome.error)}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }),
  );
  return { lanes, mischief };
}

describe('fuzzing the master with random and corrupted replies', () => {
  it(`Modbus TCP: ${CASES.mbap} requests; no crash, no hang, only well-formed results, recovers when the device heals`, async () => {
    const { lanes } = await fuzzMaster('mbap');
    expect(lanes.flatMap((lane) => lane.problems)).toEqual([]);
    // Garbage in the byte stream cost the connection (and was survived).
    expect(buses.reduce((n, bus) => n + bus.stats().reconnects, 0)).toBeGreaterThan(0);
    expect(lanes.reduce((n, lane) => n + lane.successes.length, 0)).toBeGreaterThan(CASES.mbap * 0.1);
  }, 60_000);

  it(`RTU over TCP: ${CASES.rtu} requests; no crash, no hang, no wrong value from an intact reply, recovers when the device heals`, async () => {
    const { lanes, mischief } = await fuzzMaster('rtu');
    expect(lanes.flatMap((lane) => lane.problems)).toEqual([]);
    // Every request reached the device (so the i-th request met the i-th planned reply).
    for (const lane of lanes) expect(lane.kinds.has('offline')).toBe(false);
    lanes.forEach((lane, i) => {
      const untouched = mischief.untouched.get(i + 1)!;
      // One request, one reply on RTU (no retries): an intact reply that was read must be read right.
      for (const success of lane.successes) if (untouched[success.index]) expect(success.correct, `lane ${i + 1} #${success.index}`).toBe(true);
    });
    expect(lanes.reduce((n, lane) => n + lane.successes.length, 0)).toBeGreaterThan(CASES.rtu * 0.1);
  }, 60_000);
});
