/**
 * Why a press is held: its active alarms (those whose profile definition carries a stop
 * reason stop the press), paper out, and an operator stop. The run state shows the most
 * serious reason.
 */
import type { AlarmDefinition, Profile, StopReason } from '../src/model/profile-schema.js';

/** Stop reason of alarm codes a profile may use without saying `stopReason`. */
const BUILT_IN_STOP_REASONS: Record<string, StopReason> = {
  jam: 'jam',
  'jam.feeder': 'jam',
  'jam.delivery': 'jam',
  'double-sheet': 'jam',
  'door-open': 'door-open',
  'e-stop': 'e-stop',
};
/** The reason shown when several causes hold the press: the most serious one. */
const REASON_RANK: StopReason[] = ['e-stop', 'jam', 'door-open', 'fault', 'other', 'operator'];

export class StopCauses {
  paperOut = false;
  operatorStop = false;
  private readonly definitions = new Map<string, AlarmDefinition>();
  private readonly active = new Set<string>();
  private jamCodeList: readonly string[] | undefined;

  constructor(private readonly profile: Profile) {
    for (const signal of profile.signals) if (signal.role === 'alarm') this.definitions.set(signal.alarm.code, signal.alarm);
  }

  /** Read on every 100 ms step of every simulated press: ranks the causes without allocating. */
  get reason(): StopReason | undefined {
    let best = REASON_RANK.length;
    for (const code of this.active) {
      const reason = this.reasonOf(code);
      if (reason) best = Math.min(best, REASON_RANK.indexOf(reason));
    }
    if (this.paperOut) best = Math.min(best, REASON_RANK.indexOf('other'));
    if (this.operatorStop) best = Math.min(best, REASON_RANK.indexOf('operator'));
    return REASON_RANK[best];
  }

  isActive(code: string): boolean {
    return this.active.has(code);
  }

  get activeCodes(): string[] {
    return [...this.active].sort();
  }

  /** Any alarm of the profile, or a built-in code the profile lacks (the press still stops). */
  setAlarm(code: string, active: boolean): void {
    if (!this.definitions.has(code) && !(code in BUILT_IN_STOP_REASONS)) {
      throw new RangeError(`unknown alarm "${code}"; profile ${this.profile.model} has: ${[...this.definitions.keys()].join(', ')}`);
    }
    if (active) this.active.add(code);
    else this.active.delete(code);
  }

  /** Whether an active alarm holds the press for `reason`. */
  reasonActive(reason: StopReason): boolean {
    for (const code of this.active) if (this.reasonOf(code) === reason) return true;
    return false;
  }

  /** Alarm codes of the profile whose stop reason is `jam` (the profile is fixed: computed once). */
  get jamCodes(): readonly string[] {
    return (this.jamCodeList ??= [...this.definitions.keys()].filter((code) => this.reasonOf(code) === 'jam'));
  }

  /** The profile's alarm code for a door switch or an e-stop, or the built-in code. */
  codeFor(reason: 'door-open' | 'e-stop'): string {
    if (this.definitions.has(reason)) return reason;
    for (const [code, definition] of this.definitions) if (definition.stopReason === reason) return code;
    return reason;
  }

  reasonOf(code: string): StopReason | undefined {
    return this.definitions.get(code)?.stopReason ?? BUILT_IN_STOP_REASONS[code];
  }
}
