/**
 * Byte faults on an RTU line, at wire speed: RTU over TCP to a raw slave (raw-slave.ts) that
 * damages a seeded few percent of its replies: a byte dropped, a bit flipped, a garbage
 * prefix, or the frame split into chunks with gaps. The master must never crash, never
 * return a wrong value (every register holds its own address; every result is checked),
 * fail exactly the damaged replies, and read correctly again at the very next request.
 *
 * 100,000 frames, in about 12 s on 16 lanes (connections) in parallel: most of the time is
 * the timeout and late-reply guard that each dropped byte costs its lane. BYTE_FAULT_FRAMES
 * sets another number for a quick local run.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isModbusError, ModbusBus } from '../../drivers/index.js';
import { mulberry32, type Random } from '../../simulators/prng.js';
import { startConnected } from '../helpers/bus-events.js';
import { expectedBlock } from './kit.js';
import { RawSlave, type RawRequest, type Transmission } from './raw-slave.js';

const LANES = 16;
const FRAMES = Math.ceil(Number(process.env.BYTE_FAULT_FRAMES ?? 100_000) / LANES) * LANES;
/** Generous for a loaded 2-core machine: a clean reply must never time out because the process was descheduled. */
const TIMEOUT_MS = 100;

type Damage = 'clean' | 'drop' | 'flip' | 'garbage' | 'split';
/** Cumulative shares of each damage; the rest is clean. */
const DAMAGE_TABLE: [Damage, number][] = [
  ['drop', 0.005],
  ['flip', 0.01],
  ['garbage', 0.02],
  ['split', 0.04],
];

/** Per unit id (one lane each): what was done to each reply, in order. */
class DamagePlan {
  readonly applied = new Map<number, Damage[]>();
  private readonly randoms = new Map<number, Random>();

  respond = (request: RawRequest): Transmission => {
    const random = this.randoms.get(request.unitId) ?? mulberry32(0xb17e + request.unitId);
    this.randoms.set(request.unitId, random);
    const history = this.applied.get(request.unitId) ?? [];
    this.applied.set(request.unitId, history);
    const previous = history[history.length - 1];
    // After a reply that had to fail, a clean one: the test checks the master recovers at once.
    const roll = random();
    const damage: Damage = previous === 'drop' || previous === 'flip' ? 'clean' : (DAMAGE_TABLE.find(([, upTo]) => roll < upTo)?.[0] ?? 'clean');
    history.push(damage);
    return damageReply(request.correctReply, damage, random);
  };
}

function damageReply(reply: Buffer, damage: Damage, random: Random): Transmission {
  const at = (n: number) => Math.floor(random() * n);
  switch (damage) {
    case 'clean':
      return [{ bytes: reply, afterMs: 0 }];
    case 'drop': {
      const lost = at(reply.length);
      return [{ bytes: Buffer.concat([reply.subarray(0, lost), reply.subarray(lost + 1)]), afterMs: 0 }];
    }
    case 'flip': {
      const bytes = Buffer.from(reply);
      bytes[at(bytes.length)]! ^= 1 << at(8);
      return [{ bytes, afterMs: 0 }];
    }
    case 'garbage': {
      const noise = Buffer.from(Array.from({ length: 1 + at(8) }, () => at(256)));
      return [{ bytes: Buffer.concat([noise, reply]), afterMs: 0 }];
    }
    case 'split': {
      const cuts = [...new Set(Array.from({ length: 1 + at(3) }, () => 1 + at(reply.length - 1)))].sort((a, b) => a - b);
      const edges = [0, ...cuts, reply.length];
      return edges.slice(1).map((end, i) => ({ bytes: reply.subarray(edges[i], end), afterMs: i === 0 ? 0 : at(4) }));
    }
  }
}

interface Outcome {
  ok: boolean;
  kind?: string;
  wrong?: string;
}

