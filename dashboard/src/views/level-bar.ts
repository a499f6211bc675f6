/**
 * One level (an ink unit, the paper pile) as a labelled meter. Quality is shown in words
 * and pattern, not only in colour: a stale or bad reading is hatched, dimmed and tagged.
 */
import { h, setText } from '../dom.js';
import { minutesLabel, percent } from '../format.js';
import type { Quality } from '../types.js';

export interface LevelBarOptions {
  /** Short label on the bar ("C", "Pantone 286 C", "Paper"). */
  label: string;
  /** What a screen reader hears ("Unit 2, magenta ink"). */
  spokenName: string;
  fill: string;
  orientation: 'vertical' | 'horizontal';
}

export interface LevelState {
  level: number | null;
  quality: Quality;
  /** False while the dashboard itself is cut off: then nothing is fresh. */
  live: boolean;
  minutesToEmpty?: number | null;
  /** Level at or below which the bar warns. */
  lowAt?: number;
}

export class LevelBar {
  readonly element: HTMLElement;
  private readonly fillElement: HTMLElement;
  private readonly valueElement: HTMLElement;
  private readonly tagElement: HTMLElement;
  private readonly etaElement: HTMLElement;

  constructor(private readonly options: LevelBarOptions) {
    this.fillElement = h('div', { class: 'level-fill', style: `--ink:${options.fill}` });
    this.valueElement = h('span', { class: 'level-value' });
    this.tagElement = h('span', { class: 'quality-tag' });
    this.etaElement = h('span', { class: 'level-eta' });
    this.element = h(
      'div',
      { class: `level level-${options.orientation}`, role: 'meter', 'aria-valuemin': 0, 'aria-valuemax': 100 },
      h('div', { class: 'level-track' }, this.fillElement),
      h('div', { class: 'level-caption' }, h('span', { class: 'level-label' }, options.label), this.valueElement, this.tagElement, this.etaElement),
    );
  }

  update(state: LevelState): void {
    const fresh = state.live && state.quality === 'good' && state.level !== null;
    const level = state.level === null ? 0 : Math.max(0, Math.min(100, state.level));
    const size = `${level}%`;
    if (this.options.orientation === 'vertical') this.fillElement.style.height = size;
    else this.fillElement.style.width = size;
    const low = state.level !== null && state.level <= (state.lowAt ?? 15);
    const tag = state.level === null || state.quality === 'bad' ? '✕ no reading' : !fresh ? '⚠ stale' : low ? '▼ low' : '';
    this.element.className = `level level-${this.options.orientation} quality-${fresh ? 'good' : state.quality === 'bad' || state.level === null ? 'bad' : 'stale'}${low ? ' is-low' : ''}`;
    setText(this.valueElement, percent(state.level));
    setText(this.tagElement, tag);
    const eta = state.minutesToEmpty === undefined || state.minutesToEmpty === null ? '' : `empty in ${minutesLabel(state.minutesToEmpty)}`;
    setText(this.etaElement, eta);
    this.element.setAttribute('aria-valuenow', String(Math.round(level * 10) / 10));
    const spoken = `${this.options.spokenName}: ${percent(state.level)}${tag ? `, ${tag.slice(2)}` : ''}${eta ? `, ${eta}` : ''}`;
    this.element.setAttribute('aria-label', spoken);
    this.element.setAttribute('aria-valuetext', spoken);
    this.element.title = spoken;
  }
}
