/**
 * This box as a Sparkplug B 3.0 edge node; each press is a device (`device_id` = press id).
 *
 * - Every connection takes the next bdSeq (0-255, stored); its NDEATH, with that bdSeq, is the
 *   MQTT will. NBIRTH (seq 0, bdSeq, `Node Control/Rebirth`) comes first, then a DBIRTH per press
 *   with every metric by name, alias and unit; a press that is offline is born and at once
 *   declared dead (DDEATH), so a host knows it exists.
 * - Then DDATA by exception: only the metrics that changed, by alias. A press that goes offline
 *   gets its DDEATH, and a DBIRTH when it is back. seq runs 0-255 and wraps, over every message.
 * - `Node Control/Rebirth` (NCMD) sends the births again, same bdSeq. `Device Control/Rebirth`
 *   (DCMD, listed in every DBIRTH) sends that one press's DBIRTH again, seq running on; any other
 *   DCMD is refused, logged and counted (device-commands.ts: Pressroom writes to no press).
 * - With `primaryHostId`, nothing is born until that host's STATE says online; when it goes
 *   offline the node publishes NDEATH and disconnects, and waits again on the next connection.
 * - Store and forward: whatever changes while the node cannot publish (broker away, primary host
 *   offline) goes to the SQLite queue and is sent after the births, in order, `is_historical`,
 *   each metric with the time it was seen. Live DDATA still waiting for its batch when the link
 *   breaks goes to the queue first, so nothing seen is lost below the queue's bound.
 */
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { systemClock, type Clock, type TimerHandle } from '../lib/clock.js';
import type { SparkplugHealth } from '../model/health.js';
import { BrokerSession, type BrokerCredentials } from './broker-session.js';
import { DEVICE_REBIRTH, readDeviceCommand } from './device-commands.js';
import type { SparkplugOutbox } from './outbox-repository.js';
import { ONLINE, changedMetrics, type MetricType, type MetricValue, type PressMetrics } from './press-metrics.js';
import { decode, deviceTopic, encode, encodeChanged, metric, metricValue, nodeTopic, parseTopic, stateTopic, type UMetric } from './sparkplug-wire.js';

export interface EdgeDevices {
  /** The presses of this box, in config order (their aliases follow that order). */
  pressIds(): readonly string[];
  /** A press's metrics as of now. */
  metrics(pressId: string): PressMetrics | undefined;
}

export interface EdgeNodeOptions {
  credentials: BrokerCredentials;
  groupId: string;
  edgeNodeId: string;
  primaryHostId?: string;
  devices: EdgeDevices;
  outbox: SparkplugOutbox;
  reconnectMs: number;
  clock: Clock;
  logger: Logger;
  /** Rows published per replay step (then the queue is trimmed). */
  replayBatch?: number;
  /** Live messages leave together, at most this long after the first (default 20 ms). */
  publishBatchMs?: number;
  /**
   * The batch timer's clock: network time, Node's timers by default (not `clock`, which is press
   * time and which tests hold still); a test passes a manual clock to hold a batch back.
   */
  batchTimers?: Pick<Clock, 'setTimeout' | 'clearTimeout'>;
  /**
   * Continuous values (speed, counters, levels, comm latency) are reported every this often, the
   * latest value of every press that moved, in one batch; a change of anything else (run state,
   * stop cause, online, alarms, job) goes at once and takes the press's pending continuous values
   * with it. 0: every change at once.
   */
  analogIntervalMs?: number;
}

/** What the node has sent since start: the `published` part of its health (src/model/health.ts). */
export type EdgeNodeCounters = SparkplugHealth['published'];

type Session = 'disconnected' | 'waiting-for-host' | 'online';

/** A live DDATA as reported: enough to queue it instead, should the link break before it leaves. */
interface UnsentData {
  pressId: string;
  at: number;
  metrics: PressMetrics;
  changed: number[];
}

const REBIRTH = 'Node Control/Rebirth';

