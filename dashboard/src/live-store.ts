/**
 * The dashboard's picture of the press room: presses and active alarms as the service last
 * told them, plus the state of the connection that tells them. Views subscribe and redraw;
 * nothing here talks to the network (live-connection.ts feeds it).
 */
import type { AlarmView, DowntimeEventView, JobView, PressWithForecast, RealtimeSnapshot } from './types.js';

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'refused';

export type StoreChange =
  | { kind: 'snapshot' }
  | { kind: 'press'; pressId: string }
  | { kind: 'alarm'; event: AlarmEventName; alarm: AlarmView }
  | { kind: 'supply'; entry: unknown }
  | { kind: 'job'; pressId: string | null; job?: JobView }
  | { kind: 'downtime'; event: DowntimeEventView }
  | { kind: 'connection' };

export type AlarmEventName = 'alarm:raised' | 'alarm:cleared' | 'alarm:acked' | 'alarm:updated' | 'alarm:renotify';

type Listener = (change: StoreChange) => void;

export class LiveStore {
  readonly presses = new Map<string, PressWithForecast>();
  readonly alarms = new Map<string, AlarmView>();
  /** The job running on each press, with the press's lifetime good count when it was told (see runningGood). */
  readonly runningJobs = new Map<string, { job: JobView; goodCounterAt: number | null }>();
  connection: ConnectionState = 'connecting';
  /** When the link last dropped (browser clock), for "reconnecting for 12 s". */
  disconnectedAt: number | null = null;
  lastError: string | null = null;
  /** server clock minus browser clock, so "time in state" is right on a tablet with a wrong clock. */
  clockOffsetMs = 0;
  /** True once the first snapshot arrived. */
  loaded = false;
  private readonly listeners = new Set<Listener>();

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The service's clock, estimated. */
  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  /** Data is fresh only while the link is up. */
  get live(): boolean {
    return this.connection === 'live';
  }

  applySnapshot(snapshot: RealtimeSnapshot): void {
    this.clockOffsetMs = snapshot.serverTime - Date.now();
    this.presses.clear();
    for (const press of snapshot.presses) this.presses.set(press.id, press);
    this.alarms.clear();
    for (const alarm of snapshot.alarms) this.alarms.set(alarm.id, alarm);
    this.loaded = true;
    this.emit({ kind: 'snapshot' });
  }

  applyPress(press: PressWithForecast): void {
    this.presses.set(press.id, press);
    this.emit({ kind: 'press', pressId: press.id });
  }

  applyAlarm(event: AlarmEventName, alarm: AlarmView): void {
    // an alarm that is cleared and acknowledged has left the active list
    if (alarm.state === 'normal') this.alarms.delete(alarm.id);
    else this.alarms.set(alarm.id, alarm);
    this.emit({ kind: 'alarm', event, alarm });
  }

  /** A job changed (socket.io `job:updated`, or the running jobs asked for after a snapshot). */
  applyJob(job: JobView): void {
    if (job.pressId) {
      const current = this.runningJobs.get(job.pressId);
      if (job.state === 'running') this.runningJobs.set(job.pressId, { job, goodCounterAt: this.presses.get(job.pressId)?.counters.good ?? null });
      else if (current?.job.id === job.id) this.runningJobs.delete(job.pressId);
    }
    // every change is told (a job queued for no press too): the tablet's queue follows them
    this.emit({ kind: 'job', pressId: job.pressId, job });
  }

  /** Replaces the running jobs (after a reconnect nothing missed may linger). */
  setRunningJobs(jobs: JobView[]): void {
    const pressIds = new Set([...this.runningJobs.keys(), ...jobs.map((job) => job.pressId ?? '')]);
    this.runningJobs.clear();
    for (const job of jobs)
      if (job.pressId && job.state === 'running')
        this.runningJobs.set(job.pressId, { job, goodCounterAt: this.presses.get(job.pressId)?.counters.good ?? null });
    for (const pressId of pressIds) if (pressId) this.emit({ kind: 'job', pressId });
  }

  /**
   * The good sheets of a press's running job now: the job's figure (sent at most every 5 s)
   * plus what the press counted since, so the bar moves with every press update.
   */
  runningGood(pressId: string): number | null {
    const running = this.runningJobs.get(pressId);
    if (!running) return null;
    const counter = this.presses.get(pressId)?.counters.good ?? null;
    const since = counter !== null && running.goodCounterAt !== null ? Math.max(0, counter - running.goodCounterAt) : 0;
    return running.job.good + since;
  }

  applyDowntime(event: DowntimeEventView): void {
    this.emit({ kind: 'downtime', event });
  }

  applySupply(entry: unknown): void {
    this.emit({ kind: 'supply', entry });
  }

  setConnection(state: ConnectionState, error: string | null = null): void {
    if (state !== 'live' && this.connection === 'live') this.disconnectedAt = Date.now();
    if (state === 'live') this.disconnectedAt = null;
    this.connection = state;
    this.lastError = error;
    this.emit({ kind: 'connection' });
  }

  pressList(): PressWithForecast[] {
    return [...this.presses.values()];
  }

  private emit(change: StoreChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        // one broken view must not stop the others from updating; the console keeps the trace
        console.error('dashboard: a view failed to update', error);
      }
    }
  }
}
