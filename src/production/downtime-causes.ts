/**
 * The cause a downtime event starts with, before anyone codes it (docs/downtime.md):
 * - offline: "no data", its own cause, never production nor a known cause;
 * - setup: make-ready, cleanup: wash-up (both planned, from the PLC's state code);
 * - stopped: the stop alarm that named the stop (source `alarm`), else the PLC's reason
 *   (source `plc`), else none; idle: none.
 * An operator's coding (a code from `downtime.reasons`) wins over all and is final.
 */
import { genericStopReasons, type DowntimeState, type StopReason } from '../model/vocabulary.js';
import type { DowntimeReason } from './production-config.js';

export type { DowntimeCause } from '../model/production.js';
import type { DowntimeCause } from '../model/production.js';

export const NO_DATA: Omit<DowntimeCause, 'source'> = { code: 'no-data', label: 'No data (offline)', category: 'unplanned' };
export const UNCODED = { code: 'uncoded', label: 'Not coded', category: 'unplanned' } as const;

const stopReasonLabels: Record<StopReason, string> = {
  jam: 'Paper jam',
  'door-open': 'Guard door open',
  'e-stop': 'Emergency stop',
  operator: 'Stopped by the operator',
  fault: 'Fault',
  other: 'Other stop',
};

export interface CauseInput {
  state: DowntimeState;
  reason: StopReason | null;
  detail: string | null;
  alarmCode?: string;
}

export function initialCause(input: CauseInput, reasons: readonly DowntimeReason[]): DowntimeCause | null {
  const fromCatalogue = (code: string, fallback: string): DowntimeCause => {
    const reason = reasons.find((r) => r.code === code);
    return { code, label: reason?.label ?? fallback, category: reason?.category ?? 'planned', source: 'plc' };
  };
  switch (input.state) {
    case 'offline':
      return { ...NO_DATA, source: 'plc' };
    case 'setup':
      return fromCatalogue('make-ready', 'Make-ready');
    case 'cleanup':
      return fromCatalogue('blanket-wash', 'Wash-up');
    case 'idle':
      return null;
    case 'stopped':
      if (input.alarmCode !== undefined) return { code: input.alarmCode, label: input.detail ?? input.alarmCode, category: 'unplanned', source: 'alarm' };
      if (input.reason !== null) return { code: input.reason, label: stopReasonLabels[input.reason], category: 'unplanned', source: 'plc' };
      return null;
  }
}

/** Needs an operator's word: no cause, or only a generic one from the PLC. */
export function needsCoding(cause: DowntimeCause | null): boolean {
  if (cause === null) return true;
  return cause.source === 'plc' && (genericStopReasons as readonly string[]).includes(cause.code);
}
