/**
 * Pressroom's words as XJMF 2.x elements (schema: ../shared/xjdf/xjdf.xsd). Each builder makes
 * an element the schema accepts in the place the message builders put it; docs/xjmf.md has
 * the mapping table. Pure: snapshots and jobs in, `XmlOut` trees out.
 */
import type { InkLevel, PressSnapshot } from '../model/press-snapshot.js';
import type { JobState, RunState, StopReason } from '../model/vocabulary.js';
import { el, nmtoken, xmlTime, type XmlOut } from './xml.js';

/** What the MIS learns about a press from its configuration and profile. */
export interface XjmfDevice {
  id: string;
  name: string;
  vendor: string | undefined;
  model: string;
  ratedSpeed: number;
}

/** The job fields XJMF shows (a job of the production feature). */
export interface XjmfJob {
  id: number;
  jobId: string;
  name: string;
  pressId: string | null;
  state: JobState;
  plannedGood: number | null;
  good: number;
  waste: number;
  total: number;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

/** Run states are XJMF's DeviceStatus one for one. */
export const deviceStatus: Record<RunState, string> = {
  production: 'Production',
  setup: 'Setup',
  idle: 'Idle',
  stopped: 'Stopped',
  cleanup: 'Cleanup',
  offline: 'Offline',
};

/** A stop's cause as DeviceInfo/@StatusDetails. */
export const stopStatusDetails: Record<StopReason, string> = {
  jam: 'PaperJam',
  'door-open': 'DoorOpen',
  'e-stop': 'EmergencyStop',
  operator: 'OperatorStop',
  fault: 'Failure',
  other: 'Other',
};

/** A running job's JobPhase/@Status follows the press: printing is InProgress, make-ready Setup… */
const jobPhaseStatus: Record<RunState, string> = {
  production: 'InProgress',
  setup: 'Setup',
  idle: 'Suspended',
  stopped: 'Stopped',
  cleanup: 'Cleanup',
  offline: 'Suspended',
};

export const queueEntryStatus: Record<JobState, string> = { queued: 'Waiting', running: 'InProgress', done: 'Completed' };

export function header(options: { deviceId: string; id: string; at: number; refId?: string | undefined; agent?: boolean }): XmlOut {
  return el('Header', {
    ...(options.agent ? { AgentName: 'Pressroom', AgentVersion: '0.1.0' } : {}),
    DeviceID: options.deviceId,
    ID: options.id,
    Time: xmlTime(options.at),
    refID: options.refId,
  });
}

export function notification(options: {
  severity: 'Event' | 'Information' | 'Warning' | 'Error' | 'Fatal';
  text: string;
  jobId?: string;
  event?: { id: string; value?: string };
}): XmlOut {
  return el('Notification', { Class: options.severity, JobID: options.jobId === undefined ? undefined : nmtoken(options.jobId) }, [
    el('Comment', {}, [], options.text),
    options.event ? el('Event', { EventID: nmtoken(options.event.id), EventValue: options.event.value }) : undefined,
  ]);
}

export function knownDevice(device: XjmfDevice, xjmfUrl: string | undefined): XmlOut {
  return el('Device', {
    DescriptiveName: device.name,
    DeviceClass: 'ConventionalPrinting',
    DeviceID: device.id,
    DeviceType: device.model,
    Manufacturer: device.vendor,
    MaxRunSpeed: device.ratedSpeed,
    XJMFURL: xjmfUrl,
  });
}

/** Active alarms or a stale/bad reading need attention; a fault stop is a failure. */
function deviceCondition(snapshot: PressSnapshot): string {
  if (!snapshot.online || snapshot.state === 'offline') return 'Offline';
  if (snapshot.state === 'stopped' && snapshot.stopReason === 'fault') return 'Failure';
  return snapshot.activeAlarms > 0 ? 'NeedsAttention' : 'OK';
}

export function statusDetails(snapshot: PressSnapshot): string | undefined {
  if (snapshot.state === 'stopped' && snapshot.stopReason) return stopStatusDetails[snapshot.stopReason];
  return undefined;
}

export function jobPhase(job: XjmfJob, state: RunState): XmlOut {
  const percent = job.plannedGood && job.plannedGood > 0 ? Math.min(100, Math.round((job.good / job.plannedGood) * 1000) / 10) : undefined;
  return el('JobPhase', {
    Amount: job.good,
    JobID: nmtoken(job.jobId),
    PercentCompleted: percent,
    QueueEntryID: String(job.id),
    StartTime: job.startedAt === null ? undefined : xmlTime(job.startedAt),
    Status: job.state === 'done' ? 'Completed' : jobPhaseStatus[state],
    TotalAmount: job.plannedGood ?? undefined,
    Waste: job.waste,
  });
}

/** DeviceInfo of one press: status, cause, counters, speed, and the running job's JobPhase. */
export function pressDeviceInfo(snapshot: PressSnapshot, runningJob: XjmfJob | undefined): XmlOut {
  const jobTotal = snapshot.jobCounters.total;
  return el(
    'DeviceInfo',
    {
      CounterUnit: 'Sheet',
      DeviceCondition: deviceCondition(snapshot),
      IdleStartTime: snapshot.state === 'idle' ? xmlTime(snapshot.stateSince) : undefined,
      ProductionCounter: jobTotal ?? undefined,
      Speed: snapshot.speed !== null && snapshot.speed >= 0 ? snapshot.speed : undefined,
      Status: deviceStatus[snapshot.state],
      StatusDetails: statusDetails(snapshot),
      TotalProductionCounter: snapshot.counters.total,
    },
    [runningJob ? jobPhase(runningJob, snapshot.state) : undefined],
  );
}

/** The controller's DeviceInfo: the busiest state of its presses, one ModuleInfo per press. */
export function controllerDeviceInfo(snapshots: readonly PressSnapshot[]): XmlOut {
  const order: RunState[] = ['production', 'setup', 'cleanup', 'stopped', 'idle', 'offline'];
  const busiest = order.find((state) => snapshots.some((s) => s.state === state)) ?? 'offline';
  return el(
    'DeviceInfo',
    { CounterUnit: 'Sheet', Status: deviceStatus[busiest], TotalProductionCounter: snapshots.reduce((sum, s) => sum + s.counters.total, 0) },
    snapshots.map((s) =>
      el('ModuleInfo', {
        ModuleCondition: deviceCondition(s),
        ModuleID: nmtoken(s.id),
        ModuleStatus: deviceStatus[s.state],
        ModuleType: 'Press',
        ProductionCounter: s.jobCounters.total ?? undefined,
        StatusDetails: statusDetails(s),
        TotalProductionCounter: s.counters.total,
      }),
    ),
  );
}

const separations: Record<string, string> = {
  c: 'Cyan',
  cyan: 'Cyan',
  m: 'Magenta',
  magenta: 'Magenta',
  y: 'Yellow',
  yellow: 'Yellow',
  k: 'Black',
  black: 'Black',
};

export function separation(color: string): string {
  return separations[color.trim().toLowerCase()] ?? nmtoken(color.trim());
}

/** ResourceInfo/@Level from a percentage. */
export function levelClass(level: number | null): string | undefined {
  if (level === null) return undefined;
  if (level <= 0.5) return 'Empty';
  if (level < 15) return 'Low';
  if (level >= 99.5) return 'Full';
  return 'OK';
}

function inkInfo(pressId: string, ink: InkLevel): XmlOut {
  return el('ResourceInfo', { Level: levelClass(ink.level), Scope: 'Present' }, [
    el('ResourceSet', { Name: 'Ink', Unit: 'Percent', Usage: 'Input' }, [
      el(
        'Resource',
        {
          DescriptiveName: `Unit ${ink.unit}: ${ink.color}`,
          ExternalID: nmtoken(`${pressId}.ink.${ink.unit}`),
          Status: ink.quality === 'bad' ? 'Unavailable' : 'Available',
        },
        [
          ink.level === null ? undefined : el('AmountPool', {}, [el('PartAmount', { Amount: round1(ink.level) })]),
          el('Part', { Location: `Unit${ink.unit}`, Separation: separation(ink.color) }),
          el('Ink'),
        ],
      ),
    ]),
  ]);
}

/** Consumables of one press: ink per printing unit (colour, level %), then the paper pile or roll. */
export function pressResourceInfos(snapshot: PressSnapshot): XmlOut[] {
  const paper = snapshot.paper;
  return [
    ...snapshot.ink.map((ink) => inkInfo(snapshot.id, ink)),
    el('ResourceInfo', { Level: levelClass(paper.level), Scope: 'Present' }, [
      el('ResourceSet', { Name: 'Media', Unit: 'Percent', Usage: 'Input' }, [
        el(
          'Resource',
          {
            DescriptiveName: paper.kind === 'roll' ? 'Paper roll' : 'Paper pile',
            ExternalID: nmtoken(`${snapshot.id}.paper`),
            Status: paper.quality === 'bad' ? 'Unavailable' : 'Available',
          },
          [paper.level === null ? undefined : el('AmountPool', {}, [el('PartAmount', { Amount: round1(paper.level) })]), el('Media', { MediaType: 'Paper' })],
        ),
      ]),
    ]),
  ];
}

export function queueEntry(job: XjmfJob): XmlOut {
  return el('QueueEntry', {
    EndTime: job.finishedAt === null ? undefined : xmlTime(job.finishedAt),
    JobID: nmtoken(job.jobId),
    QueueEntryID: String(job.id),
    StartTime: job.startedAt === null ? undefined : xmlTime(job.startedAt),
    Status: queueEntryStatus[job.state],
    SubmissionTime: xmlTime(job.createdAt),
  });
}

export function queue(jobs: readonly XjmfJob[]): XmlOut {
  return el('Queue', { QueueSize: jobs.filter((j) => j.state !== 'done').length }, jobs.map(queueEntry));
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
