/**
 * GET /api/health: the report (part of the contract) and the part each feature module
 * contributes to it. The health module merges the parts; a feature never builds the whole.
 */
export interface HealthReport {
  status: 'ok' | 'degraded';
  version: string;
  startedAt: number;
  uptimeS: number;
  presses: { total: number; online: number };
  /** `overrunning`: presses on the bus with scan classes that cannot keep their period (the bus is asked more than it carries). */
  buses: { id: string; kind: string; connected: boolean; overrunning: { pressId: string; scanClasses: string[] }[] }[];
  /** Why the status is `degraded`, one line each (offline presses, overrunning scan classes, store trouble); empty when `ok`. */
  reasons: string[];
  store: StoreHealth;
  /** Event-loop delay since start (perf_hooks), a measure of how responsive the service is. */
  eventLoop: { p50Ms: number; p99Ms: number; maxMs: number };
  realtimeClients: number;
  /**
   * Trend reads: worker threads (ready, busy), reads queued for a worker, per-client turns
   * (`running`, `waiting`), and since start: answered, failed, refused (429/503).
   */
  history?: {
    workers: number;
    ready: number;
    busy: number;
    queued: number;
    running: number;
    waiting: number;
    answered: number;
    failed: number;
    refused: number;
  };
  /** Per webhook: pending, delivered, dead, last error (never the URL, which may hold a token). */
  notifications: unknown[];
  /** XJMF (docs/xjmf.md): open persistent channels, and the latest subscribers dropped for failing too long (host only). */
  xjmf?: {
    subscriptions: number;
    dropped: { channelId: string; messageType: string; pressId: string | null; host: string; droppedAt: number; reason: string }[];
  };
  /** The Sparkplug B edge node (config `sparkplug`), when configured. */
  sparkplug?: SparkplugHealth;
  /** Hub mode (config `hub`), when configured. */
  hub?: HubHealth;
}

export interface SparkplugHealth {
  groupId: string;
  edgeNodeId: string;
  /** The MQTT link is up. */
  connected: boolean;
  /** Why the last connection attempt failed, in words (TLS handshake refused, certificate not trusted, unreachable); null once connected. */
  brokerError: string | null;
  /** Births sent and the primary host (if any) online: changes go out live, not to the queue. */
  publishing: boolean;
  primaryHostId: string | null;
  /** null until the primary host's STATE was read (or when none is configured). */
  primaryHostOnline: boolean | null;
  bdSeq: number;
  seq: number;
  devicesBorn: number;
  /** Stored data is being sent (`is_historical`). */
  replaying: boolean;
  /** The last complete replay of stored data: when it ended, how many messages, how long it took (ms). */
  lastReplay: { at: number; messages: number; ms: number } | null;
  /** Store and forward: DDATA waiting in SQLite (`depth`), its bound, and lost past the bound since start. */
  outbox: { depth: number; maxMessages: number; dropped: number };
  /**
   * Since start: births (NBIRTH + DBIRTH), deaths, live DDATA, historical DDATA, queued, node rebirths asked (NCMD), press
   * rebirths asked (DCMD `Device Control/Rebirth`), DCMDs refused (writes, unknown presses, not Sparkplug B), MQTT messages.
   */
  published: {
    births: number;
    deaths: number;
    data: number;
    historical: number;
    queued: number;
    rebirths: number;
    deviceRebirths: number;
    commandsRefused: number;
    messages: number;
  };
}

export interface HubHealth {
  hostId: string;
  connected: boolean;
  /** As for `sparkplug.brokerError`. */
  brokerError: string | null;
  edgeNodes: { site: string; online: boolean; bdSeq: number | null; presses: number }[];
  /** Since start: Sparkplug messages, rebirths asked, sequence gaps seen, historical DDATA, undecodable payloads. */
  received: { messages: number; rebirthRequests: number; seqGaps: number; historical: number; undecodable: number };
}

export interface StoreHealth {
  ok: boolean;
  error?: string;
  /** Writes waiting for the database: transitions, counters and alarm changes (`writes`), trend samples. */
  pending: { writes: number; samples: number };
  /** Lost since start: queued writes past their bound or refused for their content, samples thinned in an outage. */
  dropped: { writes: number; samples: number };
}

/** What one feature adds: lines for `reasons` (each makes the status degraded) and its own fields. */
export interface HealthPart {
  reasons?: string[];
  fields?: Partial<Omit<HealthReport, 'status' | 'reasons' | 'store'>>;
  /** Its share of `store`: the first error named wins; counts add up. */
  store?: { error?: string; pending?: Partial<StoreHealth['pending']>; dropped?: Partial<StoreHealth['dropped']> };
}
