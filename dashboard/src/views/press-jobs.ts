/**
 * The jobs of one press on the tablet: the running one with "Finish", the queue (jobs of the
 * press, and jobs the MIS sent for no press yet) with "Start", and a job number typed by hand.
 * Starting or finishing needs an operator (the PIN keypad opens when nobody is signed in).
 * Follows socket.io `job:updated`.
 */
import { describeError, request } from '../api.js';
import type { AppContext } from '../app-context.js';
import { announce, h, replaceChildren } from '../dom.js';
import { count } from '../format.js';
import type { JobView } from '../types.js';

export function pressJobs(context: AppContext, pressId: string): { element: HTMLElement; destroy(): void } {
  const { store } = context;
  const pressName = store.presses.get(pressId)?.name ?? pressId;
  const running = h('div', { class: 'job-running' });
  const queue = h('ul', { class: 'job-queue' });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const typed = h('input', { id: 'job-number', name: 'jobId', class: 'big-input', autocomplete: 'off', maxlength: 40, inputmode: 'text' });
  const typedForm = h(
    'form',
    { class: 'job-typed' },
    h('label', { for: typed.id }, 'Job number'),
    typed,
    h('button', { type: 'submit', class: 'button primary big' }, 'Start this job'),
  );
  const element = h(
    'section',
    { class: 'press-jobs', 'aria-labelledby': 'press-jobs-title' },
    h('h2', { id: 'press-jobs-title' }, `Jobs on ${pressName}`),
    running,
    h('h3', {}, 'Queue'),
    queue,
    typedForm,
    error,
  );
  let jobs: JobView[] = [];
  let asked = 0;

  function describe(job: JobView): string {
    return [job.jobId, job.name !== job.jobId ? job.name : null, job.customer, job.plannedGood ? `${count(job.plannedGood)} planned` : null]
      .filter(Boolean)
      .join(' · ');
  }

  function render(): void {
    const current = jobs.find((job) => job.state === 'running' && job.pressId === pressId);
    replaceChildren(
      running,
      current
        ? [
            h('p', { class: 'job-now' }, h('strong', {}, 'Running: '), describe(current), ` · ${count(current.good)} good`),
            h(
              'button',
              { type: 'button', class: 'button big finish-job', 'data-job-id': current.jobId, onclick: () => void act(current, 'finish') },
              `Finish job ${current.jobId}`,
            ),
          ]
        : h('p', { class: 'muted job-now' }, 'No job running.'),
    );
    const queued = jobs.filter((job) => job.state === 'queued');
    queue.replaceChildren(
      ...(queued.length === 0
        ? [h('li', { class: 'muted' }, 'Nothing queued for this press.')]
        : queued.map((job) =>
            h(
              'li',
              { 'data-job-id': job.jobId },
              h(
                'button',
                { type: 'button', class: 'button big start-job', 'data-job-id': job.jobId, onclick: () => void act(job, 'start') },
                `Start ${describe(job)}`,
              ),
            ),
          )),
    );
  }

  async function load(): Promise<void> {
    const mine = ++asked;
    try {
      const [own, queued] = await Promise.all([
        request<{ jobs: JobView[] }>('/api/jobs', { query: { pressId } }),
        request<{ jobs: JobView[] }>('/api/jobs', { query: { state: 'queued' } }),
      ]);
      if (mine !== asked) return;
      const byId = new Map<number, JobView>();
      for (const job of [...own.jobs, ...queued.jobs.filter((job) => job.pressId === null)]) if (job.state !== 'done') byId.set(job.id, job);
      jobs = [...byId.values()];
      render();
    } catch (failure) {
      error.textContent = `Jobs unavailable: ${describeError(failure)}`;
    }
  }

  async function act(job: JobView | { jobId: string }, action: 'start' | 'finish'): Promise<void> {
    error.textContent = '';
    if (!(await context.requireLogin('operator', `Log in as an operator to ${action} a job`))) return;
    try {
      const done = await request<JobView>(`/api/jobs/${encodeURIComponent(job.jobId)}/${action}`, {
        method: 'POST',
        body: action === 'start' ? { pressId } : {},
      });
      announce(`Job ${done.jobId} ${action === 'start' ? 'started' : 'finished'} on ${pressName}`);
      await load();
    } catch (failure) {
      error.textContent = `Not saved: ${describeError(failure)}`;
    }
  }

  typedForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const jobId = typed.value.trim();
    if (!jobId) {
      error.textContent = 'Type the job number first.';
      return;
    }
    void (async () => {
      error.textContent = '';
      if (!(await context.requireLogin('operator', 'Log in as an operator to start a job'))) return;
      try {
        // idempotent by job number and press: a number typed twice is the same job
        await request('/api/jobs', { method: 'POST', body: { jobId, pressId } });
        typed.value = '';
        await act({ jobId }, 'start');
      } catch (failure) {
        error.textContent = `Not saved: ${describeError(failure)}`;
      }
    })();
  });

  const unsubscribe = store.subscribe((change) => {
    if (change.kind === 'snapshot') return void load();
    if (change.kind !== 'job' || (change.pressId !== pressId && change.pressId !== null)) return;
    const known = change.job && jobs.find((job) => job.id === change.job!.id);
    // a running job's figures (every few seconds): drawn from the event, nothing asked
    if (change.job && known && known.state === change.job.state) {
      jobs = jobs.map((job) => (job.id === change.job!.id ? change.job! : job));
      render();
    } else void load();
  });
  void load();
  return { element, destroy: unsubscribe };
}
