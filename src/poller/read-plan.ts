/**
 * A press profile as the fewest Modbus block reads.
 *
 * Signals are grouped by scan class and area (one read function per area), sorted by
 * address, and merged greedily left to right: a signal joins the current block when the
 * unused span between them is at most `maxGap` and the block stays within
 * `maxRegistersPerRead` registers (`maxBitsPerRead` bits). Greedy is optimal here: any
 * block that starts at the first unplaced signal can do no better than reach as far right
 * as the limits allow. A signal is never split across two blocks, so a 32-bit value is
 * always read in one transaction (its two halves cannot come from different instants).
 *
 * For coils and discrete inputs the gap is counted in bits, and `maxGap` registers of gap
 * become `maxGap × 16` bits: the same number of unused bytes on the wire.
 */
import { decodeSignal, signalWidth, type ByteWordOrder, type SignalValue } from '../../drivers/codec/values.js';
import { isBitArea, scanClassOf, type Area, type PollingSettings, type Profile, type Signal } from '../model/profile-schema.js';
import { compareIds } from '../lib/compare-ids.js';

export interface BlockItem {
  signal: Signal;
  /** Index of the signal's first register (or bit) inside the block. */
  offset: number;
}

export interface ReadBlock {
  scanClass: string;
  area: Area;
  address: number;
  /** Registers, or bits for coils and discrete inputs. */
  count: number;
  items: BlockItem[];
}

export interface ScanClassPlan {
  name: string;
  periodMs: number;
  /** In read order: by area (holding, input, coil, discrete), then address. */
  blocks: ReadBlock[];
}

export interface ReadPlan {
  /** Fastest class first; classes with no signals are left out. */
  scanClasses: ScanClassPlan[];
  order: ByteWordOrder;
}

export class ReadPlanError extends Error {
  override name = 'ReadPlanError';
  constructor(
    message: string,
    readonly signal: string,
  ) {
    super(message);
  }
}

const AREA_ORDER: Area[] = ['holding', 'input', 'coil', 'discrete'];

export function planReads(profile: Pick<Profile, 'signals' | 'polling' | 'wordOrder' | 'byteOrder'>): ReadPlan {
  const { polling } = profile;
  const groups = new Map<string, Map<Area, Signal[]>>();
  for (const signal of profile.signals) {
    const scanClass = scanClassOf(signal, polling);
    let byArea = groups.get(scanClass);
    if (!byArea) groups.set(scanClass, (byArea = new Map()));
    const list = byArea.get(signal.area) ?? [];
    list.push(signal);
    byArea.set(signal.area, list);
  }

  const scanClasses: ScanClassPlan[] = [];
  for (const [name, byArea] of groups) {
    const periodMs = polling.scanClasses[name];
    // The profile schema refuses unknown classes; this guards profiles built in code.
    if (periodMs === undefined) throw new ReadPlanError(`unknown scan class "${name}"`, [...byArea.values()][0]?.[0]?.name ?? '');
    const blocks: ReadBlock[] = [];
    for (const area of AREA_ORDER) {
      const signals = byArea.get(area);
      if (signals) blocks.push(...coalesce(name, area, signals, polling));
    }
    scanClasses.push({ name, periodMs, blocks });
  }
  scanClasses.sort((a, b) => a.periodMs - b.periodMs || compareIds(a.name, b.name));
  return { scanClasses, order: { wordOrder: profile.wordOrder, byteOrder: profile.byteOrder } };
}

function coalesce(scanClass: string, area: Area, signals: Signal[], polling: PollingSettings): ReadBlock[] {
  const bits = isBitArea(area);
  const maxCount = bits ? polling.maxBitsPerRead : polling.maxRegistersPerRead;
  const maxGap = bits ? polling.maxGap * 16 : polling.maxGap;
  const sorted = [...signals].sort((a, b) => a.address - b.address || (a.bit ?? 0) - (b.bit ?? 0));

  const blocks: ReadBlock[] = [];
  let current: { address: number; end: number; members: Signal[] } | undefined;
  const close = () => {
    if (!current) return;
    const start = current.address;
    blocks.push({
      scanClass,
      area,
      address: start,
      count: current.end - start,
      items: current.members.map((signal) => ({ signal, offset: signal.address - start })),
    });
  };

  for (const signal of sorted) {
    const width = signalWidth(signal);
    if (width > maxCount) {
      throw new ReadPlanError(`signal "${signal.name}" spans ${width} ${bits ? 'bits' : 'registers'}, more than the ${maxCount} allowed per read`, signal.name);
    }
    const end = signal.address + width;
    // gap < 0 when the signal shares the block's last register (two bits of one word)
    const fits = current !== undefined && signal.address - current.end <= maxGap && Math.max(current.end, end) - current.address <= maxCount;
    if (current && fits) {
      current.end = Math.max(current.end, end);
      current.members.push(signal);
    } else {
      close();
      current = { address: signal.address, end, members: [signal] };
    }
  }
  close();
  return blocks;
}

/**
 * The values a block's answer carries, by signal name, added to `into` (a new object by
 * default). `words` are the registers, or the bits as booleans for coils and discrete inputs.
 * A short answer throws before anything is added.
 */
export function decodeBlock(
  block: ReadBlock,
  words: ArrayLike<number> | ArrayLike<boolean>,
  order: ByteWordOrder,
  into: Record<string, SignalValue> = {},
): Record<string, SignalValue> {
  if (words.length < block.count) {
    throw new RangeError(`block ${block.area} ${block.address}+${block.count} answered with ${words.length} values`);
  }
  const numeric: ArrayLike<number> = isBitArea(block.area)
    ? Array.from(words as ArrayLike<boolean | number>, (bit) => (bit ? 1 : 0))
    : (words as ArrayLike<number>);
  for (const { signal, offset } of block.items) into[signal.name] = decodeSignal(signal, numeric, offset, order);
  return into;
}
