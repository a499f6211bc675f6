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
