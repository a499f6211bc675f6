/**
 * An in-memory RegisterReader for unit tests of the poller's scheduling: one register
 * image per unit id, answered after `latencyMs` of (injected) clock time, one request at a
 * time like a real bus. A unit can be told to time out (each attempt costs the request's
 * timeout on the shared line, as on RS-485), to be unreachable, or to fail its next reads
 * with a given kind. End-to-end reads over real Modbus are tested with the driver.
 */
import { encodeSignal } from '../../drivers/codec/values.js';
import { ModbusError, type ModbusErrorKind } from '../../drivers/errors.js';
import type { Profile } from '../../src/model/profile-schema.js';
import type { Clock } from '../../src/lib/clock.js';
import type { BitArea, ReadOptions, RegisterArea, RegisterReader } from '../../src/poller/register-reader.js';

export interface FakeRequest {
  unitId: number;
  area: RegisterArea | BitArea;
  address: number;
  count: number;
  /** When the request reached the line (after queueing). */
  at: number;
  opts: ReadOptions | undefined;
}

interface UnitImage {
  holding: Map<number, number>;
  input: Map<number, number>;
  coil: Map<number, boolean>;
  discrete: Map<number, boolean>;
  down: 'timeout' | 'offline' | null;
  failures: ModbusErrorKind[];
}

export class FakeRegisterReader implements RegisterReader {
  readonly id: string;
  readonly requests: FakeRequest[] = [];
  latencyMs: number;
  private readonly clock: Clock;
  private readonly units = new Map<number, UnitImage>();
  private line: Promise<unknown> = Promise.resolve();

  constructor(options: { clock: Clock; id?: string; latencyMs?: number }) {
    this.clock = options.clock;
    this.id = options.id ?? 'fake-bus';
    this.latencyMs = options.latencyMs ?? 5;
  }

  setRegisters(unitId: number, area: RegisterArea, address: number, values: number[]): void {
    values.forEach((value, i) => this.unit(unitId)[area].set(address + i, value & 0xffff));
  }

  setBits(unitId: number, area: BitArea, address: number, values: boolean[]): void {
    values.forEach((value, i) => this.unit(unitId)[area].set(address + i, value));
  }

  /** Writes a signal's engineering value where the profile says it lives. */
  setSignal(unitId: number, profile: Profile, name: string, value: number | boolean): void {
    const signal = profile.signals.find((s) => s.name === name);
    if (!signal) throw new Error(`no signal "${name}" in profile ${profile.model}`);
    if (signal.area === 'coil' || signal.area === 'discrete') {
      this.setBits(unitId, signal.area, signal.address, [Boolean(value)]);
      return;
    }
    const current = this.unit(unitId)[signal.area].get(signal.address) ?? 0;
    const words = encodeSignal(signal, value, { wordOrder: profile.wordOrder, byteOrder: profile.byteOrder }, current);
    this.setRegisters(unitId, signal.area, signal.address, words);
  }

  /** From now on the unit never answers (`timeout`) or its link is down (`offline`); null heals it. */
  setDown(unitId: number, mode: 'timeout' | 'offline' | null): void {
    this.unit(unitId).down = mode;
  }

  /** The unit's next `times` reads fail with `kind`. */
  failNext(unitId: number, kind: ModbusErrorKind, times = 1): void {
    for (let i = 0; i < times; i++) this.unit(unitId).failures.push(kind);
  }

  requestsFor(unitId: number): FakeRequest[] {
    return this.requests.filter((r) => r.unitId === unitId);
  }

  readRegisters(unitId: number, area: RegisterArea, address: number, count: number, opts?: ReadOptions): Promise<number[]> {
    return this.enqueue(unitId, area, address, count, opts, (image) => range(address, count).map((a) => image[area].get(a) ?? 0));
  }

  readBits(unitId: number, area: BitArea, address: number, count: number, opts?: ReadOptions): Promise<boolean[]> {
    return this.enqueue(unitId, area, address, count, opts, (image) => range(address, count).map((a) => image[area].get(a) ?? false));
  }

  private enqueue<T>(
    unitId: number,
    area: FakeRequest['area'],
    address: number,
    count: number,
    opts: ReadOptions | undefined,
    answer: (image: UnitImage) => T,
  ): Promise<T> {
    const served = this.line.then(() => this.serve(unitId, area, address, count, opts, answer));
    // the line stays usable whatever this request's outcome
    this.line = served.catch(() => undefined);
    return served;
  }

  private async serve<T>(
    unitId: number,
    area: FakeRequest['area'],
    address: number,
    count: number,
    opts: ReadOptions | undefined,
    answer: (image: UnitImage) => T,
  ): Promise<T> {
    this.requests.push({ unitId, area, address, count, at: this.clock.now(), opts });
    const image = this.unit(unitId);
    const context = { bus: this.id, unitId, address, count };
    const failure = image.failures.shift() ?? image.down;
    if (failure === 'timeout') {
      const attempts = 1 + (opts?.retries ?? 0);
      await this.wait((opts?.timeoutMs ?? 200) * attempts);
      throw new ModbusError('timeout', `no answer within ${opts?.timeoutMs ?? 200} ms after ${attempts} attempts`, context);
    }
    if (failure === 'offline') throw new ModbusError('offline', 'link is down', context);
    await this.wait(this.latencyMs);
    if (failure) throw new ModbusError(failure, `simulated ${failure}`, { ...context, exceptionCode: failure === 'exception' ? 2 : undefined });
    return answer(image);
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => this.clock.setTimeout(resolve, ms));
  }

  private unit(unitId: number): UnitImage {
    let image = this.units.get(unitId);
    if (!image) {
      image = { holding: new Map(), input: new Map(), coil: new Map(), discrete: new Map(), down: null, failures: [] };
      this.units.set(unitId, image);
    }
    return image;
  }
}

function range(start: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => start + i);
}
