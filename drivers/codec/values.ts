/**
 * Registers ⇄ engineering values for one value layout (a profile's signal): data type, word and byte
 * order, bit number, scale and offset. Pure; shared by the driver and the simulator.
 */

/** The four Modbus data areas: registers (holding, input) and bits (coil, discrete input). */
export const registerAreas = ['holding', 'input', 'coil', 'discrete'] as const;
export type Area = (typeof registerAreas)[number];

/** How a value is laid out in registers; `bit` is one bit of a register, `bool` a coil or discrete input. */
export const dataTypes = ['u16', 'i16', 'u32', 'i32', 'f32', 'bit', 'bool'] as const;
export type DataType = (typeof dataTypes)[number];

/** big: high word (or byte) first, the Modicon convention and the Modbus standard; little: swapped. */
export const registerOrders = ['big', 'little'] as const;
export type WordOrder = (typeof registerOrders)[number];
export type ByteOrder = (typeof registerOrders)[number];

/** Where and how one value sits in a device's registers: what the codec needs of a profile's signal. */
export interface ValueLayout {
  area: Area;
  type: DataType;
  /** Bit number inside the register, for type `bit`. */
  bit?: number;
  wordOrder?: WordOrder;
  byteOrder?: ByteOrder;
  /** engineering value = raw * scale + offset */
  scale: number;
  offset: number;
}

export function registerCount(type: DataType): number {
  return type === 'u32' || type === 'i32' || type === 'f32' ? 2 : 1;
}

export function isBitArea(area: Area): boolean {
  return area === 'coil' || area === 'discrete';
}

export interface ByteWordOrder {
  wordOrder: WordOrder;
  byteOrder: ByteOrder;
}

export type SignalValue = number | boolean;

function swapBytes(word: number): number {
  return ((word & 0xff) << 8) | ((word >> 8) & 0xff);
}

/** Scratch for 32-bit decodes: one module-level view instead of a Buffer per value (decoding is synchronous). */
const scratch = new DataView(new ArrayBuffer(4));

/** The two registers of a 32-bit value, as they appear on the wire, into the scratch view as the value's 4 big-endian bytes. */
function registersToBytes(registers: ArrayLike<number>, at: number, order: ByteWordOrder): DataView {
  let hi = registers[at]! & 0xffff;
  let lo = registers[at + 1]! & 0xffff;
  if (order.wordOrder === 'little') [hi, lo] = [lo, hi];
  if (order.byteOrder === 'little') {
    hi = swapBytes(hi);
    lo = swapBytes(lo);
  }
  scratch.setUint16(0, hi);
  scratch.setUint16(2, lo);
  return scratch;
}

function bytesToRegisters(bytes: Buffer, order: ByteWordOrder): [number, number] {
  let hi = bytes.readUInt16BE(0);
  let lo = bytes.readUInt16BE(2);
  if (order.byteOrder === 'little') {
    hi = swapBytes(hi);
    lo = swapBytes(lo);
  }
  return order.wordOrder === 'little' ? [lo, hi] : [hi, lo];
}

/** The raw (unscaled) value of `type` at `registers[at]`. */
export function decodeRaw(type: DataType, registers: ArrayLike<number>, at: number, order: ByteWordOrder, bit?: number): number | boolean {
  const first = registers[at];
  if (first === undefined) throw new RangeError(`no register at offset ${at}`);
  switch (type) {
    case 'u16':
      return order.byteOrder === 'little' ? swapBytes(first & 0xffff) : first & 0xffff;
    case 'i16': {
      const word = order.byteOrder === 'little' ? swapBytes(first & 0xffff) : first & 0xffff;
      return word >= 0x8000 ? word - 0x10000 : word;
    }
    case 'u32':
      return registersToBytes(registers, at, order).getUint32(0);
    case 'i32':
      return registersToBytes(registers, at, order).getInt32(0);
    case 'f32':
      return registersToBytes(registers, at, order).getFloat32(0);
    case 'bit':
      return ((first >> (bit ?? 0)) & 1) === 1;
    case 'bool':
      return Boolean(first);
  }
}

