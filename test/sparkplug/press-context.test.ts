import { describe, expect, it } from 'vitest';
import type { AlarmView } from '../../src/model/alarm-view.js';
import { PressContext } from '../../src/sparkplug/press-context.js';

const alarm = (id: string, pressId: string) => ({ id, pressId }) as unknown as AlarmView;
const listedOf = (listed: AlarmView[], pressId?: string) => (pressId === undefined ? listed : listed.filter((a) => a.pressId === pressId));

describe("a press's Sparkplug context", () => {
  it('lists each press its own alarms, and reads the alarm list again only after an alarm changed', () => {
    let listed = [alarm('a1', 'press-1'), alarm('a2', 'press-2'), alarm('a3', 'press-1')];
    let reads = 0;
    const context = new PressContext({ listAlarms: (pressId) => (reads++, listedOf(listed, pressId)), runningJobs: () => [] });
    expect(context.alarmsOf('press-1').map((a) => a.id)).toEqual(['a1', 'a3']);
    expect(context.alarmsOf('press-2').map((a) => a.id)).toEqual(['a2']);
    expect(context.alarmsOf('press-3')).toEqual([]);
    expect(reads).toBe(1);
    listed = [alarm('a2', 'press-2')];
    expect(context.alarmsOf('press-1').map((a) => a.id)).toEqual(['a1', 'a3']);
    context.alarmChanged();
    expect(context.alarmsOf('press-1')).toEqual([]);
    expect(context.alarmsOf('press-2').map((a) => a.id)).toEqual(['a2']);
    expect(reads).toBe(2);
  });

  it("reads again only the list of a press whose alarms changed: another press's list stays the same array", () => {
    let listed = [alarm('a1', 'press-1'), alarm('a2', 'press-2')];
    const reads: (string | undefined)[] = [];
    const context = new PressContext({ listAlarms: (pressId) => (reads.push(pressId), listedOf(listed, pressId)), runningJobs: () => [] });
    const press1 = context.alarmsOf('press-1');
    const press2 = context.alarmsOf('press-2');
    expect(reads).toEqual([undefined]); // the whole list once, at first
    listed = [alarm('a1', 'press-1'), alarm('a3', 'press-2'), alarm('a2', 'press-2'), alarm('a4', 'press-3')];
    context.alarmChanged('press-2');
    context.alarmChanged('press-3');
    // press-1's alarms did not change: its list (and so its JSON) is kept, and nothing is read
    expect(context.alarmsOf('press-1')).toBe(press1);
    expect(reads).toEqual([undefined]);
    // the presses that changed are read, each its own list
    expect(context.alarmsOf('press-2').map((a) => a.id)).toEqual(['a3', 'a2']);
    expect(context.alarmsOf('press-3').map((a) => a.id)).toEqual(['a4']);
    expect(reads.slice(1).sort()).toEqual(['press-2', 'press-3']);
    expect(context.alarmsOf('press-2')).not.toBe(press2);
    expect(context.alarmsOf('press-1')).toBe(press1);
    // the last alarm of a press leaves the list: none again
    listed = [alarm('a1', 'press-1'), alarm('a4', 'press-3')];
    context.alarmChanged('press-2');
    expect(context.alarmsOf('press-2')).toEqual([]);
    expect(context.alarmsOf('press-3').map((a) => a.id)).toEqual(['a4']);
    expect(reads.slice(3)).toEqual(['press-2']);
  });

  it('knows the job running on each press: from the start, then from the job events', () => {
    const context = new PressContext({
      listAlarms: () => [],
      runningJobs: () => [
        { pressId: 'press-1', jobId: '24-1187' },
        { pressId: null, jobId: 'Q-9' },
      ],
    });
    expect(context.jobOf('press-1')).toBe('24-1187');
    context.jobChanged({ pressId: 'press-2', jobId: 'MIS-7', state: 'running' });
    expect(context.jobOf('press-2')).toBe('MIS-7');
    // another job of press-1 finishing does not end the one running there
    context.jobChanged({ pressId: 'press-1', jobId: 'OLD-1', state: 'done' });
    expect(context.jobOf('press-1')).toBe('24-1187');
    context.jobChanged({ pressId: 'press-1', jobId: '24-1187', state: 'done' });
    expect(context.jobOf('press-1')).toBeNull();
  });
});
