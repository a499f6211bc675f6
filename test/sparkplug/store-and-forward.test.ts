/**
 * Store and forward: what the box sees while it cannot publish reaches the broker afterwards,
 * in order, marked historical, each change with the time it was seen; past the queue's bound
 * the oldest are dropped and counted. A broker restart, a ten-minute network cut (press time on
 * a manual clock) and a full queue, each against a real Mosquitto.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { migrate, openDatabase } from '../../src/store/index.js';
import { EdgeNode } from '../../src/sparkplug/edge-node.js';
import { SparkplugOutbox } from '../../src/sparkplug/outbox-repository.js';
import { sparkplugMigrations } from '../../src/sparkplug/sparkplug-migrations.js';
import { toNumber } from '../../src/sparkplug/sparkplug-wire.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { FakePresses } from './fake-presses.js';
import { CuttableLink, Mosquitto, SparkplugObserver, isType, type SeenMessage } from './sparkplug-kit.js';

let broker: Mosquitto;
const cleanups: (() => Promise<void> | void)[] = [];
beforeAll(async () => {
  broker = await Mosquitto.start();
});
afterAll(async () => {
  await broker.stop();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** `batchTimers`: the edge node's batch timer on a manual clock, so a test holds live messages back. */
async function rig(options: { maxMessages?: number; batchTimers?: ManualClock } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-sparkplug-'));
  const db = openDatabase({ dataDir: dir, logger: pino({ level: 'silent' }) });
  migrate(db, sparkplugMigrations);
  const clock = new ManualClock();
  const presses = new FakePresses(['press-1'], clock.now());
  const outbox = new SparkplugOutbox(db, options.maxMessages ?? 10_000);
  // the box reaches the broker through a link the test can cut; the observer sits on the broker itself
  const link = await CuttableLink.to(broker.port);
  const observer = await SparkplugObserver.connect(broker.url);
  const node = new EdgeNode({
    credentials: { broker: link.url },
    groupId: 'print-group',
    edgeNodeId: 'plant-west',
    devices: presses,
    outbox,
    reconnectMs: 50,
    clock,
    logger: pino({ level: 'silent' }),
    replayBatch: 100,
    ...(options.batchTimers ? { batchTimers: options.batchTimers } : {}),
  });
  presses.node = node;
  cleanups.push(async () => {
    await node.stop();
    await observer.close();
    await link.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  node.start();
  if (options.batchTimers) {
    // the births wait in the batch until the test lets it go
    await expect.poll(() => node.status().publishing).toBe(true);
    options.batchTimers.advance(1000);
  }
  await observer.next(isType('DBIRTH', 'press-1'), { what: 'the first DBIRTH' });
  return { node, presses, outbox, clock, link, observer };
}

/** The good-sheet counts the historical DDATA carried (good and total change together; good is the smaller), in arrival order. */
function historicalGood(messages: SeenMessage[], from: number): { good: number; at: number }[] {
  return messages
    .slice(from)
    .filter((m) => isType('DDATA', 'press-1')(m) && m.payload.metrics!.every((x) => x.isHistorical))
    .map((m) => ({ good: Math.min(...[...m.values.values()].map(Number)), at: toNumber(m.payload.timestamp)! }));
}

describe('store and forward', () => {
  it('sends what happened during a ten-minute network cut after the link returns, in order, historical, with its times', async () => {
    const { node, presses, outbox, clock, link, observer } = await rig();
    link.cut();
    await expect.poll(() => node.status().connected).toBe(false);
    const cutAt = clock.now();
    // ten minutes of press time, a good sheet counted every second
    for (let s = 1; s <= 600; s++) {
      clock.advance(1000);
      presses.change('press-1', { counters: { total: 1000 + s, good: 950 + s, waste: 50 } });
    }
    expect(outbox.depth()).toBe(600);
    const from = observer.messages.length;
    link.restore();
    const nbirth = await observer.next(isType('NBIRTH'), { from, what: 'the NBIRTH after the cut' });
    await observer.next((m) => isType('DDATA')(m) && m.values.size === 2 && [...m.values.values()].includes(950 + 600), {
      from,
      what: 'the last stored DDATA',
    });
    const stored = historicalGood(observer.messages, from);
    expect(stored.map((d) => d.good)).toEqual(Array.from({ length: 600 }, (_, i) => 951 + i));
    expect(stored[0]!.at).toBe(cutAt + 1000);
    expect(stored.at(-1)!.at).toBe(cutAt + 600_000);
    // the births come first (current values), then the history
    expect(observer.messages.indexOf(nbirth)).toBeLessThan(observer.messages.findIndex((m, i) => i >= from && isType('DDATA')(m)));
    await expect.poll(() => outbox.depth()).toBe(0);
  });

  it('keeps a change still waiting for its batch when the link breaks, and sends it historical before the outage data', async () => {
    const batchTimers = new ManualClock();
    const { node, presses, outbox, clock, link, observer } = await rig({ batchTimers });
    clock.advance(1000);
    const seenAt = clock.now();
    presses.change('press-1', { counters: { total: 4001, good: 3901, waste: 50 } });
    // the DDATA is built and waits for its batch (held here: the batch timer never fires)
    expect(node.counters.data).toBe(1);
    expect(outbox.depth()).toBe(0);
    link.cut();
    await expect.poll(() => node.status().connected).toBe(false);
    expect(outbox.depth()).toBe(1);
    expect(node.counters).toMatchObject({ data: 0, queued: 1 });
    // the outage goes on
    clock.advance(1000);
    presses.change('press-1', { counters: { total: 4002, good: 3902, waste: 50 } });
    const from = observer.messages.length;
    link.restore();
    // the replay sends the births and the queue itself: no batch timer needed
    await observer.next((m) => isType('DDATA')(m) && [...m.values.values()].includes(3902), { from, what: 'the last stored DDATA' });
    expect(historicalGood(observer.messages, from)).toEqual([
      { good: 3901, at: seenAt },
      { good: 3902, at: seenAt + 1000 },
    ]);
    await expect.poll(() => outbox.depth()).toBe(0);
    expect(node.counters.historical).toBe(2);
  });

  it('sends what happened while the broker was restarting', async () => {
    const { node, presses, outbox, clock, link, observer } = await rig();
    // the box's link stays cut until the observer is back on the restarted broker, so it misses nothing
    link.cut();
    await broker.restart();
    await expect.poll(() => observer.client.connected, { timeout: 5000 }).toBe(true);
    await observer.client.subscribeAsync('spBv1.0/#', { qos: 1 });
    await expect.poll(() => node.status().connected).toBe(false);
    for (let s = 1; s <= 20; s++) {
      clock.advance(5000);
      presses.change('press-1', { counters: { total: 2000 + s, good: 1900 + s, waste: 50 } });
    }
    const from = observer.messages.length;
    link.restore();
    await observer.next((m) => isType('DDATA')(m) && [...m.values.values()].includes(1920), { from, what: 'the last stored DDATA' });
    expect(historicalGood(observer.messages, from).map((d) => d.good)).toEqual(Array.from({ length: 20 }, (_, i) => 1901 + i));
    await expect.poll(() => outbox.depth()).toBe(0);
    expect(node.counters.historical).toBe(20);
  });

  it('keeps the newest changes when the queue is full, dropping and counting the oldest', async () => {
    const { node, presses, outbox, clock, link, observer } = await rig({ maxMessages: 50 });
    link.cut();
    await expect.poll(() => node.status().connected).toBe(false);
    for (let s = 1; s <= 80; s++) {
      clock.advance(1000);
      presses.change('press-1', { counters: { total: 3000 + s, good: 2900 + s, waste: 50 } });
    }
    expect(outbox.depth()).toBe(50);
    expect(outbox.dropped()).toBe(30);
    const from = observer.messages.length;
    link.restore();
    await observer.next((m) => isType('DDATA')(m) && [...m.values.values()].includes(2980), { from, what: 'the last stored DDATA' });
    expect(historicalGood(observer.messages, from).map((d) => d.good)).toEqual(Array.from({ length: 50 }, (_, i) => 2931 + i));
  });
});