/** Registers for a raw value of `type`. For `bit`, `current` is the register to modify. */
export function encodeRaw(type: DataType, raw: number | boolean, order: ByteWordOrder, bit?: number, current = 0): number[] {
  const num = typeof raw === 'boolean' ? (raw ? 1 : 0) : raw;
  switch (type) {
    case 'u16':
    case 'i16': {
      const word = Math.round(num) & 0xffff;
      return [order.byteOrder === 'little' ? swapBytes(word) : word];
    }
    case 'u32':
    case 'i32':
    case 'f32': {
      const bytes = Buffer.alloc(4);
      if (type === 'f32') bytes.writeFloatBE(num, 0);
      else if (type === 'u32') bytes.writeUInt32BE(Math.round(num) >>> 0, 0);
      else bytes.writeInt32BE(Math.round(num) | 0, 0);
      return bytesToRegisters(bytes, order);
    }
    case 'bit': {
      const mask = 1 << (bit ?? 0);
      return [num ? current | mask : current & ~mask & 0xffff];
    }
    case 'bool':
      return [num ? 1 : 0];
  }
}

function orderOf(signal: ValueLayout, defaults: ByteWordOrder): ByteWordOrder {
  if (signal.wordOrder === undefined && signal.byteOrder === undefined) return defaults;
  return { wordOrder: signal.wordOrder ?? defaults.wordOrder, byteOrder: signal.byteOrder ?? defaults.byteOrder };
}

/**
 * The engineering value of `signal`, reading from `words` where `words[at]` is the
 * signal's first register (or bit, for coils and discrete inputs, as 0/1).
 */
export function decodeSignal(signal: ValueLayout, words: ArrayLike<number>, at: number, defaults: ByteWordOrder): SignalValue {
  const raw = decodeRaw(signal.type, words, at, orderOf(signal, defaults), signal.bit);
  if (typeof raw === 'boolean') return raw;
  // An unscaled integer is exact already (at most 10 digits): the rounding below would hand it back unchanged.
  if (signal.scale === 1 && signal.offset === 0 && signal.type !== 'f32') return raw;
  if (signal.offset === 0 && signal.type !== 'f32') {
    const exact = scaleByPowerOfTen(raw, signal.scale);
    if (exact !== undefined) return exact;
  }
  // A float32 carries about 7 significant digits; printing more shows noise (50.59019088745117).
  const exact = signal.type === 'f32' ? Number(raw.toPrecision(7)) : raw;
  // 12 digits drop binary artefacts of the scaling (598 × 0.1 = 59.800000000000004) and keep any real precision.
  return Number((exact * signal.scale + signal.offset).toPrecision(12));
}

/** 10^0 … 10^15, written out: each literal is exact, where `10 ** k` need not be. */
const POWERS_OF_TEN = new Set([1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15]);

/**
 * An integer register value times a scale of 10^k or 10^-k (0.1, 0.01, 100: most profiles'),
 * with the same result as the rounding through `toPrecision(12)` and no string per value (the
 * poller decodes thousands a second). A raw value has at most 10 digits, so the exact decimal
 * raw × 10^-k has at most 10 significant digits: it is what the 12-digit rounding of the product
 * gives, and `raw / 10^k` (both exact, one IEEE division) is the double nearest to it, as parsing
 * that decimal is. Undefined for any other scale.
 */
function scaleByPowerOfTen(raw: number, scale: number): number | undefined {
  if (POWERS_OF_TEN.has(scale)) {
    const value = raw * scale;
    return Math.abs(value) < 1e12 ? value : undefined;
  }
  const divisor = 1 / scale;
  // the check both ways: `scale` is the double nearest to 10^-k, not merely close to it
  return POWERS_OF_TEN.has(divisor) && 1 / divisor === scale ? raw / divisor : undefined;
}

/** Registers (or one 0/1 bit) that carry `value` for `signal`; `current` is the register a `bit` signal shares. */
export function encodeSignal(signal: ValueLayout, value: SignalValue, defaults: ByteWordOrder, current = 0): number[] {
  const raw = typeof value === 'boolean' ? value : (value - signal.offset) / signal.scale;
  return encodeRaw(signal.type, raw, orderOf(signal, defaults), signal.bit, current);
}

/** Registers (or bits) the signal spans. */
export function signalWidth(signal: ValueLayout): number {
  return isBitArea(signal.area) ? 1 : registerCount(signal.type);
}
