/** The alarm journal and the supply history as tables, shared by the alarms page and press detail. */
import { acknowledgeAlarm, shelveAlarm, unshelveAlarm } from '../alarm-actions.js';
import { describeError } from '../api.js';
import type { AppContext } from '../app-context.js';
import { h } from '../dom.js';
import { dateTime, PRIORITY_ICON } from '../format.js';
import type { AlarmView, SupplyEntry } from '../types.js';

const RECONCILIATION_WORDS: Record<string, string> = {
  pending: '◷ awaiting level rise',
  confirmed: '✓ confirmed',
  flagged: '⚠ no level rise seen',
  'not-applicable': '',
};

function headRow(...names: string[]): HTMLTableSectionElement {
  return h('thead', {}, h('tr', {}, ...names.map((name) => h('th', { scope: 'col' }, name))));
}

function alarmStateWords(alarm: AlarmView, now: number): string {
  const words = [alarm.active ? 'active' : 'cleared', alarm.acknowledged ? 'acknowledged' : 'unacknowledged'];
  if (alarm.shelvedUntil !== null && alarm.shelvedUntil > now) words.push(`shelved until ${new Date(alarm.shelvedUntil).toLocaleTimeString()}`);
  if (alarm.suppressed) words.push('suppressed by design');
  if (alarm.chattering) words.push('chattering');
  return words.join(', ');
}

export function alarmTable(context: AppContext, alarms: AlarmView[], options: { caption: string; onChanged?: () => void }): HTMLElement {
  const now = context.store.now();
  const act = (action: () => Promise<unknown>) => () =>
    void action().then(
      () => options.onChanged?.(),
      (error: unknown) => window.alert(describeError(error)),
    );
  if (alarms.length === 0) return h('p', { class: 'muted' }, 'No alarms match.');
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: 'data-table alarm-table' },
      h('caption', {}, options.caption),
      headRow('Raised', 'Press', 'Priority', 'Alarm', 'State', 'Cleared', 'Acknowledged', 'Note', ''),
      h(
        'tbody',
        {},
        ...alarms.map((alarm) => {
          const shelved = alarm.shelvedUntil !== null && alarm.shelvedUntil > now;
          return h(
            'tr',
            { class: `priority-${alarm.priority}${alarm.acknowledged ? '' : ' unacked'}`, 'data-alarm-id': alarm.id },
            h('td', {}, dateTime(alarm.raisedAt)),
            h('td', {}, context.store.presses.get(alarm.pressId)?.name ?? alarm.pressId),
            h('td', {}, h('span', { 'aria-hidden': 'true' }, `${PRIORITY_ICON[alarm.priority]} `), alarm.priority),
            h('td', {}, alarm.label, h('span', { class: 'muted code' }, ` ${alarm.code}`)),
            h('td', {}, alarmStateWords(alarm, now)),
            h('td', {}, alarm.clearedAt ? dateTime(alarm.clearedAt) : ''),
            h('td', {}, alarm.ackedAt ? `${dateTime(alarm.ackedAt)}${alarm.ackedBy ? ` by ${alarm.ackedBy}` : ''}` : ''),
            h('td', {}, alarm.ackNote ?? alarm.shelveReason ?? ''),
            h(
              'td',
              {},
              h(
                'div',
                { class: 'actions' },
                !alarm.acknowledged && alarm.state !== 'normal'
                  ? h('button', { type: 'button', class: 'button small', onclick: act(() => acknowledgeAlarm(context, alarm)) }, 'Ack')
                  : null,
                alarm.state !== 'normal' && !shelved
                  ? h('button', { type: 'button', class: 'button small', onclick: act(() => shelveAlarm(context, alarm)) }, 'Shelve')
                  : null,
                shelved ? h('button', { type: 'button', class: 'button small', onclick: act(() => unshelveAlarm(context, alarm)) }, 'Unshelve') : null,
              ),
            ),
          );
        }),
      ),
    ),
  );
}

export function supplyTable(context: AppContext, entries: SupplyEntry[], options: { caption: string }): HTMLElement {
  if (entries.length === 0) return h('p', { class: 'muted' }, 'No supplies logged in this range.');
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: 'data-table supply-table' },
      h('caption', {}, options.caption),
      headRow('Time', 'Press', 'Kind', 'Unit', 'Colour', 'Product', 'Lot', 'Quantity', 'By', 'Sensor check', 'Note'),
      h(
        'tbody',
        {},
        ...entries.map((entry) =>
          h(
            'tr',
            { 'data-client-id': entry.clientId },
            h('td', {}, dateTime(entry.at)),
            h('td', {}, context.store.presses.get(entry.pressId)?.name ?? entry.pressId),
            h('td', {}, entry.kind),
            h('td', {}, entry.unit ?? ''),
            h('td', {}, entry.color ?? ''),
            h('td', {}, entry.product ?? ''),
            h('td', {}, entry.lot ?? ''),
            h('td', { class: 'number' }, `${entry.quantity} ${entry.uom}`),
            h('td', {}, entry.by?.username ?? ''),
            h('td', { title: entry.reconciliation.detail ?? '' }, RECONCILIATION_WORDS[entry.reconciliation.status] ?? entry.reconciliation.status),
            h('td', {}, entry.note ?? ''),
          ),
        ),
      ),
    ),
  );
}