export class EdgeNode {
  private readonly session: BrokerSession;
  private state: Session = 'disconnected';
  private client: MqttClient | undefined;
  private bdSeq = 0;
  private seq = 0;
  private primaryHostOnline: boolean | null = null;
  private lastStateTimestamp = 0;
  private readonly born = new Set<string>();
  /** Each press's metrics as last seen, and as last reported (published, queued or born with). */
  private readonly latest = new Map<string, PressMetrics>();
  private readonly reported = new Map<string, PressMetrics>();
  /** Presses whose continuous values changed since reported; sent together every analogIntervalMs. */
  private readonly analogPending = new Set<string>();
  /** Presses updated since their metrics were last built (see `pressUpdated`). */
  private readonly unbuilt = new Set<string>();
  private analogTick: TimerHandle | undefined;
  private readonly aliases = new Map<string, { base: number; byName: Map<string, number> }>();
  private replaying = false;
  private lastReplay: { at: number; messages: number; ms: number } | null = null;
  /** Messages waiting for their batch; a DDATA keeps what it says, for the queue if the link breaks first. */
  private pending: { topic: string; bytes: Buffer; data?: UnsentData }[] = [];
  private flushTimer: TimerHandle | undefined;
  private readonly batchTimers: Pick<Clock, 'setTimeout' | 'clearTimeout'>;
  /** Each metric's Sparkplug type by name (the same for every press), for the queued rows. */
  private readonly metricTypes = new Map<string, MetricType>();
  readonly counters: EdgeNodeCounters = {
    births: 0,
    deaths: 0,
    data: 0,
    historical: 0,
    queued: 0,
    rebirths: 0,
    deviceRebirths: 0,
    commandsRefused: 0,
    messages: 0,
  };

  constructor(private readonly o: EdgeNodeOptions) {
    this.batchTimers = o.batchTimers ?? systemClock;
    this.session = new BrokerSession({
      credentials: o.credentials,
      clientId: `pressroom-${o.groupId}-${o.edgeNodeId}`,
      reconnectMs: o.reconnectMs,
      logger: o.logger,
      nextConnection: () => {
        this.bdSeq = o.outbox.nextBdSeq();
        return { will: { topic: this.topic('NDEATH'), payload: this.deathPayload(), qos: 1, retain: false } };
      },
      onConnect: (client) => this.connected(client),
      onMessage: (topic, payload) => this.message(topic, payload),
      onClose: () => this.lost(),
    });
  }

  start(): void {
    this.session.start();
  }

  async stop(): Promise<void> {
    const online = this.state !== 'disconnected';
    this.state = 'disconnected';
    if (this.analogTick) this.o.clock.clearTimeout(this.analogTick);
    this.analogTick = undefined;
    this.flush();
    await this.session.stop(online ? { topic: this.topic('NDEATH'), payload: this.deathPayload(), qos: 1 } : undefined);
  }

  /**
   * A press update (hundreds a second), cheaply. When the caller saw no discrete value move (run
   * state, stop cause, online, alarms, job: `discreteUnchanged`), only continuous values can have
   * moved: the press is marked, and its metrics are built once, at the next analog tick, from
   * `devices.metrics` (the press as last announced), not at every update. Anything else goes
   * through `pressChanged` at once.
   */
  pressUpdated(pressId: string, discreteUnchanged: boolean): void {
    const interval = this.o.analogIntervalMs ?? 0;
    if (discreteUnchanged && interval > 0 && this.reported.has(pressId)) {
      this.unbuilt.add(pressId);
      this.analogPending.add(pressId);
      this.analogTick ??= this.o.clock.setTimeout(() => this.reportAnalog(), interval);
      return;
    }
    const metrics = this.o.devices.metrics(pressId);
    if (metrics) this.pressChanged(pressId, metrics);
  }

