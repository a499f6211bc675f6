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

export function createRealtimeServer(options: RealtimeOptions): RealtimeServer {
  const io = new Server(options.httpServer, {
    serveClient: false,
    maxHttpBufferSize: 64 * 1024,
    pingInterval: 10_000,
    pingTimeout: 8_000,
    allowRequest: (req, callback) => {
      if (!sameOrigin(req)) return callback('origin not allowed', false);
      if (options.authorize && !options.authorize(req)) return callback('login required', false);
      callback(null, true);
    },
  });

  io.on('connection', (socket) => {
    const snapshot: RealtimeSnapshot = { serverTime: options.now(), presses: options.presses.list(), alarms: options.activeAlarms() };
    socket.emit('snapshot', snapshot);
  });
  const revalidate = options.stillAuthorized;
  const revalidation = revalidate
    ? setInterval(() => {
        for (const socket of io.sockets.sockets.values()) {
          if (!revalidate(socket.request)) {
            socket.emit('session:ended', { reason: 'login required' });
            socket.disconnect(true);
          }
        }
      }, options.revalidateMs ?? 1000)
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
