/** Jobs and their running figures (make-ready, run time, downtime, sheets), one row each. */
import type { JobSource, JobState } from '../model/vocabulary.js';
import type { Statement } from 'better-sqlite3';
import type { StoreDatabase } from '../store/database.js';

export type { Job } from '../model/production.js';
import type { Job } from '../model/production.js';

export type JobFigures = Pick<Job, 'firstGoodAt' | 'makeReadyWaste' | 'runMs' | 'downtimeMs' | 'total' | 'good' | 'waste'>;

interface JobRow {
  id: number;
  job_id: string;
  press_id: string | null;
  name: string;
  customer: string | null;
  planned_good: number | null;
  planned_make_ready_minutes: number | null;
  state: JobState;
  source: JobSource;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  make_ready_from: number | null;
  first_good_at: number | null;
  make_ready_waste: number;
  run_ms: number;
  downtime_ms: number;
  total: number;
  good: number;
  waste: number;
}

export interface NewJob {
  jobId: string;
  pressId: string | null;
  name: string;
  customer: string | null;
  plannedGood: number | null;
  plannedMakeReadyMinutes: number | null;
  source: JobSource;
  createdAt: number;
}

export class JobRepository {
  private readonly insert;
  private readonly byId;
  private readonly byKey;
  private readonly running;
  private readonly saveFigures;
  private readonly listStatements = new Map<string, Statement<(string | number)[], JobRow>>();

  constructor(private readonly db: StoreDatabase) {
    const c = db.connection;
    this.insert = c.prepare<[string, string | null, string, string | null, number | null, number | null, string, number]>(
      `INSERT INTO jobs (job_id, press_id, name, customer, planned_good, planned_make_ready_minutes, state, source, created_at) VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?)`,
    );
    this.byId = c.prepare<[number], JobRow>('SELECT * FROM jobs WHERE id = ?');
    this.byKey = c.prepare<[string, string], JobRow>(`SELECT * FROM jobs WHERE job_id = ? AND COALESCE(press_id, '') = ?`);
    this.running = c.prepare<[], JobRow>(`SELECT * FROM jobs WHERE state = 'running'`);
    this.saveFigures = c.prepare<[number | null, number, number, number, number, number, number, number]>(
      'UPDATE jobs SET first_good_at = ?, make_ready_waste = ?, run_ms = ?, downtime_ms = ?, total = ?, good = ?, waste = ? WHERE id = ?',
    );
  }

  /** Creates the job, or answers the one with the same jobId and press (`created: false`). */
  create(job: NewJob, durable: boolean): { job: Job; created: boolean } {
    const work = () => {
      const existing = this.byKey.get(job.jobId, job.pressId ?? '');
      if (existing) return { job: toJob(existing), created: false };
      const result = this.insert.run(job.jobId, job.pressId, job.name, job.customer, job.plannedGood, job.plannedMakeReadyMinutes, job.source, job.createdAt);
      return { job: toJob(this.byId.get(Number(result.lastInsertRowid))!), created: true };
    };
    return durable ? this.db.durableWrite(`create job ${job.jobId}`, work) : this.db.write(`create job ${job.jobId}`, work);
  }

  get(id: number): Job | undefined {
    const row = this.db.run(`read job ${id}`, () => this.byId.get(id));
    return row && toJob(row);
  }

  /** Jobs with this MIS number. */
  byJobId(jobId: string): Job[] {
    return this.db
      .run(`read job ${jobId}`, () => this.db.connection.prepare<[string], JobRow>('SELECT * FROM jobs WHERE job_id = ? ORDER BY id').all(jobId))
      .map(toJob);
  }

  allRunning(): Job[] {
    return this.db.run('read running jobs', () => this.running.all()).map(toJob);
  }

