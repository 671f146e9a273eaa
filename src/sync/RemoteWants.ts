/** How often a follower tab repeats its wish list; three missed repeats and it is forgotten. */
export const WANT_REFRESH_MS = 30_000;

interface RemoteWant {
  keys: Set<string>;
  visible: boolean;
  at: number;
}

/** What the other tabs show, by tab: the leader polls these keys as if this tab showed them. */
export class RemoteWants {
  readonly #byTab = new Map<string, RemoteWant>();

  get size(): number {
    return this.#byTab.size;
  }

  set(tab: string, keys: readonly string[], visible: boolean, now: number): void {
    this.#byTab.set(tab, { keys: new Set(keys), visible, at: now });
  }

  delete(tab: string): void {
    this.#byTab.delete(tab);
  }

  /** Keys shown by a visible tab. */
  visibleKeys(): Set<string> {
    const keys = new Set<string>();
    for (const want of this.#byTab.values()) if (want.visible) for (const k of want.keys) keys.add(k);
    return keys;
  }

  /** Forgets tabs that went silent without a goodbye (crashed, frozen). */
  expire(now: number): void {
    const cutoff = now - WANT_REFRESH_MS * 3;
    for (const [tab, want] of this.#byTab) if (want.at < cutoff) this.#byTab.delete(tab);
  }
}
