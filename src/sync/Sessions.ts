import { isLaterAnswer, type Presence } from '../model';
import { publish } from './answers';
import { revivePresence, type PersistedEntry, type PresencePersistence } from './persistence';
import { parsePresenceKey } from './presenceKey';
import type { Registrations } from './Registrations';
import type { Entry, SyncState } from './SyncState';

/** How long changes gather before the state is saved for a reload. */
const PERSIST_DELAY_MS = 1000;

/**
 * Sessions and reloads: which session the engine works for (a digest of the token, or behind a
 * proxy the requesting user), and the state it keeps for a reload of that session: the last
 * known presence and the external budget already spent.
 */
export class Sessions {
  /** Whether the client was asked for its session once (clients without session keys: always). */
  #sessionKnown = false;
  #identity: string | undefined;
  #persistTimer: ReturnType<typeof setTimeout> | undefined;

  readonly #state: SyncState;
  readonly #registrations: Registrations;
  readonly #persistence: PresencePersistence | undefined;

  constructor(state: SyncState, registrations: Registrations, persistence: PresencePersistence | undefined) {
    this.#state = state;
    this.#registrations = registrations;
    this.#persistence = persistence;
  }

  /** Saves on `pagehide`: the budget spent just before a reload must reach storage first. */
  listenForPageHide(): (() => void) | undefined {
    if (!this.#persistence || typeof addEventListener !== 'function') return undefined;
    const flush = () => this.persistNow();
    addEventListener('pagehide', flush);
    return () => removeEventListener('pagehide', flush);
  }

  /**
   * With a token in the browser the session is known at once, so a reload restores before
   * anything is read; behind a proxy it is known after the own presence.
   */
  restoreEarly(): void {
    if (this.#persistence && this.#state.client.sessionKey) void this.checkSession().catch(() => undefined);
  }

  /**
   * The current session (a digest of the token). When it changed, the registrations of the old
   * one are dropped and every external user still shown is registered again, in one request.
   */
  async checkSession(): Promise<string | undefined> {
    const state = this.#state;
    if (!state.client.sessionKey) return undefined;
    const key = await state.client.sessionKey();
    if (state.destroyed) return key;
    const first = !this.#sessionKnown;
    this.#sessionKnown = true;
    if (key !== state.session) this.#onSessionChange(key);
    else {
      // Registrations another tab made under its own session (a leader this tab took over from)
      // are no use to this one (SYM-RI-8): register again rather than read into a 403.
      this.#registrations.onSessionChange(key);
      if (first) this.updateIdentity();
    }
    return key;
  }

  /** The session ended: what was kept for it is worth nothing to the next one. */
  clearKept(): void {
    this.#persistence?.clear();
  }

  /**
   * The session's identity: the digest of its token, or behind a proxy (no token in the browser)
   * the requesting user, who stands for the session there.
   */
  updateIdentity(): void {
    // With a token in the browser, wait for its digest rather than file state under the user.
    if (!this.#sessionKnown && this.#state.client.sessionKey) return;
    const selfId = this.#state.selfId;
    const identity = this.#state.session ?? (selfId === undefined ? undefined : `u:${selfId}`);
    if (identity !== undefined) this.#setIdentity(identity);
  }

  persistSoon(): void {
    if (!this.#persistence || this.#identity === undefined || this.#persistTimer || this.#state.destroyed) return;
    this.#persistTimer = setTimeout(() => {
      this.#persistTimer = undefined;
      this.persistNow();
    }, PERSIST_DELAY_MS);
  }

  persistNow(): void {
    if (!this.#persistence || this.#identity === undefined) return;
    if (this.#persistTimer) clearTimeout(this.#persistTimer);
    this.#persistTimer = undefined;
    const out: PersistedEntry[] = [];
    for (const e of this.#state.entries.values()) {
      if (!e.presence && e.lastReadAt === undefined) continue;
      const p = e.presence;
      out.push({
        key: e.key,
        presence: p ? { userId: p.userId, category: p.category, timestamp: p.timestamp } : undefined,
        seenAt: e.seenAt,
        lastReadAt: e.lastReadAt,
      });
    }
    this.#persistence.save(this.#identity, out);
  }

  /** Saves what a pending save would have (the engine is destroyed). */
  flush(): void {
    if (!this.#persistTimer) return;
    clearTimeout(this.#persistTimer);
    this.persistNow();
  }

  #onSessionChange(key: string | undefined): void {
    this.#state.session = key;
    this.#registrations.onSessionChange(key);
    this.updateIdentity();
  }

  /** Files the engine's state under `identity`, dropping what was kept for another one. */
  #setIdentity(identity: string): void {
    if (identity === this.#identity || !this.#persistence) return;
    const previous = this.#identity;
    this.#identity = identity;
    // Another session: what was kept for the old one is cleared, not shown to the new one.
    if (previous !== undefined) this.#persistence.clear();
    this.#restore(this.#persistence.load(identity) ?? []);
  }

  /** Shows what a reload kept, marked with when it will be updated, and spends its budget. */
  #restore(kept: readonly PersistedEntry[]): void {
    const state = this.#state;
    const touched: Entry[] = [];
    for (const item of kept) {
      const key = parsePresenceKey(item.key);
      if (!key) continue;
      const entry = state.entry(key);
      if (item.lastReadAt !== undefined) entry.lastReadAt = Math.max(entry.lastReadAt ?? 0, item.lastReadAt);
      if (item.presence && item.seenAt !== undefined && isLaterAnswer(entry.seenAt, item.seenAt) && !entry.presence) {
        entry.seenAt = item.seenAt;
        entry.presence = { ...revivePresence(item.presence), observedAt: item.seenAt };
        touched.push(entry);
      }
    }
    for (const entry of touched) {
      const presence: Presence = { ...entry.presence!, updateDueAt: Math.max(state.nextDue(entry), state.now()) };
      entry.presence = presence;
      if (entry.key === 'self') state.learnSelf(presence);
      publish(state, entry);
    }
    state.links.rescheduleAll();
  }
}
