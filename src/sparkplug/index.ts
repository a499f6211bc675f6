/**
 * The Sparkplug B feature (docs/multi-site.md): with `sparkplug:` this box is an edge node on the
 * plant's MQTT broker (edge-node.ts, store and forward in SQLite); with `hub:` it is a Sparkplug
 * host application that shows every site's presses (hub-*.ts). It reads the presses, their alarms
 * and their running jobs through small ports the composition root hands it.
 */
import type { Logger } from 'pino';
import type { FeatureModule } from '../http/feature-module.js';
import { outboxDepth } from '../http/feature-metrics.js';
import type { Clock } from '../lib/clock.js';
import type { AlarmView } from '../model/alarm-view.js';
import type { HealthPart } from '../model/health.js';
import type { PressSnapshot } from '../model/press-snapshot.js';
import type { Job } from '../model/production.js';
import type { StoreDatabase } from '../store/database.js';
import { migrate } from '../store/migrate.js';
import { EdgeNode, type EdgeNodeCounters } from './edge-node.js';
import { SparkplugOutbox } from './outbox-repository.js';
import { PressContext } from './press-context.js';
import { LiveMetrics, discreteOf, pressMetrics, sameDiscrete, type DiscreteState, type PressExtras } from './press-metrics.js';
import type { SparkplugConfig } from './sparkplug-config.js';
import { sparkplugMigrations } from './sparkplug-migrations.js';

export { sparkplugConfigSchema, hubConfigSchema, type SparkplugConfig, type HubConfig } from './sparkplug-config.js';
export { createHubModule, type HubModule } from './hub-module.js';

export interface SparkplugEventSources {
  onPressUpdate(listener: (snapshot: PressSnapshot) => void): () => void;
  onAlarm(listener: (event: { alarm: Pick<AlarmView, 'pressId'> }) => void): () => void;
  onJobChanged(listener: (job: Job) => void): () => void;
}

export interface SparkplugModuleOptions {
  config: SparkplugConfig;
  db: StoreDatabase;
  /** The presses of this box, in config order. */
  pressIds: readonly string[];
  snapshot(pressId: string): PressSnapshot | undefined;
  /** The alarms listed now (active, or cleared and not yet acknowledged): every press's, or one press's. */
  listAlarms(pressId?: string): readonly AlarmView[];
  /** The jobs running at start (later changes come through `observe`). */
  runningJobs(): readonly Pick<Job, 'pressId' | 'jobId'>[];
  clock: Clock;
  logger: Logger;
}

export interface SparkplugModule extends FeatureModule {
  /** Each press update goes through here: DDATA by exception (or the queue). */
  pressUpdated(snapshot: PressSnapshot): void;
  /** Listens to the presses, the alarms and the jobs; returns the function that stops listening. */
  observe(sources: SparkplugEventSources): () => void;
  health(): HealthPart;
  /**
   * For monitoring (Prometheus): the store-and-forward queue now (`outboxDepth`), rows lost past
   * its bound since start, whether changes go out live, and the message counters since start.
   */
  stats(): { outboxDepth: number; outboxDropped: number; connected: boolean; publishing: boolean; published: EdgeNodeCounters };
}

