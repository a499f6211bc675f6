import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../helpers/manual-clock.js';
import { backoffDelay, defaultRetryPolicy, parseRetryAfter } from '../../src/notifications/retry-policy.js';
import { alarmView, boot, deliveries, makeTempDir, nextEvent } from './harness.js';
import { freePort, WebhookReceiver } from './webhook-receiver.js';

const ids = (receiver: WebhookReceiver) => receiver.requests.map((r) => (r.json as { alarm: { id: string } }).alarm.id);

describe('webhook retries: what passes is retried, in order; what cannot pass is dead', () => {
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

  it('receiver down (connection refused) then up: every alarm arrives after the retry, in the order raised', async () => {
    const port = await freePort();
    p = boot({ dir: temp.dir, clock, webhooks: [{ id: 'pager', url: `http://127.0.0.1:${port}/hooks` }] });
    p.notifications.start();
    let failed = nextEvent(p.notifications, 'retry-scheduled');
    for (const id of ['jam-1', 'e-stop-1', 'jam-2']) p.source.emit('raised', alarmView({ id }));
    const first = await failed;
    expect(first).toMatchObject({ attempts: 1, httpStatus: null, delayMs: 750 }); // 1 s step, jitter pinned at 3/4
    expect(first.error).toContain('ECONNREFUSED');
    // Only the head was tried: the rows behind it wait their turn.
    expect(p.outbox.list('pager').map((e) => e.attempts)).toEqual([1, 0, 0]);

    failed = nextEvent(p.notifications, 'retry-scheduled');
    await clock.advanceAsync(750);
    expect(await failed).toMatchObject({ attempts: 2, delayMs: 1500 });
    const [status] = p.notifications.status();
    expect(status).toMatchObject({ pending: 3, delivered: 0, nextAttemptAt: clock.now() + 1500 });
    expect(status!.lastError).toContain('ECONNREFUSED');

    await receiver.listen(port);
    const all = deliveries(p.notifications, 3);
    await clock.advanceAsync(1500);
    await all;
    expect(ids(receiver)).toEqual(['jam-1', 'e-stop-1', 'jam-2']);
    expect(p.outbox.list('pager').map((e) => `${e.status}/${e.attempts}`)).toEqual(['delivered/3', 'delivered/1', 'delivered/1']);
    expect(p.notifications.status()[0]).toMatchObject({ pending: 0, delivered: 3, lastError: null, nextAttemptAt: null });
    // A dead receiver is logged once at warn, the repeats at debug, the recovery at info.
    expect(p.logs.at('warn')).toEqual(['webhook delivery failed; will retry']);
    expect(p.logs.at('debug')).toEqual(['webhook delivery failed again']);
    expect(p.logs.at('info')).toContain('webhook delivering again');
  });

  it('500 then 429 with Retry-After then 200: retried with the same delivery id, honouring Retry-After', async () => {
    await receiver.listen();
    receiver.answer({ status: 500, body: 'upstream chat service down' }, { status: 429, headers: { 'retry-after': '30' }, body: 'slow down' });
    p = boot({ dir: temp.dir, clock, webhooks: [{ id: 'chat', url: receiver.url }] });
    p.notifications.start();
    let failed = nextEvent(p.notifications, 'retry-scheduled');
    p.source.emit('raised', alarmView({ id: 'jam-1' }));
    expect(await failed).toMatchObject({ attempts: 1, httpStatus: 500, error: 'HTTP 500: upstream chat service down', delayMs: 750 });
    expect(p.notifications.status()[0]).toMatchObject({ pending: 1, lastError: 'HTTP 500: upstream chat service down' });

    failed = nextEvent(p.notifications, 'retry-scheduled');
    await clock.advanceAsync(750);
    expect(await failed).toMatchObject({ attempts: 2, httpStatus: 429, delayMs: 30_000 });

    const delivered = nextEvent(p.notifications, 'delivered');
    await clock.advanceAsync(29_999);
    expect(receiver.requests).toHaveLength(2); // not before the receiver said
    await clock.advanceAsync(1);
    expect(await delivered).toMatchObject({ attempts: 3, httpStatus: 200 });
    expect(new Set(receiver.requests.map((r) => r.headers['x-pressroom-delivery'])).size).toBe(1);
    expect(new Set(receiver.requests.map((r) => r.body)).size).toBe(1);
  });

  it('400: dead with its status and body, never retried, and the next alarm still goes', async () => {
    await receiver.listen();
    receiver.answer({ status: 400, body: '{"error":"unknown channel #press-hall"}' });
    p = boot({ dir: temp.dir, clock, webhooks: [{ id: 'chat', url: receiver.url }] });
    p.notifications.start();
    const dead = nextEvent(p.notifications, 'dead');
    const delivered = nextEvent(p.notifications, 'delivered');
    p.source.emit('raised', alarmView({ id: 'jam-1' }));
    p.source.emit('raised', alarmView({ id: 'jam-2' }));
    expect(await dead).toMatchObject({ httpStatus: 400, attempts: 1, error: 'HTTP 400: {"error":"unknown channel #press-hall"}' });
    await delivered;
    // The refusal stays on record with the row; the webhook's lastError clears with the next delivery.
    expect(p.notifications.status()[0]).toMatchObject({ pending: 0, delivered: 1, dead: 1, lastError: null });
    expect(p.outbox.list('chat')[0]).toMatchObject({
      status: 'dead',
      httpStatus: 400,
      attempts: 1,
      lastError: 'HTTP 400: {"error":"unknown channel #press-hall"}',
    });
    expect(p.logs.records.find((r) => r.msg === 'webhook refused a delivery; not retrying')).toMatchObject({ level: 40, httpStatus: 400, alarmId: 'jam-1' });

    // An hour later nothing was tried again: the next request is the next alarm.
    await clock.advanceAsync(3_600_000);
    const third = deliveries(p.notifications, 1);
    p.source.emit('raised', alarmView({ id: 'jam-3' }));
    await third;
    expect(ids(receiver)).toEqual(['jam-1', 'jam-2', 'jam-3']);
  });

  it('no answer within timeoutMs: the request is abandoned and retried', async () => {
    await receiver.listen();
    receiver.answer({ status: 200, hold: true });
    p = boot({ dir: temp.dir, clock, webhooks: [{ id: 'pager', url: receiver.url, timeoutMs: 2000 }] });
    p.notifications.start();
    const failed = nextEvent(p.notifications, 'retry-scheduled');
    p.source.emit('raised', alarmView({ id: 'jam-1' }));
    await receiver.received(1);
    await clock.advanceAsync(2000);
    expect(await failed).toMatchObject({ attempts: 1, httpStatus: null, error: 'timeout: no answer within 2000 ms' });
    const delivered = nextEvent(p.notifications, 'delivered');
    await clock.advanceAsync(750);
    expect(await delivered).toMatchObject({ attempts: 2 });
  });
});

describe('backoff', () => {
  it('doubles from 1 s to a 5 min cap, jitter within the upper half of each step; Retry-After as seconds or a date', () => {
    const steps = Array.from({ length: 11 }, (_, i) => backoffDelay(defaultRetryPolicy, i + 1, () => 0));
    expect(steps).toEqual([500, 1000, 2000, 4000, 8000, 16_000, 32_000, 64_000, 128_000, 150_000, 150_000]);
    expect(backoffDelay(defaultRetryPolicy, 100, () => 0.999_999)).toBe(300_000);
    expect(backoffDelay(defaultRetryPolicy, 1, () => 0.5)).toBe(750);
    const now = Date.UTC(2025, 2, 14, 6, 0, 0);
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Fri, 14 Mar 2025 06:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
