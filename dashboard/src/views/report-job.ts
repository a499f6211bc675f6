/**
 * One job: make-ready time (against the planned) and waste, run time, the downtime within it
 * with causes, good and waste (against the planned good), average speed against rated, the ink
 * and paper used, start and end. Follows the job live: its `job:updated` and the
 * `downtime:updated` of its stops load it again, at most every 2 s.
 */
import { describeError, request } from '../api.js';
import type { AppContext } from '../app-context.js';
import { h, replaceChildren } from '../dom.js';
import { count, dateTime, runState } from '../format.js';
import type { DowntimeEventView, JobWithSupplies, PressSnapshot } from '../types.js';
import { csvLink, minutes, ratio, reportTable } from './report-parts.js';
import { followLive } from './report-refresh.js';
import type { ReportPart } from './reports.js';

const noop = (): void => {};

export function jobReport(context: AppContext, ref: string): ReportPart {
  const heading = h('h1', { id: 'report-title' }, `Job ${ref}`);
  const status = h('p', { class: 'muted', role: 'status' }, 'Loading…');
  const body = h('div', { class: 'job-report', 'aria-busy': 'true' });
  const element = h('div', {}, heading, status, body);

  let stopFollowing = noop;
  let destroyed = false;
  async function load(): Promise<void> {
    const job = await request<JobWithSupplies>(`/api/jobs/${encodeURIComponent(ref)}`);
    if (!destroyed && stopFollowing === noop) {
      // the job's figures move while it runs, and a stop within it is coded later: follow both
      stopFollowing = followLive(context, {
        jobMatters: (changed) => changed.id === job.id,
        downtimeMatters: (event) => event.jobRef === job.id,
        reload: () =>
          load().catch((error: unknown) => {
            status.textContent = `The job could not be updated: ${describeError(error)}`;
          }),
      });
    }
    const presses = await request<PressSnapshot[]>('/api/presses');
    const pressName = presses.find((p) => p.id === job.pressId)?.name ?? job.pressId ?? 'no press yet';
    heading.textContent = `Job ${job.jobId}${job.name !== job.jobId ? ` · ${job.name}` : ''}`;
    const range = job.startedAt === null ? null : { from: job.startedAt, to: job.finishedAt ?? Date.now(), pressId: job.pressId ?? undefined };
    const events = range ? (await request<{ events: DowntimeEventView[] }>('/api/downtime', { query: range })).events.filter((e) => e.jobRef === job.id) : [];
    events.sort((a, b) => a.from - b.from);
    const speedShare = job.averageSpeed !== null && job.ratedSpeed ? job.averageSpeed / job.ratedSpeed : null;
    const plannedMakeReady = job.plannedMakeReadyMinutes !== null ? ` (planned ${minutes(job.plannedMakeReadyMinutes * 60_000)})` : '';
    const fact = (name: string, key: string, value: string) => h('div', { class: 'job-fact', 'data-figure': key }, h('dt', {}, name), h('dd', {}, value));
    const supplies = job.supplies;
    const logged = (items: { uom: string; quantity: number }[]) => items.map((q) => `${count(q.quantity)} ${q.uom}`).join(', ') || '—';
    replaceChildren(
      body,
      h(
        'dl',
        { class: 'job-facts' },
        fact('Press', 'press', pressName),
        fact('Customer', 'customer', job.customer ?? '—'),
        fact('State', 'state', `${job.state} (${job.source})`),
        fact('Start', 'start', dateTime(job.startedAt)),
        fact('End', 'end', job.finishedAt === null ? (job.startedAt === null ? '—' : 'still running') : dateTime(job.finishedAt)),
        fact('Make-ready', 'make-ready', `${job.makeReadyMs === null ? '—' : minutes(job.makeReadyMs)}${plannedMakeReady}`),
        fact('Make-ready waste', 'make-ready-waste', `${count(job.makeReadyWaste)} sheets`),
        fact('Run time', 'run', minutes(job.runMs)),
        fact('Downtime', 'downtime', minutes(job.downtimeMs)),
        fact('Good', 'good', `${count(job.good)}${job.plannedGood ? ` of ${count(job.plannedGood)} planned (${ratio(job.good / job.plannedGood)})` : ''}`),
        fact('Waste', 'waste', `${count(job.waste)} (${ratio(job.total > 0 ? job.waste / job.total : null)} of ${count(job.total)})`),
        fact(
          'Average speed',
          'speed',
          `${count(job.averageSpeed)} sheets/h${job.ratedSpeed ? ` of ${count(job.ratedSpeed)} rated (${ratio(speedShare)})` : ''}`,
        ),
      ),
      reportTable({
        caption: 'Downtime within the job',
        csv: range ? csvLink('/api/downtime.csv', range, 'the downtime of this job (the press over the job’s time)') : undefined,
        head: ['From', 'Lasted', 'State', 'Cause', 'Source', 'Note'],
        empty: 'No downtime within this job.',
        className: 'job-downtime',
        rows: events.map((e) =>
          h(
            'tr',
            { 'data-event-id': e.id, 'data-cause': e.cause?.code ?? 'uncoded' },
            h('td', {}, dateTime(e.from)),
            h('td', { class: 'number' }, minutes(e.durationMs)),
            h('td', {}, runState(e.state).word),
            h('td', {}, e.cause?.label ?? 'not coded'),
            h('td', {}, e.cause?.source ?? ''),
            h('td', {}, e.note ?? ''),
          ),
        ),
      }),
      reportTable({
        caption: 'Ink and paper used',
        csv: csvLink(`/api/jobs/${job.id}/supplies.csv`, {}, 'the ink and paper used in this job'),
        head: ['Supply', 'Used (measured)', 'Logged'],
        empty: 'Not known: the job has not started, or no levels were recorded.',
        className: 'job-supplies',
        rows: supplies
          ? [
              ...supplies.ink.map((i) =>
                h(
                  'tr',
                  {},
                  h('th', { scope: 'row' }, `Ink unit ${i.unit} (${i.color})`),
                  h('td', { class: 'number' }, `${i.levelUsed.toFixed(1)} % of the fountain`),
                  h('td', {}, logged(i.logged)),
                ),
              ),
              h(
                'tr',
                {},
                h('th', { scope: 'row' }, 'Paper'),
                h('td', { class: 'number' }, `${supplies.paper.pileUsed.toFixed(1)} % of piles, ${supplies.paper.pilesLoaded} loaded`),
                h('td', {}, logged(supplies.paper.logged)),
              ),
            ]
          : [],
      }),
    );
    body.setAttribute('aria-busy', 'false');
    status.textContent = '';
  }

  void load().catch((error: unknown) => {
    status.textContent = `The job could not be loaded: ${describeError(error)}`;
  });
  return {
    element,
    title: `Job ${ref}`,
    destroy: () => {
      destroyed = true;
      stopFollowing();
    },
  };
}
