/**
 * The supply form for tablets: press → kind → unit/colour → product and lot → quantity →
 * submit, each step a row of big buttons (real radio inputs, so keyboards and screen
 * readers work) or a field a barcode scanner can type into (it ends with Enter: next field).
 */
import { h } from '../dom.js';
import { inkColour } from '../format.js';
import { newClientId } from '../supply-outbox.js';
import type { SupplySuggestion } from '../supply-suggestions.js';
import { SUPPLY_KINDS, type PressWithForecast, type SupplyDraft, type SupplyKind } from '../types.js';

const KIND_WORDS: Record<SupplyKind, string> = {
  ink: 'Ink',
  paper: 'Paper',
  plate: 'Plate',
  blanket: 'Blanket',
  'fountain-solution': 'Fountain solution',
  other: 'Other',
};
const DEFAULT_UOM: Record<SupplyKind, string> = { ink: 'kg', paper: 'sheets', plate: 'pcs', blanket: 'pcs', 'fountain-solution': 'l', other: 'pcs' };
const QUICK_QUANTITIES: Record<SupplyKind, number[]> = {
  ink: [1, 2.5, 5],
  paper: [1000, 2500, 5000],
  plate: [1, 4, 5],
  blanket: [1, 2],
  'fountain-solution': [5, 10, 20],
  other: [1, 2, 5],
};
/** Units of measure the service accepts for each kind (src/supplies/supply-input.ts). */
const UOMS: Record<SupplyKind, string[]> = {
  ink: ['kg', 'g', 'l', 'ml'],
  paper: ['sheets', 'rolls', 'kg', 'm', 'pcs'],
  plate: ['pcs'],
  blanket: ['pcs', 'm'],
  'fountain-solution': ['l', 'ml', 'kg', 'g'],
  other: ['kg', 'g', 'l', 'ml', 'sheets', 'pcs', 'rolls', 'm'],
};
const LAST_PRODUCT_KEY = 'pressroom.lastProducts';

export interface SupplyForm {
  element: HTMLFormElement;
  prefill(suggestion: SupplySuggestion): void;
  setPresses(presses: PressWithForecast[]): void;
}

function radioRow(options: {
  name: string;
  legend: string;
  items: { value: string; label: (Node | string)[]; swatch?: string }[];
  onPick: (value: string) => void;
}): HTMLFieldSetElement {
  return h(
    'fieldset',
    { class: `choice-row choice-${options.name}` },
    h('legend', {}, options.legend),
    ...options.items.map((item) => {
      const input = h('input', {
        type: 'radio',
        name: options.name,
        value: item.value,
        class: 'visually-hidden-input',
        onchange: () => options.onPick(item.value),
      });
      return h(
        'label',
        { class: 'choice', 'data-value': item.value },
        input,
        item.swatch ? h('span', { class: 'swatch', style: `--ink:${item.swatch}`, 'aria-hidden': 'true' }) : null,
        ...item.label,
      );
    }),
  );
}

function checked(form: HTMLFormElement, name: string): string | null {
  return form.querySelector<HTMLInputElement>(`input[name="${name}"]:checked`)?.value ?? null;
}

function pick(form: HTMLFormElement, name: string, value: string | null): void {
  const input = value === null ? null : form.querySelector<HTMLInputElement>(`input[name="${name}"][value="${CSS.escape(value)}"]`);
  if (input) input.checked = true;
}

