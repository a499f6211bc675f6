/**
 * Fault injection: the ways a device or a line misbehaves on the shop floor, switchable at
 * run time for a whole server or one unit id (a unit's settings override the server's, key
 * by key). Decisions use a seeded PRNG, so a test replays the same faults.
 */
import type { Random } from './prng.js';

export interface Faults {
  /** Probability (0..1) that a request gets no reply at all; 1 is a silent device. */
  silent: number;
  /** Every reply this much later, in order: the device (or line) is busy meanwhile. */
  delayMs: number;
  /** Probability (0..1) that a reply's CRC is wrong (RTU and RTU over TCP; TCP has no CRC). */
  badCrc: number;
  /** Random bytes sent just before each reply (noise on the line; on TCP it breaks the framing). */
  garbageBytes: number;
  /** Probability (0..1) that the link is dropped instead of a reply: TCP sockets destroyed, a serial port closed and reopened. */
  drop: number;
  /** When > 0, replies leave this long after the request without holding anything up, so they arrive after the master gave up. */
  lateMs: number;
}

export const NO_FAULTS: Faults = { silent: 0, delayMs: 0, badCrc: 0, garbageBytes: 0, drop: 0, lateMs: 0 };
export const FAULT_NAMES = Object.keys(NO_FAULTS) as (keyof Faults)[];

/** The faults currently switched on for one unit or server. */
export class FaultSwitch {
  private settings: Partial<Faults> = {};

  set(faults: Partial<Faults>): void {
    for (const [name, value] of Object.entries(faults) as [keyof Faults, number | undefined][]) {
      if (!(name in NO_FAULTS)) throw new RangeError(`unknown fault "${name}"; known: ${FAULT_NAMES.join(', ')}`);
      if (value === undefined) continue;
      if (!Number.isFinite(value) || value < 0) throw new RangeError(`fault ${name} must be a number >= 0, got ${value}`);
      if ((name === 'silent' || name === 'badCrc' || name === 'drop') && value > 1) throw new RangeError(`fault ${name} is a probability (0..1), got ${value}`);
      this.settings[name] = value;
    }
  }

  clear(): void {
    this.settings = {};
  }

  get current(): Partial<Faults> {
    return { ...this.settings };
  }

  get active(): boolean {
    return Object.values(this.settings).some((value) => value !== undefined && value > 0);
  }
}

export type ReplyPlan =
  { action: 'silent' } | { action: 'drop' } | { action: 'reply'; delayMs: number; lateMs: number; badCrc: boolean; garbage: Buffer | undefined };

const PLAIN_REPLY: ReplyPlan = { action: 'reply', delayMs: 0, lateMs: 0, badCrc: false, garbage: undefined };

/** What to do with the reply to one request, given server and unit faults. */
export function planReply(server: FaultSwitch, unit: FaultSwitch | undefined, random: Random): ReplyPlan {
  if (!server.active && !unit?.active) return PLAIN_REPLY;
  const faults: Faults = { ...NO_FAULTS, ...server.current, ...unit?.current };
  if (faults.drop > 0 && random() < faults.drop) return { action: 'drop' };
  if (faults.silent > 0 && random() < faults.silent) return { action: 'silent' };
  let garbage: Buffer | undefined;
  if (faults.garbageBytes > 0) {
    garbage = Buffer.alloc(Math.round(faults.garbageBytes));
    for (let i = 0; i < garbage.length; i++) garbage[i] = Math.floor(random() * 256);
  }
  return { action: 'reply', delayMs: faults.delayMs, lateMs: faults.lateMs, badCrc: faults.badCrc > 0 && random() < faults.badCrc, garbage };
}
