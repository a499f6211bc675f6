/**
 * The production feature's operations behind the routes: jobs (create idempotently, start,
 * finish, edit), downtime events (list, code), and the reports. Operator writes are durable
 * and audited; the running figures come from the tracker.
 */
import type { AuditLog } from '../model/audit.js';
import { HttpError, notFound } from '../http/http-error.js';
import type { JobState, OeeGrouping } from '../model/vocabulary.js';
import { needsCoding, UNCODED, type DowntimeCause } from './downtime-causes.js';
import type { DowntimeEvent, DowntimeRepository } from './downtime-repository.js';
import type { Job, JobRepository } from './job-repository.js';
import type { createOeeReports, OeeRow } from './oee-report.js';
import type { DowntimeReason } from './production-config.js';
import type { ProductionTracker } from './production-tracker.js';
import type { RollupRepository } from './rollup-repository.js';
import type { StoreDatabase } from '../store/database.js';
import { dayStart, localDay } from '../lib/zoned-time.js';

export type { SuppliesUsed } from '../model/production.js';
import type { SuppliesUsed } from '../model/production.js';
/** Null when the supplies feature records no levels. */
export type SuppliesUsedPort = (pressId: string, from: number, to: number) => SuppliesUsed | null;

export interface Requester {
  /** Null for a caller that is not a user: the MIS over XJMF, audited by its token's name. */
  userId: number | null;
  username: string;
  ip: string | null;
}

export interface ProductionServiceOptions {
  db: StoreDatabase;
  jobs: JobRepository;
  downtime: DowntimeRepository;
  rollups: RollupRepository;
  tracker: ProductionTracker;
  reports: ReturnType<typeof createOeeReports>;
  audit: AuditLog;
  reasons: readonly DowntimeReason[];
  uncodedAfterMinutes: number;
  pressIds: ReadonlySet<string>;
  now: () => number;
  onDowntimeCoded(event: DowntimeEvent): void;
  onJobChanged(job: Job): void;
  suppliesUsed?: SuppliesUsedPort | undefined;
  /** The shift calendar's zone. */
  timeZone: string;
}

export class ProductionService {
  readonly reasons: readonly DowntimeReason[];
  readonly uncodedAfterMinutes: number;

  constructor(private readonly o: ProductionServiceOptions) {
    this.reasons = o.reasons;
    this.uncodedAfterMinutes = o.uncodedAfterMinutes;
  }

  listJobs(query: { pressId?: string | undefined; state?: JobState | undefined; from?: number | undefined; to?: number | undefined }): Job[] {
    return this.o.jobs.list({ ...defined(query), limit: 500 }).map((job) => this.o.tracker.live(job));
  }

  /** One job, with the ink and paper used while it ran (null when not known: not started, or no recorded levels). */
  jobWithSupplies(ref: number | string): Job & { supplies: SuppliesUsed | null } {
    const job = this.o.tracker.live(this.job(ref));
    const { pressId, startedAt } = job;
    const supplies =
      pressId !== null && startedAt !== null && this.o.suppliesUsed ? this.o.suppliesUsed(pressId, startedAt, job.finishedAt ?? this.o.now()) : null;
    return { ...job, supplies };
  }

  createJob(
    input: {
      jobId: string;
      pressId?: string | undefined;
      name?: string | undefined;
      customer?: string | undefined;
      plannedGood?: number | undefined;
      plannedMakeReadyMinutes?: number | undefined;
      source?: 'operator' | 'mis' | undefined;
    },
    by: Requester,
  ): { job: Job; created: boolean } {
    if (input.pressId !== undefined) this.knownPress(input.pressId);
    const result = this.o.jobs.create(
      {
        jobId: input.jobId,
        pressId: input.pressId ?? null,
        name: input.name ?? input.jobId,
        customer: input.customer ?? null,
        plannedGood: input.plannedGood ?? null,
        plannedMakeReadyMinutes: input.plannedMakeReadyMinutes ?? null,
        source: input.source ?? 'operator',
        createdAt: this.o.now(),
      },
      true,
    );
    if (result.created) {
      this.audit(by, 'job.create', result.job.id, { jobId: input.jobId, pressId: input.pressId ?? null });
      this.o.onJobChanged(result.job);
    }
    return { job: this.o.tracker.live(result.job), created: result.created };
  }

  startJob(ref: number | string, pressId: string, by: Requester): Job {
    this.knownPress(pressId);
    const job = this.job(ref);
    if (job.state === 'done') throw new HttpError(409, 'job_done', `job ${job.jobId} is done; create it again to print more`);
    if (job.pressId !== null && job.pressId !== pressId) throw new HttpError(409, 'other_press', `job ${job.jobId} belongs to press ${job.pressId}`);
    if (job.state === 'running') return this.o.tracker.live(job);
    if (job.pressId === null && this.o.jobs.byJobId(job.jobId).some((other) => other.pressId === pressId)) {
      throw new HttpError(409, 'duplicate_job', `press ${pressId} already has a job ${job.jobId}; start that one (its id) instead`);
    }
    const started = this.o.tracker.startJob(job, pressId, this.o.now());
    this.audit(by, 'job.start', job.id, { pressId });
    return started;
  }

