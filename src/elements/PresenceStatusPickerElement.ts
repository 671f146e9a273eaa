import { describeBadge } from '../components/describeBadge';
import { formatLabel, type PresenceLabels } from '../components/labels';
import { placeList, type ListPlacement } from '../components/listPlacement';
import { getCategoryInfo, settableCategories, toExternalView, type PresenceCategory } from '../model';
import { PresenceElement } from './PresenceElement';
import { el, renderIcon, renderPathIcon } from './renderIcon';

/** Letters typed within this many ms form one typeahead term (as in the React picker). */
const TYPEAHEAD_RESET_MS = 500;

let nextId = 0;

/** The picker's nodes, built once so that the button keeps the focus across renders. */
interface PickerParts {
  root: HTMLElement;
  anchor: HTMLElement;
  trigger: HTMLButtonElement;
  value: HTMLElement;
  list: HTMLElement;
  status: HTMLElement;
}

/**
 * `<presence-status-picker size soft>`: the React `StatusPicker` as a custom element, showing and
 * setting the requesting user's presence through the page's engine (optimistic, rolled back
 * with an announced error). Same markup and classes, and the same WAI-ARIA select-only combobox
 * keyboard: arrows, Home/End, PageUp/PageDown, typeahead, Enter/Space, Escape, Tab closes.
 * Emits `presence-change` (detail `{ category, soft }`) when the user picks a status.
 */
