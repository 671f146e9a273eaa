import { isPresenceApiError } from '../client';
import type { BadgeStatus } from '../components/describeBadge';
import { resolveLabels, type PresenceLabels } from '../components/labels';
import type { CategoryValue } from '../model';
import type { PresenceKey, PresenceSync } from '../sync';
import { onPresencePageChange, presencePage } from './configurePresence';

// Server-side renderers (Next.js, Node tests) import modules without a DOM: the classes are
// still defined, on a stand-in base, and never registered there.
const Base = (typeof HTMLElement === 'undefined' ? class {} : HTMLElement) as typeof HTMLElement;

/** What an element shows for a user: the same inputs the React badge takes. */
export interface ElementData {
  status: BadgeStatus;
  category: CategoryValue | undefined;
  timestamp: number | undefined;
}

/**
 * Base of the custom elements: follows one user (`user-id`, or `self`) in the page's engine
 * while connected (retained, so the engine polls them within Symphony's limits, and released
 * when the element leaves the document), and re-renders on their changes and on attribute
 * changes. Without `user-id` an element shows the `category` attribute and needs no engine.
 */
export abstract class PresenceElement extends Base {
  static get observedAttributes(): string[] {
    return ['user-id', 'category', 'status', 'size', 'view', 'locale', 'label'];
  }

  #engine: PresenceSync | undefined;
  #key: PresenceKey | undefined;
  #invalid = false;
  #release: (() => void) | undefined;
  #unsubscribe: (() => void) | undefined;
  #unwatchPage: (() => void) | undefined;
  #labels: { locale: string | undefined; overrides: Partial<PresenceLabels> | undefined; labels: PresenceLabels } | undefined;

  /** The user this element follows: `user-id`, or `'self'` for the picker; `null` for none. */
  protected userIdAttribute(): string | null {
    return this.getAttribute('user-id');
  }

  protected abstract render(): void;

  connectedCallback(): void {
    this.#unwatchPage ??= onPresencePageChange(() => {
      this.#follow();
      this.render();
    });
    this.#follow();
    this.render();
  }

  disconnectedCallback(): void {
    this.#unwatchPage?.();
    this.#unwatchPage = undefined;
    this.#stop();
  }

  attributeChangedCallback(name: string, oldValue: string | null, newValue: string | null): void {
    if (oldValue === newValue || !this.isConnected) return;
    if (name === 'user-id') this.#follow();
    this.render();
  }

  /** The page's engine this element reads from, when it follows a user. */
  protected get engine(): PresenceSync | undefined {
    return this.#engine;
  }

  /** Labels in the element's language (its `locale` attribute, else the page's), with the page's overrides. */
  protected labels(): PresenceLabels {
    const page = presencePage();
    const locale = this.getAttribute('locale') ?? page.locale;
    // The same object while nothing changed, so renderers can tell a language change apart.
    if (!this.#labels || this.#labels.locale !== locale || this.#labels.overrides !== page.labels) {
      this.#labels = { locale, overrides: page.labels, labels: resolveLabels(locale, page.labels) };
    }
    return this.#labels.labels;
  }

  protected view(): 'internal' | 'external' {
    const own = this.getAttribute('view');
    return own === 'external' || own === 'internal' ? own : presencePage().view;
  }

  /** Current data: the followed user's state in the engine, or the `category`/`status` attributes. */
  protected data(): ElementData {
    const fixedStatus = this.getAttribute('status') as BadgeStatus | null;
    if (this.userIdAttribute() === null) {
      const category = this.getAttribute('category') ?? undefined;
      return { status: fixedStatus ?? 'ready', category, timestamp: undefined };
    }
    if (this.#invalid) return { status: 'error', category: undefined, timestamp: undefined };
    if (!this.#engine || this.#key === undefined) return { status: 'loading', category: undefined, timestamp: undefined };
    const state = this.#engine.getState(this.#key);
    // As the React widgets: an error shows as its own state, never as the last data or OFFLINE.
    if (state.error) {
      const kind = isPresenceApiError(state.error) ? state.error.kind : undefined;
      const status = kind === 'forbidden' ? 'forbidden' : kind === 'not-found' ? 'not-found' : 'error';
      return { status, category: undefined, timestamp: undefined };
    }
    if (state.presence) return { status: 'ready', category: state.presence.category, timestamp: state.presence.timestamp };
    return { status: 'loading', category: undefined, timestamp: undefined };
  }

  #follow(): void {
    this.#stop();
    const userId = this.userIdAttribute();
    const engine = presencePage().engine;
    if (userId === null || !engine || engine.isDestroyed) return;
    this.#engine = engine;
    try {
      this.#key = engine.keyOf(userId.trim());
    } catch {
      // An invalid id is shown as an error state, before any request.
      this.#invalid = true;
      return;
    }
    const key = this.#key;
    this.#unsubscribe = engine.subscribe((event) => {
      if ((event.type === 'presence' || event.type === 'error') && event.key === key) this.render();
    });
    this.#release = engine.retain(key);
  }

  #stop(): void {
    this.#release?.();
    this.#unsubscribe?.();
    this.#release = this.#unsubscribe = undefined;
    this.#engine = this.#key = undefined;
    this.#invalid = false;
  }
}
