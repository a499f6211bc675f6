/**
 * What a press's Sparkplug metrics need besides its snapshot: its listed alarms and its running
 * job, kept here from the alarm and job events so a press update (hundreds a second) reads two
 * maps instead of building the alarm list or querying jobs.
 */
import type { AlarmView } from '../model/alarm-view.js';
import type { Job } from '../model/production.js';

export interface PressContextSources {
  /** The alarms listed now (active, or cleared and not yet acknowledged), in list order: every press's, or one press's. */
  listAlarms(pressId?: string): readonly AlarmView[];
  /** The jobs running at start. */
  runningJobs(): readonly Pick<Job, 'pressId' | 'jobId'>[];
}

const noAlarms: readonly AlarmView[] = [];

export class PressContext {
  private alarmsByPress: Map<string, readonly AlarmView[]> | undefined;
  /** Presses whose alarms changed since their list was read; their list is read again when asked for. */
  private readonly alarmsChanged = new Set<string>();
  private readonly jobs = new Map<string, string>();

  constructor(private readonly sources: PressContextSources) {
    for (const job of sources.runningJobs()) if (job.pressId) this.jobs.set(job.pressId, job.jobId);
  }

  /**
   * The press's listed alarms. The same array until one of the press's own alarms changes: an
   * alarm of another press leaves it as it is, so its JSON (press-metrics.ts) is not built again.
   */
  alarmsOf(pressId: string): readonly AlarmView[] {
    if (!this.alarmsByPress || this.alarmsChanged.has(pressId)) this.readAlarms();
    return this.alarmsByPress!.get(pressId) ?? noAlarms;
  }

  /** An alarm changed: of `pressId`, or of any press when none is given. */
  alarmChanged(pressId?: string): void {
    if (pressId === undefined) this.alarmsByPress = undefined;
    else this.alarmsChanged.add(pressId);
  }

  /** Every press's list at first (one read of the whole list); then only the lists of the presses whose alarms changed. */
  private readAlarms(): void {
    const kept = this.alarmsByPress;
    if (kept) {
      for (const pressId of this.alarmsChanged) {
        const list = this.sources.listAlarms(pressId);
        if (list.length > 0) kept.set(pressId, list);
        else kept.delete(pressId);
      }
    } else {
      const byPress = new Map<string, AlarmView[]>();
      for (const alarm of this.sources.listAlarms()) {
        const list = byPress.get(alarm.pressId);
        if (list) list.push(alarm);
        else byPress.set(alarm.pressId, [alarm]);
      }
      this.alarmsByPress = byPress;
    }
    this.alarmsChanged.clear();
  }

  jobOf(pressId: string): string | null {
    return this.jobs.get(pressId) ?? null;
  }

  jobChanged(job: Pick<Job, 'pressId' | 'jobId' | 'state'>): void {
    if (!job.pressId) return;
    if (job.state === 'running') this.jobs.set(job.pressId, job.jobId);
    else if (this.jobs.get(job.pressId) === job.jobId) this.jobs.delete(job.pressId);
  }
}
