import { afterEach, describe, expect, it } from 'vitest';
import { dayStart, intlLocalFields, isTimeZone, localDay, localFields, systemTimeZone } from '../../src/lib/zoned-time.js';

const savedTz = process.env.TZ;
afterEach(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

/** Every 20 minutes over a year, plus the seconds around each DST change. */
function instants(): number[] {
  const out: number[] = [];
  const from = Date.UTC(2026, 0, 1);
  for (let t = from; t < from + 366 * 86_400_000; t += 20 * 60_000) out.push(t);
  for (const change of [Date.UTC(2026, 2, 29, 1), Date.UTC(2026, 9, 25, 1), Date.UTC(2026, 2, 8, 7), Date.UTC(2026, 10, 1, 6)]) {
    for (let t = change - 2000; t <= change + 2000; t += 500) out.push(t);
  }
  return out;
}

describe('zoned time', () => {
  it.each(['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe'])(
    'the server zone %s read with Date getters gives the fields Intl gives, across both DST changes',
    (zone) => {
      process.env.TZ = zone;
      // ICU's own name for it (Asia/Kolkata is Asia/Calcutta to ICU)
      const own = systemTimeZone();
      expect(own).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
      for (const t of instants()) expect(localFields(t, own), new Date(t).toISOString()).toEqual(intlLocalFields(t, zone));
      // a local midnight at a DST change is still the instant the zone says
      expect(intlLocalFields(dayStart('2026-03-29', own), zone)).toMatchObject({ day: 29, hour: 0, minute: 0 });
    },
  );

  it('UTC is read without a zone lookup and agrees with Intl', () => {
    process.env.TZ = 'Asia/Tokyo';
    for (const zone of ['UTC', 'Etc/UTC', 'GMT']) {
      for (const t of instants().slice(0, 2000)) expect(localFields(t, zone)).toEqual(intlLocalFields(t, 'UTC'));
    }
  });

  it('another zone than the server’s still goes through Intl, and follows a TZ changed at run time', () => {
    process.env.TZ = 'Europe/Berlin';
    const t = Date.UTC(2026, 6, 1, 12);
    expect(localFields(t, 'America/New_York').hour).toBe(8);
    expect(localDay(Date.UTC(2026, 6, 1, 23), 'Europe/Berlin')).toBe('2026-07-02');
    process.env.TZ = 'America/New_York';
    expect(systemTimeZone()).toBe('America/New_York');
    expect(localFields(t, 'America/New_York').hour).toBe(8);
    expect(localFields(t, 'Europe/Berlin').hour).toBe(14);
  });

  it('a zone Intl does not know is refused; the server zone and UTC are known', () => {
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone(systemTimeZone())).toBe(true);
  });

  it('without TZ the server zone is the one Intl reports', () => {
    delete process.env.TZ;
    expect(systemTimeZone()).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
  });
});
