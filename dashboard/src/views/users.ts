/** Users page for admins: list, add, change role, set a new PIN or password, remove a PIN, disable. */
import { describeError, listFrom, request } from '../api.js';
import type { AppContext, View } from '../app-context.js';
import { openFormDialog } from '../dialog.js';
import { h, replaceChildren } from '../dom.js';
import { userRoles, type Role, type SessionUser } from '../types.js';

type UserRow = SessionUser & { disabled?: boolean; active?: boolean; hasPin?: boolean; lastLoginAt?: number | null };
/** New PINs need 6 to 8 digits (the service answers 400 otherwise); older shorter PINs still sign in. */
const PIN_INPUT = { inputmode: 'numeric', type: 'password', minlength: 6, maxlength: 8, pattern: '[0-9]{6,8}', title: '6 to 8 digits' };

function field(name: string, label: string, attrs: Record<string, string | number | boolean> = {}): HTMLElement[] {
  const input = h('input', { id: `user-${name}`, name, autocomplete: 'off', ...attrs });
  return [h('label', { for: input.id }, label), input];
}

function roleSelect(current: Role): HTMLElement[] {
  const select = h('select', { id: 'user-role', name: 'role' }, ...userRoles.map((role) => h('option', { value: role, selected: role === current }, role)));
  return [h('label', { for: select.id }, 'Role'), select];
}

/** Form fields to a request body: empty fields are left out (an empty PIN means "unchanged"). */
function formBody(form: HTMLFormElement): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [name, value] of new FormData(form)) if (String(value).trim() !== '') body[name] = String(value).trim();
  return body;
}

export function usersView(context: AppContext): View {
  const { session } = context;
  const content = h('div');
  const element = h('section', { class: 'users-page' }, h('h1', {}, 'Users'), content);

  async function load(): Promise<void> {
    if (!session.can('admin')) {
      replaceChildren(
        content,
        h('p', {}, 'Only an admin can manage users.'),
        h(
          'button',
          { type: 'button', class: 'button primary', onclick: () => void context.requireLogin('admin', 'Log in as an admin').then(() => load()) },
          'Log in as admin',
        ),
      );
      return;
    }
    try {
      const users = listFrom<UserRow>(await request<unknown>('/api/users'), 'users');
      replaceChildren(
        content,
        h('p', {}, h('button', { type: 'button', class: 'button primary', onclick: () => void addUser() }, '+ Add user')),
        h(
          'div',
          { class: 'table-scroll' },
          h(
            'table',
            { class: 'data-table' },
            h('caption', {}, `${users.length} users`),
            h('thead', {}, h('tr', {}, ...['Name', 'Login', 'Role', 'PIN', 'Status', 'Actions'].map((name) => h('th', { scope: 'col' }, name)))),
            h(
              'tbody',
              {},
              ...users.map((user) => {
                const disabled = user.disabled === true || user.active === false;
                return h(
                  'tr',
                  { 'data-user-id': user.id },
                  h('td', {}, user.displayName),
                  h('td', {}, user.username),
                  h('td', { class: 'user-role' }, user.role),
                  h('td', { class: 'user-pin' }, user.hasPin ? 'set' : 'none'),
                  h('td', { class: 'user-status' }, disabled ? 'disabled' : 'active'),
                  h(
                    'td',
                    {},
                    h(
                      'div',
                      { class: 'actions' },
                      h(
                        'button',
                        { type: 'button', class: 'button small', 'aria-label': `Edit ${user.displayName}`, onclick: () => void editUser(user) },
                        'Edit',
                      ),
                      h(
                        'button',
                        {
                          type: 'button',
                          class: 'button small',
                          'aria-label': `${disabled ? 'Enable' : 'Disable'} ${user.displayName}`,
                          onclick: () => void patch(user, { disabled: !disabled }),
                        },
                        disabled ? 'Enable' : 'Disable',
                      ),
                    ),
                  ),
                );
              }),
            ),
          ),
        ),
      );
    } catch (error) {
      replaceChildren(content, h('p', { class: 'form-error' }, `Could not load users: ${describeError(error)}`));
    }
  }

  async function patch(user: UserRow, body: Record<string, unknown>): Promise<void> {
    try {
      await request(`/api/users/${encodeURIComponent(String(user.id))}`, { method: 'PATCH', body });
      await load();
    } catch (error) {
      window.alert(describeError(error));
    }
  }

  async function addUser(): Promise<void> {
    const done = await openFormDialog({
      title: 'Add user',
      body: [
        ...field('username', 'Login name', { required: true, autofocus: true, maxlength: 64 }),
        ...field('displayName', 'Display name', { maxlength: 120 }),
        ...roleSelect('operator'),
        ...field('pin', 'PIN for tablets: 6 to 8 digits', PIN_INPUT),
        ...field('password', 'Password (for the office)', { type: 'password', autocomplete: 'new-password', required: true }),
      ],
      submitLabel: 'Add',
      onSubmit: async (form) => {
        await request('/api/users', { method: 'POST', body: formBody(form) }).catch((error: unknown) => {
          throw new Error(describeError(error));
        });
      },
    });
    if (done) await load();
  }

  async function editUser(user: UserRow): Promise<void> {
    const done = await openFormDialog({
      title: `Edit ${user.displayName}`,
      body: [
        ...field('displayName', 'Display name', { value: user.displayName, maxlength: 120 }),
        ...roleSelect(user.role),
        ...field('pin', 'New PIN: 6 to 8 digits (leave empty to keep)', PIN_INPUT),
        // a PIN can be taken away (a shared tablet PIN that leaked); the password stays
        user.hasPin
          ? h(
              'label',
              { class: 'checkbox', for: 'user-remove-pin' },
              h('input', { type: 'checkbox', id: 'user-remove-pin', name: 'removePin', value: 'yes' }),
              ' Remove the PIN (no more keypad login)',
            )
          : h('p', { class: 'muted' }, 'No PIN set.'),
        ...field('password', 'New password (leave empty to keep)', { type: 'password', autocomplete: 'new-password' }),
      ],
      submitLabel: 'Save',
      onSubmit: async (form) => {
        const body = formBody(form);
        if (body.removePin !== undefined) {
          if (body.pin !== undefined) throw new Error('Either give a new PIN or remove it, not both.');
          delete body.removePin;
          body.pin = null;
        }
        await request(`/api/users/${encodeURIComponent(String(user.id))}`, { method: 'PATCH', body }).catch((error: unknown) => {
          throw new Error(describeError(error));
        });
      },
    });
    if (done) await load();
  }

  const unsubscribe = session.subscribe(() => void load());
  void load();
  return { element, title: 'Users', destroy: unsubscribe };
}
