import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlarmPriority } from '../../src/model/alarm-view.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { alarmView, boot, deliveries, makeTempDir, nextEvent } from './harness.js';
import { freePort, WebhookReceiver } from './webhook-receiver.js';

const DAY = 86_400_000;

describe('webhook outbox limits: a capped backlog and pruning', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let receiver: WebhookReceiver;
  let p: ReturnType<typeof boot>;
  let clock: ManualClock;
  beforeEach(() => {
    temp = makeTempDir();
    receiver = new WebhookReceiver();
    clock = new ManualClock();
  });
  afterEach(async () => {
    await p.shutdown();
    await receiver.close();
    temp.cleanup();
  });

  it('over the cap, the oldest lowest-priority rows are dropped first (never the one being sent), and it is logged', async () => {
    const port = await freePort();
    p = boot({
      dir: temp.dir,
      clock,
      webhooks: [{ id: 'mis', url: `http://127.0.0.1:${port}/hooks`, minPriority: 'low' }],
      limits: { maxPendingPerWebhook: 5 },
    });
    p.notifications.start();
    const raise = (id: string, priority: AlarmPriority) => p.source.emit('raised', alarmView({ id, priority }));
    const failed = nextEvent(p.notifications, 'retry-scheduled');
    raise('jam-1', 'critical'); // the head: on the wire (refused), then waiting to retry
    await failed;
    const dropped: string[] = [];
    p.notifications.events.on('dropped', (e) => dropped.push(`${e.webhookId}:${e.count}`));
    raise('fountain-a', 'low');
    raise('ink-b', 'medium');
    raise('fountain-c', 'low');
    raise('door-d', 'high');
    raise('e-stop-e', 'critical'); // 6 pending: fountain-a goes
    raise('fountain-f', 'low'); // fountain-c goes (older than f)
    raise('door-g', 'high'); // fountain-f goes
    expect(dropped).toEqual(['mis:1', 'mis:1', 'mis:1']);
    expect(p.notifications.status()[0]).toMatchObject({ pending: 5, dropped: 3 });
    expect(p.logs.records.filter((r) => r.msg.startsWith('webhook backlog over its cap'))).toHaveLength(3);
    expect(p.logs.records.find((r) => r.msg.startsWith('webhook backlog over its cap'))).toMatchObject({ level: 40, webhook: 'mis', dropped: 1, cap: 5 });

    await receiver.listen(port);
    const all = deliveries(p.notifications, 5);
    await clock.advanceAsync(750);
    await all;
    expect(receiver.requests.map((r) => (r.json as { alarm: { id: string } }).alarm.id)).toEqual(['jam-1', 'ink-b', 'door-d', 'e-stop-e', 'door-g']);
  });

  it('delivered rows are pruned after 7 days, dead ones kept 30 days for support', async () => {
    await receiver.listen();
    receiver.answer({ status: 404, body: 'no such hook' });
    p = boot({ dir: temp.dir, clock, webhooks: [{ id: 'chat', url: receiver.url }] });
    p.notifications.start();
    const dead = nextEvent(p.notifications, 'dead');
    const delivered = nextEvent(p.notifications, 'delivered');
    p.source.emit('raised', alarmView({ id: 'jam-1' }));
    p.source.emit('raised', alarmView({ id: 'jam-2' }));
    await dead;
    await delivered;
    expect(p.notifications.status()[0]).toMatchObject({ delivered: 1, dead: 1 });

    await clock.advanceAsync(7 * DAY + 3_600_000); // hourly pruning passes the 7-day mark
    expect(p.notifications.status()[0]).toMatchObject({ delivered: 0, dead: 1 });
    expect(p.outbox.list('chat')).toMatchObject([{ status: 'dead', httpStatus: 404, lastError: 'HTTP 404: no such hook' }]);
    await clock.advanceAsync(23 * DAY);
    expect(p.notifications.status()[0]).toMatchObject({ delivered: 0, dead: 0 });
    expect(p.outbox.list('chat')).toEqual([]);
  });
});
