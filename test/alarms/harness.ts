/**
 * A real engine on the demo 4-colour profile, under a ManualClock, with everything it says
 * recorded: events and journal lines in the order they came out.
 */
import { ManualClock } from '../helpers/manual-clock.js';
import { AlarmEngine, type AlarmEngineOptions } from '../../src/alarms/alarm-engine.js';
import { alarmConfigFromProfile, type AlarmOverrides } from '../../src/alarms/alarm-config.js';
import type { AlarmEvent, JournalEntry } from '../../src/alarms/alarm-types.js';
import { loadProfileFile } from '../../src/model/profile-load.js';

export const PRESS = 'sm-1';
export const profile = loadProfileFile(new URL('../../config/profiles/demo-sheetfed-4c.yaml', import.meta.url).pathname);

export function makeEngine(options: { overrides?: AlarmOverrides; engine?: AlarmEngineOptions; clock?: ManualClock } = {}) {
  const clock = options.clock ?? new ManualClock();
  let next = 0;
  const engine = new AlarmEngine({ clock, newId: () => `alarm-${++next}`, ...options.engine });
  engine.configurePress(PRESS, alarmConfigFromProfile(profile, options.overrides));
  const events: AlarmEvent[] = [];
  const journal: JournalEntry[] = [];
  engine.on('alarm', (event) => events.push(event));
  engine.on('journal', (entry) => journal.push(entry));
  return {
    clock,
    engine,
    events,
    journal,
    /** Event types so far, as `type:code:state`. */
    trail: () => events.map((e) => `${e.type}:${e.alarm.code}:${e.alarm.state}`),
    actions: () => journal.map((j) => `${j.action}:${j.code}`),
    bits: (bits: Record<string, boolean>) => engine.updateBits(PRESS, clock.now(), bits),
    only: (code: string) => {
      const listed = engine.list().filter((a) => a.code === code);
      if (listed.length !== 1) throw new Error(`expected one listed ${code}, found ${listed.length}`);
      return listed[0]!;
    },
  };
}
