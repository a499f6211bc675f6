/**
 * The box as a Sparkplug B edge node on a real Mosquitto: what a SCADA host or historian
 * subscribed to the plant's broker receives, decoded with Eclipse Tahu's decoder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino, type Logger } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { migrate, openDatabase, type StoreDatabase } from '../../src/store/index.js';
import { DEVICE_REBIRTH } from '../../src/sparkplug/device-commands.js';
import { EdgeNode } from '../../src/sparkplug/edge-node.js';
import { SparkplugOutbox } from '../../src/sparkplug/outbox-repository.js';
import { sparkplugMigrations } from '../../src/sparkplug/sparkplug-migrations.js';
import { encode, metric, stateTopic, toNumber } from '../../src/sparkplug/sparkplug-wire.js';
import { captureLogs } from '../helpers/log-capture.js';
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

interface Rig {
  node: EdgeNode;
  presses: FakePresses;
  observer: SparkplugObserver;
  outbox: SparkplugOutbox;
  clock: ManualClock;
  db: StoreDatabase;
}

async function rig(
  options: {
    presses?: string[];
    primaryHostId?: string;
    url?: string;
    maxMessages?: number;
    edgeNodeId?: string;
    analogIntervalMs?: number;
    logger?: Logger;
  } = {},
): Promise<Rig> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-sparkplug-'));
  const db = openDatabase({ dataDir: dir, logger: pino({ level: 'silent' }) });
  migrate(db, sparkplugMigrations);
  const clock = new ManualClock();
  const presses = new FakePresses(options.presses ?? ['press-1', 'press-2'], clock.now());
  const outbox = new SparkplugOutbox(db, options.maxMessages ?? 1000);
  const observer = await SparkplugObserver.connect(broker.url);
  const node = new EdgeNode({
    credentials: { broker: options.url ?? broker.url },
    groupId: 'print-group',
    edgeNodeId: options.edgeNodeId ?? 'plant-north',
    primaryHostId: options.primaryHostId,
    devices: presses,
    outbox,
    reconnectMs: 50,
    analogIntervalMs: options.analogIntervalMs,
    clock,
    logger: options.logger ?? pino({ level: 'silent' }),
  });
  presses.node = node;
  cleanups.push(async () => {
    await node.stop();
    await observer.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { node, presses, observer, outbox, clock, db };
}

const bdSeqOf = (m: SeenMessage) => m.values.get('bdSeq');
/** What the box published (the commands a host sent are on the same broker). */
const fromBox = (m: SeenMessage) => m.parsed !== undefined && !m.parsed.type.endsWith('CMD');
/** A host application's client: publishes commands, subscribed to nothing the box sends. */
async function host(): Promise<SparkplugObserver> {
  const client = await SparkplugObserver.connect(broker.url, 'nothing/here');
  cleanups.push(() => client.close());
  return client;
}
const dcmd = (pressId: string) => `spBv1.0/print-group/DCMD/plant-north/${pressId}`;
const command = (...metrics: ReturnType<typeof metric>[]) => encode({ timestamp: Date.now(), metrics });
/** alias → name, from a DBIRTH. */
const aliasNames = (birth: SeenMessage) => new Map((birth.payload.metrics ?? []).map((m) => [toNumber(m.alias)!, m.name!]));
const namesIn = (data: SeenMessage, birth: SeenMessage) => (data.payload.metrics ?? []).map((m) => aliasNames(birth).get(toNumber(m.alias)!));