  /** A press's metrics changed (or may have): published by exception, or queued while the node cannot publish. */
  pressChanged(pressId: string, metrics: PressMetrics): void {
    this.unbuilt.delete(pressId);
    this.latest.set(pressId, metrics);
    const changed = changedMetrics(metrics, this.reported.get(pressId));
    if (changed.length === 0) return;
    const { definitions } = metrics;
    for (const i of changed) if (!this.metricTypes.has(definitions[i]!.name)) this.metricTypes.set(definitions[i]!.name, definitions[i]!.type);
    const interval = this.o.analogIntervalMs ?? 0;
    if (interval === 0 || changed.some((i) => !definitions[i]!.analog)) {
      this.report(pressId, metrics, changed, this.o.clock.now());
      return;
    }
    // only continuous values moved: they go with the next analog tick (every press's at once: one batch)
    this.analogPending.add(pressId);
    this.analogTick ??= this.o.clock.setTimeout(() => this.reportAnalog(), interval);
  }

  private reportAnalog(): void {
    this.analogTick = undefined;
    const now = this.o.clock.now();
    for (const pressId of this.analogPending) {
      if (this.unbuilt.delete(pressId)) {
        const built = this.o.devices.metrics(pressId);
        if (built) this.latest.set(pressId, built);
      }
      const metrics = this.latest.get(pressId)!;
      const changed = changedMetrics(metrics, this.reported.get(pressId));
      if (changed.length > 0) this.report(pressId, metrics, changed, now);
    }
    this.analogPending.clear();
  }

  /** DDATA of the changed metrics (or their place in the queue, or a DBIRTH/DDEATH). */
  private report(pressId: string, metrics: PressMetrics, changed: number[], at: number): void {
    this.analogPending.delete(pressId);
    this.reported.set(pressId, metrics);
    const { definitions, values } = metrics;
    if (this.state !== 'online' || this.replaying) {
      this.queue(
        pressId,
        at,
        changed.map((i) => [definitions[i]!.name, values[i]!]),
      );
      return;
    }
    const online = values[ONLINE] === true;
    if (!this.born.has(pressId)) {
      if (online) this.deviceBirth(pressId, metrics);
      return;
    }
    if (this.client) {
      const bytes = encodeChanged(at, this.nextSeq(), definitions, values, changed, (name) => this.alias(pressId, name));
      this.publishRaw(deviceTopic(this.o.groupId, 'DDATA', this.o.edgeNodeId, pressId), bytes, { pressId, at, metrics, changed });
    }
    this.counters.data += 1;
    if (!online) this.deviceDeath(pressId, at);
  }

  status() {
    return {
      connected: this.session.connected,
      brokerError: this.session.lastFailure?.message ?? null,
      publishing: this.state === 'online',
      primaryHostId: this.o.primaryHostId ?? null,
      primaryHostOnline: this.primaryHostOnline,
      bdSeq: this.bdSeq,
      seq: this.seq,
      devicesBorn: this.born.size,
      replaying: this.replaying,
      lastReplay: this.lastReplay,
    };
  }

  private connected(client: MqttClient): void {
    this.client = client;
    const commands = [this.topic('NCMD'), `${deviceTopic(this.o.groupId, 'DCMD', this.o.edgeNodeId, '+')}`];
    if (this.o.primaryHostId === undefined) {
      client.subscribe(commands, { qos: 0 }, () => this.birth());
      return;
    }
    this.state = 'waiting-for-host';
    this.primaryHostOnline = null;
    client.subscribe([...commands, stateTopic(this.o.primaryHostId)], { qos: 1 });
  }

  private lost(): void {
    if (this.state === 'online') this.o.logger.warn({ bdSeq: this.bdSeq }, 'sparkplug: lost the broker; queueing data until it is back');
    this.state = 'disconnected';
    this.client = undefined;
    this.born.clear();
    if (this.flushTimer) this.batchTimers.clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.queueUnsent();
  }

