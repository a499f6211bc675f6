/**
 * The alarm banner on every page: highest priority first, unacknowledged ones flashing,
 * an Ack button on each. It redraws from the store, so an acknowledgement made in another
 * browser (`alarm:acked`) shows here the moment it arrives.
 */
import { acknowledgeAlarm } from './alarm-actions.js';
import { AlarmSound, isJam, isLoud, notifyJam } from './alarm-sound.js';
import type { AppContext } from './app-context.js';
import { announce, h, replaceChildren } from './dom.js';
import { clock, PRIORITY_ICON, PRIORITY_RANK } from './format.js';
import type { AlarmView } from './types.js';

const SHOWN = 4;

/** What the banner lists: not suppressed by design, not shelved right now. */
export function announcedAlarms(alarms: Iterable<AlarmView>, now: number): AlarmView[] {
  return [...alarms]
    .filter((alarm) => !alarm.suppressed && !(alarm.shelvedUntil !== null && alarm.shelvedUntil > now) && alarm.state !== 'normal')
    .sort((a, b) =>
      PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority]
      || Number(a.acknowledged) - Number(b.acknowledged)
      || Number(b.active) - Number(a.active)
      || b.raisedAt - a.raisedAt);
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

  function render(): void {
    const alarms = announcedAlarms(store.alarms.values(), store.now());
    element.dataset.count = String(alarms.length);
    element.hidden = alarms.length === 0;
    const unacked = alarms.filter((a) => !a.acknowledged).length;
    const muted = sound.mutedUntil;
    const summary = h('div', { class: 'banner-summary' },
      h('h2', {}, `${alarms.length} alarm${alarms.length === 1 ? '' : 's'}`, unacked ? `, ${unacked} unacknowledged` : ''),
      muted
        ? h('button', { type: 'button', class: 'button small', onclick: () => sound.unmute() }, `♪ Muted until ${clock(muted)} — unmute`)
        : h('button', { type: 'button', class: 'button small', onclick: () => sound.mute(10), 'aria-label': 'Mute alarm sound for 10 minutes' }, '♪ Mute 10 min'),
      alarms.length > SHOWN ? h('a', { href: '#/alarms?active=true', class: 'banner-more' }, `+${alarms.length - SHOWN} more`) : null);
    const list = h('ul', { class: 'banner-list' }, ...alarms.slice(0, SHOWN).map((alarm) => {
      const press = store.presses.get(alarm.pressId)?.name ?? alarm.pressId;
      return h('li', {
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
        : h('button', { type: 'button', class: 'button ack', 'aria-label': `Acknowledge ${alarm.label} on ${press}`, onclick: () => void acknowledgeAlarm(context, alarm) }, 'Ack'));
    }));
    replaceChildren(element, summary, list);
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
  // shelving runs out by the clock, not by an event
  window.setInterval(render, 30_000);
  render();
  return { sound };
}
