import type { Registrations } from './Registrations';
import type { SyncState } from './SyncState';

/** Sweeps at least a minute apart: an entry kept by an in-flight read must not spin the sweep. */
const MIN_SWEEP_GAP_MS = 60_000;

/**
 * Housekeeping: forgets users nobody has shown for `retainUnusedMs`, once their budget and
 * registration have lapsed, so that a long-lived page does not grow without end.
 */
export class Sweeper {
  #timer: ReturnType<typeof setTimeout> | undefined;

  readonly #state: SyncState;
  readonly #registrations: Registrations;

  constructor(state: SyncState, registrations: Registrations) {
    this.#state = state;
    this.#registrations = registrations;
  }

  get hasTimer(): boolean {
    return this.#timer !== undefined;
  }

  /** Plans the next sweep for the earliest entry that falls unused. */
  schedule(): void {
    const state = this.#state;
    if (!state.started || this.#timer || state.destroyed) return;
    let earliest = Infinity;
    for (const e of state.entries.values()) {
      if (e.key !== 'self' && e.refs === 0 && e.waiters.size === 0) {
        earliest = Math.min(earliest, e.lastUsedAt + state.options.retainUnusedMs);
      }
    }
    if (earliest === Infinity) return;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#sweep();
        this.schedule();
      },
      Math.max(MIN_SWEEP_GAP_MS, earliest - state.now()),
    );
  }

  /** Drops the timer (the engine is destroyed). */
  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #sweep(): void {
    const state = this.#state;
    const now = state.now();
    state.remoteWants.expire(now);
    const remote = state.remoteWants.visibleKeys();
    for (const [key, e] of state.entries) {
      const idle = e.refs === 0 && e.waiters.size === 0 && !e.inflight && !remote.has(key);
      if (!idle || key === 'self') continue;
      // Nobody waits for it (the tab that showed it may have just been forgotten): no read is due.
      if (e.timer) clearTimeout(e.timer);
      e.timer = undefined;
      // Forgetting a user forgets when it may be read again: keep it until then (an external
      // gap runs from the end of a slow read, which can come after the user lapsed).
      if (now >= e.lastUsedAt + state.options.retainUnusedMs && now >= state.nextDue(e)) state.entries.delete(key);
    }
    this.#registrations.prune(now);
  }
}
