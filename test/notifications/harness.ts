/**
 * One "process" of the notifier: a real SQLite file in a temp folder, the outbox migrations,
 * an alarm event source, createNotifications under a ManualClock with real fetch.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AlarmEvent, AlarmEventType } from '../../src/alarms/alarm-types.js';
import type { AlarmPriority, AlarmView } from '../../src/model/alarm-view.js';
import { type ManualClock } from '../helpers/manual-clock.js';
import { TypedEmitter } from '../../src/lib/typed-emitter.js';
import {
  createNotifications,
  notificationsMigrations,
  webhookConfigSchema,
  type CreateNotificationsOptions,
  type NotificationEvents,
  type WebhookConfigInput,
} from '../../src/notifications/index.js';
import { openDatabase, type StoreDatabase } from '../../src/store/database.js';
import { migrate } from '../../src/store/migrate.js';
import { OutboxRepository } from '../../src/notifications/outbox-repository.js';
import { captureLogs } from '../helpers/log-capture.js';

export const SECRET = 'pressroom-test-secret-0123456789';

export function makeTempDir(): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pressroom-notify-'));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export function openOutboxDatabase(dir: string): StoreDatabase {
  const db = openDatabase({ dataDir: dir });
  migrate(db, notificationsMigrations);
  return db;
}

/** Stands in for the AlarmService: `emit` is what the service does after storing a change. */
export class AlarmSource {
  private readonly emitter = new TypedEmitter<{ alarm: (event: AlarmEvent) => void }>();
  on(event: 'alarm', listener: (event: AlarmEvent) => void): () => void {
    return this.emitter.on(event, listener);
  }
  emit(type: AlarmEventType, alarm: AlarmView, at = alarm.raisedAt): void {
    this.emitter.emit('alarm', { type, at, alarm });
  }
}

export function alarmView(overrides: Partial<AlarmView> & { id: string }): AlarmView {
  return {
    pressId: 'sm-1',
    code: 'jam.feeder',
    label: 'Paper jam at feeder',
    priority: 'critical' satisfies AlarmPriority,
    state: 'unack-active',
    active: true,
    acknowledged: false,
    raisedAt: 1_700_000_000_000,
    clearedAt: null,
    ackedAt: null,
    ackedBy: null,
    ackNote: null,
    shelvedUntil: null,
    shelvedBy: null,
    shelveReason: null,
    suppressed: false,
    chatterCount: 1,
    chattering: false,
    stopReason: 'jam',
    ...overrides,
  };
}

export interface BootOptions {
  dir: string;
  clock: ManualClock;
  webhooks: WebhookConfigInput[];
  limits?: CreateNotificationsOptions['limits'];
  pressInfo?: CreateNotificationsOptions['pressInfo'];
}

/** Opens the store and the notifier, attached to a fresh source; `start()` is left to the test. */
export function boot(options: BootOptions) {
  const db = openOutboxDatabase(options.dir);
  const logs = captureLogs('debug');
  const source = new AlarmSource();
  const notifications = createNotifications({
    db,
    logger: logs.logger,
    clock: options.clock,
    webhooks: options.webhooks.map((w) => webhookConfigSchema.parse(w)),
    random: () => 0.5, // jitter pinned: delays are 3/4 of each backoff step
    limits: options.limits,
    pressInfo: options.pressInfo,
  });
  notifications.attach(source);
  return {
    db,
    logs,
    source,
    notifications,
    outbox: new OutboxRepository(db),
    async shutdown() {
      await notifications.stop();
      db.close();
    },
  };
}

/** Resolves with the next notifier event of this kind that passes `match`. */
export function nextEvent<E extends keyof NotificationEvents>(
  notifications: { events: TypedEmitter<NotificationEvents> },
  name: E,
  match: (payload: Parameters<NotificationEvents[E]>[0]) => boolean = () => true,
): Promise<Parameters<NotificationEvents[E]>[0]> {
  return new Promise((resolve) => {
    const off = notifications.events.on(name, ((payload: Parameters<NotificationEvents[E]>[0]) => {
      if (!match(payload)) return;
      off();
      resolve(payload);
    }) as NotificationEvents[E]);
  });
}

/** Resolves once `count` deliveries (2xx) have been recorded. */
export function deliveries(notifications: { events: TypedEmitter<NotificationEvents> }, count: number): Promise<void> {
  let seen = 0;
  return new Promise((resolve) => {
    const off = notifications.events.on('delivered', () => {
      if (++seen < count) return;
      off();
      resolve();
    });
  });
}
