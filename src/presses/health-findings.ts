/**
 * What `/api/health` says about the presses: which scan classes overrun on which bus, and
 * the reasons, in press-room words, that make the status `degraded`.
 */
import type { PressSnapshot } from '../model/press-snapshot.js';

export interface OverrunningPress {
  pressId: string;
  /** Its scan classes that cannot keep their period (`comm.overrunning` of the snapshot). */
  scanClasses: string[];
}

export interface PressHealthFindings {
  /** By bus id; buses where everything keeps up have no entry. */
  overrunningByBus: Map<string, OverrunningPress[]>;
  /** One line per offline press and per overrunning press; empty when all is well. */
  reasons: string[];
}

export function pressHealthFindings(snapshots: readonly PressSnapshot[]): PressHealthFindings {
  const overrunningByBus = new Map<string, OverrunningPress[]>();
  const reasons: string[] = [];
  for (const press of snapshots) {
    if (!press.online) reasons.push(`press ${press.id} is offline (bus ${press.link.bus})${press.comm.lastError ? `: ${press.comm.lastError}` : ''}`);
    const scanClasses = press.comm.overrunning;
    if (scanClasses.length === 0) continue;
    const list = overrunningByBus.get(press.link.bus) ?? [];
    list.push({ pressId: press.id, scanClasses: [...scanClasses] });
    overrunningByBus.set(press.link.bus, list);
    reasons.push(
      `press ${press.id} (bus ${press.link.bus}): scan class${scanClasses.length > 1 ? 'es' : ''} ${scanClasses.join(', ')} overrunning: ` +
        'the bus cannot carry the reads asked of it, ticks are being skipped and values refresh less often than configured',
    );
  }
  return { overrunningByBus, reasons };
}
