/**
 * One press on the wall board. The skeleton is built once and updated in place, so a tile
 * that updates every second neither flickers nor steals keyboard focus.
 */
import { h, setText } from '../dom.js';
import { clock, count, dateTime, duration, inkColour, inkShortName, runState, STOP_REASONS } from '../format.js';
import type { JobView, PressWithForecast } from '../types.js';
import { LevelBar } from './level-bar.js';

export class PressTile {
  readonly element: HTMLElement;
  private readonly stateElement = h('div', { class: 'run-state' });
  private readonly stateIcon = h('span', { class: 'run-state-icon', 'aria-hidden': 'true' });
  private readonly stateWord = h('span', { class: 'run-state-word' });
  private readonly stateSince = h('span', { class: 'run-state-since' });
  private readonly alarmChip = h('a', { class: 'alarm-chip' });
  private readonly speedValue = h('span', { class: 'speed-value' });
  private readonly speedFill = h('div', { class: 'speed-fill' });
  private readonly speedTrack = h('div', { class: 'speed-track', role: 'meter', 'aria-valuemin': 0 }, this.speedFill);
  private readonly good = new CounterValue('counter-good');
  private readonly waste = new CounterValue('counter-waste');
  private readonly wasteShare = new CounterValue('counter-share');
  private readonly jobBlock = h('div', { class: 'job', hidden: true });
  private readonly jobTitle = h('p', { class: 'job-title' });
  private readonly jobFill = h('div', { class: 'job-fill' });
  private readonly jobTrack = h('div', { class: 'job-track', role: 'meter', 'aria-valuemin': 0 }, this.jobFill);
  private readonly jobGood = h('span', { class: 'job-good' });
  private readonly jobFinish = h('span', { class: 'job-finish' });
  private readonly inkRow = h('div', { class: 'ink-row', role: 'group', 'aria-label': 'Ink levels' });
  private readonly paperBar: LevelBar;
  private readonly comm = h('p', { class: 'comm' });
  private readonly staleNote = h('p', { class: 'stale-note', role: 'note' });
  private inkBars = new Map<number, LevelBar>();
  private inkSignature = '';
  private press: PressWithForecast;

  constructor(press: PressWithForecast) {
    this.press = press;
    this.paperBar = new LevelBar({ label: 'Paper', spokenName: 'Paper', fill: '#e8e2d0', orientation: 'horizontal' });
    const titleId = `press-title-${press.id}`;
    this.element = h(
      'article',
      { class: 'press-tile', 'data-press-id': press.id, 'aria-labelledby': titleId },
      h('header', { class: 'tile-head' }, h('h2', { id: titleId }, h('a', { href: `#/press/${encodeURIComponent(press.id)}` }, press.name)), this.alarmChip),
      this.stateElement,
      h('div', { class: 'speed' }, h('span', { class: 'metric-label' }, 'Speed'), this.speedValue, this.speedTrack),
      h(
        'dl',
        { class: 'counters' },
        h('div', {}, h('dt', {}, 'Good'), this.good.element),
        h('div', {}, h('dt', {}, 'Waste'), this.waste.element),
        h('div', {}, h('dt', {}, 'Waste %'), this.wasteShare.element),
      ),
      this.jobBlock,
      this.inkRow,
      h('div', { class: 'paper' }, this.paperBar.element),
      this.comm,
      this.staleNote,
    );
    this.stateElement.append(this.stateIcon, this.stateWord, this.stateSince);
    this.jobBlock.append(this.jobTitle, this.jobTrack, h('p', { class: 'job-figures' }, this.jobGood, this.jobFinish));
  }

