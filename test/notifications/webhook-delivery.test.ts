import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlarmEngine } from '../../src/alarms/alarm-engine.js';
import { alarmConfigFromProfile } from '../../src/alarms/alarm-config.js';
import { AlarmService } from '../../src/alarms/alarm-service.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { AlarmRepository } from '../../src/alarms/alarm-repository.js';
import { migrate } from '../../src/store/migrate.js';
import { alarmMigrations } from '../../src/alarms/alarm-migrations.js';
import { PRESS, profile } from '../alarms/harness.js';
import { alarmView, boot, makeTempDir, nextEvent, SECRET } from './harness.js';
import { WebhookReceiver } from './webhook-receiver.js';

describe('webhook delivery: what a receiver gets', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let receiver: WebhookReceiver;
  const cleanups: (() => Promise<void> | void)[] = [];
  beforeEach(async () => {
    temp = makeTempDir();
    receiver = await new WebhookReceiver().listen();
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await receiver.close();
    temp.cleanup();
  });

  it('a feeder jam raised by the alarm service is POSTed as JSON, signed, with the press named', async () => {
    const clock = new ManualClock(Date.UTC(2025, 2, 14, 6, 0, 0));
    const p = boot({
      dir: temp.dir,
      clock,
      webhooks: [{ id: 'pager', url: receiver.url, secret: SECRET, headers: { Authorization: 'Bearer shift-lead-token' } }],
      pressInfo: (id) => (id === PRESS ? { id, name: 'Speedmaster 1' } : undefined),
    });
    cleanups.push(() => p.shutdown());
    // The real alarm chain on the same database: engine → service (stores, then emits) → notifier.
    migrate(p.db, alarmMigrations);
    const engine = new AlarmEngine({ clock, newId: () => 'alarm-1' });
    engine.configurePress(PRESS, alarmConfigFromProfile(profile));
    const alarms = new AlarmService({ engine, repository: new AlarmRepository(p.db), now: () => clock.now() });
    p.notifications.attach(alarms);
    alarms.start();
    cleanups.push(() => alarms.stop());
    p.notifications.start();

    const delivered = nextEvent(p.notifications, 'delivered');
    alarms.updateBits(PRESS, clock.now(), { 'jam.feeder': true });
    const done = await delivered;

    expect(receiver.requests).toHaveLength(1);
    const request = receiver.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/hooks/pressroom');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['authorization']).toBe('Bearer shift-lead-token');
    expect(request.headers['x-pressroom-event']).toBe('alarm.raised');
    expect(request.headers['x-pressroom-delivery']).toBe(done.deliveryId);
    // Checked the way a receiver would: HMAC-SHA256 of the raw body with the shared secret.
    const expected = `sha256=${createHmac('sha256', SECRET).update(request.body).digest('hex')}`;
    expect(request.headers['x-pressroom-signature']).toBe(expected);
    expect(request.json).toEqual({
      event: 'alarm.raised',
      at: Date.UTC(2025, 2, 14, 6, 0, 0),
      alarm: expect.objectContaining({
        id: 'alarm-1',
        pressId: PRESS,
        code: 'jam.feeder',
        label: 'Paper jam at feeder',
        priority: 'critical',
        state: 'unack-active',
        active: true,
        acknowledged: false,
      }),
      press: { id: PRESS, name: 'Speedmaster 1' },
    });
    expect(p.notifications.status()).toEqual([
      {
        webhookId: 'pager',
        pending: 0,
        delivered: 1,
        dead: 0,
        dropped: 0,
        lastError: null,
        lastErrorAt: null,
        lastDeliveredAt: clock.now(),
        nextAttemptAt: null,
      },
    ]);
  });

  it('without a secret there is no signature header; without press info there is no `press`', async () => {
    const clock = new ManualClock();
    const p = boot({ dir: temp.dir, clock, webhooks: [{ id: 'chat', url: receiver.url }] });
    cleanups.push(() => p.shutdown());
    p.notifications.start();
    const delivered = nextEvent(p.notifications, 'delivered');
    p.source.emit('raised', alarmView({ id: 'a-1' }));
    await delivered;
    expect(receiver.requests[0]!.headers['x-pressroom-signature']).toBeUndefined();
    expect((receiver.requests[0]!.json as { press?: unknown }).press).toBeUndefined();
  });

  it('a raise and its acknowledgement reach the receiver in the order they happened, the clear too', async () => {
    const clock = new ManualClock();
    const p = boot({ dir: temp.dir, clock, webhooks: [{ id: 'chat', url: receiver.url, events: ['raised', 'acked', 'cleared'] }] });
    cleanups.push(() => p.shutdown());
    p.notifications.start();
    const raised = alarmView({ id: 'a-1' });
    p.source.emit('raised', raised);
    p.source.emit('acked', { ...raised, state: 'acked-active', acknowledged: true, ackedAt: raised.raisedAt + 5000, ackedBy: 'anna' }, raised.raisedAt + 5000);
    p.source.emit('cleared', { ...raised, state: 'normal', active: false, acknowledged: true, clearedAt: raised.raisedAt + 9000 }, raised.raisedAt + 9000);
    await receiver.received(3);
    expect(receiver.requests.map((r) => (r.json as { event: string }).event)).toEqual(['alarm.raised', 'alarm.acked', 'alarm.cleared']);
    expect((receiver.requests[1]!.json as { alarm: { ackedBy: string } }).alarm.ackedBy).toBe('anna');
  });
});
