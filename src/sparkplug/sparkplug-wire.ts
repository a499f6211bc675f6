/**
 * Topics and payloads of Sparkplug B 3.0 (namespace `spBv1.0`). Payloads are encoded and decoded
 * by Eclipse Tahu's `sparkplug-payload`: the reference implementation of the Sparkplug B
 * protobuf, generated from the specification's own `.proto`, so what we publish is what every
 * Sparkplug host reads.
 */
import sparkplugPayload from 'sparkplug-payload';
import type { UMetric, UPayload } from 'sparkplug-payload/lib/sparkplugbpayload.js';
import type { MetricType, MetricValue } from './press-metrics.js';

export type { UMetric, UPayload };

export const NAMESPACE = 'spBv1.0';

const codec = sparkplugPayload.get(NAMESPACE)!;

export type NodeMessage = 'NBIRTH' | 'NDEATH' | 'NDATA' | 'NCMD';
export type DeviceMessage = 'DBIRTH' | 'DDEATH' | 'DDATA' | 'DCMD';
export type MessageType = NodeMessage | DeviceMessage;

export function nodeTopic(groupId: string, type: NodeMessage, edgeNodeId: string): string {
  return `${NAMESPACE}/${groupId}/${type}/${edgeNodeId}`;
}

export function deviceTopic(groupId: string, type: DeviceMessage, edgeNodeId: string, deviceId: string): string {
  return `${NAMESPACE}/${groupId}/${type}/${edgeNodeId}/${deviceId}`;
}

/** Sparkplug 3.0 host application state: retained JSON `{ online, timestamp }`. */
export function stateTopic(hostId: string): string {
  return `${NAMESPACE}/STATE/${hostId}`;
}

export interface ParsedTopic {
  groupId: string;
  type: MessageType;
  edgeNodeId: string;
  deviceId?: string;
}

const messageTypes = new Set(['NBIRTH', 'NDEATH', 'NDATA', 'NCMD', 'DBIRTH', 'DDEATH', 'DDATA', 'DCMD']);

/** A node or device topic; undefined for STATE and anything else. */
export function parseTopic(topic: string): ParsedTopic | undefined {
  const parts = topic.split('/');
  if (parts[0] !== NAMESPACE || parts.length < 4 || parts.length > 5 || !messageTypes.has(parts[2]!)) return undefined;
  const type = parts[2] as MessageType;
  const isDevice = type.startsWith('D');
  if (isDevice !== (parts.length === 5)) return undefined;
  return { groupId: parts[1]!, type, edgeNodeId: parts[3]!, ...(isDevice ? { deviceId: parts[4]! } : {}) };
}

export function encode(payload: UPayload): Buffer {
  return Buffer.from(codec.encodePayload(payload));
}

export function decode(bytes: Uint8Array): UPayload {
  return codec.decodePayload(bytes);
}

/** A decoded number (protobuf gives 64-bit fields as Long) as a JavaScript number. */
export function toNumber(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (value && typeof value === 'object' && 'toNumber' in value && typeof value.toNumber === 'function') return (value.toNumber as () => number)();
  return null;
}

/** A metric value as decoded: 64-bit integers and DateTimes as numbers, the rest as given. */
export function metricValue(metric: UMetric): MetricValue {
  const value = metric.value;
  if (value === null || value === undefined || metric.isNull) return null;
  if (typeof value === 'boolean' || typeof value === 'string' || typeof value === 'number') return value;
  return toNumber(value);
}

/** A metric for a payload; a null value is sent as Sparkplug's `is_null`. */
export function metric(options: {
  name?: string;
  alias?: number;
  type: MetricType;
  value: MetricValue;
  unit?: string;
  timestamp?: number;
  historical?: boolean;
}): UMetric {
  const m: UMetric = { type: options.type, value: options.value };
  if (options.name !== undefined) m.name = options.name;
  if (options.alias !== undefined) m.alias = options.alias;
  if (options.value === null) m.isNull = true;
  if (options.timestamp !== undefined) m.timestamp = options.timestamp;
  if (options.historical) m.isHistorical = true;
  if (options.unit !== undefined) m.properties = { engUnit: { type: 'String', value: options.unit } };
  return m;
}

/**
 * The live DDATA of the changed metrics (`values[i]` for each i of `changed`), by alias, written
 * straight into one Buffer: the same bytes as Tahu's `encodePayload` of the same payload (a test
 * holds them equal), without its protobuf objects, Longs and writer operations (~7 KB of garbage
 * a message, most of what Sparkplug allocated at 100 messages a second). Births, deaths and the
 * replay's historical data keep Tahu's encoder.
 */
export function encodeChanged(
  timestamp: number,
  seq: number,
  definitions: readonly { name: string; type: MetricType }[],
  values: readonly MetricValue[],
  changed: readonly number[],
  aliasOf: (name: string) => number,
): Buffer {
  let size = 1 + uint64Size(timestamp) + 1 + uint64Size(seq);
  const aliases = new Array<number>(changed.length);
  const lengths = new Array<number>(changed.length);
  for (let k = 0; k < changed.length; k++) {
    const i = changed[k]!;
    aliases[k] = aliasOf(definitions[i]!.name);
    const length = metricSize(aliases[k]!, definitions[i]!.type, values[i]!);
    lengths[k] = length;
    size += 1 + uint32Size(length) + length;
  }
  const out = Buffer.allocUnsafe(size);
  let at = writeUint64(out, writeUint32(out, 0, 8), timestamp);
  for (let k = 0; k < changed.length; k++) {
    const i = changed[k]!;
    out[at++] = 18;
    at = writeUint32(out, at, lengths[k]!);
    at = writeMetric(out, at, aliases[k]!, definitions[i]!.type, values[i]!);
  }
  at = writeUint64(out, writeUint32(out, at, 24), seq);
  return at === size ? out : out.subarray(0, at);
}

