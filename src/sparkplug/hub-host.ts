/**
 * The hub as a Sparkplug B 3.0 host application. It subscribes to its groups, then publishes its
 * STATE (`spBv1.0/STATE/<hostId>`, retained JSON `{ online, timestamp }`; the will says offline
 * with the same timestamp), so edge nodes naming it as primary host start publishing.
 *
 * Per edge node it follows bdSeq and seq: NBIRTH starts a session (seq 0), every later message
 * must carry the next seq (mod 256); a gap, or data from a node it has not seen born, makes it
 * ask for a rebirth (NCMD `Node Control/Rebirth`), once per session. DBIRTH defines a press
 * (names, aliases, values), DDATA changes it (by alias), DDEATH and the node's NDEATH (matching
 * bdSeq) make its presses stale. Historical DDATA older than what is shown is counted, not shown.
 */
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { Clock } from '../lib/clock.js';
import { TypedEmitter } from '../lib/typed-emitter.js';
import type { AlarmView } from '../model/alarm-view.js';
import type { PressSnapshot } from '../model/press-snapshot.js';
import { BrokerSession, type BrokerCredentials } from './broker-session.js';
import { RemotePress } from './hub-press.js';
import {
  NAMESPACE,
  decode,
  encode,
  metric,
  metricValue,
  nodeTopic,
  parseTopic,
  stateTopic,
  toNumber,
  type ParsedTopic,
  type UPayload,
} from './sparkplug-wire.js';

export interface HubEvents {
  'press:update': (snapshot: PressSnapshot) => void;
  alarm: (event: { type: 'raised' | 'cleared' | 'acked' | 'updated'; alarm: AlarmView }) => void;
}

interface EdgeNodeSession {
  site: string;
  groupId: string;
  edgeNodeId: string;
  online: boolean;
  bdSeq: number | null;
  expectedSeq: number | null;
  rebirthAsked: boolean;
  presses: Map<string, RemotePress>;
  /** alias → [pressId, metric name] */
  aliases: Map<number, [string, string]>;
}

export interface HubHostOptions {
  credentials: BrokerCredentials;
  hostId: string;
  groups?: readonly string[];
  reconnectMs: number;
  clock: Clock;
  logger: Logger;
}

export class HubHost {
  readonly events: TypedEmitter<HubEvents>;
  private readonly session: BrokerSession;
  private readonly nodes = new Map<string, EdgeNodeSession>();
  private readonly alarmsShown = new Map<string, AlarmView>();
  private client: MqttClient | undefined;
  private stateTimestamp = 0;
  readonly counters = { messages: 0, rebirthRequests: 0, seqGaps: 0, historical: 0, undecodable: 0 };

  constructor(private readonly o: HubHostOptions) {
    this.events = new TypedEmitter<HubEvents>((error, event) => o.logger.error({ err: error, event }, 'a hub event listener threw'));
    this.session = new BrokerSession({
      credentials: o.credentials,
      clientId: `pressroom-hub-${o.hostId}`,
      reconnectMs: o.reconnectMs,
      logger: o.logger,
      nextConnection: () => {
        this.stateTimestamp = o.clock.now();
        return { will: { topic: stateTopic(o.hostId), payload: this.statePayload(false), qos: 1, retain: true } };
      },
      onConnect: (client) => {
        this.client = client;
        // the namespace and its own STATE topic first, then its STATE (Sparkplug 3.0 host session)
        const topics = [...(this.o.groups ?? ['+']).map((group) => `${NAMESPACE}/${group}/#`), stateTopic(o.hostId)];
        client.subscribe(topics, { qos: 0 }, () => client.publish(stateTopic(o.hostId), this.statePayload(true), { qos: 1, retain: true }));
      },
      onMessage: (topic, payload) => this.message(topic, payload),
      onClose: () => {
        this.client = undefined;
        o.logger.warn({ hostId: o.hostId }, 'hub: lost the broker; remote presses are stale until it is back');
        for (const node of this.nodes.values()) {
          // on the next connection every box is asked again (its births were missed meanwhile)
          node.rebirthAsked = false;
          this.nodeDied(node);
        }
      },
    });
  }