  /** `job`: the job running on the press and its good sheets now (null: none; undefined: not known here). */
  update(press: PressWithForecast, context: { now: number; live: boolean; job?: { job: JobView; good: number } | null }): void {
    this.press = press;
    const { live, now } = context;
    const fresh = live && press.online;
    this.element.classList.toggle('not-fresh', !fresh);
    this.element.dataset.state = press.state;

    const state = runState(press.state);
    this.stateElement.className = `run-state state-${press.state}`;
    setText(this.stateIcon, state.icon);
    const reason = press.state === 'stopped' && press.stopReason ? ` — ${STOP_REASONS[press.stopReason] ?? press.stopReason}` : '';
    setText(this.stateWord, `${state.word}${reason}`);
    this.tick(now);

    const alarms = press.activeAlarms;
    this.alarmChip.hidden = alarms === 0;
    this.alarmChip.setAttribute('href', `#/alarms?pressId=${encodeURIComponent(press.id)}`);
    setText(this.alarmChip, `⚠ ${alarms} alarm${alarms === 1 ? '' : 's'}`);

    const rated = press.ratedSpeed > 0 ? press.ratedSpeed : null;
    const speedText = press.speed === null ? '—' : `${count(press.speed)} sph`;
    setText(this.speedValue, rated ? `${speedText} of ${count(rated)}${fresh ? '' : ' (not live)'}` : `${speedText}${fresh ? '' : ' (not live)'}`);
    this.speedValue.classList.toggle('is-stale', !fresh);
    const share = press.speed !== null && rated ? Math.min(100, (press.speed / rated) * 100) : 0;
    this.speedFill.style.width = `${share}%`;
    this.speedTrack.classList.toggle('is-stale', !fresh || press.speed === null);
    this.speedTrack.setAttribute('aria-valuemax', String(rated ?? 0));
    this.speedTrack.setAttribute('aria-valuenow', String(press.speed ?? 0));
    this.speedTrack.setAttribute('aria-label', `Speed ${speedText}${rated ? ` of rated ${count(rated)} sheets per hour` : ''}`);

    const good = press.jobCounters.good ?? press.counters.good;
    const waste = press.jobCounters.waste ?? press.counters.waste;
    // the last counts received: marked stale (dimmed, struck through, ⚠ and a spoken "stale")
    this.good.update(count(good), fresh);
    this.waste.update(count(waste), fresh);
    this.wasteShare.update(good + waste > 0 ? `${((waste / (good + waste)) * 100).toFixed(1)} %` : '—', fresh);

    if (context.job !== undefined) this.updateJob(press, context.job, { now, fresh });
    this.updateInks(press, live);
    this.paperBar.update({
      level: press.paper.level,
      quality: press.online ? press.paper.quality : 'stale',
      live,
      minutesToEmpty: press.timeToEmpty?.paper ?? null,
      lowAt: 10,
    });
    const note = !live ? 'Not live: showing the last values received' : !press.online ? `No communication since ${clock(press.comm.lastOkAt)}` : '';
    setText(this.staleNote, note);
    this.staleNote.hidden = note === '';
  }

  /**
   * Once a second: the clocks on the tile move even when the press says nothing new (an
   * offline press sends nothing: its "last good … ago" counts up here).
   */
  tick(now: number): void {
    setText(this.stateSince, `for ${duration(now - this.press.stateSince)}`);
    this.updateComm(this.press, now);
  }

  /**
   * The running job: its number, good of planned as a bar, and when it will be done at the
   * speed the press runs now ("—" when it is not producing, the speed is unknown or the
   * values are not live: a guess from a stopped press would be a lie).
   */
  private updateJob(press: PressWithForecast, running: { job: JobView; good: number } | null, context: { now: number; fresh: boolean }): void {
    this.jobBlock.hidden = false;
    this.jobBlock.dataset.jobId = running?.job.jobId ?? '';
    if (!running) {
      setText(this.jobTitle, 'No job running');
      this.jobTrack.hidden = true;
      setText(this.jobGood, '');
      setText(this.jobFinish, '');
      return;
    }
    const { job, good } = running;
    setText(this.jobTitle, job.name && job.name !== job.jobId ? `Job ${job.jobId} · ${job.name}` : `Job ${job.jobId}`);
    const planned = job.plannedGood !== null && job.plannedGood > 0 ? job.plannedGood : null;
    this.jobTrack.hidden = planned === null;
    const share = planned ? Math.min(100, (good / planned) * 100) : 0;
    this.jobFill.style.width = `${share}%`;
    this.jobTrack.setAttribute('aria-valuemax', String(planned ?? 0));
    this.jobTrack.setAttribute('aria-valuenow', String(good));
    this.jobTrack.setAttribute(
      'aria-label',
      planned ? `Job ${job.jobId}: ${count(good)} good of ${count(planned)} planned` : `Job ${job.jobId}: ${count(good)} good`,
    );
    setText(this.jobGood, planned ? `${count(good)} of ${count(planned)} good (${Math.floor(share)} %)` : `${count(good)} good, no planned quantity`);
    setText(this.jobFinish, ` · Finish ${expectedFinish({ press, job, good, planned, ...context })}`);
  }