  /**
   * The DDATA still waiting for its batch never reached the socket: it goes to the queue, in
   * order and ahead of what the outage adds, and is sent historical when the link is back. (Births
   * and deaths are not kept: the next connection's births carry the state as it is then.) What
   * was already handed to the socket is QoS 0 and may still be lost with it, as MQTT allows.
   */
  private queueUnsent(): void {
    const unsent = this.pending;
    this.pending = [];
    let queued = 0;
    for (const { data } of unsent) {
      if (!data) continue;
      const { definitions, values } = data.metrics;
      this.queue(
        data.pressId,
        data.at,
        data.changed.map((i) => [definitions[i]!.name, values[i]!]),
      );
      // counted as published when batched; it was not
      this.counters.data -= 1;
      this.counters.messages -= 1;
      queued += 1;
    }
    if (queued > 0) this.o.logger.info({ messages: queued }, 'sparkplug: live data not yet sent when the link broke was queued');
  }

  private message(topic: string, payload: Buffer): void {
    if (this.o.primaryHostId !== undefined && topic === stateTopic(this.o.primaryHostId)) return this.hostState(payload);
    if (topic !== this.topic('NCMD')) return this.deviceCommand(topic, payload);
    let metrics: UMetric[];
    try {
      metrics = decode(payload).metrics ?? [];
    } catch (error) {
      this.o.logger.warn({ topic, err: (error as Error).message }, 'sparkplug: an NCMD that is not a Sparkplug B payload was ignored');
      return;
    }
    if (metrics.some((m) => m.name === REBIRTH && metricValue(m) === true) && this.state === 'online') {
      this.o.logger.info({ bdSeq: this.bdSeq }, 'sparkplug: rebirth asked by a host');
      this.counters.rebirths += 1;
      this.birth();
    }
  }

  /** A DCMD: this press's DBIRTH again on `Device Control/Rebirth`; anything else refused (device-commands.ts). */
  private deviceCommand(topic: string, payload: Buffer): void {
    const pressId = parseTopic(topic)?.deviceId ?? '';
    const command = readDeviceCommand({
      payload,
      known: this.o.devices.pressIds().includes(pressId),
      nameOf: (alias) => this.aliasName(pressId, alias),
    });
    if (command.refused) {
      const { reason, metrics, error } = command.refused;
      this.counters.commandsRefused += 1;
      this.o.logger.warn(
        { topic, pressId, metrics, reason, ...(error ? { err: error } : {}) },
        `sparkplug: DCMD refused (${reason}); Pressroom writes to no press, only ${DEVICE_REBIRTH} is taken`,
      );
    }
    if (command.rebirth) this.deviceRebirth(pressId);
  }

  private deviceRebirth(pressId: string): void {
    const metrics = this.o.devices.metrics(pressId);
    if (this.state !== 'online' || !metrics || metrics.values[ONLINE] !== true) {
      // not publishing: the births come when it is; an offline press: its DDEATH stands, its DBIRTH comes when it is back
      this.o.logger.info(
        { pressId, publishing: this.state === 'online' },
        'sparkplug: DCMD rebirth of a press that is offline, or while not publishing; nothing sent',
      );
      return;
    }
    this.o.logger.info({ pressId, bdSeq: this.bdSeq }, 'sparkplug: press rebirth asked by a host');
    this.counters.deviceRebirths += 1;
    this.latest.set(pressId, metrics);
    this.reported.set(pressId, metrics);
    this.deviceBirth(pressId, metrics);
  }

  private hostState(payload: Buffer): void {
    let state: { online?: unknown; timestamp?: unknown };
    try {
      state = JSON.parse(payload.toString('utf8')) as typeof state;
    } catch {
      this.o.logger.warn({ host: this.o.primaryHostId }, 'sparkplug: primary host STATE is not JSON; ignored');
      return;
    }
    const timestamp = typeof state.timestamp === 'number' ? state.timestamp : 0;
    // an older STATE (a late retained message) never overrides a newer one
    if (timestamp < this.lastStateTimestamp) return;
    this.lastStateTimestamp = timestamp;
    this.primaryHostOnline = state.online === true;
    if (this.primaryHostOnline && this.state === 'waiting-for-host') {
      this.o.logger.info({ host: this.o.primaryHostId }, 'sparkplug: primary host online; publishing');
      this.birth();
    } else if (!this.primaryHostOnline && this.state === 'online') {
      this.o.logger.warn({ host: this.o.primaryHostId }, 'sparkplug: primary host offline; NDEATH, queueing data until it is back');
      this.publishRaw(this.topic('NDEATH'), this.deathPayload());
      this.counters.deaths += 1;
      this.state = 'disconnected';
      this.flush();
      this.session.drop();
    }
  }

