/**
 * Turns the presses' events into production facts as they happen: each run-state stay closes
 * into the rollups and the running job; each non-production stay is a downtime event with a
 * cause; each counter step goes to the rollups and the job; a counter reset with no job an
 * operator or the MIS started begins a detected job. No timers; time comes with the events.
 *
 * Across a restart, the state stored last (the presses' transitions) and the open downtime
 * event continue: the time the service was down belongs to the stay it was in.
 */
import type { Logger } from 'pino';
import type { DeferredWrites } from '../store/deferred-writes.js';
import { downtimeStates, type DowntimeState, type RunState, type StopReason } from '../model/vocabulary.js';
import type { PressSnapshot } from '../model/press-snapshot.js';
import type { TypedEmitter } from '../lib/typed-emitter.js';
import { localDay } from '../lib/zoned-time.js';
import { initialCause, UNCODED, type DowntimeCause } from './downtime-causes.js';
import type { DowntimeEvent, DowntimeRepository } from './downtime-repository.js';
import type { Job, JobFigures, JobRepository } from './job-repository.js';
import type { DowntimeReason } from './production-config.js';
import type { RollupRepository } from './rollup-repository.js';
import type { ShiftCalendar } from './shift-calendar.js';

export type ProductionEvents = {
  'job:updated': (job: Job) => void;
  'downtime:updated': (event: DowntimeEvent) => void;
};

/** What the tracker needs of a run-state transition (presses' StateTransition). */
export interface TransitionFact {
  pressId: string;
  at: number;
  to: RunState;
  reason: StopReason | null;
  detail: string | null;
  continued?: boolean;
  revisesStop?: boolean;
  alarmCode?: string;
}

interface PressTrack {
  pressId: string;
  name: string;
  state: RunState | null;
  since: number;
  event: { id: number; cause: DowntimeCause | null } | null;
  /** The cause of a downtime stay whose event could not be stored (the database refused it). */
  unstoredCause: DowntimeCause | null;
  job: Job | null;
  /** The running job has been credited with time up to here. */
  jobCreditedTo: number;
  lastCounters: { total: number; good: number; waste: number } | null;
  /** The press's last counter reset seen (undefined before the first snapshot). */
  lastResetAt: number | null | undefined;
  lastJobEmit: number;
}

export interface ProductionTrackerOptions {
  presses: readonly { id: string; name: string }[];
  jobs: JobRepository;
  downtime: DowntimeRepository;
  rollups: RollupRepository;
  calendar: ShiftCalendar;
  reasons: readonly DowntimeReason[];
  deferred: DeferredWrites;
  events: TypedEmitter<ProductionEvents>;
  logger: Logger;
  now: () => number;
  ratedSpeedOf(pressId: string): number;
  /** The state each press was stored in last, to continue it. */
  restoreState(pressId: string): { state: RunState; since: number } | undefined;
}

const JOB_EMIT_EVERY_MS = 5000;
const isDowntime = (state: RunState): state is DowntimeState => (downtimeStates as readonly string[]).includes(state);

export class ProductionTracker {
  private readonly tracks = new Map<string, PressTrack>();

  constructor(private readonly o: ProductionTrackerOptions) {
    const running = new Map(
      o.jobs
        .allRunning()
        .filter((j) => j.pressId !== null)
        .map((j) => [j.pressId!, j]),
    );
    const now = o.now();
    for (const press of o.presses) {
      const restored = o.restoreState(press.id);
      const open = o.downtime.openEvent(press.id, now);
      const job = running.get(press.id) ?? null;
      // no stored state (the presses' transition was not written, or their table was reset) but
      // an open event: that stay continues, so the next transition closes it and its time
      const continued = restored ?? (open ? { state: open.state, since: open.from } : undefined);
      this.tracks.set(press.id, {
        pressId: press.id,
        name: press.name,
        state: continued?.state ?? null,
        since: continued?.since ?? now,
        event: open ? { id: open.id, cause: open.cause } : null,
        unstoredCause: null,
        job,
        jobCreditedTo: Math.max(job?.startedAt ?? now, continued?.since ?? now),
        lastCounters: null,
        lastResetAt: undefined,
        lastJobEmit: 0,
      });
    }
  }

