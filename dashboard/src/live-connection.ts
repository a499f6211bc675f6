/**
 * The socket.io link to the service. socket.io-client reconnects by itself with backoff
 * (service restart, network drop, laptop lid); on every (re)connect the service sends a
 * fresh `snapshot`, which replaces everything, so nothing missed while away lingers.
 */
import { io, type Socket } from 'socket.io-client';
import type { AlarmEventName, LiveStore } from './live-store.js';
import { request } from './api.js';
import type { AlarmView, DowntimeEventView, JobView, PressWithForecast, RealtimeSnapshot } from './types.js';

const ALARM_EVENTS: AlarmEventName[] = ['alarm:raised', 'alarm:cleared', 'alarm:acked', 'alarm:updated', 'alarm:renotify'];

export interface LiveConnection {
  socket: Socket;
  /** Join the detail room of one press (detail-only events), or leave it with null. */
  watchPress(pressId: string | null): void;
  /** Drop and reopen the link, e.g. after logging in, so the handshake carries the session. */
  reconnect(): void;
}

export function connectLive(options: { store: LiveStore }): LiveConnection {
  const { store } = options;
  const socket = io({
    path: '/socket.io',
    transports: ['websocket', 'polling'],
    reconnection: true,
    reconnectionDelay: 500,
    // capped low so a wall screen is back in sync within 5 s of a service restart (at most
    // ~2 s of waiting plus the handshake); a LAN of dashboards can afford the retries
    reconnectionDelayMax: 1_500,
    randomizationFactor: 0.3,
    timeout: 8_000,
  });
  let watched: string | null = null;

  socket.on('connect', () => {
    if (watched) socket.emit('subscribe', watched);
  });
  // 'live' only once the snapshot is in: before that the board would show old values as fresh
  socket.on('snapshot', (snapshot: RealtimeSnapshot) => {
    store.applySnapshot(snapshot);
    store.setConnection('live');
    // the snapshot carries no jobs: ask for the running ones; job:updated keeps them current
    request<{ jobs: JobView[] }>('/api/jobs', { query: { state: 'running' } }).then(
      (body) => store.setRunningJobs(body.jobs),
      (error: unknown) => console.warn('dashboard: could not load the running jobs', error),
    );
  });
  socket.on('press:update', (press: PressWithForecast) => store.applyPress(press));
  for (const event of ALARM_EVENTS) socket.on(event, (alarm: AlarmView) => store.applyAlarm(event, alarm));
  socket.on('downtime:updated', (event: DowntimeEventView) => store.applyDowntime(event));
  socket.on('job:updated', (job: JobView) => store.applyJob(job));
  socket.on('supply:logged', (entry: unknown) => store.applySupply(entry));

  socket.on('disconnect', (reason) => {
    store.setConnection('reconnecting', reason);
    // the service closed the socket on purpose (restart, kick): socket.io will not retry by itself
    if (reason === 'io server disconnect') socket.connect();
  });
  socket.on('connect_error', (error) => {
    const refused = /login required|origin not allowed/i.test(error.message);
    store.setConnection(refused ? 'refused' : 'reconnecting', error.message);
    // a refused handshake stops socket.io's own retries: try again later anyway (session may arrive)
    if (!socket.active) window.setTimeout(() => socket.connect(), 5_000);
  });

  return {
    socket,
    watchPress(pressId) {
      if (watched && watched !== pressId) socket.emit('unsubscribe', watched);
      watched = pressId;
      if (pressId && socket.connected) socket.emit('subscribe', pressId);
    },
    reconnect() {
      socket.disconnect();
      socket.connect();
    },
  };
}