describe('Sparkplug B edge node', () => {
  it('is born with bdSeq and seq 0, then a DBIRTH per press with every metric, alias and unit', async () => {
    const { node, observer } = await rig();
    node.start();
    const nbirth = await observer.next(isType('NBIRTH'), { what: 'NBIRTH' });
    expect(nbirth.topic).toBe('spBv1.0/print-group/NBIRTH/plant-north');
    expect(nbirth.seq).toBe(0);
    expect(bdSeqOf(nbirth)).toBe(0);
    expect(nbirth.values.get('Node Control/Rebirth')).toBe(false);
    expect(nbirth.payload.metrics!.every((m) => m.name && toNumber(m.alias) !== null)).toBe(true);

    const dbirth = await observer.next(isType('DBIRTH', 'press-2'), { what: 'DBIRTH press-2' });
    expect(observer.of('DBIRTH', 'press-1')[0]!.seq).toBe(1);
    expect(dbirth.seq).toBe(2);
    const metrics = new Map((dbirth.payload.metrics ?? []).map((m) => [m.name!, m]));
    for (const name of [
      'Online',
      'Run State',
      'Stop Cause',
      'Speed',
      'Counters/Total',
      'Counters/Good',
      'Counters/Waste',
      'Ink/1/Level',
      'Ink/4/Level',
      'Paper/Level',
      'Alarms/Active/critical',
      'Alarms/Active/low',
      'Job/Current',
    ])
      expect(metrics.has(name), name).toBe(true);
    expect(metrics.get('Speed')!.properties?.engUnit?.value).toBe('sheets/h');
    expect(metrics.get('Ink/1/Level')!.properties?.engUnit?.value).toBe('%');
    expect(metrics.get('Counters/Good')!.type).toBe('UInt64');
    expect(dbirth.values.get('Run State')).toBe('production');
    // aliases are unique across the whole edge node, not only within a press
    const aliases = [...observer.of('NBIRTH'), ...observer.of('DBIRTH')].flatMap((m) => (m.payload.metrics ?? []).map((x) => toNumber(x.alias)));
    expect(new Set(aliases).size).toBe(aliases.length);
  });

  it('sends only what changed, by alias, with seq counting up and wrapping after 255', async () => {
    const { node, observer, presses, clock } = await rig({ presses: ['press-1'] });
    node.start();
    const birth = await observer.next(isType('DBIRTH', 'press-1'));
    presses.change('press-1', { speed: 11_000 });
    const first = await observer.next(isType('DDATA'), { what: 'DDATA' });
    expect(namesIn(first, birth)).toEqual(['Speed']);
    expect(first.payload.metrics![0]!.name).toBeFalsy();
    expect(first.values.get(`#${toNumber(first.payload.metrics![0]!.alias)}`)).toBe(11_000);
    presses.change('press-1', { speed: 11_000 }); // no change: nothing sent
    for (let i = 1; i <= 300; i++) {
      clock.advance(1000);
      presses.change('press-1', { counters: { total: 1000 + i, good: 950 + i, waste: 50 } });
    }
    await observer.next((m) => isType('DDATA')(m) && m.values.size === 2 && [...m.values.values()].includes(1300), { what: 'the 300th DDATA' });
    const data = observer.of('DDATA');
    expect(data).toHaveLength(301);
    expect(namesIn(data[1]!, birth).sort()).toEqual(['Counters/Good', 'Counters/Total']);
    const seqs = [birth.seq!, ...data.map((m) => m.seq!)];
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe((seqs[i - 1]! + 1) % 256);
    expect(seqs).toContain(255);
    expect(seqs.at(-1)).toBeLessThan(100);
  });

  it('reports speed and counters once a second, their latest value, and a run-state change at once', async () => {
    const { node, observer, presses, clock } = await rig({ presses: ['press-1', 'press-2'], analogIntervalMs: 1000 });
    node.start();
    const birth = await observer.next(isType('DBIRTH', 'press-1'));
    const speedAlias = [...aliasNames(birth)].find(([, name]) => name === 'Speed')![0];
    presses.change('press-1', { speed: 11_000 });
    clock.advance(200);
    presses.change('press-1', { speed: 11_100 });
    clock.advance(200);
    presses.change('press-1', { speed: 11_200 });
    // a jam goes at once, with the speed waiting since
    presses.change('press-1', { state: 'stopped', stopReason: 'jam' });
    const jam = await observer.next((m) => isType('DDATA')(m) && m.values.get(`#${speedAlias}`) === 11_200, { what: 'the jam DDATA' });
    expect(namesIn(jam, birth).sort()).toEqual(['Run State', 'Speed', 'Stop Cause']);
    presses.change('press-1', { speed: 0 });
    presses.change('press-2', { counters: { total: 1001, good: 951, waste: 50 } });
    clock.advance(500);
    presses.change('press-1', { speed: 10 });
    clock.advance(600); // the tick, a second after the first speed change: the latest values of both presses
    const late = await observer.next((m) => isType('DDATA', 'press-1')(m) && m.values.get(`#${speedAlias}`) === 10, { what: 'the speed at the tick' });
    expect(namesIn(late, birth)).toEqual(['Speed']);
    await observer.next(isType('DDATA', 'press-2'), { what: "press-2's counters at the same tick" });
    expect(observer.of('DDATA', 'press-1')).toHaveLength(2);
  });

  it('sends DDEATH when a press goes offline and DBIRTH when it is back', async () => {
    const { node, observer, presses } = await rig();
    node.start();
    await observer.next(isType('DBIRTH', 'press-2'));
    presses.change('press-1', { online: false, state: 'offline' });
    const death = await observer.next(isType('DDEATH', 'press-1'), { what: 'DDEATH' });
    expect(death.topic).toBe('spBv1.0/print-group/DDEATH/plant-north/press-1');
    presses.change('press-1', { online: true, state: 'idle' });
    const reborn = await observer.next(isType('DBIRTH', 'press-1'), { from: observer.messages.indexOf(death) });
    expect(reborn.values.get('Online')).toBe(true);
    expect(reborn.values.get('Run State')).toBe('idle');
  });

  it('leaves NDEATH with its bdSeq as the will, and takes the next bdSeq on the next connection', async () => {
    const link = await CuttableLink.to(broker.port);
    cleanups.push(() => link.close());
    const { node, observer } = await rig({ url: link.url });
    node.start();
    const birth = await observer.next(isType('NBIRTH'));
    link.cut();
    const death = await observer.next(isType('NDEATH'), { what: 'NDEATH from the will' });
    expect(bdSeqOf(death)).toBe(bdSeqOf(birth));
    link.restore();
    const again = await observer.next(isType('NBIRTH'), { from: observer.messages.indexOf(death) });
    expect(bdSeqOf(again)).toBe(1);
    expect(again.seq).toBe(0);
  });

  it('is born again on the Node Control/Rebirth command, with the same bdSeq', async () => {
    const { node, observer } = await rig();
    node.start();
    const birth = await observer.next(isType('DBIRTH', 'press-2'));
    const from = observer.messages.length;
    await observer.client.publishAsync(
      'spBv1.0/print-group/NCMD/plant-north',
      encode({ timestamp: Date.now(), metrics: [metric({ name: 'Node Control/Rebirth', type: 'Boolean', value: true })] }),
    );
    const nbirth = await observer.next(isType('NBIRTH'), { from, what: 'NBIRTH after rebirth' });
    expect(nbirth.seq).toBe(0);
    expect(bdSeqOf(nbirth)).toBe(0);
    const dbirth = await observer.next(isType('DBIRTH', 'press-2'), { from });
    expect(dbirth.values.size).toBe(birth.values.size);
  });

  it("sends one press's DBIRTH again on its Device Control/Rebirth command (by name or alias), seq running on", async () => {
    const { node, observer, presses } = await rig();
    node.start();
    const birth = await observer.next(isType('DBIRTH', 'press-2'), { what: 'DBIRTH press-2' });
    expect(birth.values.get(DEVICE_REBIRTH)).toBe(false);
    presses.change('press-1', { state: 'idle', speed: 0 });
    const last = await observer.next(isType('DDATA', 'press-1'), { what: 'the idle DDATA' });
    const from = observer.messages.length;
    const ignition = await host();
    await ignition.client.publishAsync(dcmd('press-1'), command(metric({ name: DEVICE_REBIRTH, type: 'Boolean', value: true })));
    const reborn = await observer.next(isType('DBIRTH', 'press-1'), { from, what: 'DBIRTH press-1 on DCMD' });
    expect(reborn.seq).toBe((last.seq! + 1) % 256);
    expect(reborn.values.get('Run State')).toBe('idle');
    expect(reborn.values.size).toBe(birth.values.size);
    // Sparkplug 3.0 lets a host command by the alias the birth gave
    const alias = toNumber(reborn.payload.metrics!.find((m) => m.name === DEVICE_REBIRTH)!.alias)!;
    await ignition.client.publishAsync(dcmd('press-1'), command(metric({ alias, type: 'Boolean', value: true })));
    const again = await observer.next((m) => isType('DBIRTH', 'press-1')(m) && m !== reborn, { from, what: 'DBIRTH press-1 on DCMD by alias' });
    // then nothing else: the next thing out is press-2's next change
    presses.change('press-2', { state: 'idle', speed: 0 });
    await observer.next(isType('DDATA', 'press-2'), { from, what: 'the DDATA after the rebirths' });
    const sent = observer.messages.slice(from).filter(fromBox);
    expect(sent.map((m) => `${m.parsed!.type} ${m.parsed!.deviceId}`)).toEqual(['DBIRTH press-1', 'DBIRTH press-1', 'DDATA press-2']);
    expect(sent.map((m) => m.seq)).toEqual([1, 2, 3].map((i) => (last.seq! + i) % 256));
    expect(again.values.get('Run State')).toBe('idle');
    expect(node.counters).toMatchObject({ deviceRebirths: 2, commandsRefused: 0, rebirths: 0 });
  });

  it('refuses a DCMD for a press it does not have, a write to a press metric and a payload that is not Sparkplug B: one warning each, nothing published', async () => {
    const logs = captureLogs('info');
    const { node, observer, presses } = await rig({ logger: logs.logger });
    node.start();
    const birth = await observer.next(isType('DBIRTH', 'press-2'), { what: 'DBIRTH press-2' });
    const from = observer.messages.length;
    const ignition = await host();
    await ignition.client.publishAsync(dcmd('press-9'), command(metric({ name: DEVICE_REBIRTH, type: 'Boolean', value: true })));
    await ignition.client.publishAsync(dcmd('press-1'), command(metric({ name: 'Speed', type: 'Double', value: 0 })));
    await ignition.client.publishAsync(dcmd('press-2'), Buffer.from('{"Speed": 0}'));
    await expect.poll(() => node.counters.commandsRefused).toBe(3);
    const warnings = logs.records.filter((r) => r.level === 40);
    expect(warnings.map(({ topic, pressId, metrics, reason }) => ({ topic, pressId, metrics, reason }))).toEqual([
      { topic: dcmd('press-9'), pressId: 'press-9', metrics: [DEVICE_REBIRTH], reason: 'unknown press' },
      { topic: dcmd('press-1'), pressId: 'press-1', metrics: ['Speed'], reason: 'not a writable metric' },
      { topic: dcmd('press-2'), pressId: 'press-2', metrics: [], reason: 'not a Sparkplug B payload' },
    ]);
    // the box goes on as before: its next change is the next thing it publishes, seq running on
    presses.change('press-1', { state: 'idle', speed: 0 });
    const next = await observer.next(isType('DDATA', 'press-1'), { from, what: 'the DDATA after the refusals' });
    expect(observer.messages.slice(from).filter(fromBox)).toEqual([next]);
    expect(next.seq).toBe((birth.seq! + 1) % 256);
    expect(node.counters).toMatchObject({ deviceRebirths: 0, commandsRefused: 3 });
  });

  it('publishes only while the primary host is online, and sends what it saw meanwhile after the birth', async () => {
    const { node, observer, presses, outbox } = await rig({ primaryHostId: 'scada-1', edgeNodeId: 'plant-south' });
    node.start();
    await expect.poll(() => node.status().connected).toBe(true);
    presses.change('press-1', { speed: 9000 });
    expect(observer.of('NBIRTH')).toHaveLength(0);
    expect(outbox.depth()).toBe(1);

    await observer.client.publishAsync(stateTopic('scada-1'), JSON.stringify({ online: true, timestamp: 1 }), { qos: 1, retain: true });
    const birth = await observer.next(isType('NBIRTH'), { what: 'NBIRTH once the host is online' });
    const stored = await observer.next(isType('DDATA', 'press-1'), { what: 'the stored DDATA' });
    expect(stored.payload.metrics!.every((m) => m.isHistorical)).toBe(true);
    expect(observer.messages.indexOf(stored)).toBeGreaterThan(observer.messages.indexOf(birth));

    const from = observer.messages.length;
    await observer.client.publishAsync(stateTopic('scada-1'), JSON.stringify({ online: false, timestamp: 2 }), { qos: 1, retain: true });
    const death = await observer.next(isType('NDEATH'), { from, what: 'NDEATH when the host goes offline' });
    expect(bdSeqOf(death)).toBe(bdSeqOf(birth));
    await expect.poll(() => node.status().connected).toBe(true); // connected again, waiting
    presses.change('press-1', { speed: 8000 });
    expect(node.status().publishing).toBe(false);
    expect(outbox.depth()).toBe(1);
    await observer.client.publishAsync(stateTopic('scada-1'), JSON.stringify({ online: true, timestamp: 3 }), { qos: 1, retain: true });
    const reborn = await observer.next(isType('NBIRTH'), { from: observer.messages.indexOf(death) });
    expect(bdSeqOf(reborn)).toBe(Number(bdSeqOf(birth)) + 1);
    await observer.client.publishAsync(stateTopic('scada-1'), '', { qos: 1, retain: true });
  });
});