  onTransition(t: TransitionFact): void {
    const track = this.tracks.get(t.pressId);
    if (!track) return;
    if (t.continued && track.state === t.to) return;
    if (t.revisesStop) {
      if (track.event && track.event.cause?.source !== 'operator' && track.state === 'stopped') {
        const cause = initialCause({ state: 'stopped', reason: t.reason, detail: t.detail, alarmCode: t.alarmCode }, this.o.reasons);
        track.event.cause = cause;
        const id = track.event.id;
        this.write('revise downtime cause', () => this.o.downtime.recode(id, cause, null, false));
        this.announceEvent(id);
      }
      return;
    }
    this.closeStay(track, t.at);
    track.state = t.to;
    track.since = t.at;
    if (isDowntime(t.to)) {
      const cause = initialCause({ state: t.to, reason: t.reason, detail: t.detail, alarmCode: t.alarmCode }, this.o.reasons);
      try {
        const id = this.o.downtime.open({ pressId: t.pressId, from: t.at, state: t.to, jobRef: track.job?.id ?? null, cause });
        track.event = { id, cause };
        this.announceEvent(id);
      } catch (error) {
        track.unstoredCause = cause ?? { ...UNCODED, source: 'plc' };
        this.o.logger.error(
          { err: error, pressId: t.pressId },
          'could not store a downtime event; its time still goes to the rollups under the cause it began with',
        );
      }
    }
  }

  onSnapshot(snapshot: PressSnapshot): void {
    const track = this.tracks.get(snapshot.id);
    if (!track) return;
    const at = snapshot.updatedAt;
    // a job change is the PLC's counter falling back (the presses tell it from a 32-bit wrap)
    const resetAt = snapshot.counterResetAt ?? null;
    if (track.lastResetAt !== undefined && resetAt !== null && resetAt !== track.lastResetAt) this.counterReset(track, resetAt);
    track.lastResetAt = resetAt;
    const counters = snapshot.counters;
    const last = track.lastCounters;
    track.lastCounters = { ...counters };
    if (!last) return;
    const delta = { total: counters.total - last.total, good: counters.good - last.good, waste: counters.waste - last.waste };
    if (delta.total <= 0 && delta.good <= 0 && delta.waste <= 0) return;
    if (delta.total < delta.good + delta.waste) delta.total = delta.good + delta.waste;
    this.write('rollup counts', () => this.o.rollups.addCounts(track.pressId, at, delta));
    const job = track.job;
    if (job) {
      job.total += delta.total;
      job.good += delta.good;
      job.waste += delta.waste;
      if (job.firstGoodAt === null) {
        if (delta.good > 0) {
          job.firstGoodAt = at;
          job.makeReadyMs = job.makeReadyFrom !== null ? at - job.makeReadyFrom : null;
        } else job.makeReadyWaste += delta.waste;
      }
      this.saveJob(job);
      if (at - track.lastJobEmit >= JOB_EMIT_EVERY_MS) {
        track.lastJobEmit = at;
        this.o.events.emit('job:updated', this.live(job));
      }
    }
  }

  /** A job an operator or the MIS starts on a press; a job running there is finished first. */
  startJob(job: Job, pressId: string, at: number): Job {
    const track = this.tracks.get(pressId)!;
    if (track.job && track.job.id !== job.id) this.finishJob(track.job, at);
    const makeReadyFrom = track.state === 'setup' ? track.since : at;
    const started = this.o.jobs.update(job.id, { state: 'running', press_id: pressId, started_at: at, finished_at: null, make_ready_from: makeReadyFrom });
    track.job = started;
    track.jobCreditedTo = at;
    const view = this.live(started);
    this.o.events.emit('job:updated', view);
    return view;
  }

  finishJob(job: Job, at: number): Job {
    const track = job.pressId !== null ? this.tracks.get(job.pressId) : undefined;
    if (track?.job?.id === job.id) {
      this.creditJob(track, at);
      this.o.jobs.saveRunningFigures(track.job.id, track.job);
      track.job = null;
    }
    const done = this.live(this.o.jobs.update(job.id, { state: 'done', finished_at: at }));
    this.o.events.emit('job:updated', done);
    return done;
  }

  /** A job with the time of the stay it is in added (the stored figures close with each stay), and its speeds. */
  live(job: Job): Job {
    return this.withSpeeds(this.withOpenStay(job));
  }

  private withSpeeds(job: Job): Job {
    const ratedSpeed = job.pressId !== null ? this.o.ratedSpeedOf(job.pressId) : null;
    const averageSpeed = job.runMs > 0 ? Math.round((job.total * 3_600_000) / job.runMs) : null;
    return { ...job, averageSpeed, ratedSpeed };
  }