async function runLane(bus: ModbusBus, unitId: number, count: number): Promise<Outcome[]> {
  const random = mulberry32(0x5eed + unitId);
  const outcomes: Outcome[] = [];
  for (let i = 0; i < count; i++) {
    const words = 1 + Math.floor(random() * 16);
    const address = Math.floor(random() * (0x10000 - words));
    try {
      const registers = await bus.readRegisters(unitId, 'holding', address, words);
      const expected = expectedBlock(unitId, address, words);
      outcomes.push(registers.join() === expected.join() ? { ok: true } : { ok: false, wrong: `${address}+${words}: [${registers.join()}] ≠ [${expected.join()}]` });
    } catch (error) {
      outcomes.push({ ok: false, kind: (isModbusError(error) ? error.kind : `not a ModbusError: ${String(error)}`) });
    }
  }
  return outcomes;
}

let slave: RawSlave | undefined;
const buses: ModbusBus[] = [];
afterEach(async () => {
  await Promise.all(buses.splice(0).map((bus) => bus.stop()));
  await slave?.close();
});

describe(`byte faults over ${FRAMES.toLocaleString('en')} RTU frames`, () => {
  it('dropped bytes, flipped bits, garbage prefixes and split frames: no wrong value, only damaged replies fail, recovery at the next request', async () => {
    const plan = new DamagePlan();
    slave = await RawSlave.start({ framing: 'rtu', respond: plan.respond });
    for (let lane = 1; lane <= LANES; lane++) {
      const bus = new ModbusBus({ id: `noisy-${lane}`, link: { kind: 'rtu-over-tcp', host: '127.0.0.1', port: slave.port }, timeoutMs: TIMEOUT_MS, retries: 0 });
      buses.push(bus);
      await startConnected(bus);
    }
    const startedAt = performance.now();
    const lanes = await Promise.all(buses.map((bus, i) => runLane(bus, i + 1, FRAMES / LANES)));
    const elapsedMs = performance.now() - startedAt;

    const tally: Record<Damage, { ok: number; failed: number }> = { clean: { ok: 0, failed: 0 }, drop: { ok: 0, failed: 0 }, flip: { ok: 0, failed: 0 }, garbage: { ok: 0, failed: 0 }, split: { ok: 0, failed: 0 } };
    const wrong: string[] = [];
    const failureKinds = new Set<string>();
    let recovered = 0;
    let notRecovered = 0;
    lanes.forEach((outcomes, i) => {
      const damages = plan.applied.get(i + 1)!;
      expect(damages).toHaveLength(outcomes.length);
      outcomes.forEach((outcome, n) => {
        const damage = damages[n]!;
        if (outcome.wrong) wrong.push(`lane ${i + 1} #${n} (${damage}) ${outcome.wrong}`);
        tally[damage][outcome.ok ? 'ok' : 'failed']++;
        if (!outcome.ok && outcome.kind) failureKinds.add(outcome.kind);
        if (!outcome.ok && n + 1 < outcomes.length) {
          if (outcomes[n + 1]!.ok) recovered++;
          else notRecovered++;
        }
      });
    });
    console.info(`byte faults: ${FRAMES} frames in ${Math.round(elapsedMs)} ms`, tally);

    expect(wrong).toEqual([]);
    // Damage the CRC cannot let through fails, as crc or timeout; noise before a frame and a frame in pieces do not.
    expect(tally.drop.ok).toBe(0);
    expect(tally.flip.ok).toBe(0);
    expect([...failureKinds].every((kind) => kind === 'crc' || kind === 'timeout')).toBe(true);
    // Intact replies succeed. The allowance (1 in 10,000, as timeouts only) is for the test
    // process being descheduled for longer than the timeout on a loaded 2-core machine; a
    // parsing bug fails hundreds of them.
    const spurious = tally.clean.failed + tally.garbage.failed + tally.split.failed;
    expect(spurious).toBeLessThanOrEqual(FRAMES / 10_000);
    // Every failure is followed by a good read on the same line.
    expect(notRecovered).toBeLessThanOrEqual(spurious);
    expect(recovered).toBeGreaterThanOrEqual(tally.drop.failed + tally.flip.failed - spurious);
    // The faults really happened, in useful numbers.
    for (const damage of ['drop', 'flip', 'garbage', 'split'] as const) expect(tally[damage].ok + tally[damage].failed).toBeGreaterThan(FRAMES * 0.002);
  }, 120_000);
});