export function createSparkplugModule(options: SparkplugModuleOptions): SparkplugModule {
  const { config, db } = options;
  migrate(db, sparkplugMigrations);
  const outbox = new SparkplugOutbox(db, config.storeAndForward.maxMessages);
  const context = new PressContext(options);
  const extrasOf = (pressId: string): PressExtras => ({ alarms: context.alarmsOf(pressId), job: context.jobOf(pressId) });
  /**
   * Each press's metrics as last announced (press:update), written in place: the snapshot itself
   * is not kept, so it dies young. And what its discrete metrics were then.
   */
  const live = new Map<string, LiveMetrics>();
  const discrete = new Map<string, DiscreteState>();
  const node = new EdgeNode({
    credentials: { broker: config.broker, username: config.username, password: config.password, tls: config.tls },
    groupId: config.groupId,
    edgeNodeId: config.edgeNodeId,
    primaryHostId: config.primaryHostId,
    devices: {
      pressIds: () => options.pressIds,
      metrics: (pressId) => {
        const extras = extrasOf(pressId);
        const metrics = live.get(pressId);
        if (metrics) return metrics.current(extras);
        const snapshot = options.snapshot(pressId);
        return snapshot && pressMetrics(snapshot, extras);
      },
    },
    outbox,
    reconnectMs: Math.round(config.reconnectSeconds * 1000),
    analogIntervalMs: Math.round(config.analogIntervalSeconds * 1000),
    clock: options.clock,
    logger: options.logger,
  });
  function pressUpdated(snapshot: PressSnapshot): void {
    const alarms = context.alarmsOf(snapshot.id);
    const job = context.jobOf(snapshot.id);
    let metrics = live.get(snapshot.id);
    if (!metrics) live.set(snapshot.id, (metrics = new LiveMetrics()));
    metrics.update(snapshot);
    const last = discrete.get(snapshot.id);
    if (last && sameDiscrete(last, snapshot, alarms, job)) {
      node.pressUpdated(snapshot.id, true);
      return;
    }
    discrete.set(snapshot.id, discreteOf(snapshot, alarms, job));
    node.pressUpdated(snapshot.id, false);
  }
  return {
    name: 'sparkplug',
    migrations: sparkplugMigrations,
    routes: [],
    pressUpdated,
    observe(sources) {
      const offs = [
        sources.onAlarm((event) => context.alarmChanged(event.alarm.pressId)),
        sources.onJobChanged((job) => context.jobChanged(job)),
        sources.onPressUpdate(pressUpdated),
      ];
      return () => offs.forEach((off) => off());
    },
    health() {
      const status = node.status();
      const depth = outbox.depth();
      const reasons = status.publishing
        ? []
        : [
            `sparkplug: not publishing to ${config.broker} (${status.connected ? `waiting for primary host ${config.primaryHostId}` : (status.brokerError ?? 'broker unreachable')}); ${depth} changes queued`,
          ];
      return {
        reasons,
        fields: {
          sparkplug: {
            ...status,
            groupId: config.groupId,
            edgeNodeId: config.edgeNodeId,
            outbox: { depth, maxMessages: outbox.maxMessages, dropped: outbox.dropped() },
            published: { ...node.counters },
          },
        },
      };
    },
    stats() {
      const status = node.status();
      return {
        outboxDepth: outbox.depth(),
        outboxDropped: outbox.dropped(),
        connected: status.connected,
        publishing: status.publishing,
        published: { ...node.counters },
      };
    },
    metrics: () => [
      outboxDepth('sparkplug', () => outbox.depth()),
      {
        kind: 'counter',
        name: 'pressroom_sparkplug_messages_total',
        help: 'Sparkplug B messages since start, by kind (birth, death, data live, data historical after an outage, queued, dropped past the store-and-forward bound)',
        labelNames: ['kind'],
        read: () => {
          const c = node.counters;
          return [
            { labels: { kind: 'birth' }, value: c.births },
            { labels: { kind: 'death' }, value: c.deaths },
            { labels: { kind: 'data' }, value: c.data },
            { labels: { kind: 'historical' }, value: c.historical },
            { labels: { kind: 'queued' }, value: c.queued },
            { labels: { kind: 'dropped' }, value: outbox.dropped() },
          ];
        },
      },
      {
        kind: 'gauge',
        name: 'pressroom_sparkplug_publishing',
        help: '1 while the edge node publishes live (broker connected, births sent, primary host online); 0 while changes go to the queue',
        read: () => [{ value: node.status().publishing ? 1 : 0 }],
      },
    ],
    start: () => node.start(),
    stop: () => node.stop(),
  };
}
