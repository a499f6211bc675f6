/**
 * The service-wide `alarms:` and `supplies:` sections of the configuration file: left out,
 * they give today's built-in behaviour; given, they reach the alarm engine and the supplies
 * module in their units; misspelt or out of range, loading stops with the path of the key.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/model/config-error.js';
import { DEFAULT_RENOTIFY_MS } from '../../src/alarms/alarm-engine.js';
import {
  preAlarmMinutesFromConfig,
  renotifyMsFromConfig,
  shiftCalendarFromConfig,
  suppliesSettingsFromConfig,
  timeScaleFromConfig,
} from '../../src/config/settings-from-config.js';
import { loadConfig } from '../../src/config/load.js';
import { defaultReconcilerSettings } from '../../src/supplies/reconciler.js';
import { defaultShifts } from '../../src/supplies/shifts.js';
import { defaultTimeToEmptySettings } from '../../src/supplies/time-to-empty-tracker.js';

const profiles = path.resolve('config/profiles');
const base = `
profilesDir: ${profiles}
buses: [{ id: a, kind: tcp }]
presses: [{ id: p1, name: P1, profile: demo-sheetfed-4c, bus: a, unitId: 1 }]
`;

function write(text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'pressroom-cfg-')), 'config.yaml');
  writeFileSync(file, text);
  return file;
}

function problems(text: string): string[] {
  try {
    loadConfig({ file: write(text) });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  return [];
}

describe('alarms and supplies settings in the configuration file', () => {
  it('left out, give the built-in defaults (critical re-announced every 5 min, 15 min window, 15 %, 12 h, three shifts, 10 min pre-alarm)', () => {
    const config = loadConfig({ file: write(base) });
    expect(renotifyMsFromConfig(config.alarms)).toEqual(DEFAULT_RENOTIFY_MS);
    expect(suppliesSettingsFromConfig(config.supplies)).toEqual({
      reconciliation: { windowMs: defaultReconcilerSettings.windowMs },
      timeToEmpty: { preAlarmMinutes: defaultTimeToEmptySettings.preAlarmMinutes },
      lowLevelPercent: { ink: 15, paper: 15 },
      shifts: defaultShifts,
      suggestionMaxAgeMs: 12 * 3_600_000,
    });
    // the embedded default says nothing else either, but for the pre-alarm: its presses run 20×
    // faster than the wall clock, so 10 minutes of press time are half a real minute
    const embedded = loadConfig({ file: path.resolve('config/default.yaml') });
    expect(renotifyMsFromConfig(embedded.alarms)).toEqual(DEFAULT_RENOTIFY_MS);
    expect(suppliesSettingsFromConfig(embedded.supplies)).toEqual({ ...suppliesSettingsFromConfig(config.supplies), timeToEmpty: { preAlarmMinutes: 0.5 } });
    expect(embedded.buses.map((bus) => bus.simulationTimeScale)).toEqual([20, 20]);
  });

  it('given, reach the engine and the supplies module in their units', () => {
    const config = loadConfig({
      file: write(`${base}
alarms:
  renotifyMinutes: { high: 15, critical: 2.5 }
supplies:
  reconciliationWindowMinutes: 30
  lowLevelPercent: { paper: 25 }
  suggestionMaxAgeHours: 24
  shifts: [{ name: day, start: '07:00', end: '19:00' }, { name: night, start: '19:00', end: '07:00' }]
  preAlarm: { minutes: 20 }
`),
    });
    expect(renotifyMsFromConfig(config.alarms)).toEqual({ critical: 150_000, high: 900_000 });
    expect(suppliesSettingsFromConfig(config.supplies)).toEqual({
      reconciliation: { windowMs: 30 * 60_000 },
      timeToEmpty: { preAlarmMinutes: 20 },
      lowLevelPercent: { ink: 15, paper: 25 },
      shifts: [
        { name: 'day', start: '07:00', end: '19:00' },
        { name: 'night', start: '19:00', end: '07:00' },
      ],
      suggestionMaxAgeMs: 24 * 3_600_000,
    });
  });

  it('the time-to-empty pre-alarm: service-wide minutes and priority, minutes per press and kind', () => {
    const config = loadConfig({
      file: write(`
profilesDir: ${profiles}
buses: [{ id: a, kind: tcp }]
supplies: { preAlarm: { minutes: 20, priority: high } }
presses:
  - { id: p1, name: P1, profile: demo-sheetfed-4c, bus: a, unitId: 1, levelAlarms: { paper: { preAlarmMinutes: 45 }, ink: { medium: 20, preAlarmMinutes: 0 } } }
  - { id: p2, name: P2, profile: demo-sheetfed-4c, bus: a, unitId: 2 }
`),
    });
    expect(config.supplies.preAlarm).toEqual({ minutes: 20, priority: 'high' });
    const minutesFor = preAlarmMinutesFromConfig(config);
    expect([minutesFor('p1', 'paper'), minutesFor('p1', 'ink'), minutesFor('p2', 'paper'), minutesFor('p2', 'ink')]).toEqual([45, 0, 20, 20]);
    const defaults = loadConfig({ file: write(base) });
    expect(defaults.supplies.preAlarm).toEqual({ minutes: 10, priority: 'medium' });
    expect(preAlarmMinutesFromConfig(defaults)('p1', 'ink')).toBe(10);
  });

  it("time to empty runs on the wall clock: a simulated bus's time scale reaches the supplies module per press", () => {
    const config = loadConfig({
      file: write(`
profilesDir: ${profiles}
buses: [{ id: sim, kind: tcp, simulate: true, simulationTimeScale: 20 }, { id: real, kind: tcp, simulationTimeScale: 20 }, { id: plain, kind: tcp }]
presses:
  - { id: p1, name: P1, profile: demo-sheetfed-4c, bus: sim, unitId: 1 }
  - { id: p2, name: P2, profile: demo-sheetfed-4c, bus: real, unitId: 1 }
  - { id: p3, name: P3, profile: demo-sheetfed-4c, bus: plain, unitId: 1 }
`),
    });
    const scaleOf = timeScaleFromConfig(config);
    // a time scale on a bus that is not simulated means nothing: a real press runs on the wall clock
    expect(['p1', 'p2', 'p3', 'unknown'].map(scaleOf)).toEqual([20, 1, 1, 1]);
  });

  it('critical 0 turns re-notification off', () => {
    const config = loadConfig({ file: write(`${base}\nalarms: { renotifyMinutes: { critical: 0 } }\n`) });
    expect(renotifyMsFromConfig(config.alarms)).toEqual({});
  });

  it('name a misspelt key with its path', () => {
    expect(problems(`${base}\nalarms: { renotifyMinute: { critical: 5 } }\n`)).toEqual(['alarms: Unrecognized key: "renotifyMinute"']);
    expect(problems(`${base}\nalarms: { renotifyMinutes: { critcal: 5 } }\n`)).toEqual(['alarms.renotifyMinutes: Unrecognized key: "critcal"']);
    expect(problems(`${base}\nsupplies: { reconcilationWindowMinutes: 10 }\n`)).toEqual(['supplies: Unrecognized key: "reconcilationWindowMinutes"']);
    expect(problems(`${base}\nsupplies: { lowLevelPercent: { inks: 10 } }\n`)).toEqual(['supplies.lowLevelPercent: Unrecognized key: "inks"']);
    expect(problems(`${base}\nsupplies: { preAlarm: { minute: 10 } }\n`)).toEqual(['supplies.preAlarm: Unrecognized key: "minute"']);
    expect(problems(`${base}\nsupplies: { shifts: [{ name: early, start: '06:00', end: '14:00', stop: '15:00' }] }\n`)).toEqual([
      'supplies.shifts[0]: Unrecognized key: "stop"',
    ]);
    expect(problems(`${base}\nsupplies: { preAlarm: { minutes: 10, prority: high } }\n`)).toEqual(['supplies.preAlarm: Unrecognized key: "prority"']);
    expect(
      problems(`
profilesDir: ${profiles}
buses: [{ id: a, kind: tcp }]
presses: [{ id: p1, name: P1, profile: demo-sheetfed-4c, bus: a, unitId: 1, levelAlarms: { paper: { preAlarmMinute: 30 } } }]
`),
    ).toEqual(['presses[0].levelAlarms.paper: Unrecognized key: "preAlarmMinute"']);
    expect(problems(`${base}\nsupply: { preAlarm: { minutes: 10 } }\n`)).toEqual([': Unrecognized key: "supply"'] /* the top level has an empty path */);
  });

  it('refuse values out of range with their path', () => {
    const found = problems(`${base}
alarms: { renotifyMinutes: { high: -1 } }
supplies:
  reconciliationWindowMinutes: 0
  lowLevelPercent: { ink: 150 }
  shifts: [{ name: early, start: '6:00', end: '14:00' }]
  preAlarm: { minutes: -5, priority: urgent }
`);
    expect(found.map((p) => p.split(':')[0])).toEqual([
      'alarms.renotifyMinutes.high',
      'supplies.reconciliationWindowMinutes',
      'supplies.lowLevelPercent.ink',
      'supplies.shifts[0].start',
      'supplies.preAlarm.minutes',
      'supplies.preAlarm.priority',
    ]);
    expect(found).toContain('supplies.shifts[0].start: a time of day as HH:MM, e.g. 06:00');
  });
});