  private birth(): void {
    const at = this.o.clock.now();
    this.seq = 0;
    this.born.clear();
    this.publish(this.topic('NBIRTH'), {
      timestamp: at,
      metrics: [
        // with aliases in use, a birth gives every metric its name and alias (node metrics: 1-999)
        metric({ name: 'bdSeq', alias: 1, type: 'UInt64', value: this.bdSeq }),
        metric({ name: REBIRTH, alias: 2, type: 'Boolean', value: false }),
        metric({ name: 'Node Info/Presses', alias: 3, type: 'Int32', value: this.o.devices.pressIds().length }),
        metric({ name: 'Node Info/Software', alias: 4, type: 'String', value: 'Pressroom' }),
      ],
    });
    this.counters.births += 1;
    for (const pressId of this.o.devices.pressIds()) {
      const metrics = this.o.devices.metrics(pressId);
      if (!metrics) continue;
      this.latest.set(pressId, metrics);
      this.reported.set(pressId, metrics);
      this.deviceBirth(pressId, metrics);
      if (metrics.values[ONLINE] !== true) this.deviceDeath(pressId, at);
    }
    this.state = 'online';
    void this.replay();
  }

  private deviceBirth(pressId: string, metrics: PressMetrics): void {
    this.publish(deviceTopic(this.o.groupId, 'DBIRTH', this.o.edgeNodeId, pressId), {
      timestamp: this.o.clock.now(),
      metrics: [
        ...metrics.definitions.map((definition, i) =>
          metric({
            name: definition.name,
            alias: this.alias(pressId, definition.name),
            type: definition.type,
            value: metrics.values[i]!,
            unit: definition.unit,
          }),
        ),
        // the one device command a press takes (Sparkplug: a device MAY list it; Ignition shows it as a button)
        metric({ name: DEVICE_REBIRTH, alias: this.alias(pressId, DEVICE_REBIRTH), type: 'Boolean', value: false }),
      ],
    });
    this.born.add(pressId);
    this.counters.births += 1;
  }

  private deviceDeath(pressId: string, at: number): void {
    this.publish(deviceTopic(this.o.groupId, 'DDEATH', this.o.edgeNodeId, pressId), { timestamp: at });
    this.born.delete(pressId);
    this.counters.deaths += 1;
  }

  private queue(pressId: string, at: number, metrics: [string, MetricValue][]): void {
    try {
      const dropped = this.o.outbox.enqueue({ pressId, at, metrics });
      this.counters.queued += 1;
      if (dropped > 0 && this.o.outbox.dropped() === dropped)
        this.o.logger.warn({ maxMessages: this.o.outbox.maxMessages }, 'sparkplug: store-and-forward queue full; dropping the oldest data');
    } catch (error) {
      this.o.logger.error({ err: error, pressId }, 'sparkplug: could not queue data for later; it is lost');
    }
  }

