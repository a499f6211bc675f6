/**
 * Two plant boxes publish to one Mosquitto as Sparkplug B edge nodes; a third Pressroom in hub
 * mode (no buses) shows both sites' presses: in GET /api/presses with ids
 * `group/edgeNode/pressId` and a `site`, live on its socket, with the alarms they carry (which
 * it refuses to acknowledge), and stale once a box dies. Each service is the real composition
 * root (createApp) on its own temp data folder, its presses simulated over real Modbus.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { PressroomApp } from '../../src/app.js';
import type { AlarmView } from '../../src/model/alarm-view.js';
import type { HealthReport } from '../../src/model/health.js';
import type { PressSnapshot } from '../../src/model/press-snapshot.js';
import { encode, metric } from '../../src/sparkplug/sparkplug-wire.js';
import { ApiClient, openSocket, recordEvents } from '../e2e/e2e-kit.js';
import { eventually } from '../helpers/service-process.js';
import { Mosquitto, SparkplugObserver, isType } from './sparkplug-kit.js';
import { PASSWORD, Services } from './sparkplug-services.js';

let broker: Mosquitto;
const services = new Services();
let north: PressroomApp;
let south: PressroomApp;
let hub: PressroomApp;
let socket: Socket;

beforeAll(async () => {
  broker = await Mosquitto.start();
  hub = await services.hub(broker.url);
  socket = await openSocket(hub.url);
  north = await services.edge(broker.url, 'plant-north');
  south = await services.edge(broker.url, 'plant-south');
}, 30_000);

afterAll(async () => {
  socket?.disconnect();
  await services.stopAll();
  await broker?.stop();
});

describe('hub mode', () => {
  it("lists every site's presses with ids group/edgeNode/pressId and a site", async () => {
    const api = new ApiClient(hub.url);
    const presses = await eventually(
      async () => {
        const list = (await api.get<PressSnapshot[]>('/api/presses')).body;
        return list.length === 6 && list.every((p) => p.online) ? list : undefined;
      },
      { what: 'six remote presses online on the hub' },
    );
    expect(presses.map((p) => p.id).sort()).toEqual([
      'print-group/plant-north/press-1',
      'print-group/plant-north/press-2',
      'print-group/plant-north/press-3',
      'print-group/plant-south/press-1',
      'print-group/plant-south/press-2',
      'print-group/plant-south/press-3',
    ]);
    const one = presses.find((p) => p.id === 'print-group/plant-north/press-1')!;
    expect(one.site).toBe('print-group/plant-north');
    expect(one.name).toBe('Sheetfed 1 (CMYK)');
    const local = (await new ApiClient(north.url).get<PressSnapshot>('/api/presses/press-1')).body;
    expect(one.ink.map((i) => i.color)).toEqual(local.ink.map((i) => i.color));
    expect(one.model).toBe(local.model);
    expect(one.ratedSpeed).toBe(local.ratedSpeed);
    const byId = await api.get<PressSnapshot>(`/api/presses/${encodeURIComponent(one.id)}`);
    expect(byId.status).toBe(200);
    expect(byId.body.site).toBe('print-group/plant-north');
    // the press page of a remote press answers too (the hub records no trend or transition of its own)
    const transitions = await api.get<{ transitions: unknown[] }>(`/api/presses/${encodeURIComponent(one.id)}/transitions`);
    expect(transitions.status).toBe(200);
    expect(transitions.body.transitions).toEqual([]);
    const history = await api.get<{ points: unknown[] }>(`/api/presses/${encodeURIComponent(one.id)}/history?signal=speed`);
    expect(history.status).toBe(200);
  });

  it("follows a plant press's continuous values: its last good read moves on at the hub, never ahead of the box's", async () => {
    const api = new ApiClient(hub.url);
    const id = encodeURIComponent('print-group/plant-south/press-2');
    const first = await eventually(async () => (await api.get<PressSnapshot>(`/api/presses/${id}`)).body.comm.lastOkAt ?? undefined, {
      what: 'a last good read at the hub',
    });
    // continuous values leave the box once per analog interval (1 s), built from the press as last announced
    const later = await eventually(
      async () => {
        const at = (await api.get<PressSnapshot>(`/api/presses/${id}`)).body.comm.lastOkAt;
        return at !== null && at > first ? at : undefined;
      },
      { what: 'a newer last good read at the hub' },
    );
    const local = (await new ApiClient(south.url).get<PressSnapshot>('/api/presses/press-2')).body.comm.lastOkAt;
    expect(local).not.toBeNull();
    expect(later).toBeLessThanOrEqual(local!);
  });

  it("shows a jam at a plant on the hub's socket, raises its alarm there, and refuses to acknowledge it", async () => {
    const updates = recordEvents<PressSnapshot>(socket, 'press:update');
    const raised = recordEvents<AlarmView>(socket, 'alarm:raised');
    north.simulations.get('hall-a-ethernet')!.press(1).injectJam('jam.feeder');
    const stopped = await updates.next((p) => p.id === 'print-group/plant-north/press-1' && p.state === 'stopped', 15_000);
    expect(stopped.stopReason).toBe('jam');
    const alarm = await raised.next((a) => a.pressId === 'print-group/plant-north/press-1' && a.code === 'jam.feeder', 15_000);
    expect(alarm.id.startsWith('print-group/plant-north/')).toBe(true);
    expect(alarm.priority).toBe('critical');

    const admin = await new ApiClient(hub.url).login({ username: 'admin', password: PASSWORD });
    const listed = await admin.get<AlarmView[]>('/api/alarms?active=true');
    expect(listed.body.map((a) => a.id)).toContain(alarm.id);
    const ack = await admin.post<{ error: { code: string; message: string } }>(`/api/alarms/${encodeURIComponent(alarm.id)}/ack`, { note: 'seen' });
    expect(ack.status).toBe(409);
    expect(ack.body.error.code).toBe('remote_alarm');
    expect(ack.body.error.message).toMatch(/plant-north/);
  });

  it('reports the edge node in /api/health: publishing, nothing queued', async () => {
    const health = (await new ApiClient(north.url).get<HealthReport>('/api/health')).body;
    expect(health.sparkplug).toMatchObject({ groupId: 'print-group', edgeNodeId: 'plant-north', connected: true, publishing: true });
    expect(health.sparkplug!.outbox).toMatchObject({ dropped: 0, maxMessages: 100_000 });
    expect(health.sparkplug!.published.births).toBeGreaterThanOrEqual(4);
    // the same figures for Prometheus
    const scrape = await (await fetch(`${north.url}metrics`)).text();
    expect(scrape).toMatch(/^pressroom_outbox_depth\{outbox="sparkplug"\} 0$/m);
    expect(scrape).toMatch(/^pressroom_sparkplug_publishing 1$/m);
    const births = Number(/^pressroom_sparkplug_messages_total\{kind="birth"\} (\d+)$/m.exec(scrape)?.[1]);
    expect(births).toBeGreaterThanOrEqual(4);
    const hubHealth = (await new ApiClient(hub.url).get<HealthReport>('/api/health')).body;
    expect(
      hubHealth
        .hub!.edgeNodes.filter((n) => n.online)
        .map((n) => n.site)
        .sort(),
    ).toEqual(['print-group/plant-north', 'print-group/plant-south']);
  });

  it('says online again when an offline STATE of its own is delivered (a late will)', async () => {
    const observer = await SparkplugObserver.connect(broker.url, 'spBv1.0/STATE/head-office');
    try {
      const online = await observer.next((m) => JSON.parse(m.raw.toString()).online === true, { what: "the hub's retained STATE" });
      const { timestamp } = JSON.parse(online.raw.toString()) as { timestamp: number };
      const from = observer.messages.length;
      await observer.client.publishAsync('spBv1.0/STATE/head-office', JSON.stringify({ online: false, timestamp: timestamp - 1 }), { qos: 1, retain: true });
      const again = await observer.next((m) => JSON.parse(m.raw.toString()).online === true, { from, what: 'STATE online again' });
      expect(JSON.parse(again.raw.toString())).toEqual({ online: true, timestamp });
    } finally {
      await observer.close();
    }
  });

  it("takes a host's Device Control/Rebirth DCMD at a plant and refuses a write to a press, says both in its health, and goes on answering", async () => {
    const hubApi = new ApiClient(hub.url);
    const gapsBefore = (await hubApi.get<HealthReport>('/api/health')).body.hub!.received.seqGaps;
    const north1 = await SparkplugObserver.connect(broker.url, 'spBv1.0/print-group/+/plant-north/#');
    const ignition = await SparkplugObserver.connect(broker.url, 'nothing/here');
    try {
      const topic = 'spBv1.0/print-group/DCMD/plant-north/press-2';
      await ignition.client.publishAsync(topic, encode({ timestamp: Date.now(), metrics: [metric({ name: 'Speed', type: 'Double', value: 0 })] }));
      await ignition.client.publishAsync(
        topic,
        encode({ timestamp: Date.now(), metrics: [metric({ name: 'Device Control/Rebirth', type: 'Boolean', value: true })] }),
      );
      const birth = await north1.next(isType('DBIRTH', 'press-2'), { what: "press-2's DBIRTH on the DCMD" });
      expect(birth.values.get('Device Control/Rebirth')).toBe(false);
      expect(birth.values.get('Online')).toBe(true);
      const api = new ApiClient(north.url);
      const health = (await api.get<HealthReport>('/api/health')).body;
      expect(health.sparkplug!.published).toMatchObject({ commandsRefused: 1, deviceRebirths: 1 });
      const press = await api.get<PressSnapshot>('/api/presses/press-2');
      expect(press.status).toBe(200);
      expect(press.body.online).toBe(true);
      // the box publishes on (its next DDATA), with no NBIRTH and no other press born again
      await north1.next((m) => isType('DDATA')(m) && north1.messages.indexOf(m) > north1.messages.indexOf(birth), { what: 'the next DDATA of plant-north' });
      expect(north1.messages.filter((m) => m.parsed?.type.endsWith('BIRTH')).map((m) => m.topic)).toEqual([birth.topic]);
      // the hub follows the reborn press (a metric it does not show in the birth changes nothing) with no seq gap
      const remote = await hubApi.get<PressSnapshot>(`/api/presses/${encodeURIComponent('print-group/plant-north/press-2')}`);
      expect(remote.body.online).toBe(true);
      expect((await hubApi.get<HealthReport>('/api/health')).body.hub!.received.seqGaps).toBe(gapsBefore);
    } finally {
      await ignition.close();
      await north1.close();
    }
  });

  it('asks an edge node for a rebirth when its sequence numbers skip', async () => {
    const observer = await SparkplugObserver.connect(broker.url, 'spBv1.0/print-group/NCMD/plant-test');
    const fake = await SparkplugObserver.connect(broker.url, 'nothing/here');
    try {
      const at = Date.now();
      await fake.client.publishAsync(
        'spBv1.0/print-group/NBIRTH/plant-test',
        encode({ timestamp: at, seq: 0, metrics: [metric({ name: 'bdSeq', type: 'UInt64', value: 0 })] }),
      );
      await fake.client.publishAsync(
        'spBv1.0/print-group/DBIRTH/plant-test/press-9',
        encode({ timestamp: at, seq: 1, metrics: [metric({ name: 'Online', alias: 1, type: 'Boolean', value: true })] }),
      );
      expect(observer.messages).toHaveLength(0);
      await fake.client.publishAsync(
        'spBv1.0/print-group/DDATA/plant-test/press-9',
        encode({ timestamp: at, seq: 5, metrics: [metric({ alias: 1, type: 'Boolean', value: false })] }),
      );
      const command = await observer.next(isType('NCMD'), { what: 'the rebirth request' });
      expect(command.values.get('Node Control/Rebirth')).toBe(true);
    } finally {
      await fake.close();
      await observer.close();
    }
  });

  it("marks a box's presses stale when it dies (NDEATH)", async () => {
    const updates = recordEvents<PressSnapshot>(socket, 'press:update');
    await services.stop(south);
    await updates.next((p) => p.id === 'print-group/plant-south/press-3' && !p.online, 10_000);
    const list = (await new ApiClient(hub.url).get<PressSnapshot[]>('/api/presses')).body;
    const southPresses = list.filter((p) => p.site === 'print-group/plant-south');
    expect(southPresses).toHaveLength(3);
    expect(southPresses.every((p) => !p.online && p.state === 'offline')).toBe(true);
    expect(list.filter((p) => p.site === 'print-group/plant-north').every((p) => p.online)).toBe(true);
  });
});
