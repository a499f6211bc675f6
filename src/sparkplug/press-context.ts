/**
 * What a press's Sparkplug metrics need besides its snapshot: its listed alarms and its running
 * job, kept here from the alarm and job events so a press update (hundreds a second) reads two
 * maps instead of building the alarm list or querying jobs.
 */
import type { AlarmView } from '../model/alarm-view.js';
import type { Job } from '../model/production.js';

export interface PressContextSources {
  /** The alarms listed now (active, or cleared and not yet acknowledged). */
  listAlarms(): readonly AlarmView[];
  /** The jobs running at start. */
  runningJobs(): readonly Pick<Job, 'pressId' | 'jobId'>[];
}

const noAlarms: readonly AlarmView[] = [];

export class PressContext {
  private alarmsByPress: Map<string, AlarmView[]> | undefined;
  private readonly jobs = new Map<string, string>();

  constructor(private readonly sources: PressContextSources) {
    for (const job of sources.runningJobs()) if (job.pressId) this.jobs.set(job.pressId, job.jobId);
  }

  alarmsOf(pressId: string): readonly AlarmView[] {
    if (!this.alarmsByPress) {
      // the list (views, sorted) is built once per alarm change, not at every press update
      const byPress = new Map<string, AlarmView[]>();
      for (const alarm of this.sources.listAlarms()) {
        const list = byPress.get(alarm.pressId);
        if (list) list.push(alarm);
        else byPress.set(alarm.pressId, [alarm]);
      }
      this.alarmsByPress = byPress;
    }
    return this.alarmsByPress.get(pressId) ?? noAlarms;
  }

  jobOf(pressId: string): string | null {
    return this.jobs.get(pressId) ?? null;
  }

  alarmChanged(): void {
    this.alarmsByPress = undefined;
  }

  jobChanged(job: Pick<Job, 'pressId' | 'jobId' | 'state'>): void {
    if (!job.pressId) return;
    if (job.state === 'running') this.jobs.set(job.pressId, job.jobId);
    else if (this.jobs.get(job.pressId) === job.jobId) this.jobs.delete(job.pressId);
  }
}