export class PresenceStatusPickerElement extends PresenceElement {
  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, 'soft', 'disabled'];
  }

  readonly #id = `pw-picker-${++nextId}-`;
  readonly #options: readonly PresenceCategory[] = settableCategories();
  #open = false;
  #active = -1;
  #pending = false;
  #failed = false;
  #typed = { text: '', timer: undefined as ReturnType<typeof setTimeout> | undefined };
  #parts: PickerParts | undefined;
  #optionLabels: PresenceLabels | undefined;
  #placement: ListPlacement = { side: 'bottom', align: 'end' };
  #placing = false;
  /** Measures the open list again when the window is resized or anything under it scrolls. */
  #onMove = () => {
    if (this.#open) this.#place();
  };
  #onPointerDown = (e: PointerEvent) => {
    if (this.#open && !this.contains(e.target as Node)) this.#close();
  };

  protected override userIdAttribute(): string {
    return 'self';
  }

  override connectedCallback(): void {
    document.addEventListener('pointerdown', this.#onPointerDown);
    super.connectedCallback();
  }

  override disconnectedCallback(): void {
    document.removeEventListener('pointerdown', this.#onPointerDown);
    this.#watchPlacement(false);
    clearTimeout(this.#typed.timer);
    super.disconnectedCallback();
  }

  #build(): PickerParts {
    const root = el('span', 'pw-picker');
    const trigger = el('button', 'pw-picker__trigger') as HTMLButtonElement;
    trigger.type = 'button';
    trigger.setAttribute('role', 'combobox');
    trigger.setAttribute('aria-haspopup', 'listbox');
    trigger.setAttribute('aria-controls', `${this.#id}list`);
    const value = el('span', 'pw-picker__value');
    const list = el('span', 'pw-listbox');
    list.id = `${this.#id}list`;
    list.setAttribute('role', 'listbox');
    const status = el('span', 'pw-picker__status');
    status.id = `${this.#id}status`;
    status.setAttribute('role', 'status');
    trigger.addEventListener('click', () => {
      if (trigger.disabled) return;
      trigger.focus();
      if (this.#open) this.#close();
      else this.#openAt(Math.max(this.#selected(), 0));
    });
    trigger.addEventListener('keydown', (e) => this.#keyDown(e));
    trigger.addEventListener('blur', (e) => {
      if (this.#open && !this.contains(e.relatedTarget as Node | null)) this.#close();
    });
    // As in the React picker: the list is placed against the button alone (not the whole picker,
    // which a flex parent may stretch, or whose status line may add height). The stylesheet no
    // longer positions .pw-picker, so without this wrapper the list is placed against the page.
    const anchor = el('span', 'pw-picker__anchor');
    anchor.append(trigger, list);
    root.append(anchor, status);
    this.replaceChildren(root);
    return { root, anchor, trigger, value, list, status };
  }

  #selected(): number {
    const category = this.data().category;
    return category === undefined ? -1 : this.#options.indexOf(category as PresenceCategory);
  }

  protected render(): void {
    if (!this.#parts || this.#parts.root.parentNode !== this) {
      this.#parts = this.#build();
      this.#optionLabels = undefined;
    }
    const { root, trigger, value, list, status } = this.#parts;
    const labels = this.labels();
    const view = this.view();
    const data = this.data();
    const state = this.#open ? 'open' : 'closed';
    const size = this.getAttribute('size') ?? 'medium';
    const shown = data.status === 'ready' && data.category !== undefined ? (view === 'external' ? toExternalView(data.category) : data.category) : undefined;
    const info = shown === undefined ? undefined : getCategoryInfo(shown);
    const look = describeBadge('ready', shown, 'internal', labels);
    // As the React picker: saving, then a failure, then the first read still under way.
    const message = this.#pending ? labels.saving : this.#failed ? labels.saveFailed : data.status === 'loading' ? labels.loading : '';

    root.setAttribute('data-state', state);
    root.setAttribute('data-size', size);
    trigger.disabled = this.hasAttribute('disabled');
    trigger.setAttribute('aria-expanded', String(this.#open));
    trigger.setAttribute('aria-label', labels.changeStatus);
    toggle(trigger, 'aria-activedescendant', this.#open && this.#active >= 0 ? `${this.#id}opt${this.#active}` : undefined);
    toggle(trigger, 'aria-describedby', message ? status.id : undefined);
    toggle(trigger, 'aria-busy', this.#pending || data.status === 'loading' ? 'true' : undefined);
    trigger.setAttribute('data-state', state);
    trigger.setAttribute('data-tone', info?.tone ?? 'unknown');
    toggle(trigger, 'data-category', info ? info.category : shown === undefined ? undefined : 'unknown');
    value.textContent = info ? labels[info.category] : shown === undefined ? labels.changeStatus : labels.unknown;
    const glyph = this.#pending || shown === undefined ? 'loading' : look.glyph;
    trigger.replaceChildren(renderIcon(glyph), value, renderPathIcon('pw-picker__chevron', 'M4 6l4 4 4-4'));

    list.setAttribute('aria-label', labels.changeStatus);
    list.setAttribute('data-state', state);
    list.hidden = !this.#open;
    this.#watchPlacement(this.#open);
    // Options are rebuilt only when the language changes: a node replaced under the pointer
    // between mousedown and mouseup would lose the click.
    if (this.#optionLabels !== labels) {
      this.#optionLabels = labels;
      list.replaceChildren(...this.#options.map((category, i) => this.#option(category, i, labels)));
    }
    this.#options.forEach((category, i) => {
      const option = list.children[i];
      if (!option) return;
      option.setAttribute('aria-selected', String(category === shown));
      toggle(option, 'data-active', i === this.#active ? '' : undefined);
    });
    status.textContent = message;
    toggle(status, 'data-error', !this.#pending && this.#failed ? '' : undefined);
    // Measured before it is painted, with its options in: below or above the button, lined up
    // with one of its edges, capped when it fits neither side (useListPlacement's rules).
    if (this.#open) this.#place();
    else this.#applyPlacement();
    if (this.#open && this.#active >= 0) this.#scrollToActive();
  }

  #place(): void {
    const { trigger, list } = this.#parts!;
    this.#placement = placeList(trigger.getBoundingClientRect(), list, trigger);
    this.#applyPlacement();
  }

  #applyPlacement(): void {
    const { list } = this.#parts!;
    const { side, align, maxHeight } = this.#placement;
    list.setAttribute('data-side', side);
    list.setAttribute('data-align', align);
    // Through the CSS object model, which a strict CSP allows.
    if (maxHeight === undefined) list.style.removeProperty('--pw-listbox-max-height');
    else list.style.setProperty('--pw-listbox-max-height', `${maxHeight}px`);
    if (list.getAttribute('style') === '') list.removeAttribute('style');
  }

  /** Window listeners that keep the open list placed: on while open only. */
  #watchPlacement(on: boolean): void {
    if (on === this.#placing) return;
    this.#placing = on;
    const method = on ? 'addEventListener' : 'removeEventListener';
    window[method]('resize', this.#onMove);
    // Capture: scrolling any ancestor moves the button.
    window[method]('scroll', this.#onMove, true);
  }

  /** Scrolls the list only: scrollIntoView would scroll the page too when the option is off screen. */
  #scrollToActive(): void {
    const list = this.#parts!.list;
    const option = list.children[this.#active] as HTMLElement | undefined;
    if (!option) return;
    const top = option.offsetTop;
    const bottom = top + option.offsetHeight;
    if (top < list.scrollTop) list.scrollTop = top;
    else if (bottom > list.scrollTop + list.clientHeight) list.scrollTop = bottom - list.clientHeight;
  }

  #option(category: PresenceCategory, i: number, labels: PresenceLabels): HTMLElement {
    const info = getCategoryInfo(category);
    const external = info.externalView;
    const id = `${this.#id}opt${i}`;
    const option = el('span', 'pw-option');
    option.id = id;
    option.setAttribute('role', 'option');
    option.setAttribute('data-category', category);
    option.setAttribute('data-tone', info.tone);
    const text = el('span', 'pw-option__text');
    text.append(el('span', 'pw-option__label', labels[category]));
    if (external !== category) {
      option.setAttribute('aria-describedby', `${id}hint`);
      const hint = el('span', 'pw-option__hint', formatLabel(labels.externalSees, { label: labels[category], external: labels[external] }));
      hint.id = `${id}hint`;
      hint.setAttribute('aria-hidden', 'true');
      text.append(hint);
    }
    option.append(renderIcon(info.glyph), text, renderPathIcon('pw-option__check', 'M3.5 8.5l3 3 6-7'));
    // Keep the focus on the button, which owns the keyboard.
    option.addEventListener('mousedown', (e) => e.preventDefault());
    option.addEventListener('pointermove', () => {
      if (this.#active !== i) {
        this.#active = i;
        this.render();
      }
    });
    option.addEventListener('click', () => this.#commit(i));
    return option;
  }

  #openAt(index: number): void {
    this.#active = index;
    this.#open = true;
    this.render();
  }

  #close(): void {
    clearTimeout(this.#typed.timer);
    this.#typed.text = '';
    this.#open = false;
    this.render();
  }

  #commit(index: number): void {
    const category = this.#options[index];
    this.#close();
    const engine = this.engine;
    if (category === undefined || !engine || category === this.data().category) return;
    const soft = this.hasAttribute('soft');
    this.dispatchEvent(new CustomEvent('presence-change', { detail: { category, soft }, bubbles: true }));
    this.#pending = true;
    this.#failed = false;
    this.render();
    engine.setOwnPresence({ category, soft }).then(
      () => {
        this.#pending = false;
        this.render();
      },
      () => {
        // The engine has already gone back to the last confirmed state; say why.
        this.#pending = false;
        this.#failed = true;
        this.render();
      },
    );
  }

  #search(key: string, from: number): number {
    const typed = this.#typed;
    clearTimeout(typed.timer);
    typed.text += key.toLowerCase();
    typed.timer = setTimeout(() => (typed.text = ''), TYPEAHEAD_RESET_MS);
    const text = typed.text;
    const repeated = [...text].every((c) => c === text[0]);
    const term = repeated ? text.slice(0, 1) : text;
    const start = repeated ? from + 1 : Math.max(from, 0);
    const labels = this.labels();
    for (let k = 0; k < this.#options.length; k++) {
      const i = (start + k) % this.#options.length;
      if (labels[this.#options[i]!].toLowerCase().startsWith(term)) return i;
    }
    return -1;
  }

  #keyDown(e: KeyboardEvent): void {
    const last = this.#options.length - 1;
    const { key } = e;
    const printable = key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey;
    if (!this.#open) {
      const selected = this.#selected();
      let index: number;
      if (key === 'Enter' || key === ' ' || key === 'ArrowDown' || key === 'ArrowUp') index = Math.max(selected, 0);
      else if (key === 'Home') index = 0;
      else if (key === 'End') index = last;
      else if (printable) index = this.#search(key, selected);
      else return;
      e.preventDefault();
      if (index >= 0) this.#openAt(index);
      return;
    }
    const active = this.#active;
    let next: number;
    switch (key) {
      case 'ArrowDown':
        next = Math.min(active + 1, last);
        break;
      case 'ArrowUp':
        if (e.altKey) {
          e.preventDefault();
          this.#commit(active);
          return;
        }
        next = Math.max(active - 1, 0);
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = last;
        break;
      case 'PageUp':
        next = Math.max(active - 10, 0);
        break;
      case 'PageDown':
        next = Math.min(active + 10, last);
        break;
      case 'Escape':
        e.preventDefault();
        e.stopPropagation();
        this.#close();
        return;
      case 'Tab':
        this.#close();
        return;
      case 'Enter':
        e.preventDefault();
        this.#commit(active);
        return;
      default:
        if (key === ' ' && this.#typed.text === '') {
          e.preventDefault();
          this.#commit(active);
          return;
        }
        if (!printable) return;
        next = this.#search(key, active);
        if (next < 0) {
          e.preventDefault();
          return;
        }
    }
    e.preventDefault();
    this.#active = next;
    this.render();
  }
}

function toggle(node: Element, name: string, value: string | undefined): void {
  if (value === undefined) node.removeAttribute(name);
  else node.setAttribute(name, value);
}
