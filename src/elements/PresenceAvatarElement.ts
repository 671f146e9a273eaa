import { describeBadge } from '../components/describeBadge';
import { initialsOf } from '../components/initialsOf';
import { formatLabel } from '../components/labels';
import { AVATAR_SIZES } from '../components/sizes';
import { PresenceElement } from './PresenceElement';
import { el, renderIcon } from './renderIcon';

/**
 * `<presence-avatar user-id="…" name="Ada Lovelace" src="/ada.png" size="48">`: the React
 * `PresenceAvatar` as a custom element: picture (initials when there is none or it fails to
 * load) with the badge in the bottom inline-end corner, name and status read together.
 * `category` instead of `user-id` shows a fixed state; `hide-badge` shows the picture alone.
 */
export class PresenceAvatarElement extends PresenceElement {
  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, 'name', 'src', 'hide-badge'];
  }

  #signature = '';
  #failedSrc: string | undefined;

  protected render(): void {
    const name = this.getAttribute('name') ?? '';
    const src = this.getAttribute('src') ?? '';
    const sizeAttr = Number(this.getAttribute('size'));
    const size = (AVATAR_SIZES as readonly number[]).includes(sizeAttr) ? sizeAttr : 32;
    const labels = this.labels();
    const data = this.data();
    const withBadge =
      !this.hasAttribute('hide-badge') && (this.userIdAttribute() !== null || this.hasAttribute('category') || this.hasAttribute('status'));
    const look = describeBadge(data.status, data.category, this.view(), labels);
    const label = withBadge ? formatLabel(labels.nameWithStatus, { name, status: look.label }) : name;
    const showImage = src !== '' && this.#failedSrc !== src;
    const signature = [name, src, size, showImage, withBadge, data.status, look.dataCategory, look.tone, label].join('|');
    if (signature === this.#signature && this.firstChild) return;
    this.#signature = signature;

    const root = el('span', 'pw-avatar');
    root.setAttribute('role', 'img');
    root.setAttribute('aria-label', label);
    root.setAttribute('data-size', String(size));
    if (withBadge) {
      root.setAttribute('data-status', data.status);
      if (look.dataCategory !== undefined) root.setAttribute('data-category', look.dataCategory);
    }
    if (showImage) {
      const img = el('img', 'pw-avatar__image') as HTMLImageElement;
      img.alt = '';
      img.addEventListener('error', () => {
        this.#failedSrc = src;
        this.render();
      });
      img.src = src;
      root.append(img);
    } else {
      const initials = el('span', 'pw-avatar__initials', initialsOf(name));
      initials.setAttribute('aria-hidden', 'true');
      root.append(initials);
    }
    if (withBadge) {
      const badge = el('span', 'pw-avatar__badge');
      badge.setAttribute('data-tone', look.tone);
      badge.append(renderIcon(look.glyph));
      root.append(badge);
    }
    this.replaceChildren(root);
  }
}
