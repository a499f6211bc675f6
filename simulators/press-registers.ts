/**
 * The press model seen through a profile: the register image a PLC would show, and the
 * effect of a master's writes. Every address comes from the profile's roles (run state,
 * speed, counters, ink, paper, levels, alarms), encoded with the driver's own codec so type,
 * word and byte order, scale and offset mean the same on both sides of the wire.
 *
 * Reads of addresses no signal covers answer 0, like most PLCs whose memory is larger than
 * what the press uses; `strict` answers exception 2 (illegal data address) instead.
 * Writes must land on signals marked `writable`; anything else is exception 2. A write to a
 * level is how a refill arrives from the floor (a tablet, an ink dispenser).
 */
import { decodeSignal, encodeSignal, signalWidth, type ByteWordOrder } from '../drivers/codec/values.js';
import { ExceptionCode } from '../drivers/codec/pdu.js';
import type { Area, Profile, RunState, Signal, StopReason } from '../src/model/profile-schema.js';
import type { PressModel } from './press-model.js';

export type RegisterResult = { values: number[] } | { exception: number };

interface Image {
  revision: number;
  areas: Record<Area, Map<number, number>>;
}

export class PressRegisters {
  private readonly order: ByteWordOrder;
  private readonly stateCodes: { code: number; state: RunState; reason: StopReason | undefined }[] = [];
  /** area:address → signals covering it */
  private readonly owners = new Map<string, Signal[]>();
  /** Values written to writable `info` signals, which the model does not own. */
  private readonly infoValues = new Map<string, number | boolean>();
  private image: Image | undefined;

  constructor(
    readonly profile: Profile,
    readonly model: PressModel,
    private readonly options: { strict?: boolean } = {},
  ) {
    this.order = { wordOrder: profile.wordOrder, byteOrder: profile.byteOrder };
    for (const signal of profile.signals) {
      if (signal.role === 'runState') {
        for (const [code, entry] of Object.entries(signal.states)) {
          const state = typeof entry === 'string' ? entry : entry.state;
          const reason = typeof entry === 'string' ? undefined : entry.reason;
          this.stateCodes.push({ code: Number(code), state, reason });
        }
      }
      for (let i = 0; i < signalWidth(signal); i++) {
        const key = `${signal.area}:${signal.address + i}`;
        this.owners.set(key, [...(this.owners.get(key) ?? []), signal]);
      }
    }
  }

  /** The state register's code for a run state and reason: the exact entry, else the nearest one of that state. */
  stateCode(state: RunState, reason: StopReason | undefined): number {
    const exact = this.stateCodes.find((c) => c.state === state && c.reason === reason);
    const fallback =
      exact ??
      this.stateCodes.find((c) => c.state === state && c.reason === undefined) ??
      this.stateCodes.find((c) => c.state === state && c.reason === 'operator') ??
      this.stateCodes.find((c) => c.state === state);
    return fallback?.code ?? 0;
  }

  read(area: Area, address: number, count: number): RegisterResult {
    const image = this.current().areas[area];
    const values: number[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const value = image.get(address + i);
      if (value === undefined) {
        if (this.options.strict || address + i > 0xffff) return { exception: ExceptionCode.illegalDataAddress };
        values[i] = 0;
      } else values[i] = value;
    }
    return { values };
  }

  /** Registers (or 0/1 bits) written by a master, from `address` on. */
  write(area: Area, address: number, values: readonly number[]): { exception: number } | undefined {
    const touched = new Set<Signal>();
    for (let i = 0; i < values.length; i++) {
      const signals = this.owners.get(`${area}:${address + i}`);
      if (!signals || signals.some((s) => !s.writable || s.role === 'runState' || s.role === 'speed')) {
        return { exception: ExceptionCode.illegalDataAddress };
      }
      for (const signal of signals) touched.add(signal);
    }
    // Compose the new image so a signal partly written (one word of an f32) keeps its other word.
    const image = new Map(this.current().areas[area]);
    values.forEach((value, i) => image.set(address + i, value & 0xffff));
    for (const signal of touched) {
      const words = Array.from({ length: signalWidth(signal) }, (_, i) => image.get(signal.address + i) ?? 0);
      this.apply(signal, decodeSignal(signal, words, 0, this.order));
    }
    this.image = undefined;
    return undefined;
  }

  private apply(signal: Signal, value: number | boolean): void {
    const level = typeof value === 'number' && Number.isFinite(value) ? value : 0;
    switch (signal.role) {
      case 'ink':
        return this.model.refillInk(signal.unit, level);
      case 'paper':
        return this.model.refillPaper(level);
      case 'level':
        return this.model.refillLevel(signal.name, level);
      case 'counter':
        return this.model.setCounters({ [signal.counter]: level });
      case 'alarm':
        return this.model.setAlarm(signal.alarm.code, Boolean(value) === signal.alarm.activeWhen);
      default:
        this.infoValues.set(signal.name, value);
    }
  }

  private current(): Image {
    if (this.image && this.image.revision === this.model.revision) return this.image;
    const areas: Image['areas'] = { holding: new Map(), input: new Map(), coil: new Map(), discrete: new Map() };
    for (const signal of this.profile.signals) {
      const area = areas[signal.area];
      const words = encodeSignal(signal, this.valueOf(signal), this.order, area.get(signal.address) ?? 0);
      words.forEach((word, i) => area.set(signal.address + i, word));
    }
    this.image = { revision: this.model.revision, areas };
    return this.image;
  }

  private valueOf(signal: Signal): number | boolean {
    const model = this.model;
    switch (signal.role) {
      case 'runState':
        return this.stateCode(model.runState, model.plcStopReason);
      case 'speed':
        return model.currentSpeed;
      case 'counter':
        return model.counter(signal.counter);
      case 'ink':
        return model.inkLevel(signal.unit);
      case 'paper':
        return model.paperLevel;
      case 'level':
        return model.level(signal.name);
      case 'alarm':
        return model.isAlarmActive(signal.alarm.code) === signal.alarm.activeWhen;
      case 'info':
        return this.infoValues.get(signal.name) ?? 0;
    }
  }
}