  list(query: { pressId?: string; state?: JobState; from?: number; to?: number; limit: number }): Job[] {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (query.pressId !== undefined) {
      where.push('press_id = ?');
      params.push(query.pressId);
    }
    if (query.state !== undefined) {
      where.push('state = ?');
      params.push(query.state);
    }
    // a job belongs to a range it overlaps; a queued one by its creation time
    if (query.to !== undefined) {
      where.push('COALESCE(started_at, created_at) < ?');
      params.push(query.to);
    }
    let candidates = '';
    if (query.from !== undefined) {
      where.push('COALESCE(finished_at, 9e15) >= ?');
      params.push(query.from);
      // Only these can overlap a range (indexes, not a scan of the year): the jobs that begin in
      // it, the unfinished ones, and each press's last job started before it (a press runs one
      // job at a time, and a finished job was started).
      where.push(`id IN (
        SELECT id FROM jobs WHERE COALESCE(started_at, created_at) >= ?${query.to !== undefined ? ' AND COALESCE(started_at, created_at) < ?' : ''}
        UNION SELECT id FROM jobs INDEXED BY jobs_unfinished WHERE finished_at IS NULL
        UNION SELECT (SELECT j.id FROM jobs j WHERE j.press_id = p.id AND j.started_at < ? ORDER BY j.press_id DESC, j.started_at DESC LIMIT 1)
          FROM presses p WHERE p.id IS NOT NULL)`);
      params.push(query.from, ...(query.to !== undefined ? [query.to] : []), query.from);
      candidates = `WITH RECURSIVE presses(id) AS (
        SELECT MIN(press_id) FROM jobs
        UNION ALL SELECT (SELECT MIN(press_id) FROM jobs WHERE press_id > presses.id) FROM presses WHERE presses.id IS NOT NULL) `;
    }
    const sql = `${candidates}SELECT * FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY COALESCE(started_at, created_at) DESC, id DESC LIMIT ?`;
    params.push(query.limit);
    return this.db.run('list jobs', () => this.listStatement(sql).all(...params)).map(toJob);
  }

  /** The list's statements, one per combination of filters (at most 16), prepared once. */
  private listStatement(sql: string) {
    let statement = this.listStatements.get(sql);
    if (!statement) this.listStatements.set(sql, (statement = this.db.connection.prepare<(string | number)[], JobRow>(sql)));
    return statement;
  }

  /** Operator edits (rename, start, finish): durable. */
  update(
    id: number,
    fields: Partial<
      Record<
        'name' | 'customer' | 'press_id' | 'state' | 'started_at' | 'finished_at' | 'make_ready_from' | 'planned_good' | 'planned_make_ready_minutes',
        string | number | null
      >
    >,
    durable = true,
  ): Job {
    const keys = Object.keys(fields);
    const work = () => {
      if (keys.length > 0)
        this.db.connection
          .prepare(`UPDATE jobs SET ${keys.map((k) => `${k} = ?`).join(', ')} WHERE id = ?`)
          .run(...keys.map((k) => fields[k as keyof typeof fields] ?? null), id);
      return toJob(this.byId.get(id)!);
    };
    return durable ? this.db.durableWrite(`update job ${id}`, work) : this.db.write(`update job ${id}`, work);
  }

  /** The running figures, as the press counts (machine write). */
  saveRunningFigures(id: number, f: JobFigures): void {
    this.db.write(`job figures ${id}`, () => this.saveFigures.run(f.firstGoodAt, f.makeReadyWaste, f.runMs, f.downtimeMs, f.total, f.good, f.waste, id));
  }
}

function toJob(r: JobRow): Job {
  return {
    id: r.id,
    jobId: r.job_id,
    name: r.name,
    customer: r.customer,
    pressId: r.press_id,
    state: r.state,
    source: r.source,
    plannedGood: r.planned_good,
    plannedMakeReadyMinutes: r.planned_make_ready_minutes,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    makeReadyFrom: r.make_ready_from,
    firstGoodAt: r.first_good_at,
    makeReadyMs: r.first_good_at !== null && r.make_ready_from !== null ? r.first_good_at - r.make_ready_from : null,
    makeReadyWaste: r.make_ready_waste,
    runMs: r.run_ms,
    downtimeMs: r.downtime_ms,
    total: r.total,
    good: r.good,
    waste: r.waste,
    averageSpeed: null,
    ratedSpeed: null,
  };
}