  start(): void {
    this.session.start();
  }

  async stop(): Promise<void> {
    await this.session.stop({ topic: stateTopic(this.o.hostId), payload: this.statePayload(false), qos: 1, retain: true });
  }

  get connected(): boolean {
    return this.session.connected;
  }

  /** Why the last connection attempt failed (TLS handshake, refused, unreachable); null once connected. */
  get brokerError(): string | null {
    return this.session.lastFailure?.message ?? null;
  }

  presses(): RemotePress[] {
    return [...this.nodes.values()].flatMap((node) => [...node.presses.values()]);
  }

  press(id: string): RemotePress | undefined {
    for (const node of this.nodes.values()) {
      if (!id.startsWith(`${node.site}/`)) continue;
      const press = node.presses.get(id.slice(node.site.length + 1));
      if (press) return press;
    }
    return undefined;
  }

  alarms(): AlarmView[] {
    return [...this.alarmsShown.values()];
  }

  edgeNodes() {
    return [...this.nodes.values()].map((n) => ({ site: n.site, online: n.online, bdSeq: n.bdSeq, presses: n.presses.size }));
  }

  private statePayload(online: boolean): string {
    return JSON.stringify({ online, timestamp: this.stateTimestamp });
  }

  private message(topic: string, bytes: Buffer): void {
    if (topic === stateTopic(this.o.hostId)) return this.ownState(bytes);
    const parsed = parseTopic(topic);
    if (!parsed || parsed.type === 'NCMD' || parsed.type === 'DCMD') return;
    let payload: UPayload;
    try {
      payload = decode(bytes);
    } catch (error) {
      this.counters.undecodable += 1;
      this.o.logger.debug({ topic, err: (error as Error).message }, 'hub: not a Sparkplug B payload; ignored');
      return;
    }
    this.counters.messages += 1;
    const node = this.node(parsed);
    if (parsed.type === 'NBIRTH') return this.nodeBirth(node, payload);
    if (parsed.type === 'NDEATH') {
      const bdSeq = toNumber(payload.metrics?.find((m) => m.name === 'bdSeq')?.value);
      // a will from an older session (its bdSeq differs) says nothing about the current one
      if (bdSeq === null || node.bdSeq === null || bdSeq === node.bdSeq) this.nodeDied(node);
      return;
    }
    if (!this.inSequence(node, toNumber(payload.seq))) return;
    if (parsed.type === 'NDATA') return;
    const pressId = parsed.deviceId!;
    if (parsed.type === 'DBIRTH') return this.deviceBirth(node, pressId, payload);
    const press = node.presses.get(pressId);
    if (!press) return this.askRebirth(node, `${parsed.type} for unknown press ${pressId}`);
    if (parsed.type === 'DDEATH') {
      press.alive = false;
      this.announce(press);
      return;
    }
    this.deviceData(node, press, payload);
  }

  /** Told it is offline (an old will delivered late): it says online again, with this session's timestamp. */
  private ownState(bytes: Buffer): void {
    let state: { online?: unknown };
    try {
      state = JSON.parse(bytes.toString('utf8')) as typeof state;
    } catch {
      return;
    }
    if (state.online === false && this.client) {
      this.o.logger.info({ hostId: this.o.hostId }, 'hub: an offline STATE of this host was delivered; saying online again');
      this.client.publish(stateTopic(this.o.hostId), this.statePayload(true), { qos: 1, retain: true });
    }
  }

  private node(topic: ParsedTopic): EdgeNodeSession {
    const site = `${topic.groupId}/${topic.edgeNodeId}`;
    let node = this.nodes.get(site);
    if (!node) {
      node = {
        site,
        groupId: topic.groupId,
        edgeNodeId: topic.edgeNodeId,
        online: false,
        bdSeq: null,
        expectedSeq: null,
        rebirthAsked: false,
        presses: new Map(),
        aliases: new Map(),
      };
      this.nodes.set(site, node);
    }
    return node;
  }

