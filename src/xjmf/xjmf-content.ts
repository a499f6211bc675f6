/**
 * The content of responses and signals, for one press or for the controller (every press):
 * the same element answers QueryStatus and goes out as SignalStatus. Also the change keys that
 * decide when a subscriber hears about a change (docs/xjmf.md, "When signals go out").
 */
import type { AlarmView } from '../model/alarm-view.js';
import type { PressSnapshot } from '../model/press-snapshot.js';
import type { SupplyEntry } from '../model/supply.js';
import { controllerDeviceInfo, levelClass, notification, pressDeviceInfo, pressResourceInfos, queue, statusDetails, type XjmfJob } from './xjmf-elements.js';
import type { Subscription } from './subscription-repository.js';
import { header } from './xjmf-elements.js';
import type { XjmfPorts } from './xjmf-ports.js';
import { XJDF_NAMESPACE, el, writeXml, type XmlOut } from './xml.js';

export class XjmfContent {
  constructor(
    private readonly ports: XjmfPorts,
    private readonly now: () => number,
  ) {}

  runningJob(pressId: string): XjmfJob | undefined {
    return this.ports.jobs.list({ pressId }).find((job) => job.state === 'running');
  }

  /**
   * DeviceInfo of a press, or of the controller (pressId null); undefined for an unknown press.
   * `runningJob` spares the job query when the caller follows the jobs already (signals do).
   */
  deviceInfo(pressId: string | null, runningJob?: (pressId: string) => XjmfJob | undefined): XmlOut | undefined {
    if (pressId === null) return controllerDeviceInfo(this.ports.presses.list());
    const snapshot = this.ports.presses.get(pressId);
    return snapshot && pressDeviceInfo(snapshot, (runningJob ?? ((id) => this.runningJob(id)))(pressId));
  }

  resourceInfos(pressId: string | null): XmlOut[] {
    const snapshots = pressId === null ? this.ports.presses.list() : [this.ports.presses.get(pressId)].filter((s) => s !== undefined);
    return snapshots.flatMap((s) => pressResourceInfos(s));
  }

  /** What a channel's signal carries now; undefined for notifications (events, nothing to repeat). */
  forChannel(channel: Subscription, runningJob: (pressId: string) => XjmfJob | undefined): XmlOut[] | undefined {
    switch (channel.messageType) {
      case 'Status': {
        const info = this.deviceInfo(channel.pressId, runningJob);
        return info && [info];
      }
      case 'Resource':
        return this.resourceInfos(channel.pressId);
      case 'QueueStatus':
        return [this.queue(channel.pressId)];
      case 'Notification':
        return undefined;
    }
  }

  queue(pressId: string | null): XmlOut {
    const jobs = this.ports.jobs.list(pressId === null ? {} : { pressId });
    // waiting and running jobs, and those finished in the last day (the MIS books them)
    const since = this.now() - 86_400_000;
    return queue(jobs.filter((job) => job.state !== 'done' || (job.finishedAt ?? 0) > since));
  }
}

/** What a SignalStatus reports, less the counters (those go with RepeatTime). */
export function statusKey(snapshot: PressSnapshot, job: XjmfJob | undefined): string {
  return [snapshot.state, statusDetails(snapshot) ?? '', snapshot.online, snapshot.activeAlarms > 0, job?.id ?? '', job?.state ?? ''].join('|');
}

/** Levels by class and in 5-point steps: a signal per step, not per scan. */
export function resourceKey(snapshot: PressSnapshot): string {
  const step = (level: number | null) => (level === null ? 'n' : `${levelClass(level)}${Math.floor(level / 5)}`);
  return [...snapshot.ink.map((ink) => step(ink.level)), step(snapshot.paper.level)].join('|');
}

const severityOf: Record<AlarmView['priority'], 'Fatal' | 'Error' | 'Warning' | 'Information'> = {
  critical: 'Error',
  high: 'Error',
  medium: 'Warning',
  low: 'Information',
};

/** An alarm raised or cleared as a Notification: Class from the priority, Event with the alarm code. */
export function alarmNotification(type: 'raised' | 'cleared', alarm: AlarmView, jobId: string | undefined): XmlOut {
  return notification({
    severity: type === 'cleared' ? 'Information' : severityOf[alarm.priority],
    text: `${type === 'raised' ? 'Alarm raised' : 'Alarm cleared'} (${alarm.priority}) on ${alarm.pressId}: ${alarm.label}`,
    ...(jobId === undefined ? {} : { jobId }),
    event: { id: `alarm.${type}.${alarm.code}`, value: alarm.id },
  });
}

export function supplyNotification(entry: SupplyEntry): XmlOut {
  const what = [entry.kind, entry.unit === null ? null : `unit ${entry.unit}`, entry.color, entry.product, entry.lot === null ? null : `lot ${entry.lot}`]
    .filter((part) => part !== null)
    .join(', ');
  return notification({
    severity: 'Event',
    text: `Supply replaced on ${entry.pressId}: ${what}, ${entry.quantity} ${entry.uom}${entry.by ? ` by ${entry.by.username}` : ''}`,
    event: { id: `supply.${entry.kind}`, value: String(entry.id) },
  });
}

/** A signal as sent: its own XJMF envelope, the signal's Header referring to the subscribing query. */
export function signalEnvelope(options: { channel: Subscription; deviceId: string; content: XmlOut[]; at: number; newId: () => string }): string {
  const { channel, deviceId, at, newId } = options;
  const mode = channel.channelMode === 'FireAndForget' || channel.channelMode === 'Reliable' ? channel.channelMode : undefined;
  return writeXml(
    el('XJMF', { xmlns: XJDF_NAMESPACE, Version: '2.1' }, [
      header({ deviceId, id: newId(), at, agent: true }),
      el(`Signal${channel.messageType}`, { ChannelMode: mode }, [
        header({ deviceId, id: newId(), at, refId: channel.refId ?? channel.channelId }),
        ...options.content,
      ]),
    ]),
  );
}
