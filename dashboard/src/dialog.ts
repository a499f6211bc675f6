/**
 * Modal dialogs on the native <dialog> element: it traps focus, closes on Escape and
 * returns focus to where it was, which is most of what keyboard users need.
 */
import { h } from './dom.js';

export interface FormDialogOptions {
  title: string;
  /** Fields and text; the element with [autofocus] gets focus. */
  body: HTMLElement[];
  submitLabel: string;
  /** Runs on submit; a thrown error is shown in the dialog and keeps it open. */
  onSubmit: (form: HTMLFormElement) => Promise<void>;
}

/** Resolves true when submitted successfully, false when cancelled. */
export function openFormDialog(options: FormDialogOptions): Promise<boolean> {
  return new Promise((resolve) => {
    const error = h('p', { class: 'form-error', role: 'alert' });
    const submit = h('button', { type: 'submit', class: 'button primary' }, options.submitLabel);
    const titleId = `dialog-${Math.random().toString(36).slice(2)}`;
    const form = h(
      'form',
      { method: 'dialog', class: 'dialog-form' },
      h('h2', { id: titleId }, options.title),
      ...options.body,
      error,
      h(
        'div',
        { class: 'dialog-actions' },
        h('button', { type: 'button', class: 'button', value: 'cancel', onclick: () => dialog.close('cancel') }, 'Cancel'),
        submit,
      ),
    );
    const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': titleId }, form);
    let done = false;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      submit.disabled = true;
      error.textContent = '';
      options.onSubmit(form).then(
        () => {
          done = true;
          dialog.close('ok');
        },
        (failure: unknown) => {
          error.textContent = failure instanceof Error ? failure.message : String(failure);
          submit.disabled = false;
        },
      );
    });
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(done);
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}