describe('the shift calendar and downtime settings', () => {
  it('take the top-level shifts with breaks, working days, holidays and a time zone', () => {
    const config = loadConfig({
      file: write(`${base}
shifts:
  timeZone: Europe/Berlin
  workingDays: [mon, tue, wed, thu, fri]
  holidays: ['2026-12-25']
  list: [{ name: day, start: '07:00', end: '19:00', breaks: [{ start: '12:00', end: '12:45' }] }]
downtime: { settleSeconds: 1.5, reasons: [{ code: wash, label: Wash-up, category: planned }] }
`),
    });
    const { calendar, deprecated } = shiftCalendarFromConfig(config);
    expect(deprecated).toBe(false);
    expect(calendar).toMatchObject({
      timeZone: 'Europe/Berlin',
      workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
      holidays: ['2026-12-25'],
      list: [{ name: 'day', breaks: [{ start: '12:00', end: '12:45' }] }],
    });
    expect(suppliesSettingsFromConfig(config.supplies, calendar).shifts).toEqual([{ name: 'day', start: '07:00', end: '19:00' }]);
    expect(config.downtime).toMatchObject({ settleSeconds: 1.5, reasons: [{ code: 'wash' }] });
  });

  it('still read the old supplies.shifts, as shifts worked every day, and say it is deprecated', () => {
    const config = loadConfig({ file: write(`${base}\nsupplies: { shifts: [{ name: day, start: '07:00', end: '19:00' }] }\n`) });
    const { calendar, deprecated } = shiftCalendarFromConfig(config);
    expect(deprecated).toBe(true);
    expect(calendar.list).toEqual([{ name: 'day', start: '07:00', end: '19:00', breaks: [] }]);
    expect(calendar.workingDays).toHaveLength(7);
  });

  it('refuse both places at once, an unknown time zone and a duplicate reason code, naming the key', () => {
    expect(
      problems(`${base}\nshifts: [{ name: a, start: '06:00', end: '14:00' }]\nsupplies: { shifts: [{ name: a, start: '06:00', end: '14:00' }] }\n`),
    ).toEqual(['supplies.shifts: the shift calendar moved to the top-level `shifts:`; remove supplies.shifts (both are given)']);
    expect(problems(`${base}\nshifts: { timeZone: Mars/Olympus }\n`).join('\n')).toContain('an IANA time zone');
    expect(problems(`${base}\ndowntime: { reasons: [{ code: a, label: A, category: planned }, { code: a, label: B, category: unplanned }] }\n`)).toEqual([
      'downtime.reasons[1].code: duplicate reason code "a"',
    ]);
  });
});