  finishJob(ref: number | string, by: Requester): Job {
    const job = this.job(ref);
    if (job.state !== 'running') throw new HttpError(409, 'job_not_running', `job ${job.jobId} is ${job.state}, not running`);
    const done = this.o.tracker.finishJob(job, this.o.now());
    this.audit(by, 'job.finish', job.id, { pressId: job.pressId });
    return done;
  }

  editJob(
    ref: number | string,
    patch: {
      name?: string | undefined;
      customer?: string | null | undefined;
      plannedGood?: number | null | undefined;
      plannedMakeReadyMinutes?: number | null | undefined;
    },
    by: Requester,
  ): Job {
    const job = this.job(ref);
    const fields: Parameters<JobRepository['update']>[1] = {};
    if (patch.name !== undefined) fields.name = patch.name;
    if (patch.customer !== undefined) fields.customer = patch.customer;
    if (patch.plannedGood !== undefined) fields.planned_good = patch.plannedGood;
    if (patch.plannedMakeReadyMinutes !== undefined) fields.planned_make_ready_minutes = patch.plannedMakeReadyMinutes;
    const edited = this.o.jobs.update(job.id, fields);
    const running = this.o.tracker.runningJob(edited.pressId ?? '');
    if (running?.id === edited.id)
      Object.assign(running, {
        name: edited.name,
        customer: edited.customer,
        plannedGood: edited.plannedGood,
        plannedMakeReadyMinutes: edited.plannedMakeReadyMinutes,
      });
    this.audit(by, 'job.edit', job.id, patch);
    const live = this.o.tracker.live(edited);
    this.o.onJobChanged(live);
    return live;
  }

  listDowntime(query: { pressId?: string | undefined; from: number; to: number; uncoded: boolean }): DowntimeEvent[] {
    const events = this.o.downtime.list({ ...defined(query), limit: 1000 }, this.o.now());
    return query.uncoded ? events.filter((e) => needsCoding(e.cause)) : events;
  }

  /** An operator names the cause: final for the machine, audited; the rollups move with it. */
  codeDowntime(id: number, code: string, note: string | null, by: Requester): DowntimeEvent {
    const event = this.o.downtime.get(id, this.o.now());
    if (!event) throw notFound(`downtime event ${id}`);
    const reason = this.reasons.find((r) => r.code === code);
    if (!reason)
      throw new HttpError(
        400,
        'invalid_request',
        `invalid body: code: "${code}" is not in the reason catalogue (downtime.reasons): ${this.reasons.map((r) => r.code).join(', ')}`,
        [{ path: 'code', message: 'not in the reason catalogue' }],
      );
    const cause: DowntimeCause = { code: reason.code, label: reason.label, category: reason.category, source: 'operator' };
    this.o.db.durableWrite(`code downtime ${id}`, () => {
      this.o.downtime.recode(id, cause, note, false);
      if (event.to !== null) {
        this.o.rollups.addCause(event.pressId, event.from, event.to, event.cause ?? { ...UNCODED }, -1);
        this.o.rollups.addCause(event.pressId, event.from, event.to, cause, 1);
      }
    });
    this.audit(by, 'downtime.code', id, { pressId: event.pressId, code, note, previous: event.cause?.code ?? null });
    const coded = this.o.downtime.get(id, this.o.now())!;
    this.o.tracker.causeCoded(coded);
    this.o.onDowntimeCoded(coded);
    return coded;
  }

  oee(query: { from: number; to: number; pressId?: string | undefined; groupBy: OeeGrouping }): OeeRow[] {
    return this.o.reports.oee(defined(query));
  }

  downtimeByCause(query: { from: number; to: number; pressId?: string | undefined }) {
    return this.o.reports.downtime(defined(query));
  }

  /** Local midnight (shift calendar's zone) of the day holding `t`. */
  startOfDay(t: number): number {
    return dayStart(localDay(t, this.o.timeZone), this.o.timeZone);
  }

  private job(ref: number | string): Job {
    if (typeof ref === 'number') {
      const job = this.o.jobs.get(ref);
      if (!job) throw notFound(`job ${ref}`);
      return job;
    }
    const jobs = this.o.jobs.byJobId(ref);
    if (jobs.length === 0) throw notFound(`job ${ref}`);
    if (jobs.length > 1)
      throw new HttpError(409, 'ambiguous_job', `job number ${ref} is on ${jobs.length} presses; use its id (${jobs.map((j) => j.id).join(', ')})`);
    return jobs[0]!;
  }

  private knownPress(pressId: string): void {
    if (!this.o.pressIds.has(pressId))
      throw new HttpError(400, 'invalid_request', `invalid body: pressId: unknown press "${pressId}"`, [{ path: 'pressId', message: 'unknown press' }]);
  }

  private audit(by: Requester, action: string, id: number, details: Record<string, unknown>): void {
    this.o.audit.record({ userId: by.userId, username: by.username, ip: by.ip, action, target: `${action.split('.')[0]}:${id}`, details });
  }
}

/** Drops undefined fields (exactOptionalPropertyTypes). */
function defined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}
