/**
 * "Every write is audited (who, when, what, from which address)", for the simulator's trainer
 * events and the alarm commands, through the real service process: the admin reads them back
 * from GET /api/audit.
 */
import type { AuditEntry } from '../../src/model/audit.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlarmView } from '../../src/model/alarm-view.js';
import { eventually, startService, type ServiceProcess } from '../helpers/service-process.js';
import { OPERATOR, removeTestConfig, signInCrew, writeTestConfig, type Crew } from '../e2e/e2e-kit.js';

const config = writeTestConfig();
let service: ServiceProcess;
let crew: Crew;

beforeAll(async () => {
  service = await startService({ config });
  crew = await signInCrew(service.url);
});
afterAll(async () => {
  await service?.stop({ cleanup: true });
  removeTestConfig(config);
});

const auditOf = async (action: string) => {
  const res = await crew.admin.get<{ entries: AuditEntry[] }>(`/api/audit?action=${encodeURIComponent(action)}`);
  expect(res.status).toBe(200);
  return res.body.entries;
};

describe('audit of simulator events and alarm commands', () => {
  it('records each simulator event with the operator, the address, the press and the event', async () => {
    const before = Date.now();
    for (const event of [
      { action: 'jam', code: 'jam.feeder' },
      { action: 'refill-ink', unit: 2, level: 40 },
      { action: 'fault', drop: 0.1 },
      { action: 'clear-faults' },
    ]) {
      expect((await crew.operator.post('/api/simulation/presses/press-1/events', event)).status).toBe(200);
    }
    const lines = await auditOf('simulation.*');
    expect(lines.map((l) => l.action)).toEqual(['simulation.clear-faults', 'simulation.fault', 'simulation.refill-ink', 'simulation.jam']);
    for (const line of lines) {
      expect(line).toMatchObject({ username: OPERATOR.username, userId: expect.any(Number), target: 'press:press-1' });
      expect(line.ip).toMatch(/127\.0\.0\.1/);
      expect(line.at).toBeGreaterThanOrEqual(before - 1000);
      expect(line.at).toBeLessThanOrEqual(Date.now() + 1000);
    }
    expect(lines.find((l) => l.action === 'simulation.refill-ink')!.details).toEqual({ unit: 2, level: 40 });
    expect(lines.find((l) => l.action === 'simulation.jam')!.details).toMatchObject({ code: 'jam.feeder' });
    expect(lines.find((l) => l.action === 'simulation.fault')!.details).toEqual({ drop: 0.1 });
  });

  it('records nothing for an event that was refused (no role, bad input, no such unit)', async () => {
    const count = (await auditOf('simulation.*')).length;
    expect((await crew.viewer.post('/api/simulation/presses/press-1/events', { action: 'stop' })).status).toBe(403);
    expect((await crew.operator.post('/api/simulation/presses/press-1/events', { action: 'launch' })).status).toBe(400);
    expect((await crew.operator.post('/api/simulation/presses/press-1/events', { action: 'refill-ink', unit: 9 })).status).toBe(400);
    expect((await crew.operator.post('/api/simulation/presses/no-such-press/events', { action: 'stop' })).status).toBe(404);
    expect(await auditOf('simulation.*')).toHaveLength(count);
  });

  it('records an alarm acknowledgement with the operator and the address', async () => {
    const jam = await eventually(
      async () => {
        const list = (await crew.anonymous.get<AlarmView[]>('/api/alarms?pressId=press-1')).body;
        return list.find((a) => a.code === 'jam.feeder');
      },
      { what: 'jam.feeder on press-1', timeoutMs: 10_000 },
    );
    expect((await crew.operator.post(`/api/alarms/${jam.id}/ack`, { note: 'trainer jam' })).status).toBe(200);
    const [line] = (await auditOf('alarm.ack')).filter((l) => l.target === `alarm:${jam.id}`);
    expect(line).toMatchObject({ username: OPERATOR.username, details: { pressId: 'press-1', code: 'jam.feeder', note: 'trainer jam' } });
    expect(line!.ip).toMatch(/127\.0\.0\.1/);
  });
});