  private withOpenStay(job: Job): Job {
    if (job.state !== 'running' || job.pressId === null) return job;
    const track = this.tracks.get(job.pressId);
    const current = track?.job?.id === job.id ? { ...track.job } : { ...job };
    if (track?.state && track.job?.id === job.id) {
      const ms = Math.max(0, this.o.now() - Math.max(track.since, track.jobCreditedTo));
      if (track.state === 'production') current.runMs += ms;
      else current.downtimeMs += ms;
    }
    return current;
  }

  /** The stays going on now, for reports: press, state, since, and the open event's cause. */
  openStays(): { pressId: string; state: RunState; since: number; cause: DowntimeCause | null }[] {
    return [...this.tracks.values()].flatMap((t) => (t.state ? [{ pressId: t.pressId, state: t.state, since: t.since, cause: t.event?.cause ?? null }] : []));
  }

  runningJob(pressId: string): Job | null {
    return this.tracks.get(pressId)?.job ?? null;
  }

  /** An operator coded the open or a closed event: the tracker keeps the open one's cause. */
  causeCoded(event: DowntimeEvent): void {
    const track = this.tracks.get(event.pressId);
    if (track?.event?.id === event.id) track.event.cause = event.cause;
  }

  private closeStay(track: PressTrack, at: number): void {
    if (track.state === null || at < track.since) return;
    const { pressId, state, since } = track;
    this.write('rollup state', () => this.o.rollups.addState(pressId, state, since, at));
    this.creditJob(track, at);
    if (track.job) this.saveJob(track.job);
    const unstored = track.unstoredCause;
    track.unstoredCause = null;
    if (unstored) this.write('rollup cause', () => this.o.rollups.addCause(pressId, since, at, unstored, 1));
    const event = track.event;
    if (event) {
      track.event = null;
      const cause = event.cause ?? { ...UNCODED, source: 'plc' as const };
      this.write('close downtime', () => {
        this.o.downtime.closeAt(event.id, at);
        this.o.rollups.addCause(pressId, since, at, cause, 1);
      });
      this.announceEvent(event.id);
    }
  }

  private creditJob(track: PressTrack, at: number): void {
    const job = track.job;
    if (!job || track.state === null) return;
    const ms = Math.max(0, at - Math.max(track.since, track.jobCreditedTo));
    if (track.state === 'production') job.runMs += ms;
    else job.downtimeMs += ms;
    track.jobCreditedTo = at;
  }

  private counterReset(track: PressTrack, at: number): void {
    if (track.job && track.job.source !== 'detected') return;
    if (track.job) this.finishJob(track.job, at);
    const day = localDay(at, this.o.calendar.timeZone);
    const clock = this.o.calendar.clockTime(at);
    const { job } = this.o.jobs.create(
      {
        jobId: `${track.pressId}-${day}-${clock.replace(':', '')}${String(Math.floor(at / 1000) % 60).padStart(2, '0')}`,
        pressId: track.pressId,
        name: `Job at ${clock}, ${track.name}`,
        customer: null,
        plannedGood: null,
        plannedMakeReadyMinutes: null,
        source: 'detected',
        createdAt: at,
      },
      false,
    );
    this.o.logger.info({ pressId: track.pressId, jobId: job.jobId }, `press ${track.pressId}: counter reset, job detected`);
    this.startJob(job, track.pressId, at);
  }

  private saveJob(job: Job): void {
    const figures: JobFigures = {
      firstGoodAt: job.firstGoodAt,
      makeReadyWaste: job.makeReadyWaste,
      runMs: job.runMs,
      downtimeMs: job.downtimeMs,
      total: job.total,
      good: job.good,
      waste: job.waste,
    };
    this.o.deferred.run('job figures', () => this.o.jobs.saveRunningFigures(job.id, figures), `job:${job.id}`);
  }

  private announceEvent(id: number): void {
    try {
      const event = this.o.downtime.get(id, this.o.now());
      if (event) this.o.events.emit('downtime:updated', event);
    } catch (error) {
      this.o.logger.warn({ err: error, id }, 'could not read a downtime event to announce it');
    }
  }

  private write(label: string, work: () => void): void {
    this.o.deferred.run(label, work);
  }
}
