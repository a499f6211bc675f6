/**
 * When a subscriber hears something: the press, job, alarm and supply events turned into
 * "signal this type for this press now" (docs/xjmf.md, "Subscriptions"). A status signal goes
 * on a change of run state, cause, online, alarms active or the running job, not on counters
 * (they move with every sheet: RepeatTime carries them); levels in 5-point steps; the queue
 * when a job is added or changes state; every alarm raised or cleared and every supply logged.
 */
import type { AlarmView } from '../model/alarm-view.js';
import type { PressSnapshot } from '../model/press-snapshot.js';
import type { SupplyEntry } from '../model/supply.js';
import type { SubscriptionType } from './subscription-repository.js';
import { alarmNotification, resourceKey, statusKey, supplyNotification } from './xjmf-content.js';
import type { XjmfJob } from './xjmf-elements.js';
import type { XmlOut } from './xml.js';

/** The channels (SubscriptionManager). */
export interface SignalChannels {
  readonly size: number;
  signalAll(type: SubscriptionType, pressId: string | null, content?: () => XmlOut[]): void;
}

export class SignalTriggers {
  private readonly statusKeys = new Map<string, string>();
  private readonly resourceKeys = new Map<string, string>();
  private readonly running = new Map<string, XjmfJob>();
  /** Press and state of the jobs seen, to tell a queue change from a running job's new figures. */
  private readonly jobStates = new Map<number, string>();

  constructor(private readonly channels: SignalChannels) {}

  /** Seeds the running jobs (then kept from the job events). */
  seed(runningJobs: readonly XjmfJob[]): void {
    for (const job of runningJobs) if (job.pressId !== null) this.running.set(job.pressId, job);
  }

  runningJob(pressId: string): XjmfJob | undefined {
    return this.running.get(pressId);
  }

  pressUpdated(snapshot: PressSnapshot): void {
    if (this.channels.size === 0) return;
    const status = statusKey(snapshot, this.running.get(snapshot.id));
    if (this.statusKeys.get(snapshot.id) !== status) {
      this.statusKeys.set(snapshot.id, status);
      this.channels.signalAll('Status', snapshot.id);
    }
    const resources = resourceKey(snapshot);
    if (this.resourceKeys.get(snapshot.id) !== resources) {
      this.resourceKeys.set(snapshot.id, resources);
      this.channels.signalAll('Resource', snapshot.id);
    }
  }

  jobChanged(job: XjmfJob): void {
    if (job.pressId !== null) {
      if (job.state === 'running') this.running.set(job.pressId, job);
      else if (this.running.get(job.pressId)?.id === job.id) this.running.delete(job.pressId);
    }
    const key = `${job.pressId ?? ''}|${job.state}`;
    if (this.jobStates.get(job.id) === key) return;
    this.jobStates.set(job.id, key);
    if (this.jobStates.size > 10_000) this.jobStates.delete(this.jobStates.keys().next().value!);
    this.channels.signalAll('QueueStatus', job.pressId);
  }

  alarmEvent(event: { type: string; alarm: AlarmView }): void {
    if (event.type !== 'raised' && event.type !== 'cleared') return;
    const content = alarmNotification(event.type, event.alarm, this.running.get(event.alarm.pressId)?.jobId);
    this.channels.signalAll('Notification', event.alarm.pressId, () => [content]);
  }

  supplyLogged(entry: SupplyEntry): void {
    const content = supplyNotification(entry);
    this.channels.signalAll('Notification', entry.pressId, () => [content]);
  }
}
