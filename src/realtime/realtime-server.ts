/**
 * socket.io fan-out to dashboards: a `snapshot` on connect, then live events. Thin: it
 * only relays what the feature modules announce, each event to every dashboard.
 */
import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import type { AlarmView, RealtimeSnapshot } from '../model/alarm-view.js';
import type { PressSnapshot } from '../model/press-snapshot.js';
import type { PressReadModel } from '../http/ports.js';

export interface RealtimeOptions {
  httpServer: HttpServer;
  presses: PressReadModel;
  activeAlarms: () => AlarmView[];
  logger: Logger;
  now: () => number;
  /** Decides whether a handshake may connect (session / anonymous read); default: all. */
  authorize?: (req: IncomingMessage) => boolean;
  /**
   * Re-checked for every socket every `revalidateMs`: a socket whose session has ended
   * (logout, user disabled, password changed) is disconnected when this says no.
   */
  stillAuthorized?: (req: IncomingMessage) => boolean;
  revalidateMs?: number;
  /**
   * Open connections one client address may hold (config `server.maxSocketsPerAddress`);
   * a handshake beyond it is refused. Default: no limit. Each socket costs memory (20,600 from
   * one address took the process to 665 MiB), so the service sets one.
   */
  maxConnectionsPerAddress?: number;
}

export interface RealtimeServer {
  io: Server;
  pressUpdated(snapshot: PressSnapshot): void;
  alarmEvent(event: 'alarm:raised' | 'alarm:cleared' | 'alarm:acked' | 'alarm:updated' | 'alarm:renotify', alarm: AlarmView): void;
  emit(event: string, payload: unknown): void;
  connectedClients(): number;
  close(): Promise<void>;
}

/** A browser page from another origin may not open a socket (cross-site WebSocket hijacking). */
export function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true; // not a browser, or same-origin navigation
  const host = req.headers.host;
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** A client's address as the kernel gives it; an IPv4 client on a dual-stack socket without the `::ffff:` prefix. */
function clientAddress(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? 'unknown';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/**
 * Counts open engine.io connections per client address. Counted at `connection`, checked at
 * the handshake: engine.io emits `connection` within the same turn of the event loop as the
 * handshake that `allowRequest` let through (only promise callbacks in between), so no other
 * handshake can slip past the count.
 */
function connectionsPerAddress(options: { limit: number; logger: Logger }): { admits(req: IncomingMessage): boolean; track(io: Server): void } {
  const open = new Map<string, number>();
  const warned = new Set<string>();
  return {
    admits(req) {
      const address = clientAddress(req);
      if ((open.get(address) ?? 0) < options.limit) return true;
      // the first refusal per address at warn, repeats at debug: a flood must not flood the log
      const first = !warned.has(address) && warned.size < 100;
      if (first) warned.add(address);
      options.logger[first ? 'warn' : 'debug'](
        { address, limit: options.limit },
        'realtime connection refused: too many from this address (server.maxSocketsPerAddress)',
      );
      return false;
    },
    track(io) {
      io.engine.on('connection', (raw: { request: IncomingMessage; once(event: 'close', listener: () => void): void }) => {
        const address = clientAddress(raw.request);
        open.set(address, (open.get(address) ?? 0) + 1);
        raw.once('close', () => {
          const left = (open.get(address) ?? 1) - 1;
          if (left > 0) open.set(address, left);
          else open.delete(address);
        });
      });
    },
  };
}

/**
 * Disconnects sockets whose session has ended. A session that cannot be checked (the database
 * cannot be read) keeps its socket until the next pass: nothing that ends a session (logout,
 * disabling, a password change) can have been written meanwhile either, and a timer's
 * exception would end the process.
 */
function revalidateSockets(
  io: Server,
  stillAuthorized: (req: IncomingMessage) => boolean,
  context: { logger: Logger; now: () => number; trouble: { since?: number } },
): void {
  const { logger, now, trouble } = context;
  let unchecked = 0;
  let failure: unknown;
  for (const socket of io.sockets.sockets.values()) {
    let authorized: boolean;
    try {
      authorized = stillAuthorized(socket.request);
    } catch (error) {
      unchecked += 1;
      failure = error;
      continue;
    }
    if (!authorized) {
      socket.emit('session:ended', { reason: 'login required' });
      socket.disconnect(true);
    }
  }
  // the first failure at warn, repeats (once a second during an outage) at debug
  if (unchecked > 0 && trouble.since === undefined) {
    trouble.since = now();
    logger.warn({ err: failure, sockets: unchecked }, 'could not re-check the sessions of open sockets; kept until a check succeeds');
  } else if (unchecked > 0) {
    logger.debug({ err: failure, sockets: unchecked }, 'sessions of open sockets still cannot be re-checked');
  } else if (trouble.since !== undefined) {
    logger.info({ troubleMs: now() - trouble.since }, 'sessions of open sockets re-checked again');
    trouble.since = undefined;
  }
}

export function createRealtimeServer(options: RealtimeOptions): RealtimeServer {
  const perAddress = connectionsPerAddress({ limit: options.maxConnectionsPerAddress ?? Infinity, logger: options.logger });
  const io = new Server(options.httpServer, {
    serveClient: false,
    maxHttpBufferSize: 64 * 1024,
    pingInterval: 10_000,
    pingTimeout: 8_000,
    // An exception thrown here escapes engine.io's request handler and ends the process:
    // every hook it calls is guarded, and a failure refuses this one handshake.
    allowRequest: (req, callback) => {
      if (!sameOrigin(req)) return callback('origin not allowed', false);
      if (!perAddress.admits(req)) return callback('too many connections from this address', false);
      let allowed: boolean;
      try {
        allowed = options.authorize ? options.authorize(req) : true;
      } catch (error) {
        options.logger.warn({ err: error }, 'realtime handshake refused: the session could not be checked');
        return callback('session check failed; try again', false);
      }
      if (!allowed) return callback('login required', false);
      callback(null, true);
    },
  });

  perAddress.track(io);
  io.on('connection', (socket) => {
    try {
      const snapshot: RealtimeSnapshot = { serverTime: options.now(), presses: options.presses.list(), alarms: options.activeAlarms() };
      socket.emit('snapshot', snapshot);
    } catch (error) {
      options.logger.error({ err: error }, 'realtime connection dropped: could not send its snapshot');
      socket.disconnect(true);
    }
  });
  const revalidate = options.stillAuthorized;
  const revalidationTrouble: { since?: number } = {};
  const revalidation = revalidate
    ? setInterval(
        () => revalidateSockets(io, revalidate, { logger: options.logger, now: options.now, trouble: revalidationTrouble }),
        options.revalidateMs ?? 1000,
      )
    : undefined;
  revalidation?.unref();

  io.engine.on('connection_error', (err: { code: number; message: string; context?: unknown }) => {
    options.logger.debug({ code: err.code, reason: err.message }, 'realtime connection refused');
  });

  // A broadcast encodes its payload even when no dashboard is connected (socket.io's adapter
  // serialises before it looks for sockets): with nobody to receive, send nothing.
  const sockets = io.of('/').sockets;
  const broadcast = (event: string, payload: unknown) => {
    if (sockets.size > 0) io.emit(event, payload);
  };
  return {
    io,
    pressUpdated: (snapshot) => broadcast('press:update', snapshot),
    alarmEvent: (event, alarm) => broadcast(event, alarm),
    emit: broadcast,
    connectedClients: () => io.engine.clientsCount,
    close: () => {
      if (revalidation) clearInterval(revalidation);
      return new Promise<void>((resolve) => void io.close(() => resolve()));
    },
  };
}