  private updateInks(press: PressWithForecast, live: boolean): void {
    const signature = press.ink.map((ink) => `${ink.unit}:${ink.color}`).join('|');
    if (signature !== this.inkSignature) {
      this.inkSignature = signature;
      this.inkBars = new Map();
      this.inkRow.replaceChildren();
      for (const ink of press.ink) {
        const colour = inkColour(ink.color);
        const bar = new LevelBar({
          label: inkShortName(ink.color),
          spokenName: `Unit ${ink.unit}, ${ink.color} ink`,
          fill: colour.fill,
          orientation: 'vertical',
        });
        if (!colour.known) bar.element.classList.add('spot-unknown');
        this.inkBars.set(ink.unit, bar);
        this.inkRow.append(bar.element);
      }
    }
    for (const ink of press.ink) {
      const forecast = press.timeToEmpty?.ink.find((entry) => entry.unit === ink.unit);
      this.inkBars.get(ink.unit)?.update({
        level: ink.level,
        quality: press.online ? ink.quality : 'stale',
        live,
        minutesToEmpty: forecast?.minutes ?? null,
      });
    }
  }

  private updateComm(press: PressWithForecast, now: number): void {
    const errors = Object.values(press.comm.errors).reduce((sum, n) => sum + n, 0);
    const sinceOk = press.comm.lastOkAt === null ? null : now - press.comm.lastOkAt;
    let quality: 'good' | 'degraded' | 'lost';
    if (!press.online || sinceOk === null) quality = 'lost';
    else if (press.comm.offScanUntil !== null || (press.comm.lastErrorAt !== null && now - press.comm.lastErrorAt < 60_000)) quality = 'degraded';
    else quality = 'good';
    const icon = { good: '●', degraded: '◐', lost: '○' }[quality];
    const latency = press.comm.latencyMs === null ? '' : ` · ${Math.round(press.comm.latencyMs)} ms`;
    const detail =
      quality === 'lost' ? ` · last good ${sinceOk === null ? 'never' : `${duration(sinceOk)} ago`}` : `${latency} · ${errors} error${errors === 1 ? '' : 's'}`;
    this.comm.className = `comm comm-${quality}`;
    setText(this.comm, `${icon} Link ${press.link.kind.toUpperCase()} ${quality}${detail}`);
    this.comm.title = press.comm.lastError ?? `${press.link.kind} ${press.link.address}, unit ${press.link.unitId}`;
  }
}

/**
 * When the planned good sheets are reached at the current speed, as a clock time; "—" when
 * that cannot be said honestly. The speed counts every sheet: the job's waste share so far
 * takes its part off.
 */
export function expectedFinish(options: { press: PressWithForecast; job: JobView; good: number; planned: number | null; now: number; fresh: boolean }): string {
  const { press, job, good, planned, now, fresh } = options;
  if (planned === null) return '—';
  if (good >= planned) return 'planned quantity reached';
  if (!fresh || press.state !== 'production' || press.speed === null || press.speed <= 0) return '—';
  const goodShare = job.total > 0 ? job.good / job.total : 1;
  // the speed is in press time: a simulated press (the demo, 20×) makes sheets that much faster per wall-clock hour
  const goodPerHour = press.speed * (press.timeScale ?? 1) * goodShare;
  if (goodPerHour <= 0) return '—';
  const remainingMs = ((planned - good) / goodPerHour) * 3_600_000;
  const at = now + remainingMs;
  // a finish on another day says which day
  const when = new Date(at).toDateString() === new Date(now).toDateString() ? clock(at) : dateTime(at);
  return `≈ ${when} (in ${duration(remainingMs)})`;
}

/** A counter figure that says, besides its colour, when it is not live: "⚠" and a spoken "stale". */
class CounterValue {
  readonly element: HTMLElement;
  private readonly value = h('span', { class: 'counter-value' });
  private readonly staleTag = h('span', { class: 'stale-tag' }, h('span', { 'aria-hidden': 'true' }, ' ⚠'), h('span', { class: 'visually-hidden' }, ' stale'));

  constructor(className: string) {
    this.element = h('dd', { class: className }, this.value, this.staleTag);
    this.staleTag.hidden = true;
  }

  update(text: string, fresh: boolean): void {
    setText(this.value, text);
    this.element.classList.toggle('is-stale', !fresh);
    this.staleTag.hidden = fresh;
  }
}