/** Sparkplug B DataType codes (the specification's enum) of the metric types we publish. */
const dataTypes: Record<MetricType, number> = { Int32: 3, UInt64: 8, Float: 9, Double: 10, Boolean: 11, String: 12, DateTime: 13 };

function metricSize(alias: number, type: MetricType, value: MetricValue): number {
  let size = 1 + uint64Size(alias) + 1 + uint32Size(dataTypes[type]);
  if (value === null) return size + 2;
  switch (type) {
    case 'Int32':
      return size + 1 + uint32Size(Number(value));
    case 'UInt64':
    case 'DateTime':
      return size + 1 + uint64Size(Number(value));
    case 'Float':
      return size + 5;
    case 'Double':
      return size + 9;
    case 'Boolean':
      return size + 2;
    case 'String': {
      const bytes = Buffer.byteLength(String(value));
      size += 1 + uint32Size(bytes) + bytes;
      return size;
    }
  }
}

function writeMetric(out: Buffer, at: number, alias: number, type: MetricType, value: MetricValue): number {
  out[at++] = 16; // alias (2, varint)
  at = writeUint64(out, at, alias);
  out[at++] = 32; // datatype (4, varint)
  at = writeUint32(out, at, dataTypes[type]);
  if (value === null) {
    out[at++] = 56; // is_null (7, varint)
    out[at++] = 1;
    return at;
  }
  switch (type) {
    case 'Int32':
      out[at++] = 80; // int_value (10, varint)
      return writeUint32(out, at, Number(value));
    case 'UInt64':
    case 'DateTime':
      out[at++] = 88; // long_value (11, varint)
      return writeUint64(out, at, Number(value));
    case 'Float':
      out[at++] = 101; // float_value (12, fixed32)
      return out.writeFloatLE(Number(value), at);
    case 'Double':
      out[at++] = 105; // double_value (13, fixed64)
      return out.writeDoubleLE(Number(value), at);
    case 'Boolean':
      out[at++] = 112; // boolean_value (14, varint)
      out[at++] = value ? 1 : 0;
      return at;
    case 'String': {
      const text = String(value);
      out[at++] = 122; // string_value (15, length-delimited)
      at = writeUint32(out, at, Buffer.byteLength(text));
      return at + out.write(text, at, 'utf8');
    }
  }
}

// Varints as protobufjs writes them (uint32: value >>> 0; uint64 from a number: low and high
// 32 bits, two's complement when negative), so the bytes match Tahu's.
function uint32Size(value: number): number {
  const v = value >>> 0;
  return v < 128 ? 1 : v < 16384 ? 2 : v < 2097152 ? 3 : v < 268435456 ? 4 : 5;
}

function writeUint32(out: Buffer, at: number, value: number): number {
  let v = value >>> 0;
  while (v > 127) {
    out[at++] = (v & 127) | 128;
    v >>>= 7;
  }
  out[at++] = v;
  return at;
}

function longBits(value: number): [number, number] {
  if (value === 0) return [0, 0];
  const negative = value < 0;
  const magnitude = negative ? -value : value;
  let lo = magnitude >>> 0;
  let hi = ((magnitude - lo) / 4294967296) >>> 0;
  if (negative) {
    hi = ~hi >>> 0;
    lo = ~lo >>> 0;
    if (++lo > 4294967295) {
      lo = 0;
      if (++hi > 4294967295) hi = 0;
    }
  }
  return [lo, hi];
}

function uint64Size(value: number): number {
  if (value >= 0 && Number.isSafeInteger(value)) {
    // base-128 digits of the value itself: what the low/high varint gives for it, with no pair built
    let size = 1;
    for (let v = value; v > 127; v = Math.floor(v / 128)) size += 1;
    return size;
  }
  const [lo, hi] = longBits(value);
  const part1 = ((lo >>> 28) | (hi << 4)) >>> 0;
  const part2 = hi >>> 24;
  if (part2 !== 0) return part2 < 128 ? 9 : 10;
  if (part1 !== 0) return part1 < 16384 ? (part1 < 128 ? 5 : 6) : part1 < 2097152 ? 7 : 8;
  return uint32Size(lo);
}

function writeUint64(out: Buffer, at: number, value: number): number {
  if (value >= 0 && Number.isSafeInteger(value)) {
    let v = value;
    while (v > 127) {
      out[at++] = (v % 128) | 128;
      v = Math.floor(v / 128);
    }
    out[at++] = v;
    return at;
  }
  let [lo, hi] = longBits(value);
  while (hi) {
    out[at++] = (lo & 127) | 128;
    lo = ((lo >>> 7) | (hi << 25)) >>> 0;
    hi >>>= 7;
  }
  while (lo > 127) {
    out[at++] = (lo & 127) | 128;
    lo >>>= 7;
  }
  out[at++] = lo;
  return at;
}
