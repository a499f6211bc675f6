import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../helpers/manual-clock.js';
import { alarmView, boot, makeTempDir } from './harness.js';
import { WebhookReceiver } from './webhook-receiver.js';

/**
 * Which alarm events reach which webhook. Each case queues its events, then one marker event
 * every webhook wants; once the marker has arrived, everything queued before it has too
 * (each webhook's rows go out in order), so "not sent" is observed, not waited out.
 */
describe('webhook filters: priority, press, event', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let receiver: WebhookReceiver;
  let p: ReturnType<typeof boot>;
  const clock = new ManualClock();
  beforeEach(async () => {
    temp = makeTempDir();
    receiver = await new WebhookReceiver().listen();
  });
  afterEach(async () => {
    await p.shutdown();
    await receiver.close();
    temp.cleanup();
  });

  const marker = alarmView({ id: 'marker', pressId: 'sm-1', priority: 'critical', code: 'e-stop' });
  /** What the receiver got, as `path event alarmId`, after the marker reached every webhook. */
  async function received(webhookCount: number): Promise<string[]> {
    p.source.emit('raised', marker);
    for (let seen = 0; seen < webhookCount;) {
      await receiver.received(receiver.requests.length + 1);
      seen = receiver.requests.filter((r) => (r.json as { alarm: { id: string } }).alarm.id === 'marker').length;
    }
    return receiver.requests
      .map((r) => `${r.path.slice(1)} ${(r.json as { event: string }).event} ${(r.json as { alarm: { id: string } }).alarm.id}`)
      .filter((line) => !line.endsWith(' marker'));
  }

  it('minPriority high (the default) takes critical and high, not medium or low', async () => {
    p = boot({ dir: temp.dir, clock, webhooks: [{ id: 'pager', url: `${receiver.url}/pager` }] });
    p.notifications.start();
    p.source.emit('raised', alarmView({ id: 'jam', priority: 'critical' }));
    p.source.emit('raised', alarmView({ id: 'door', code: 'door-open', priority: 'high' }));
    p.source.emit('raised', alarmView({ id: 'ink', code: 'ink.low.1', priority: 'medium' }));
    p.source.emit('raised', alarmView({ id: 'fountain', code: 'fountain.low', priority: 'low' }));
    expect(await received(1)).toEqual(['hooks/pressroom/pager alarm.raised jam', 'hooks/pressroom/pager alarm.raised door']);
  });

  it('presses limits a webhook to its presses; events to the kinds it asked for (default raised and renotify)', async () => {
    p = boot({
      dir: temp.dir,
      clock,
      webhooks: [
        { id: 'sm1-only', url: `${receiver.url}/sm1`, presses: ['sm-1'], minPriority: 'low' },
        { id: 'defaults', url: `${receiver.url}/defaults` },
        { id: 'lifecycle', url: `${receiver.url}/lifecycle`, events: ['cleared', 'acked', 'raised'] },
      ],
    });
    p.notifications.start();
    const jam = alarmView({ id: 'jam-2', pressId: 'sm-2', priority: 'critical' });
    p.source.emit('raised', jam);
    p.source.emit('renotify', jam);
    p.source.emit('updated', { ...jam, chatterCount: 2 }); // bookkeeping: never sent
    p.source.emit('acked', { ...jam, acknowledged: true, state: 'acked-active', ackedBy: 'anna' });
    p.source.emit('cleared', { ...jam, acknowledged: true, active: false, state: 'normal' });
    p.source.emit('raised', alarmView({ id: 'fountain-1', pressId: 'sm-1', code: 'fountain.low', priority: 'low' }));
    const lines = await received(3);
    expect(lines.filter((l) => l.startsWith('hooks/pressroom/sm1 '))).toEqual(['hooks/pressroom/sm1 alarm.raised fountain-1']);
    expect(lines.filter((l) => l.startsWith('hooks/pressroom/defaults '))).toEqual([
      'hooks/pressroom/defaults alarm.raised jam-2',
      'hooks/pressroom/defaults alarm.renotify jam-2',
    ]);
    expect(lines.filter((l) => l.startsWith('hooks/pressroom/lifecycle '))).toEqual([
      'hooks/pressroom/lifecycle alarm.raised jam-2',
      'hooks/pressroom/lifecycle alarm.acked jam-2',
      'hooks/pressroom/lifecycle alarm.cleared jam-2',
    ]);
  });

  it('an ink alarm that escalates from medium to high is announced to a high-only webhook, and its clear follows after it drops back', async () => {
    p = boot({ dir: temp.dir, clock, webhooks: [{ id: 'pager', url: `${receiver.url}/pager`, events: ['raised', 'cleared'] }] });
    p.notifications.start();
    const ink = alarmView({ id: 'ink-1', code: 'ink.low.1', label: 'Ink low, unit 1', priority: 'medium', stopReason: null });
    p.source.emit('raised', ink); // 14 %: medium, not for this webhook
    p.source.emit('updated', { ...ink, priority: 'high' }); // 4 %: escalated, this is its raise here
    p.source.emit('updated', { ...ink, priority: 'high', chatterCount: 2 }); // already announced: nothing more
    p.source.emit('updated', { ...ink, priority: 'medium' }); // 7.5 %: back to medium
    p.source.emit('cleared', { ...ink, priority: 'medium', active: false, state: 'unack-cleared' }); // refilled
    // A medium alarm never announced here: its clear is not sent either.
    const paper = alarmView({ id: 'paper-1', code: 'paper.low', priority: 'medium', stopReason: null });
    p.source.emit('raised', paper);
    p.source.emit('cleared', { ...paper, active: false, state: 'unack-cleared' });
    // Escalating while shelved is not an announcement.
    const shelved = alarmView({ id: 'ink-2', code: 'ink.low.2', priority: 'medium', shelvedUntil: clock.now() + 60_000, shelvedBy: 'ben' });
    p.source.emit('updated', { ...shelved, priority: 'high' });
    const lines = await received(1);
    expect(lines).toEqual(['hooks/pressroom/pager alarm.raised ink-1', 'hooks/pressroom/pager alarm.cleared ink-1']);
    const escalated = receiver.requests[0]!.json as { alarm: { priority: string } };
    expect(escalated.alarm.priority).toBe('high');
  });
});