  private nodeBirth(node: EdgeNodeSession, payload: UPayload): void {
    node.bdSeq = toNumber(payload.metrics?.find((m) => m.name === 'bdSeq')?.value);
    node.expectedSeq = ((toNumber(payload.seq) ?? 0) + 1) % 256;
    node.online = true;
    node.rebirthAsked = false;
    node.aliases.clear();
    this.o.logger.info({ site: node.site, bdSeq: node.bdSeq }, 'hub: edge node born');
  }

  private nodeDied(node: EdgeNodeSession): void {
    if (!node.online && node.expectedSeq === null) return;
    node.online = false;
    node.expectedSeq = null;
    node.rebirthAsked = false;
    this.o.logger.warn({ site: node.site }, 'hub: edge node dead; its presses are stale');
    for (const press of node.presses.values()) {
      press.alive = false;
      this.announce(press);
    }
  }

  /** True when the message may be applied; a gap asks for a rebirth (and the message waits for it). */
  private inSequence(node: EdgeNodeSession, seq: number | null): boolean {
    if (!node.online || node.expectedSeq === null) {
      this.askRebirth(node, 'data from an edge node not seen born');
      return false;
    }
    if (seq !== node.expectedSeq) {
      this.counters.seqGaps += 1;
      this.askRebirth(node, `seq ${seq} where ${node.expectedSeq} was due`);
      node.expectedSeq = seq === null ? null : (seq + 1) % 256;
      return false;
    }
    node.expectedSeq = (seq + 1) % 256;
    return true;
  }

  private askRebirth(node: EdgeNodeSession, why: string): void {
    if (node.rebirthAsked || !this.client) return;
    node.rebirthAsked = true;
    this.counters.rebirthRequests += 1;
    this.o.logger.info({ site: node.site, why }, 'hub: asking the edge node for a rebirth');
    const payload = encode({ timestamp: this.o.clock.now(), metrics: [metric({ name: 'Node Control/Rebirth', type: 'Boolean', value: true })] });
    this.client.publish(nodeTopic(node.groupId, 'NCMD', node.edgeNodeId), payload, { qos: 0 });
  }

  private deviceBirth(node: EdgeNodeSession, pressId: string, payload: UPayload): void {
    let press = node.presses.get(pressId);
    if (!press) {
      press = new RemotePress(node.site, pressId);
      node.presses.set(pressId, press);
    }
    press.reset();
    for (const m of payload.metrics ?? []) {
      if (!m.name) continue;
      press.set(m.name, metricValue(m));
      const alias = toNumber(m.alias);
      if (alias !== null) node.aliases.set(alias, [pressId, m.name]);
    }
    press.alive = true;
    press.updatedAt = toNumber(payload.timestamp) ?? this.o.clock.now();
    this.announce(press);
  }

  private deviceData(node: EdgeNodeSession, press: RemotePress, payload: UPayload): void {
    const at = toNumber(payload.timestamp) ?? this.o.clock.now();
    const metrics = payload.metrics ?? [];
    if (metrics.some((m) => m.isHistorical)) this.counters.historical += 1;
    // stored data from an outage: newer than the picture shown only if the picture is older
    if (at < press.updatedAt) return;
    for (const m of metrics) {
      const name = m.name || node.aliases.get(toNumber(m.alias) ?? -1)?.[1];
      if (name) press.set(name, metricValue(m));
    }
    press.updatedAt = at;
    this.announce(press);
  }

  private announce(press: RemotePress): void {
    this.events.emit('press:update', press.snapshot());
    const now = new Map(press.alarms().map((a) => [a.id, a]));
    for (const [id, before] of this.alarmsShown) {
      if (before.pressId !== press.id || now.has(id)) continue;
      this.alarmsShown.delete(id);
      this.events.emit('alarm', { type: 'updated', alarm: { ...before, state: 'normal', active: false, acknowledged: true } });
    }
    for (const [id, alarm] of now) {
      const before = this.alarmsShown.get(id);
      this.alarmsShown.set(id, alarm);
      if (!before) this.events.emit('alarm', { type: 'raised', alarm });
      else if (before.active && !alarm.active) this.events.emit('alarm', { type: 'cleared', alarm });
      else if (!before.acknowledged && alarm.acknowledged) this.events.emit('alarm', { type: 'acked', alarm });
    }
  }
}
