/**
 * Sign-in for the shop floor: a name and a PIN typed on a big keypad (gloves, ink on the
 * fingers), or a password for the office. A physical keyboard works as well.
 */
import { describeError } from './api.js';
import { h } from './dom.js';
import type { Session } from './session.js';
import type { SessionUser } from './types.js';

const LAST_USER_KEY = 'pressroom.lastUsername';

export function loginPanel(options: { session: Session; intro?: string; onLoggedIn: (user: SessionUser) => void }): HTMLElement {
  const uid = Math.random().toString(36).slice(2, 8);
  const username = h('input', {
    id: `login-name-${uid}`,
    name: 'username',
    autocomplete: 'username',
    required: true,
    autocapitalize: 'none',
    spellcheck: 'false',
    class: 'big-input',
  });
  username.value = localStorage.getItem(LAST_USER_KEY) ?? '';
  const pin = h('input', {
    id: `login-pin-${uid}`,
    name: 'pin',
    type: 'password',
    inputmode: 'numeric',
    autocomplete: 'one-time-code',
    maxlength: 12,
    class: 'big-input pin-input',
  });
  const password = h('input', { id: `login-password-${uid}`, name: 'password', type: 'password', autocomplete: 'current-password', class: 'big-input' });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'button primary big' }, 'Log in');
  let usePassword = false;

  const pinBlock = h(
    'div',
    { class: 'pin-block' },
    h('label', { for: pin.id }, 'PIN'),
    pin,
    h(
      'div',
      { class: 'keypad', role: 'group', 'aria-label': 'PIN keypad' },
      ...['1', '2', '3', '4', '5', '6', '7', '8', '9', '⌫', '0', 'C'].map((key) =>
        h(
          'button',
          {
            type: 'button',
            class: 'key',
            'aria-label': key === '⌫' ? 'Delete last digit' : key === 'C' ? 'Clear PIN' : key,
            onclick: () => {
              if (key === '⌫') pin.value = pin.value.slice(0, -1);
              else if (key === 'C') pin.value = '';
              else if (pin.value.length < 12) pin.value += key;
            },
          },
          key,
        ),
      ),
    ),
  );
  const passwordBlock = h('div', { class: 'password-block', hidden: true }, h('label', { for: password.id }, 'Password'), password);
  const toggle = h('button', { type: 'button', class: 'link-button' }, 'Use a password instead');
  toggle.addEventListener('click', () => {
    usePassword = !usePassword;
    pinBlock.hidden = usePassword;
    passwordBlock.hidden = !usePassword;
    toggle.textContent = usePassword ? 'Use a PIN instead' : 'Use a password instead';
    (usePassword ? password : pin).focus();
  });

  const form = h(
    'form',
    { class: 'login-panel', 'aria-label': 'Log in' },
    options.intro ? h('p', { class: 'login-intro' }, options.intro) : null,
    h('label', { for: username.id }, 'Name'),
    username,
    pinBlock,
    passwordBlock,
    toggle,
    error,
    submit,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    error.textContent = '';
    const name = username.value.trim();
    const secret = usePassword ? { password: password.value } : { pin: pin.value };
    if (!name || !(secret.password ?? secret.pin)) {
      error.textContent = usePassword ? 'Enter your name and password.' : 'Enter your name and PIN.';
      return;
    }
    submit.disabled = true;
    options.session.login({ username: name, ...secret }).then(
      (user) => {
        localStorage.setItem(LAST_USER_KEY, name);
        pin.value = '';
        password.value = '';
        options.onLoggedIn(user);
      },
      (failure: unknown) => {
        error.textContent = describeError(failure);
        submit.disabled = false;
        pin.value = '';
      },
    );
  });
  return form;
}
