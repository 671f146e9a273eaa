import { describeBadge } from '../components/describeBadge';
import { BADGE_SIZES } from '../components/sizes';
import { PresenceElement } from './PresenceElement';
import { el, renderIcon } from './renderIcon';

/** `size` attribute: a named size, or a width in pixels ("18"); anything else is medium. */
export function parseBadgeSize(value: string | null): { size: string; px: number | undefined } {
  if (value !== null && /^\d+(\.\d+)?$/.test(value.trim())) return { size: 'custom', px: Number(value) };
  return { size: value !== null && Object.hasOwn(BADGE_SIZES, value) ? value : 'medium', px: undefined };
}

/**
 * `<presence-badge user-id="12987981103236" show-label size="large">`: the React `PresenceBadge`
 * as a custom element, with the same markup (a `.pw-badge` span inside), stylesheet, glyphs and
 * labels. Attributes: `user-id` (or `self`) for live presence from the page's engine, else
 * `category` (and `status`); `show-label`, `size`, `view` (`external`), `locale`, `label`.
 */
export class PresenceBadgeElement extends PresenceElement {
  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, 'show-label'];
  }

  #signature = '';

  protected render(): void {
    const data = this.data();
    const look = describeBadge(data.status, data.category, this.view(), this.labels());
    const label = this.getAttribute('label') ?? this.getAttribute('aria-label') ?? look.label;
    const showLabel = this.hasAttribute('show-label');
    const { size, px } = parseBadgeSize(this.getAttribute('size'));
    // Rosters re-render on every engine event of their users: touch the DOM only on change.
    const signature = [data.status, look.dataCategory, look.glyph, label, showLabel, size, px].join('|');
    if (signature === this.#signature && this.firstChild) return;
    this.#signature = signature;

    // The markup of React's renderPresenceBadge: icon only, the root is role="img" named by the
    // label; with the label shown, the text is the content and the icon decorative.
    const root = el('span', `pw-badge pw-badge--${look.tone}`);
    if (!showLabel) {
      root.setAttribute('role', 'img');
      root.setAttribute('aria-label', label);
    }
    if (look.dataCategory !== undefined) root.setAttribute('data-category', look.dataCategory);
    root.setAttribute('data-status', data.status);
    root.setAttribute('data-tone', look.tone);
    root.setAttribute('data-size', size);
    root.append(renderIcon(look.glyph, px));
    if (showLabel) root.append(el('span', 'pw-badge__label', label));
    this.replaceChildren(root);
  }
}
