/**
 * What a Sparkplug host may ask of one press through DCMD. Pressroom reads its presses and never
 * writes to a PLC, so the one device command it takes is `Device Control/Rebirth` = true
 * (Sparkplug 3.0, what Ignition sends from a device's "Request Rebirth"): that press's DBIRTH
 * again. Anything else (a write to a press metric, a press this box does not have, a payload that
 * is not Sparkplug B) is refused; the edge node says so once in the log and counts it.
 */
import { decode, metricValue, toNumber, type UMetric } from './sparkplug-wire.js';

export const DEVICE_REBIRTH = 'Device Control/Rebirth';

export type RefusalReason = 'unknown press' | 'not a Sparkplug B payload' | 'no command in the payload' | 'not a writable metric';

export interface DeviceCommand {
  /** `Device Control/Rebirth` = true was among the metrics. */
  rebirth: boolean;
  /** What was not done: why, and the metrics it named (by name, or `alias <n>` for an alias this press does not have). */
  refused?: { reason: RefusalReason; metrics: string[]; error?: string };
}

export interface DeviceCommandOptions {
  payload: Buffer;
  /** The press is one of this box's. */
  known: boolean;
  /** The metric name behind an alias of this press (a host may command by alias, as DBIRTH gave it). */
  nameOf(alias: number): string | undefined;
}

/** Reads one DCMD. A rebirth asked together with writes is honoured; the writes are refused. */
export function readDeviceCommand(options: DeviceCommandOptions): DeviceCommand {
  let metrics: UMetric[];
  try {
    metrics = decode(options.payload).metrics ?? [];
  } catch (error) {
    return { rebirth: false, refused: { reason: 'not a Sparkplug B payload', metrics: [], error: (error as Error).message } };
  }
  const named = metrics.map((m) => ({ name: nameOf(m, options), value: metricValue(m) }));
  const names = named.map((m) => m.name);
  if (!options.known) return { rebirth: false, refused: { reason: 'unknown press', metrics: names } };
  if (named.length === 0) return { rebirth: false, refused: { reason: 'no command in the payload', metrics: [] } };
  const rebirth = named.some((m) => m.name === DEVICE_REBIRTH && m.value === true);
  // `Device Control/Rebirth` = false asks for nothing: refused with the writes, so a host sees it was not done
  const writes = named.filter((m) => m.name !== DEVICE_REBIRTH || m.value !== true).map((m) => m.name);
  return writes.length === 0 ? { rebirth } : { rebirth, refused: { reason: 'not a writable metric', metrics: writes } };
}

function nameOf(metric: UMetric, options: DeviceCommandOptions): string {
  if (metric.name) return metric.name;
  const alias = toNumber(metric.alias);
  if (alias === null) return '(no name or alias)';
  return options.nameOf(alias) ?? `alias ${alias}`;
}
