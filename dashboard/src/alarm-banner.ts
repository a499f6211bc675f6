/**
 * The alarm banner on every page: active alarms first, then those that cleared but wait for
 * an acknowledgement; within each, highest priority first; unacknowledged ones flashing, an
 * Ack button on each. Every active critical and high alarm is always listed, however many
 * there are ("+N more" hides only the rest). It redraws from the store, so an acknowledgement
 * made in another browser (`alarm:acked`) shows here the moment it arrives.
 */
import { acknowledgeAlarm } from './alarm-actions.js';
import { AlarmSound, isJam, isLoud, notifyJam } from './alarm-sound.js';
import type { AppContext } from './app-context.js';
import { announce, h, replaceChildren } from './dom.js';
import { priorityRank } from '../../src/model/vocabulary.js';
import { clock, PRIORITY_ICON } from './format.js';
import type { AlarmView } from './types.js';

const SHOWN = 4;
const MUTE_MINUTES = 10;

/** "9:58": minutes and seconds until `until`. */
function timeLeft(until: number): string {
  const seconds = Math.max(0, Math.ceil((until - Date.now()) / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/**
 * What the banner lists (not suppressed by design, not shelved right now), in its order. A
 * condition still present comes before one that is over, whatever their priorities: a new
 * comm loss (high, active) must not sit under critical jams that cleared an hour ago.
 */
export function announcedAlarms(alarms: Iterable<AlarmView>, now: number): AlarmView[] {
  return [...alarms]
    .filter((alarm) => !alarm.suppressed && !(alarm.shelvedUntil !== null && alarm.shelvedUntil > now) && alarm.state !== 'normal')
    .sort(
      (a, b) =>
        Number(b.active) - Number(a.active) ||
        priorityRank(a.priority) - priorityRank(b.priority) ||
        Number(a.acknowledged) - Number(b.acknowledged) ||
        b.raisedAt - a.raisedAt,
    );
}

/** Listed whatever the room: an active critical or high alarm is never behind "+N more". */
function mustShow(alarm: AlarmView): boolean {
  return alarm.active && (alarm.priority === 'critical' || alarm.priority === 'high');
}

/**
 * How many rows the banner shows: `room`, or more when more active critical and high alarms
 * wait (they come first in the order, so showing that many shows them all).
 */
export function bannerRows(alarms: readonly AlarmView[], room: number): number {
  return Math.max(room, alarms.filter(mustShow).length);
}

function stateWords(alarm: AlarmView): string {
  if (!alarm.acknowledged) return alarm.active ? 'unacknowledged' : 'cleared, unacknowledged';
  return alarm.active ? 'acknowledged, still active' : 'cleared';
}

export function mountAlarmBanner(options: { context: AppContext; element: HTMLElement }): { sound: AlarmSound } {
  const { context, element } = options;
  const { store } = context;
  const pending = (): AlarmView[] => announcedAlarms(store.alarms.values(), store.now()).filter((a) => !a.acknowledged && isLoud(a));
  const sound = new AlarmSound({ pending });

  let muteControl: HTMLButtonElement | null = null;

  function muteText(until: number): string {
    return `♪ Muted, ${timeLeft(until)} left — unmute`;
  }

  /**
   * On the tablet's supply page the banner keeps one height whatever arrives: one alarm row
   * (or "No alarms") under the summary. Fingers are typing a PIN and quantities there, and a
   * banner growing under a tap moves the key away from it (a digit lost, a wrong key hit).
   */
  const compact = (): boolean => location.hash.startsWith('#/supply');

  /** Where the keyboard focus is inside the banner, by what it acts on, to put it back after a redraw. */
  function focusedControl(): string | null {
    const focused = document.activeElement;
    if (!(focused instanceof HTMLElement) || !element.contains(focused)) return null;
    const alarmId = focused.closest<HTMLElement>('[data-alarm-id]')?.dataset.alarmId;
    if (alarmId) return `[data-alarm-id="${CSS.escape(alarmId)}"] .${[...focused.classList].map((c) => CSS.escape(c)).join('.')}`;
    return focused.classList.length ? `.${[...focused.classList].map((c) => CSS.escape(c)).join('.')}` : null;
  }

  function render(): void {
    const isCompact = compact();
    const alarms = announcedAlarms(store.alarms.values(), store.now());
    const refocus = focusedControl();
    element.dataset.count = String(alarms.length);
    element.classList.toggle('compact', isCompact);
    // a locked sound is worth saying even with nothing on the list: the next jam would be silent
    element.hidden = !isCompact && alarms.length === 0 && !sound.blocked;
    // the tablet's compact banner keeps one row (a PIN is being typed under it): its summary
    // names how many active critical and high alarms there are, and the first row is one of them
    const shown = isCompact ? 1 : bannerRows(alarms, SHOWN);
    const urgent = alarms.filter(mustShow).length;
    const unacked = alarms.filter((a) => !a.acknowledged).length;
    const muted = sound.mutedUntil;
    muteControl = muted
      ? h('button', { type: 'button', class: 'button small mute-control', 'data-muted-until': muted, onclick: () => sound.unmute() }, muteText(muted))
      : h(
          'button',
          {
            type: 'button',
            class: 'button small mute-control',
            onclick: () => sound.mute(MUTE_MINUTES),
            'aria-label': `Mute alarm sound for ${MUTE_MINUTES} minutes`,
          },
          `♪ Mute ${MUTE_MINUTES} min`,
        );
    const summary = h(
      'div',
      { class: 'banner-summary' },
      h(
        'h2',
        {},
        alarms.length ? `${alarms.length} alarm${alarms.length === 1 ? '' : 's'}` : 'No alarms',
        unacked ? `, ${unacked} unacknowledged` : '',
        isCompact && urgent > 1 ? `, ${urgent} critical or high active` : '',
      ),
      sound.blocked
        ? h(
            'button',
            { type: 'button', class: 'button small sound-blocked', onclick: () => sound.unlock() },
            h('span', { 'aria-hidden': 'true' }, '🔇 '),
            'Sound off — tap to enable',
          )
        : null,
      alarms.length ? muteControl : null,
      alarms.length > shown ? h('a', { href: '#/alarms?active=true', class: 'banner-more' }, `+${alarms.length - shown} more`) : null,
    );
    const rows = alarms.slice(0, shown).map((alarm) => {
      const press = store.presses.get(alarm.pressId)?.name ?? alarm.pressId;
      return h(
        'li',
        {
          class: `banner-alarm priority-${alarm.priority}${alarm.acknowledged ? ' acked' : ' unacked'}${alarm.active ? '' : ' cleared'}`,
          'data-alarm-id': alarm.id,
          'data-code': alarm.code,
          'data-state': alarm.state,
        },
        h('span', { class: 'priority-icon', 'aria-hidden': 'true' }, PRIORITY_ICON[alarm.priority]),
        h('span', { class: 'priority-word' }, alarm.priority),
        h('a', { class: 'banner-press', href: `#/press/${encodeURIComponent(alarm.pressId)}` }, press),
        h('span', { class: 'banner-label' }, alarm.label),
        h('span', { class: 'banner-state' }, stateWords(alarm)),
        h('time', { datetime: new Date(alarm.raisedAt).toISOString() }, clock(alarm.raisedAt)),
        alarm.acknowledged
          ? h('span', { class: 'banner-acked-by' }, alarm.ackedBy ? `✓ ${alarm.ackedBy}` : '✓')
          : h(
              'button',
              {
                type: 'button',
                class: 'button ack',
                'aria-label': `Acknowledge ${alarm.label} on ${press}`,
                onclick: () => void acknowledgeAlarm(context, alarm),
              },
              'Ack',
            ),
      );
    });
    if (isCompact && rows.length === 0) rows.push(h('li', { class: 'banner-alarm banner-none' }, h('span', { class: 'banner-state' }, 'No alarms')));
    const list = h('ul', { class: 'banner-list' }, ...rows);
    replaceChildren(element, summary, list);
    if (refocus) element.querySelector<HTMLElement>(refocus)?.focus();
  }

  store.subscribe((change) => {
    if (change.kind === 'alarm') {
      const { alarm, event } = change;
      if ((event === 'alarm:raised' || event === 'alarm:renotify') && !alarm.suppressed) {
        const press = store.presses.get(alarm.pressId)?.name ?? alarm.pressId;
        announce(`${alarm.priority} alarm on ${press}: ${alarm.label}`);
        if (isLoud(alarm)) sound.alert();
        if (isJam(alarm)) notifyJam(alarm, press);
      } else {
        sound.reschedule();
      }
      render();
    } else if (change.kind === 'snapshot') {
      render();
      sound.reschedule();
    }
  });
  sound.onChange(render);
  // the time left on the mute, without redrawing the list (keeps keyboard focus where it is)
  sound.onMuteTick(() => {
    const until = sound.mutedUntil;
    if (muteControl && until !== null) muteControl.textContent = muteText(until);
  });
  // shelving runs out by the clock, not by an event
  window.setInterval(render, 30_000);
  window.addEventListener('hashchange', render);
  render();
  return { sound };
}