export function createSupplyForm(options: { onSubmit: (draft: SupplyDraft) => void }): SupplyForm {
  let presses: PressWithForecast[] = [];
  let suggestionId: string | null = null;
  const form = h('form', { class: 'supply-form', 'aria-label': 'Log a supply', novalidate: true });
  const pressRow = h('div');
  const unitRow = h('div');
  const product = h('input', { id: 'supply-product', name: 'product', class: 'big-input', autocomplete: 'off', enterkeyhint: 'next', maxlength: 120 });
  const lot = h('input', { id: 'supply-lot', name: 'lot', class: 'big-input', autocomplete: 'off', enterkeyhint: 'next', maxlength: 120 });
  const quantity = h('input', {
    id: 'supply-quantity',
    name: 'quantity',
    class: 'big-input',
    inputmode: 'decimal',
    autocomplete: 'off',
    enterkeyhint: 'done',
    required: true,
  });
  const uom = h('select', { id: 'supply-uom', name: 'uom', class: 'big-input' }, ...UOMS.other.map((u) => h('option', { value: u }, u)));
  const quick = h('div', { class: 'quick-quantities', role: 'group', 'aria-label': 'Common quantities' });
  const note = h('input', { id: 'supply-note', name: 'note', class: 'big-input', autocomplete: 'off', maxlength: 500 });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const kindRow = radioRow({
    name: 'kind',
    legend: 'What was replaced',
    items: SUPPLY_KINDS.map((kind) => ({ value: kind, label: [KIND_WORDS[kind]] })),
    onPick: () => kindChanged(true),
  });

  function selectedPress(): PressWithForecast | undefined {
    return presses.find((press) => press.id === checked(form, 'pressId'));
  }

  function renderPresses(): void {
    const current = checked(form, 'pressId');
    pressRow.replaceChildren(
      radioRow({
        name: 'pressId',
        legend: 'Press',
        items: presses.map((press) => ({ value: press.id, label: [press.name] })),
        onPick: () => {
          renderUnits();
          next(kindRow);
        },
      }),
    );
    pick(form, 'pressId', current ?? (presses.length === 1 ? (presses[0]?.id ?? null) : null));
  }

  function renderUnits(): void {
    const kind = checked(form, 'kind') as SupplyKind | null;
    const press = selectedPress();
    const perUnit = kind === 'ink' || kind === 'plate' || kind === 'blanket';
    unitRow.hidden = !perUnit || !press;
    if (!perUnit || !press) return unitRow.replaceChildren();
    const current = checked(form, 'unit');
    unitRow.replaceChildren(
      radioRow({
        name: 'unit',
        legend: 'Printing unit',
        items: press.ink.map((ink) => ({ value: String(ink.unit), label: [`${ink.unit} · ${ink.color}`], swatch: inkColour(ink.color).fill })),
        onPick: () => {
          prefillProduct();
          next(product);
        },
      }),
    );
    pick(form, 'unit', current);
  }

  function kindChanged(moveOn: boolean): void {
    const kind = checked(form, 'kind') as SupplyKind | null;
    if (!kind) return;
    uom.replaceChildren(...UOMS[kind].map((u) => h('option', { value: u }, u)));
    uom.value = DEFAULT_UOM[kind];
    quick.replaceChildren(
      ...QUICK_QUANTITIES[kind].map((value) =>
        h(
          'button',
          {
            type: 'button',
            class: 'button quick',
            onclick: () => {
              quantity.value = String(value);
            },
          },
          `${value} ${DEFAULT_UOM[kind]}`,
        ),
      ),
    );
    renderUnits();
    prefillProduct();
    if (moveOn) next(unitRow.hidden ? product : unitRow);
  }

  function productKey(): string {
    const press = selectedPress();
    const unit = checked(form, 'unit');
    const color = press?.ink.find((ink) => String(ink.unit) === unit)?.color ?? '';
    return `${checked(form, 'kind')}|${color}`;
  }

  /** The product last logged for this kind and colour: the common case is the same ink again. */
  function prefillProduct(): void {
    const remembered = (JSON.parse(localStorage.getItem(LAST_PRODUCT_KEY) ?? '{}') as Record<string, string>)[productKey()];
    if (remembered && !product.value) product.value = remembered;
  }

  function next(target: HTMLElement): void {
    target.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    if (target instanceof HTMLInputElement) target.focus({ preventScroll: true });
  }

  // a barcode scanner "types" the code and presses Enter: go to the next field, do not submit
  product.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      lot.focus();
    }
  });
  lot.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      quantity.focus();
    }
  });

  form.append(
    pressRow,
    kindRow,
    unitRow,
    h(
      'fieldset',
      { class: 'field-row' },
      h('legend', {}, 'Product and lot'),
      h('label', { for: product.id }, 'Product (scan or type)'),
      product,
      h('label', { for: lot.id }, 'Lot number'),
      lot,
    ),
    h(
      'fieldset',
      { class: 'field-row' },
      h('legend', {}, 'Quantity'),
      h(
        'div',
        { class: 'quantity-line' },
        h('label', { for: quantity.id, class: 'visually-hidden' }, 'Quantity'),
        quantity,
        h('label', { for: uom.id, class: 'visually-hidden' }, 'Unit of measure'),
        uom,
      ),
      quick,
      h('label', { for: note.id }, 'Note (optional)'),
      note,
    ),
    error,
    h('button', { type: 'submit', class: 'button primary big submit-supply' }, 'Log supply'),
  );

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const press = selectedPress();
    const kind = checked(form, 'kind') as SupplyKind | null;
    const unitValue = checked(form, 'unit');
    const amount = Number(quantity.value.replace(',', '.'));
    const missing = !press
      ? 'Choose a press.'
      : !kind
        ? 'Choose what was replaced.'
        : !unitRow.hidden && unitValue === null
          ? 'Choose the printing unit.'
          : !(amount > 0)
            ? 'Enter a quantity above zero.'
            : null;
    error.textContent = missing ?? '';
    if (missing || !press || !kind) return;
    const unit = unitRow.hidden || unitValue === null ? undefined : Number(unitValue);
    const color = unit === undefined ? undefined : press.ink.find((ink) => ink.unit === unit)?.color;
    const draft: SupplyDraft = {
      clientId: newClientId(),
      pressId: press.id,
      kind,
      quantity: amount,
      uom: uom.value,
      ...(unit !== undefined ? { unit } : {}),
      ...(color ? { color } : {}),
      ...(product.value.trim() ? { product: product.value.trim() } : {}),
      ...(lot.value.trim() ? { lot: lot.value.trim() } : {}),
      ...(note.value.trim() ? { note: note.value.trim() } : {}),
      ...(suggestionId ? { suggestionId } : {}),
    };
    if (draft.product) {
      const remembered = JSON.parse(localStorage.getItem(LAST_PRODUCT_KEY) ?? '{}') as Record<string, string>;
      localStorage.setItem(LAST_PRODUCT_KEY, JSON.stringify({ ...remembered, [productKey()]: draft.product }));
    }
    options.onSubmit(draft);
    // the press stays chosen: the next entry is usually for the same press
    for (const name of ['kind', 'unit']) for (const input of form.querySelectorAll<HTMLInputElement>(`input[name="${name}"]`)) input.checked = false;
    for (const field of [product, lot, quantity, note]) field.value = '';
    suggestionId = null;
    renderUnits();
    quick.replaceChildren();
    kindRow.querySelector('input')?.focus();
  });

  return {
    element: form,
    setPresses(list) {
      presses = list;
      renderPresses();
      renderUnits();
    },
    prefill(suggestion) {
      suggestionId = suggestion.suggestionId;
      pick(form, 'pressId', suggestion.pressId);
      pick(form, 'kind', suggestion.kind);
      kindChanged(false);
      if (suggestion.unit !== null) pick(form, 'unit', String(suggestion.unit));
      prefillProduct();
      next(product);
    },
  };
}