  /** Sends the queue, oldest first, marked historical; live changes queue behind it meanwhile. */
  private async replay(): Promise<void> {
    if (this.replaying || this.o.outbox.depth() === 0) return;
    this.replaying = true;
    const started = this.o.clock.now();
    // the replay's duration is measured on the wall, not the injected clock (which tests hold still)
    const startedMs = performance.now();
    let sent = 0;
    try {
      for (;;) {
        const client = this.client;
        if (this.state !== 'online' || !client) return;
        const rows = this.o.outbox.batch(0, this.o.replayBatch ?? 500);
        if (rows.length === 0) break;
        this.flush(); // the births (and anything before) leave first
        const writes: Promise<unknown>[] = [];
        for (const row of rows) {
          const payload = {
            timestamp: row.at,
            metrics: row.metrics.map(([name, value]) =>
              metric({ alias: this.alias(row.pressId, name), type: this.metricTypes.get(name) ?? 'String', value, timestamp: row.at, historical: true }),
            ),
          };
          writes.push(this.publishAsync(client, deviceTopic(this.o.groupId, 'DDATA', this.o.edgeNodeId, row.pressId), payload));
          this.counters.historical += 1;
          sent += 1;
        }
        await Promise.all(writes);
        this.o.outbox.sent(rows.at(-1)!.id);
      }
      const ms = performance.now() - startedMs;
      this.lastReplay = { at: this.o.clock.now(), messages: sent, ms: Math.round(ms * 10) / 10 };
      this.o.logger.info({ messages: sent, ms: this.lastReplay.ms, from: started }, 'sparkplug: stored data sent');
    } catch (error) {
      this.o.logger.warn({ err: (error as Error).message, sent }, 'sparkplug: sending stored data stopped; the rest waits for the next connection');
    } finally {
      this.replaying = false;
    }
  }

  private alias(pressId: string, name: string): number {
    let table = this.aliases.get(pressId);
    if (!table) {
      // press n (config order) gets aliases n*1000+1, n*1000+2, …: unique across the edge node, stable per run
      const index = Math.max(0, this.o.devices.pressIds().indexOf(pressId));
      table = { base: (index + 1) * 1000, byName: new Map() };
      this.aliases.set(pressId, table);
    }
    let alias = table.byName.get(name);
    if (alias === undefined) {
      alias = table.base + table.byName.size + 1;
      table.byName.set(name, alias);
    }
    return alias;
  }

  private aliasName(pressId: string, alias: number): string | undefined {
    for (const [name, a] of this.aliases.get(pressId)?.byName ?? []) if (a === alias) return name;
    return undefined;
  }

  private nextSeq(): number {
    const seq = this.seq;
    this.seq = (this.seq + 1) % 256;
    return seq;
  }

  /**
   * Messages go out in batches, at most `publishBatchMs` after the first: MQTT.js writes each
   * packet with its own system call unless they leave in the same tick, and 100 presses make
   * hundreds of DDATA a second. Order (and so seq) is kept: everything passes through here.
   */
  private publish(topic: string, payload: { timestamp: number; metrics?: UMetric[] }, data?: UnsentData): void {
    if (!this.client) return;
    this.publishRaw(topic, encode({ ...payload, seq: this.nextSeq() }), data);
  }

  private publishRaw(topic: string, bytes: Buffer, data?: UnsentData): void {
    if (!this.client) return;
    this.pending.push(data ? { topic, bytes, data } : { topic, bytes });
    this.counters.messages += 1;
    this.flushTimer ??= this.batchTimers.setTimeout(() => this.flush(), this.o.publishBatchMs ?? 20);
  }

  private flush(): void {
    if (this.flushTimer) this.batchTimers.clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const batch = this.pending;
    this.pending = [];
    const client = this.client;
    if (!client) return;
    for (const message of batch) client.publish(message.topic, message.bytes, { qos: 0, retain: false });
  }

  private publishAsync(client: MqttClient, topic: string, payload: { timestamp: number; metrics: UMetric[] }): Promise<unknown> {
    this.counters.messages += 1;
    return client.publishAsync(topic, encode({ ...payload, seq: this.nextSeq() }), { qos: 0, retain: false });
  }

  private deathPayload(): Buffer {
    // NDEATH carries the bdSeq of its NBIRTH and no seq
    return encode({ timestamp: this.o.clock.now(), metrics: [metric({ name: 'bdSeq', type: 'UInt64', value: this.bdSeq })] });
  }

  private topic(type: 'NBIRTH' | 'NDEATH' | 'NCMD'): string {
    return nodeTopic(this.o.groupId, type, this.o.edgeNodeId);
  }
}
