/**
 * Hub mode (`hub:`): this Pressroom shows every site's presses, read from the broker as a
 * Sparkplug host application (hub-host.ts). It adds them to the press list through a press
 * source port, lists the alarms they carry beside the local ones, and refuses, with a clear
 * 409, to acknowledge or shelve an alarm that belongs to a plant's own box.
 */
import { Router, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { requireRole } from '../http/auth-guard.js';
import type { FeatureModule } from '../http/feature-module.js';
import { HttpError } from '../http/http-error.js';
import type { PressReadModel } from '../http/ports.js';
import type { Clock } from '../lib/clock.js';
import type { AlarmView } from '../model/alarm-view.js';
import type { HealthPart } from '../model/health.js';
import { HubHost, type HubEvents } from './hub-host.js';
import type { HubConfig } from './sparkplug-config.js';
import type { TypedEmitter } from '../lib/typed-emitter.js';

export interface HubModuleOptions {
  config: HubConfig;
  /** This box's own alarms (the alarms feature's list), listed with the remote ones. */
  localAlarms(): AlarmView[];
  readGuard: RequestHandler;
  clock: Clock;
  logger: Logger;
}

export interface HubModule extends FeatureModule {
  /** The remote presses, for the press list (ids `group/edgeNode/pressId`). */
  readonly presses: PressReadModel;
  readonly events: TypedEmitter<HubEvents>;
  alarms(): AlarmView[];
  health(): HealthPart;
}

const listFilters = new Set(['active', 'unacknowledged', 'press', 'pressId', 'priority']);

export function createHubModule(options: HubModuleOptions): HubModule {
  const { config } = options;
  const host = new HubHost({
    credentials: { broker: config.broker, username: config.username, password: config.password, tls: config.tls },
    hostId: config.hostId,
    groups: config.groups,
    reconnectMs: Math.round(config.reconnectSeconds * 1000),
    clock: options.clock,
    logger: options.logger,
  });
  const router = Router();
  // The live list, local and remote together; the journal (`all`) and CSV stay the alarms feature's.
  router.get('/alarms', options.readGuard, (req, res, next) => {
    const query = req.query as Record<string, unknown>;
    if (Object.keys(query).some((key) => !listFilters.has(key)) || Object.values(query).some((v) => typeof v !== 'string')) return next();
    const q = query as Record<string, string | undefined>;
    const flag = (v: string | undefined) => (v === undefined ? undefined : v === 'true' || v === '1');
    const active = flag(q.active);
    const unacknowledged = flag(q.unacknowledged);
    const pressId = q.pressId ?? q.press;
    const priorities = q.priority?.split(',');
    res.json(
      [...options.localAlarms(), ...host.alarms()].filter(
        (a) =>
          (active === undefined || a.active === active) &&
          (unacknowledged === undefined || !a.acknowledged === unacknowledged) &&
          (pressId === undefined || a.pressId === pressId) &&
          (priorities === undefined || priorities.includes(a.priority)),
      ),
    );
  });
  router.post(/^\/alarms\/(.+)\/(ack|shelve|unshelve)$/, requireRole('operator'), (req, _res, next) => {
    const id = (req.params as Record<string, string>)[0]!;
    const remote = host.alarms().find((a) => a.id === id);
    if (!remote && !id.includes('/')) return next();
    const site = remote ? remote.pressId.split('/').slice(0, 2).join('/') : id.split('/').slice(0, 2).join('/');
    throw new HttpError(
      409,
      'remote_alarm',
      `alarm ${id} belongs to a press at site ${site}: acknowledge and shelve it on that plant's own Pressroom; the hub only shows it`,
      { site, pressId: remote?.pressId ?? null },
    );
  });

  return {
    name: 'hub',
    migrations: [],
    routes: [router],
    presses: {
      list: () => host.presses().map((p) => p.snapshot()),
      get: (id) => host.press(id)?.snapshot(),
    },
    events: host.events,
    alarms: () => host.alarms(),
    health() {
      const nodes = host.edgeNodes();
      const dead = nodes.filter((n) => !n.online);
      return {
        reasons: [
          ...(host.connected ? [] : [`hub: not connected to ${config.broker} (${host.brokerError ?? 'broker unreachable'}); every remote press is stale`]),
          ...dead.map((n) => `hub: site ${n.site} is not publishing (edge node dead)`),
        ],
        fields: { hub: { hostId: config.hostId, connected: host.connected, brokerError: host.brokerError, edgeNodes: nodes, received: { ...host.counters } } },
      };
    },
    start: () => host.start(),
    stop: () => host.stop(),
  };
}
