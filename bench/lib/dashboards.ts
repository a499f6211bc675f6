/**
 * N dashboard clients (socket.io-client over WebSocket, like the browser app), each
 * recording when events arrive: press:update counts and server-to-client delays, and
 * every alarm event with its arrival time, for the benchmarks to match against.
 */
import { io, type Socket } from 'socket.io-client';
import { withTimeout } from './timing.js';

export interface AlarmArrival {
  client: number;
  event: string;
  at: number;
  alarm: { id: string; pressId: string; code: string; state: string };
}

export class DashboardClients {
  pressUpdates = 0;
  /** Date.now() at arrival minus the snapshot's `updatedAt` (same host clock), ms. */
  updateDelays: number[] = [];
  readonly alarms: AlarmArrival[] = [];
  private waiters: (() => void)[] = [];
  private recordDelays = false;

  private constructor(private readonly sockets: Socket[]) {}

  static async connect(url: string, count: number): Promise<DashboardClients> {
    const sockets = Array.from({ length: count }, () => io(url, { transports: ['websocket'], forceNew: true, reconnection: false }));
    const clients = new DashboardClients(sockets);
    sockets.forEach((socket, index) => clients.listen(socket, index));
    await withTimeout(
      Promise.all(
        sockets.map(
          (socket) =>
            new Promise<void>((resolve, reject) => {
              socket.once('snapshot', () => resolve());
              socket.once('connect_error', (error) => reject(new Error(`dashboard client ${index(socket, sockets)} could not connect: ${error.message}`)));
            }),
        ),
      ),
      15_000,
      `${count} dashboard clients to connect and get their snapshot`,
    );
    return clients;
  }

  /** Start (or stop) keeping server-to-client delays of press:update (costs memory on long runs). */
  trackDelays(on: boolean): void {
    this.recordDelays = on;
  }

  /** Resolves when `done()` holds after an alarm event, or rejects after `timeoutMs`. */
  async until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (done()) return;
    await withTimeout(
      new Promise<void>((resolve) => {
        const check = () => (done() ? resolve() : this.waiters.push(check));
        this.waiters.push(check);
      }),
      timeoutMs,
      what,
    );
  }

  get connected(): number {
    return this.sockets.filter((s) => s.connected).length;
  }

  close(): void {
    this.sockets.forEach((s) => s.disconnect());
  }

  private listen(socket: Socket, client: number): void {
    socket.on('press:update', (snapshot: { updatedAt?: number }) => {
      this.pressUpdates++;
      if (this.recordDelays && typeof snapshot.updatedAt === 'number') this.updateDelays.push(Date.now() - snapshot.updatedAt);
    });
    for (const event of ['alarm:raised', 'alarm:cleared', 'alarm:acked', 'alarm:updated']) {
      socket.on(event, (alarm: AlarmArrival['alarm']) => {
        this.alarms.push({ client, event, at: performance.now(), alarm });
        const waiters = this.waiters.splice(0);
        waiters.forEach((w) => w());
      });
    }
  }
}

function index(socket: Socket, sockets: Socket[]): number {
  return sockets.indexOf(socket);
}
