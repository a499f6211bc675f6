import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../helpers/manual-clock.js';
import { alarmView, boot, deliveries, makeTempDir, nextEvent } from './harness.js';
import { freePort, WebhookReceiver } from './webhook-receiver.js';

const ids = (receiver: WebhookReceiver) => receiver.requests.map((r) => (r.json as { alarm: { id: string } }).alarm.id);

describe('webhook outbox across a restart', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let receiver: WebhookReceiver;
  let running: ReturnType<typeof boot>[];
  beforeEach(() => {
    temp = makeTempDir();
    receiver = new WebhookReceiver();
    running = [];
  });
  afterEach(async () => {
    for (const p of running) await p.shutdown();
    await receiver.close();
    temp.cleanup();
  });
  const start = (port: number, clock: ManualClock) => {
    const p = boot({ dir: temp.dir, clock, webhooks: [{ id: 'pager', url: `http://127.0.0.1:${port}/hooks` }] });
    running.push(p);
    p.notifications.start();
    return p;
  };
  const shutdown = async (p: ReturnType<typeof boot>) => {
    running = running.filter((x) => x !== p);
    await p.shutdown();
  };

  it('pending rows are delivered after the restart, in order; rows a 2xx acknowledged are not sent again', async () => {
    const port = await freePort();
    await receiver.listen(port);
    const first = start(port, new ManualClock());
    const twoDelivered = deliveries(first.notifications, 2);
    first.source.emit('raised', alarmView({ id: 'jam-1' }));
    first.source.emit('raised', alarmView({ id: 'jam-2' }));
    await twoDelivered;

    await receiver.close(); // the pager gateway goes down
    const failed = nextEvent(first.notifications, 'retry-scheduled');
    for (const id of ['jam-3', 'e-stop-4', 'jam-5']) first.source.emit('raised', alarmView({ id }));
    await failed;
    await shutdown(first); // notifier stopped, database closed, with three rows pending

    await receiver.listen(port);
    const second = boot({ dir: temp.dir, clock: new ManualClock(), webhooks: [{ id: 'pager', url: `http://127.0.0.1:${port}/hooks` }] });
    running.push(second);
    const before = second.notifications.status()[0]!;
    expect(before).toMatchObject({ pending: 3, delivered: 2 });
    expect(before.lastError).toMatch(/^fetch failed: /); // read back from the outbox (socket closed or refused)
    const resumed = deliveries(second.notifications, 3);
    second.notifications.start();
    await resumed;

    expect(ids(receiver)).toEqual(['jam-1', 'jam-2', 'jam-3', 'e-stop-4', 'jam-5']);
    expect(new Set(receiver.requests.map((r) => r.headers['x-pressroom-delivery'])).size).toBe(5);
    expect(second.notifications.status()[0]).toMatchObject({ pending: 0, delivered: 5, dead: 0 });
    expect(second.logs.records.find((r) => r.msg === 'resuming pending webhook deliveries')).toMatchObject({ webhooks: [{ id: 'pager', pending: 3 }] });
  });

  it('a request on the wire at stop is abandoned, stays pending, and goes again after the restart with the same delivery id', async () => {
    await receiver.listen();
    receiver.answer({ status: 200, hold: true });
    const first = start(receiver.port, new ManualClock());
    first.source.emit('raised', alarmView({ id: 'jam-1' }));
    await receiver.received(1);
    await shutdown(first); // aborts the held request

    const second = start(receiver.port, new ManualClock());
    const delivered = nextEvent(second.notifications, 'delivered');
    expect(await delivered).toMatchObject({ attempts: 1 }); // the aborted try did not count
    expect(ids(receiver)).toEqual(['jam-1', 'jam-1']); // at least once: the receiver drops the repeat by its id
    expect(receiver.requests[0]!.headers['x-pressroom-delivery']).toBe(receiver.requests[1]!.headers['x-pressroom-delivery']);
  });

  it('alarms raised while nothing is started are kept and sent at start', async () => {
    await receiver.listen();
    const p = boot({ dir: temp.dir, clock: new ManualClock(), webhooks: [{ id: 'pager', url: receiver.url }] });
    running.push(p);
    p.source.emit('raised', alarmView({ id: 'jam-1' })); // e.g. restored by the alarm service before start()
    expect(p.notifications.status()[0]).toMatchObject({ pending: 1 });
    const delivered = deliveries(p.notifications, 1);
    p.notifications.start();
    await delivered;
    expect(ids(receiver)).toEqual(['jam-1']);
  });
});
