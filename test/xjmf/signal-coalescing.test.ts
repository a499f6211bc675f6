/**
 * A subscriber that is down for an hour gets the press's current state when it returns, not
 * an hour of stale signals: status signals coalesce in the outbox (one pending per channel),
 * on the injected clock, with a real SQLite file and a real HTTP receiver. Alarm
 * notifications, being events, are kept and delivered in order.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { OutboxDelivery } from '../../src/notifications/index.js';
import { openDatabase, migrate, type StoreDatabase } from '../../src/store/index.js';
import { createSubscriberCheck } from '../../src/xjmf/allow-list.js';
import { SignalTriggers } from '../../src/xjmf/signal-triggers.js';
import { SubscriptionManager } from '../../src/xjmf/subscription-manager.js';
import { SubscriptionRepository } from '../../src/xjmf/subscription-repository.js';
import { XjmfContent } from '../../src/xjmf/xjmf-content.js';
import { xjmfMigrations } from '../../src/xjmf/xjmf-migrations.js';
import { readXjmf } from '../../src/xjmf/xml.js';
import type { PressSnapshot } from '../../src/model/press-snapshot.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { makeTempDir, alarmView, nextEvent } from '../notifications/harness.js';
import { freePort, WebhookReceiver } from '../notifications/webhook-receiver.js';
import { pressSnapshot } from '../supplies/harness.js';
import { find, validate } from './xjmf-kit.js';

describe('signals to a subscriber that was down', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let db: StoreDatabase;
  let receiver: WebhookReceiver;
  let manager: SubscriptionManager;
  let delivery: OutboxDelivery;
  let clock: ManualClock;
  let press: PressSnapshot;
  let makeManager: (allowed: string[]) => SubscriptionManager;

  beforeEach(() => {
    temp = makeTempDir();
    db = openDatabase({ dataDir: temp.dir });
    migrate(db, xjmfMigrations);
    receiver = new WebhookReceiver();
    clock = new ManualClock();
    press = pressSnapshot('sm-1');
    const ports = {
      presses: { list: () => [press], get: (id: string) => (id === press.id ? press : undefined) },
      devices: [{ id: 'sm-1', name: 'SM 1', vendor: 'Test', model: 'demo', ratedSpeed: 15_000 }],
      jobs: { list: () => [], submit: () => Promise.reject(new Error('not here')) as never },
      audit: { record: () => undefined },
    };
    let n = 0;
    makeManager = (allowed: string[]) => {
      const d = new OutboxDelivery({ db, clock, logger: pino({ level: 'silent' }), userAgent: 'test' });
      return new SubscriptionManager({
        repository: new SubscriptionRepository(db),
        delivery: d,
        content: new XjmfContent(ports, () => clock.now()),
        runningJob: () => undefined,
        pressIds: ['sm-1'],
        controllerId: 'Pressroom',
        check: createSubscriberCheck(allowed),
        clock,
        logger: pino({ level: 'silent' }),
        minRepeatMs: 1000,
        maxSubscriptions: 10,
        dropAfterMs: 86_400_000,
        newId: () => `U${++n}`,
      });
    };
    delivery = new OutboxDelivery({ db, clock, logger: pino({ level: 'silent' }), random: () => 0.5, retryPolicy: { maxDelayMs: 60_000 }, userAgent: 'test' });
    manager = new SubscriptionManager({
      repository: new SubscriptionRepository(db),
      delivery,
      content: new XjmfContent(ports, () => clock.now()),
      runningJob: () => undefined,
      pressIds: ['sm-1'],
      controllerId: 'Pressroom',
      check: createSubscriberCheck(['127.0.0.1']),
      clock,
      logger: pino({ level: 'silent' }),
      minRepeatMs: 1000,
      maxSubscriptions: 10,
      dropAfterMs: 86_400_000,
      newId: () => `T${++n}`,
    });
  });
  afterEach(async () => {
    await manager.stop();
    await receiver.close();
    db.close();
    temp.cleanup();
  });

  it('after an hour down it receives the current status, not sixty stale ones', async () => {
    const port = await freePort();
    const subscribed = manager.subscribe({
      pressId: 'sm-1',
      messageType: 'Status',
      url: `http://127.0.0.1:${port}/mis`,
      repeatSeconds: 60,
      channelMode: undefined,
      refId: 'q1',
      subscriber: 'MIS',
    });
    expect(subscribed.ok).toBe(true);
    manager.start();
    const target = `xjmf:${subscribed.ok ? subscribed.subscription.channelId : ''}`;

    for (let minute = 1; minute <= 60; minute++) {
      press = { ...press, counters: { ...press.counters, total: minute * 100 } };
      const failed = nextEvent(delivery, 'retry-scheduled');
      clock.advance(60_000);
      await failed;
    }
    const counts = delivery.counts(target);
    expect(counts.pending).toBe(1);
    expect(counts.dropped).toBeGreaterThanOrEqual(58);

    await receiver.listen(port);
    // the waiting retry finds it up; time moves in small steps so the attempt's own 5 s timeout
    // never overtakes the real answer on loopback
    let delivered = false;
    const off = delivery.events.on('delivered', () => (delivered = true));
    for (let step = 0; step < 400 && !delivered; step++) {
      clock.advance(250);
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    off();
    expect(delivered).toBe(true);
    expect(receiver.requests.length).toBeGreaterThanOrEqual(1);
    expect(receiver.requests.length).toBeLessThanOrEqual(2);
    for (const request of receiver.requests) {
      validate(request.body);
      const parsed = readXjmf(request.body);
      if ('error' in parsed) throw new Error(parsed.error.message);
      expect(find(parsed.root, 'SignalStatus')).toBeDefined();
      expect(find(parsed.root, 'DeviceInfo')!.attrs.TotalProductionCounter).toBe('6000');
    }
  });

  it('alarm notifications queued while it was down arrive all, in order', async () => {
    const port = await freePort();
    const subscribed = manager.subscribe({
      pressId: 'sm-1',
      messageType: 'Notification',
      url: `http://127.0.0.1:${port}/mis`,
      repeatSeconds: undefined,
      channelMode: undefined,
      refId: 'n1',
      subscriber: 'MIS',
    });
    expect(subscribed.ok).toBe(true);
    manager.start();
    const failed = nextEvent(delivery, 'retry-scheduled');
    const triggers = new SignalTriggers(manager);
    for (const id of ['a1', 'a2', 'a3']) triggers.alarmEvent({ type: 'raised', alarm: alarmView({ id, pressId: 'sm-1' }) });
    await failed;
    await receiver.listen(port);
    const all = receiver.received(3);
    clock.advance(1000); // the first retry (750 ms), before the attempt's 5 s timeout
    await all;
    expect(receiver.requests.map((r) => /EventValue="([^"]+)"/.exec(r.body)?.[1])).toEqual(['a1', 'a2', 'a3']);
    for (const r of receiver.requests) validate(r.body);
  });

  it('after a restart with the subscriber no longer allowed, its channel is ended and gets nothing', async () => {
    const receiverUp = await receiver.listen();
    const subscribed = manager.subscribe({
      pressId: 'sm-1',
      messageType: 'Status',
      url: `http://127.0.0.1:${receiverUp.port}/mis`,
      repeatSeconds: 1,
      channelMode: undefined,
      refId: 'q9',
      subscriber: 'MIS',
    });
    expect(subscribed.ok).toBe(true);
    const restarted = makeManager(['mis.shop.lan']);
    restarted.start();
    expect(restarted.list()).toEqual([]);
    expect(new SubscriptionRepository(db).get(subscribed.ok ? subscribed.subscription.channelId : '')).toMatchObject({
      state: 'stopped',
      endReason: expect.stringMatching(/no longer allowed/),
    });
    clock.advance(5000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(receiver.requests).toEqual([]);
    await restarted.stop();
  });
});
