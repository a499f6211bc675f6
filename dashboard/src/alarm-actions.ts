/** Acknowledge and shelve, shared by the banner, the alarms page and the press detail. */
import { ApiError, describeError, request } from './api.js';
import type { AppContext } from './app-context.js';
import { openFormDialog } from './dialog.js';
import { h } from './dom.js';
import type { AlarmView } from './types.js';

function pressName(context: AppContext, pressId: string): string {
  return context.store.presses.get(pressId)?.name ?? pressId;
}

async function asOperator<T>(context: AppContext, why: string, action: () => Promise<T>): Promise<T> {
  if (!context.session.can('operator') && !(await context.requireLogin('operator', why))) throw new Error('Not signed in');
  try {
    return await action();
  } catch (error) {
    if (error instanceof ApiError && error.kind === 'unauthenticated') context.session.expired();
    throw new Error(describeError(error), { cause: error });
  }
}

/** Asks for an optional note, then acknowledges. Resolves true when acknowledged. */
export async function acknowledgeAlarm(context: AppContext, alarm: AlarmView): Promise<boolean> {
  if (!context.session.can('operator') && !(await context.requireLogin('operator', 'Log in to acknowledge alarms'))) return false;
  const note = h('textarea', { name: 'note', rows: 2, maxlength: 500, id: 'ack-note', autofocus: true });
  return openFormDialog({
    title: `Acknowledge: ${alarm.label}`,
    body: [
      h('p', {}, `${pressName(context, alarm.pressId)} · ${alarm.priority} · raised ${new Date(alarm.raisedAt).toLocaleTimeString()}`),
      h('label', { for: 'ack-note' }, 'Note (optional)'),
      note,
    ],
    submitLabel: 'Acknowledge',
    onSubmit: async () => {
      const text = note.value.trim();
      const updated = await asOperator(context, 'Log in to acknowledge alarms', () =>
        request<AlarmView | { alarm: AlarmView }>(`/api/alarms/${encodeURIComponent(alarm.id)}/ack`, { method: 'POST', body: text ? { note: text } : {} }),
      );
      const view = updated && 'alarm' in updated ? updated.alarm : updated;
      if (view && typeof view === 'object' && 'id' in view) context.store.applyAlarm('alarm:acked', view);
    },
  });
}

export async function shelveAlarm(context: AppContext, alarm: AlarmView): Promise<boolean> {
  if (!context.session.can('operator') && !(await context.requireLogin('operator', 'Log in to shelve alarms'))) return false;
  const minutes = h(
    'select',
    { name: 'minutes', id: 'shelve-minutes' },
    ...[15, 30, 60, 120, 480].map((m) => h('option', { value: m, selected: m === 60 }, m < 60 ? `${m} minutes` : `${m / 60} hour${m === 60 ? '' : 's'}`)),
  );
  const reason = h('input', { name: 'reason', id: 'shelve-reason', required: true, maxlength: 200, autofocus: true, autocomplete: 'off' });
  return openFormDialog({
    title: `Shelve: ${alarm.label}`,
    body: [
      h('p', {}, `${pressName(context, alarm.pressId)}: the alarm stays in the journal but is not announced until the time runs out.`),
      h('label', { for: 'shelve-minutes' }, 'For'),
      minutes,
      h('label', { for: 'shelve-reason' }, 'Reason'),
      reason,
    ],
    submitLabel: 'Shelve',
    onSubmit: async () => {
      const body = { minutes: Number(minutes.value), reason: reason.value.trim() };
      const updated = await asOperator(context, 'Log in to shelve alarms', () =>
        request<AlarmView>(`/api/alarms/${encodeURIComponent(alarm.id)}/shelve`, { method: 'POST', body }),
      );
      if (updated && typeof updated === 'object' && 'id' in updated) context.store.applyAlarm('alarm:updated', updated);
    },
  });
}

export async function unshelveAlarm(context: AppContext, alarm: AlarmView): Promise<void> {
  const updated = await asOperator(context, 'Log in to unshelve alarms', () =>
    request<AlarmView>(`/api/alarms/${encodeURIComponent(alarm.id)}/unshelve`, { method: 'POST', body: {} }),
  );
  if (updated && typeof updated === 'object' && 'id' in updated) context.store.applyAlarm('alarm:updated', updated);
}
